//! `meetergo tour`: the seed ("Managing Webhooks") end to end with the SDK, offline, in a few seconds.
//!
//! The stand-in and a listener run in this process on free ports; every step prints what it did and checks that it
//! behaved as documented. Any surprise fails the tour (exit status 1).

use std::time::{Duration, Instant};

use meetergo_core::{Client, Error, EventType, NewWebhook, Webhook, WebhookPatch};
use meetergo_mock::{MockConfig, MockServer, SimulateRequest};

use crate::CliError;
use crate::listen::{ListenOptions, Listener};
use crate::table;

/// The personal access token the tour uses on the stand-in.
pub const TOUR_TOKEN: &str = "rgo-meetergo-tour";

/// How long the tour waits for a delivery to reach its listener.
const DELIVERY_WAIT: Duration = Duration::from_secs(5);

fn step(n: u32, title: &str) {
    if n > 1 {
        say!();
    }
    say!("== {n}. {title}");
}

fn fail(step: u32, what: impl std::fmt::Display) -> CliError {
    CliError::msg(format!(
        "tour step {step} did not behave as expected: {what}"
    ))
}

fn types(hook: &Webhook) -> String {
    table::event_types(hook)
}

/// Runs the tour.
pub async fn run() -> Result<(), CliError> {
    let started = Instant::now();
    say!(
        "meetergo tour: the webhook lifecycle of meetergo's \"Managing Webhooks\" guide, end to end, offline"
    );
    say!();
    // The receiver is `http://localhost:<port>`, which meetergo's URL check refuses (no top-level domain): the
    // stand-in is started for local development, as `meetergo mock --allow-local-endpoints` is.
    let mock = MockServer::start(MockConfig::default().allow_local_endpoints(true))
        .await
        .map_err(|e| CliError::msg(format!("cannot start the stand-in: {e}")))?;
    let mut listener = Listener::start(ListenOptions::new(0)).await?;
    let result = walk(&mock, &mut listener).await;
    listener.shutdown().await;
    mock.shutdown().await;
    result?;
    say!();
    say!(
        "Tour complete in {:.1} s: every step behaved as documented.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn walk(mock: &MockServer, listener: &mut Listener) -> Result<(), CliError> {
    step(1, "A local meetergo and a local receiver");
    say!("meetergo stand-in:  {}", mock.base_url());
    say!(
        "receiver (listen):  http://localhost:{} (the stand-in allows local endpoints)",
        listener.addr().port()
    );
    let client = Client::builder()
        .api_key(TOUR_TOKEN)
        .base_url(mock.base_url())
        .allow_insecure_endpoints(true) // the receiver is http://localhost
        .timeout(Duration::from_secs(5))
        .ignore_env(true)
        .build()?;
    say!("client: {client:?}");
    let webhooks = client.webhooks();
    let receiver = format!("http://localhost:{}", listener.addr().port());

    step(2, "Create three webhooks (POST /webhooks)");
    let wanted = [
        NewWebhook::new(
            format!("{receiver}/webhooks/meetergo"),
            [EventType::BookingCreated, EventType::BookingCancelled],
        )
        .description("Production webhook"),
        NewWebhook::new(
            format!("{receiver}/webhooks/team"),
            [EventType::NewEmployee],
        )
        .description("HR sync"),
        NewWebhook::new(
            format!("{receiver}/webhooks/forms"),
            [EventType::FormSubmission],
        ),
    ];
    let mut created = Vec::new();
    for new in wanted {
        let hook = webhooks.create(new.clone()).await.map_err(|e| fail(2, e))?;
        if hook.endpoint != new.endpoint || hook.event_types != new.event_types {
            return Err(fail(2, format!("meetergo stored {hook:?} for {new:?}")));
        }
        say!("created {}  {}  [{}]", hook.id, hook.endpoint, types(&hook));
        created.push(hook);
    }
    let bookings = created
        .first()
        .cloned()
        .ok_or_else(|| fail(2, "nothing was created"))?;

    step(3, "List them (GET /webhooks)");
    let listed = webhooks.list().await.map_err(|e| fail(3, e))?;
    say!("{}", table::webhooks(&listed));
    let ids = |hooks: &[Webhook]| hooks.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    if ids(&listed) != ids(&created) {
        return Err(fail(3, "the list does not hold exactly the three webhooks"));
    }

    step(
        4,
        "Update event types (PATCH /webhooks/{id}: the list is replaced)",
    );
    let new_types = [
        EventType::BookingCreated,
        EventType::BookingCancelled,
        EventType::BookingRescheduled,
        EventType::NewEmployee,
    ];
    let updated = webhooks
        .update(
            &bookings.id,
            WebhookPatch::new().event_types(new_types.clone()),
        )
        .await
        .map_err(|e| fail(4, e))?;
    say!(
        "{}: [{}] -> [{}]",
        updated.id,
        types(&bookings),
        types(&updated)
    );
    if updated.event_types != new_types || updated.description != bookings.description {
        return Err(fail(4, format!("got {updated:?}")));
    }

    step(
        5,
        "Fill up to the limit of six; the seventh is a typed 406 (Error::LimitReached)",
    );
    for n in 4..=meetergo_core::MAX_WEBHOOKS_PER_COMPANY {
        let hook = webhooks
            .create(NewWebhook::new(
                format!("{receiver}/webhooks/spare-{n}"),
                [EventType::FormSubmission],
            ))
            .await
            .map_err(|e| fail(5, e))?;
        say!("created {}  {}  (webhook {n} of 6)", hook.id, hook.endpoint);
        created.push(hook);
    }
    let seventh = NewWebhook::new(
        format!("{receiver}/webhooks/one-too-many"),
        ["booking_created"],
    );
    match webhooks.create(seventh).await {
        Err(Error::LimitReached(e)) if e.status == 406 => {
            say!("Error::LimitReached (status {}): {e}", e.status);
            say!("meetergo's message: {:?}", e.messages());
        }
        other => {
            return Err(fail(
                5,
                format!("expected Error::LimitReached, got {other:?}"),
            ));
        }
    }

    step(
        6,
        "meetergo delivers a booking, twice (at least once): received, parsed, de-duplicated",
    );
    let company = meetergo_mock::company_of(TOUR_TOKEN)
        .ok_or_else(|| fail(6, "the stand-in does not know the tour's token"))?;
    let simulated = mock.simulate(booking_twice(&company)).await;
    let event_id = simulated
        .event
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    for d in &simulated.deliveries {
        say!(
            "meetergo -> {}  attempt {}: {}",
            d.endpoint,
            d.attempt,
            d.status
                .map(|s| format!("{s} in {} ms", d.duration_ms))
                .or_else(|| d.error.clone())
                .unwrap_or_default()
        );
    }
    if simulated.deliveries.len() != 2 || simulated.deliveries.iter().any(|d| d.status != Some(200))
    {
        return Err(fail(
            6,
            format!(
                "expected two deliveries answered 200, got {:?}",
                simulated.deliveries
            ),
        ));
    }
    let mut received = Vec::new();
    for _ in 0..2 {
        let d = listener
            .next_delivery(DELIVERY_WAIT)
            .await
            .ok_or_else(|| fail(6, "the receiver did not get both deliveries"))?;
        say!("receiver: {}", d.line());
        received.push(d);
    }
    let first = received.first().map(|d| d.parsed.clone());
    let second = received.get(1).map(|d| d.parsed.clone());
    match (first, second) {
        (Some(Ok(a)), Some(Ok(b)))
            if a.webhook_type == "booking_created"
                && a.id.as_deref() == Some(event_id.as_str())
                && !a.duplicate
                && b.duplicate
                && a.idempotency_key == b.idempotency_key =>
        {
            say!(
                "first delivery processed, second skipped as a duplicate (idempotency key {})",
                a.idempotency_key
            );
        }
        other => {
            return Err(fail(
                6,
                format!("expected a booking and its duplicate, got {other:?}"),
            ));
        }
    }

    step(7, "Delete them (DELETE /webhooks/{id}, 204)");
    for hook in &created {
        webhooks.delete(&hook.id).await.map_err(|e| fail(7, e))?;
        say!("deleted {}", hook.id);
    }
    let left = webhooks.list().await.map_err(|e| fail(7, e))?;
    if !left.is_empty() {
        return Err(fail(7, format!("{} webhooks left", left.len())));
    }
    say!("list: no webhooks left");

    step(
        8,
        "An http:// endpoint is rejected by the SDK before anything is sent",
    );
    let strict = Client::builder()
        .api_key(TOUR_TOKEN)
        .base_url(mock.base_url())
        .ignore_env(true)
        .build()?;
    let before = mock.request_count();
    let insecure = NewWebhook::new(
        "http://your-server.com/webhooks/meetergo",
        [EventType::BookingCreated],
    );
    match strict.webhooks().create(insecure).await {
        Err(Error::Validation(v)) if v.field == "endpoint" => {
            say!("Error::Validation: {v}");
        }
        other => {
            return Err(fail(
                8,
                format!("expected Error::Validation, got {other:?}"),
            ));
        }
    }
    let after = mock.request_count();
    if after != before {
        return Err(fail(8, "a request reached the stand-in"));
    }
    say!("requests that reached the stand-in: none ({before} before, {after} after)");

    step(
        9,
        "A durable receiver (listen --store) restarted mid-stream: nothing lost, redeliveries still recognised",
    );
    let dir = std::env::temp_dir().join(format!("meetergo-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail(9, e))?;
    let store = format!("sqlite:{}", dir.join("inbox.db").display());
    let outcome = durable(mock, &client, company, &store).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// meetergo delivering one booking twice (at least once) to the company's webhooks.
fn booking_twice(company: &str) -> SimulateRequest {
    SimulateRequest::new("booking_created")
        .repeat(2)
        .company_id(company)
}

/// `200, 200` (or `no answer`).
fn answers(statuses: &[Option<u16>]) -> String {
    let shown: Vec<String> = statuses
        .iter()
        .map(|s| s.map_or_else(|| "no answer".to_owned(), |s| s.to_string()))
        .collect();
    shown.join(", ")
}

/// Step 9: a listener with an inbox gets a booking twice, is stopped and started again on the same store, gets the
/// same booking once more; the store holds it once, with both redeliveries recognised, and a worker handles it.
async fn durable(
    mock: &MockServer,
    client: &Client,
    company: String,
    store: &str,
) -> Result<(), CliError> {
    use meetergo_core::inbox::{Inbox, InboxOptions};
    let webhooks = client.webhooks();
    let first = Listener::start(ListenOptions::new(0).store(store)).await?;
    let hook = webhooks
        .create(NewWebhook::new(
            format!("http://localhost:{}", first.addr().port()),
            [EventType::BookingCreated],
        ))
        .await
        .map_err(|e| fail(9, e))?;
    say!(
        "listening with the inbox {store} on port {}",
        first.addr().port()
    );
    let simulated = mock.simulate(booking_twice(&company)).await;
    let statuses: Vec<Option<u16>> = simulated.deliveries.iter().map(|d| d.status).collect();
    say!("meetergo delivers a booking twice: {}", answers(&statuses));
    first.shutdown().await;
    let second = Listener::start(ListenOptions::new(0).store(store)).await?;
    say!(
        "receiver restarted on port {} with the same inbox",
        second.addr().port()
    );
    webhooks
        .update(
            &hook.id,
            WebhookPatch::new().endpoint(format!("http://localhost:{}", second.addr().port())),
        )
        .await
        .map_err(|e| fail(9, e))?;
    let mut again = SimulateRequest::new("booking_created").company_id(company);
    if let Some(fields) = simulated.event.as_object() {
        again = again.payload(fields.clone());
    }
    let redelivered = mock.simulate(again).await;
    let late: Vec<Option<u16>> = redelivered.deliveries.iter().map(|d| d.status).collect();
    say!(
        "meetergo delivers the same booking again, after the restart: {}",
        answers(&late)
    );
    second.shutdown().await;
    webhooks.delete(&hook.id).await.map_err(|e| fail(9, e))?;
    if statuses != [Some(200), Some(200)] || late != [Some(200)] {
        return Err(fail(9, "every delivery should have been answered 200"));
    }
    let store = store.to_owned();
    let report = tokio::task::spawn_blocking(move || -> Result<String, String> {
        let inbox = Inbox::open(&store, InboxOptions::default()).map_err(|e| e.to_string())?;
        let counts = inbox.counts().map_err(|e| e.to_string())?;
        if (counts.pending, counts.duplicates) != (1, 2) {
            return Err(format!("expected one pending delivery and two duplicates, got {counts:?}"));
        }
        let mut handled = String::new();
        inbox
            .work_once("tour", |claim| -> Result<(), String> {
                let event = claim.event().map_err(|e| e.to_string())?;
                handled = format!("handled {} (attempt {})", event.idempotency_key(), claim.attempt);
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        let done = inbox.counts().map_err(|e| e.to_string())?.done;
        Ok(format!(
            "inbox: 1 delivery stored, 2 redeliveries recognised (one across the restart); {handled}; done: {done}"
        ))
    })
    .await
    .map_err(|e| fail(9, e))?
    .map_err(|e| fail(9, e))?;
    say!("{report}");
    Ok(())
}
