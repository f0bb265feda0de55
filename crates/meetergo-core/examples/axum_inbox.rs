//! A meetergo receiver with axum and a durable inbox: nothing acknowledged is ever lost, nothing done twice.
//!
//! The route stores each delivery (SQLite here; `redis://…` when several receivers share the work) before it answers
//! 200 — 503 when it cannot store, so meetergo's log shows the failure — and tokio workers run the handler once per
//! event, retrying failures with backoff.
//!
//!     MEETERGO_INBOX=sqlite:inbox.db PORT=3000 cargo run -p meetergo-core --features axum --example axum_inbox
//!     meetergo trigger booking_created --to http://127.0.0.1:3000/webhooks/meetergo --repeat 2

use std::sync::Arc;

use meetergo_core::inbox::axum::{WorkerOptions, router, spawn_worker};
use meetergo_core::inbox::{Inbox, InboxOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store = std::env::var("MEETERGO_INBOX").unwrap_or_else(|_| "sqlite:inbox.db".into());
    let inbox = Arc::new(Inbox::open(&store, InboxOptions::default())?);
    let worker = spawn_worker(
        Arc::clone(&inbox),
        WorkerOptions::default(),
        |claim| async move {
            let event = claim.event()?;
            // Key your own side effects by claim.key: a handler may run again after a failure or a lost lease.
            println!(
                "{} {} (attempt {})",
                event.webhook_type(),
                claim.key,
                claim.attempt
            );
            Ok::<(), meetergo_core::PayloadError>(())
        },
    );
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!(
        "listening on http://{}/webhooks/meetergo",
        listener.local_addr()?
    );
    axum::serve(listener, router(inbox, "/webhooks/meetergo"))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    worker.stop().await;
    Ok(())
}
