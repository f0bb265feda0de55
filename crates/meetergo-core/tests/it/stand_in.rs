//! The client against the local stand-in (`meetergo-mock`): every operation in both id modes (the UUID strings
//! meetergo documents, the integers its live API answers), and the faults where meetergo did the work but the answer
//! failed: a create must never be sent twice.

use std::time::Duration;

use meetergo_core::{Client, EventType, NewWebhook, WebhookPatch};
use meetergo_mock::{Fault, MockConfig, MockServer};

const TOKEN: &str = "rgo-core-stand-in-test";

async fn stand_in(numeric_ids: bool) -> MockServer {
    MockServer::start(
        MockConfig::default()
            .rate_limit(false)
            .numeric_ids(numeric_ids),
    )
    .await
    .expect("the stand-in starts")
}

fn client(mock: &MockServer, timeout: Duration) -> Client {
    Client::builder()
        .base_url(mock.base_url())
        .api_key(TOKEN)
        .max_retries(5)
        .initial_retry_delay(Duration::from_millis(5))
        .timeout(timeout)
        .ignore_env(true)
        .build()
        .expect("client")
}

fn hook(n: usize) -> NewWebhook {
    NewWebhook::new(
        format!("https://example.com/hooks/{n}"),
        [EventType::BookingCreated],
    )
    .description(format!("hook {n}"))
}

#[tokio::test]
async fn crud_in_both_id_modes() {
    for numeric in [false, true] {
        let mock = stand_in(numeric).await;
        let client = client(&mock, Duration::from_secs(5));
        let webhooks = client.webhooks();

        let first = webhooks.create(hook(1)).await.unwrap();
        let second = webhooks.create(hook(2)).await.unwrap();
        if numeric {
            assert!(first.id.parse::<u64>().is_ok(), "{}", first.id);
            assert_ne!(first.id, second.id);
        } else {
            assert_eq!(first.id.len(), 36, "a UUID: {}", first.id);
        }
        assert!(first.extra.is_empty(), "{:?}", first.extra);
        let listed = webhooks.list().await.unwrap();
        assert_eq!(
            listed,
            [first.clone(), second.clone()],
            "numeric ids: {numeric}"
        );

        let updated = webhooks
            .update(
                &first.id,
                WebhookPatch::new().event_types([EventType::BookingCancelled]),
            )
            .await
            .unwrap();
        assert_eq!(updated.id, first.id);
        assert_eq!(updated.event_types, [EventType::BookingCancelled]);
        assert_eq!(
            webhooks.reconcile(&hook(2)).await.unwrap().map(|h| h.id),
            Some(second.id.clone())
        );

        webhooks.delete(&first.id).await.unwrap();
        let e = webhooks.delete(&first.id).await.unwrap_err();
        assert_eq!(e.status(), Some(404), "{e}");
        let e = webhooks
            .update(
                &format!("{}0", second.id),
                WebhookPatch::new().description("x"),
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(404), "{e}");
        assert_eq!(webhooks.list().await.unwrap(), [second]);
        mock.shutdown().await;
    }
}

/// Every way the answer to a create can fail after meetergo created the webhook: the client reports an unknown
/// outcome, sends the POST exactly once however many retries it is allowed, and reconcile finds the webhook.
#[tokio::test]
async fn no_create_is_ever_sent_twice() {
    let faults = [
        Fault::status(500),
        Fault::status(502),
        Fault::status(503),
        Fault::status(504),
        Fault::reset(),
        Fault::garbage(Some(502)),
        Fault::garbage(None),
        Fault::truncated(),
        Fault::hang(1_500),
    ];
    for numeric in [false, true] {
        let mock = stand_in(numeric).await;
        let client = client(&mock, Duration::from_millis(500));
        for (n, fault) in faults.iter().enumerate() {
            let wanted = hook(n);
            let before = mock.request_count();
            mock.inject(fault.clone().after_processing(), 1);
            let e = client.webhooks().create(wanted.clone()).await.unwrap_err();
            assert!(e.is_outcome_unknown(), "{fault:?}: {e:?}");
            assert_eq!(mock.request_count() - before, 1, "{fault:?}: sent once");
            let found = client.webhooks().reconcile(&wanted).await.unwrap();
            assert!(found.is_some(), "{fault:?}: the webhook was created");
            let id = found.map(|h| h.id).unwrap_or_default();
            client.webhooks().delete(&id).await.unwrap();
        }
        // The same faults before processing: nothing is created, and still only one POST.
        for (n, fault) in faults.iter().enumerate() {
            if matches!(fault, Fault::Hang { .. }) {
                continue; // a hang is always processed
            }
            let wanted = hook(100 + n);
            let before = mock.request_count();
            mock.inject(fault.clone(), 1);
            let e = client.webhooks().create(wanted.clone()).await.unwrap_err();
            assert_eq!(mock.request_count() - before, 1, "{fault:?}");
            assert!(
                e.is_outcome_unknown(),
                "{fault:?}: the client cannot tell: {e:?}"
            );
            assert!(
                client
                    .webhooks()
                    .reconcile(&wanted)
                    .await
                    .unwrap()
                    .is_none()
            );
        }
        assert!(client.webhooks().list().await.unwrap().is_empty());
        mock.shutdown().await;
    }
}

/// Safe requests are retried through the same faults: a list, an update and a delete that meetergo processed and
/// whose answer failed are repeated and succeed.
#[tokio::test]
async fn processed_faults_on_safe_requests_are_retried_through() {
    let mock = stand_in(true).await;
    let client = client(&mock, Duration::from_millis(500));
    let created = client.webhooks().create(hook(1)).await.unwrap();

    mock.inject(Fault::status(503).after_processing(), 2);
    assert_eq!(client.webhooks().list().await.unwrap().len(), 1);

    mock.inject(Fault::reset().after_processing(), 1);
    let patched = client
        .webhooks()
        .update(&created.id, WebhookPatch::new().description("changed"))
        .await
        .unwrap();
    assert_eq!(patched.description.as_deref(), Some("changed"));

    // The first DELETE deletes and its answer fails; the retry meets a 404, which counts as deleted.
    mock.inject(Fault::status(502).after_processing(), 1);
    client.webhooks().delete(&created.id).await.unwrap();
    assert!(client.webhooks().list().await.unwrap().is_empty());

    let created = client.webhooks().create(hook(2)).await;
    assert!(
        created.is_ok(),
        "the stand-in is healthy again: {created:?}"
    );
}
