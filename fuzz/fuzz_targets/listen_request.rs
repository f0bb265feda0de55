//! `meetergo listen`'s request handling: raw bytes as one HTTP/1.1 connection, through the same hyper setup and
//! handler as the real server. Never a panic, always an HTTP answer or a closed connection, and the listener keeps
//! its bounds.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use meetergo_cli::listen::{ListenOptions, Listener};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    runtime().block_on(async {
        let app = Listener::app_for_fuzzing(ListenOptions::new(0));
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let limits = meetergo_mock::serve::Limits::default();
        let served = tokio::spawn(meetergo_mock::serve::serve_connection(server, app, limits));
        let _ = client.write_all(data).await;
        let _ = client.shutdown().await;
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "no answer and no close within 5 s");
        if !answer.is_empty() {
            // HTTP/1.1, or HTTP/1.0 to a 1.0 request.
            assert!(answer.starts_with(b"HTTP/1."), "{:?}", String::from_utf8_lossy(&answer));
        }
        served.await.expect("the connection task does not panic");
    });
});
