//! The durable inbox on each store (embedded SQLite, and a real `redis-server` the tests start): stored before
//! acknowledged, duplicates folded, bad bodies quarantined, claims under leases, retries with backoff, dead letters,
//! replay, purge, limits, and what survives a reopen or a restart of Redis. Every behaviour test runs on both stores
//! (`sqlite_store::…`, `redis_store::…`): the trait's contract is one.

// The behaviour tests are functions of a store, run by the `#[test]` wrappers `on_every_store!` writes: tests, for
// which unwrap is allowed, that clippy cannot see as such.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use meetergo_core::inbox::{Accepted, Inbox, InboxError, InboxOptions, Retry, State};
use meetergo_mock::services::RedisServer;

fn booking(id: &str) -> Vec<u8> {
    format!(
        r#"{{"webhookType":"booking_created","id":"{id}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","updatedAt":"2024-01-10T12:00:00Z","secret":"sec_inbox_{id}"}}"#
    )
    .into_bytes()
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_millis()).expect("ms fit")
}

fn fast() -> InboxOptions {
    InboxOptions {
        max_attempts: 3,
        lease: Duration::from_millis(200),
        initial_retry_delay: Duration::from_millis(20),
        max_retry_delay: Duration::from_millis(50),
        ..InboxOptions::default()
    }
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Redis,
}

/// One `redis-server` for this test process (stopped when the process ends); each inbox gets its own prefix.
fn redis() -> &'static RedisServer {
    static SERVER: OnceLock<RedisServer> = OnceLock::new();
    SERVER.get_or_init(|| RedisServer::start(&[]).expect("a redis-server for the inbox tests"))
}

/// A store URL no other test uses: a new in-memory SQLite database, or a new prefix in the shared Redis.
fn fresh_url(backend: Backend) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    match backend {
        Backend::Sqlite => "sqlite::memory:".into(),
        Backend::Redis => format!(
            "{}/?prefix=test:{}:{}",
            redis().url(),
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ),
    }
}

fn open_with(backend: Backend, options: InboxOptions) -> Inbox {
    Inbox::open(&fresh_url(backend), options).expect("an inbox")
}

fn open(backend: Backend) -> Inbox {
    open_with(backend, fast())
}

/// Two inboxes on one store, as two receiver processes open it (one SQLite file, or one Redis prefix), with `options`.
fn shared_with(
    backend: Backend,
    name: &str,
    options: InboxOptions,
) -> (Inbox, Inbox, Option<std::path::PathBuf>) {
    match backend {
        Backend::Sqlite => {
            let (first, _conn, dir) = file_inbox_with(name, options.clone());
            let url = format!("sqlite:{}", dir.join("inbox.db").display());
            (first, Inbox::open(&url, options).unwrap(), Some(dir))
        }
        Backend::Redis => {
            let url = fresh_url(backend);
            let first = Inbox::open(&url, options.clone()).unwrap();
            (first, Inbox::open(&url, options).unwrap(), None)
        }
    }
}

/// Runs each named test (a `fn(Backend)`) on every store.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite_store {
            $(#[test] fn $name() { super::$name(super::Backend::Sqlite) })*
        }
        mod redis_store {
            $(#[test] fn $name() { super::$name(super::Backend::Redis) })*
        }
    };
}

on_every_store!(
    deliveries_are_stored_once_and_bad_bodies_kept_apart,
    a_body_over_the_limit_is_refused_before_storage,
    claims_complete_and_an_empty_inbox_has_nothing_to_claim,
    failures_back_off_then_dead_letter_and_replay_brings_them_back,
    an_expired_lease_is_taken_over_and_the_old_claim_is_refused,
    a_lease_that_expires_on_the_last_attempt_is_dead_lettered,
    work_once_completes_fails_and_survives_a_panicking_handler,
    a_quarantined_body_that_parses_after_all_is_replayed_into_the_queue,
    a_redelivery_is_acknowledged_even_when_the_store_is_full,
    purge_removes_only_old_handled_deliveries,
    concurrent_deliveries_share_commits_and_each_event_is_stored_once,
    a_full_store_refuses_new_deliveries_and_still_drains,
    two_inboxes_on_one_store_hand_each_delivery_to_one_worker,
);

fn deliveries_are_stored_once_and_bad_bodies_kept_apart(backend: Backend) {
    let inbox = open(backend);
    let key = "booking_created:b-1:2024-01-10T12:00:00Z".to_owned();
    assert_eq!(
        inbox.accept(&booking("b-1"), &[]).unwrap(),
        Accepted::Stored { key: key.clone() }
    );
    assert_eq!(
        inbox.accept(&booking("b-1"), &[]).unwrap(),
        Accepted::Duplicate { key: key.clone() }
    );
    let Accepted::Quarantined { key: bad, error } = inbox.accept(b"{not json", &[]).unwrap() else {
        panic!("garbage is quarantined")
    };
    assert!(bad.starts_with("quarantine#sha256:"), "{bad}");
    assert!(error.contains("not valid JSON"), "{error}");
    // The same garbage again is the same quarantined delivery.
    assert!(matches!(
        inbox.accept(b"{not json", &[]).unwrap(),
        Accepted::Quarantined { .. }
    ));
    let counts = inbox.counts().unwrap();
    assert_eq!(
        (counts.pending, counts.quarantined, counts.duplicates),
        (1, 1, 2)
    );
    let pending = inbox.list(State::Pending, 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].key, key);
    assert_eq!(pending[0].webhook_type.as_deref(), Some("booking_created"));
    assert_eq!(pending[0].duplicates, 1);
    // Nothing listed or printed shows the body's secret.
    assert!(!format!("{pending:?}").contains("sec_inbox"));
}

fn a_body_over_the_limit_is_refused_before_storage(backend: Backend) {
    let inbox = open_with(
        backend,
        InboxOptions {
            max_body_bytes: 64,
            ..fast()
        },
    );
    let e = inbox.accept(&booking("b-1"), &[]).unwrap_err();
    assert!(matches!(e, InboxError::TooLarge { limit: 64, .. }), "{e}");
    assert_eq!(inbox.counts().unwrap(), Default::default());
}

fn claims_complete_and_an_empty_inbox_has_nothing_to_claim(backend: Backend) {
    let inbox = open(backend);
    assert!(inbox.claim("w1").unwrap().is_none());
    inbox.accept(&booking("b-1"), &[]).unwrap();
    inbox.accept(&booking("b-2"), &[]).unwrap();
    let first = inbox.claim("w1").unwrap().expect("due");
    assert_eq!(
        (first.key.as_str(), first.attempt),
        ("booking_created:b-1:2024-01-10T12:00:00Z", 1)
    );
    assert_eq!(first.body, booking("b-1"));
    assert_eq!(first.event().unwrap().id().as_deref(), Some("b-1"));
    let second = inbox.claim("w2").unwrap().expect("the next one");
    assert_eq!(second.key, "booking_created:b-2:2024-01-10T12:00:00Z");
    assert!(inbox.claim("w3").unwrap().is_none(), "both are claimed");
    inbox.complete(&first).unwrap();
    inbox.complete(&second).unwrap();
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.done, counts.pending, counts.running), (2, 0, 0));
    // A redelivery of a handled event is still a duplicate.
    assert!(matches!(
        inbox.accept(&booking("b-1"), &[]).unwrap(),
        Accepted::Duplicate { .. }
    ));
}

fn failures_back_off_then_dead_letter_and_replay_brings_them_back(backend: Backend) {
    let inbox = open(backend);
    inbox.accept(&booking("b-1"), &[]).unwrap();
    for attempt in 1..=3 {
        let claim = loop {
            if let Some(c) = inbox.claim("w").unwrap() {
                break c;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(claim.attempt, attempt);
        let before = now_ms();
        let retry = inbox.fail(&claim, &format!("boom {attempt}")).unwrap();
        if attempt < 3 {
            let Retry::After(delay) = retry else {
                panic!("attempt {attempt} is retried")
            };
            assert!(delay >= Duration::from_millis(10), "{delay:?}");
            // Not due before its delay.
            let pending = inbox.list(State::Pending, 10).unwrap();
            assert!(pending[0].next_attempt_at_ms >= before + 10, "{pending:?}");
            assert_eq!(
                pending[0].last_error.as_deref(),
                Some(&*format!("boom {attempt}"))
            );
        } else {
            assert_eq!(retry, Retry::Dead);
        }
    }
    let dead = inbox.list(State::Dead, 10).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("boom 3"));
    assert_eq!(dead[0].attempts, 3);
    assert_eq!(inbox.replay(dead[0].id).unwrap(), State::Pending);
    let again = inbox.claim("w").unwrap().expect("replayed");
    assert_eq!(again.attempt, 1, "a replay starts the attempts again");
    inbox.complete(&again).unwrap();
    assert!(matches!(
        inbox.replay(dead[0].id),
        Err(InboxError::NotFound { .. })
    ));
}

fn an_expired_lease_is_taken_over_and_the_old_claim_is_refused(backend: Backend) {
    let inbox = open(backend);
    inbox.accept(&booking("b-1"), &[]).unwrap();
    let stale = inbox.claim("crashed").unwrap().expect("claimed");
    assert!(inbox.claim("other").unwrap().is_none(), "leased");
    std::thread::sleep(Duration::from_millis(250));
    let taken = inbox.claim("other").unwrap().expect("the lease expired");
    assert_eq!(taken.attempt, 2);
    assert!(matches!(
        inbox.complete(&stale),
        Err(InboxError::LeaseLost(_))
    ));
    assert!(matches!(
        inbox.fail(&stale, "late"),
        Err(InboxError::LeaseLost(_))
    ));
    inbox.complete(&taken).unwrap();
    assert_eq!(inbox.counts().unwrap().done, 1);
}

fn a_lease_that_expires_on_the_last_attempt_is_dead_lettered(backend: Backend) {
    let inbox = open(backend);
    inbox.accept(&booking("b-1"), &[]).unwrap();
    for _ in 0..3 {
        assert!(inbox.claim("crashing").unwrap().is_some());
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(inbox.claim("w").unwrap().is_none());
    let dead = inbox.list(State::Dead, 10).unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("lease expired"),
        "{dead:?}"
    );
}

fn work_once_completes_fails_and_survives_a_panicking_handler(backend: Backend) {
    // Retries far enough away that the failed ones are not due again during the test.
    let inbox = open_with(
        backend,
        InboxOptions {
            initial_retry_delay: Duration::from_secs(60),
            max_retry_delay: Duration::from_secs(60),
            ..fast()
        },
    );
    for id in ["ok", "err", "panic"] {
        inbox.accept(&booking(id), &[]).unwrap();
    }
    let mut seen = Vec::new();
    while inbox
        .work_once("w", |claim| {
            let id = claim.event().unwrap().id().unwrap().into_owned();
            seen.push(id.clone());
            match id.as_str() {
                "err" => Err("the handler failed".to_owned()),
                "panic" => panic!("the handler blew up"),
                _ => Ok(()),
            }
        })
        .unwrap()
    {}
    assert_eq!(seen, ["ok", "err", "panic"]);
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.done, counts.pending), (1, 2));
    let errors: Vec<String> = inbox
        .list(State::Pending, 10)
        .unwrap()
        .into_iter()
        .filter_map(|d| d.last_error)
        .collect();
    assert_eq!(
        errors,
        [
            "the handler failed",
            "the handler panicked: the handler blew up"
        ]
    );
}

/// A file inbox and a direct connection to its database (to stand in for a body that an older SDK quarantined).
fn file_inbox(name: &str) -> (Inbox, rusqlite::Connection, std::path::PathBuf) {
    file_inbox_with(name, fast())
}

/// [`file_inbox`] with other options.
fn file_inbox_with(
    name: &str,
    options: InboxOptions,
) -> (Inbox, rusqlite::Connection, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("meetergo-inbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("inbox.db");
    let inbox = Inbox::open(&format!("sqlite:{}", path.display()), options).expect("the inbox");
    let conn = rusqlite::Connection::open(&path).expect("the inbox's database");
    (inbox, conn, dir)
}

/// Replaces a stored body behind the inbox's back (as when an older SDK quarantined what this one reads).
fn rewrite_body(
    backend: Backend,
    inbox_url: &str,
    conn: Option<&rusqlite::Connection>,
    id: i64,
    body: &[u8],
) {
    match backend {
        Backend::Sqlite => {
            conn.expect("the database")
                .execute(
                    "UPDATE deliveries SET body = ?1 WHERE id = ?2",
                    rusqlite::params![body, id],
                )
                .unwrap();
        }
        Backend::Redis => {
            let prefix = inbox_url.split("prefix=").nth(1).expect("a prefix");
            let client = redis::Client::open(redis().url()).unwrap();
            let mut c = client.get_connection().unwrap();
            redis::cmd("HSET")
                .arg(format!("{prefix}:d:{id:020}"))
                .arg("body")
                .arg(body)
                .exec(&mut c)
                .unwrap();
        }
    }
}

fn a_quarantined_body_that_parses_after_all_is_replayed_into_the_queue(backend: Backend) {
    let (url, conn, dir) = match backend {
        Backend::Sqlite => {
            let (inbox, conn, dir) = file_inbox("replay");
            drop(inbox);
            (
                format!("sqlite:{}", dir.join("inbox.db").display()),
                Some(conn),
                Some(dir),
            )
        }
        Backend::Redis => (fresh_url(backend), None, None),
    };
    let inbox = Inbox::open(&url, fast()).unwrap();
    let Accepted::Quarantined { .. } = inbox.accept(b"[]", &[]).unwrap() else {
        panic!("quarantined")
    };
    let id = inbox.list(State::Quarantined, 1).unwrap()[0].id;
    // Still unparseable: stays quarantined, with the error of the new attempt.
    assert_eq!(inbox.replay(id).unwrap(), State::Quarantined);
    // A body this SDK reads (as after an upgrade of its rules): replayed into the queue under its key.
    rewrite_body(backend, &url, conn.as_ref(), id, &booking("q-1"));
    assert_eq!(inbox.replay(id).unwrap(), State::Pending);
    let pending = inbox.list(State::Pending, 5).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].key, "booking_created:q-1:2024-01-10T12:00:00Z");
    assert_eq!(pending[0].last_error, None);
    // Replaying it again is refused: it is no longer quarantined (and nothing is deleted).
    assert!(matches!(inbox.replay(id), Err(InboxError::NotFound { .. })));
    assert_eq!(inbox.counts().unwrap().pending, 1);

    // A quarantined copy of an event stored meanwhile is folded into it as a duplicate.
    let Accepted::Quarantined { .. } = inbox.accept(b"{}", &[]).unwrap() else {
        panic!("quarantined")
    };
    let copy = inbox.list(State::Quarantined, 1).unwrap()[0].id;
    rewrite_body(backend, &url, conn.as_ref(), copy, &booking("q-1"));
    assert_eq!(
        inbox.replay(copy).unwrap(),
        State::Pending,
        "the state of the stored event"
    );
    let counts = inbox.counts().unwrap();
    assert_eq!(
        (counts.pending, counts.quarantined, counts.duplicates),
        (1, 0, 1)
    );
    drop(inbox);
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn stored_headers_keep_every_value_and_mask_credentials() {
    let (inbox, conn, dir) = file_inbox("headers");
    inbox
        .accept(
            &booking("h-1"),
            &[
                ("Content-Type", "application/json"),
                ("Authorization", "Bearer rgo-stored-secret"),
                ("X-Meetergo-Api-User-Id", "user-1"),
                ("Accept", "a"),
                ("Accept", "b"),
            ],
        )
        .unwrap();
    let headers: String = conn
        .query_row("SELECT headers FROM deliveries", [], |r| r.get(0))
        .unwrap();
    let headers: serde_json::Value = serde_json::from_str(&headers).unwrap();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["authorization"], "[redacted]");
    assert_eq!(headers["x-meetergo-api-user-id"], "[redacted]");
    assert_eq!(headers["accept"], "a, b");
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);
}

fn a_redelivery_is_acknowledged_even_when_the_store_is_full(backend: Backend) {
    let limited = |url: &str| {
        Inbox::open(
            url,
            InboxOptions {
                max_store_bytes: Some(1),
                ..fast()
            },
        )
        .unwrap()
    };
    let url = fresh_url(backend);
    assert!(matches!(
        limited(&url).accept(&booking("f-1"), &[]),
        Err(InboxError::Storage(_))
    ));
    // Stored while there was room (a shared store is the same store opened again; SQLite's memory one is new)...
    let (url, unlimited) = match backend {
        Backend::Sqlite => {
            let (inbox, _conn, dir) = file_inbox("full-redelivery");
            (format!("sqlite:{}", dir.join("inbox.db").display()), inbox)
        }
        Backend::Redis => (url.clone(), Inbox::open(&url, fast()).unwrap()),
    };
    assert!(matches!(
        unlimited.accept(&booking("f-1"), &[]).unwrap(),
        Accepted::Stored { .. }
    ));
    // ...then full: the redelivery is acknowledged, a new event is not.
    let full = limited(&url);
    assert!(matches!(
        full.accept(&booking("f-1"), &[]).unwrap(),
        Accepted::Duplicate { .. }
    ));
    assert!(matches!(
        full.accept(&booking("f-2"), &[]),
        Err(InboxError::Storage(_))
    ));
}

fn purge_removes_only_old_handled_deliveries(backend: Backend) {
    let inbox = open(backend);
    inbox.accept(&booking("b-1"), &[]).unwrap();
    inbox.accept(&booking("b-2"), &[]).unwrap();
    let claim = inbox.claim("w").unwrap().unwrap();
    inbox.complete(&claim).unwrap();
    assert_eq!(inbox.purge_done(Duration::from_secs(3600)).unwrap(), 0);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(inbox.purge_done(Duration::from_millis(10)).unwrap(), 1);
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.done, counts.pending), (0, 1));
}

#[test]
fn what_was_acknowledged_survives_a_reopen() {
    let dir = std::env::temp_dir().join(format!("meetergo-inbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("inbox.db");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite:{}", path.display());
    {
        let inbox = Inbox::open(&url, fast()).unwrap();
        inbox
            .accept(&booking("b-1"), &[("Authorization", "Bearer rgo-x")])
            .unwrap();
        inbox.accept(&booking("b-2"), &[]).unwrap();
        let claim = inbox.claim("w").unwrap().unwrap();
        inbox.complete(&claim).unwrap();
    }
    let inbox = Inbox::open(&url, fast()).unwrap();
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.done, counts.pending), (1, 1));
    assert!(matches!(
        inbox.accept(&booking("b-1"), &[]).unwrap(),
        Accepted::Duplicate { .. }
    ));
    // Written ahead: the WAL file exists next to the database.
    assert!(dir.join("inbox.db-wal").exists());
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);
}

fn concurrent_deliveries_share_commits_and_each_event_is_stored_once(backend: Backend) {
    let inbox = Arc::new(open(backend));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let inbox = Arc::clone(&inbox);
            std::thread::spawn(move || {
                let mut stored = 0;
                for i in 0..50 {
                    // Every event twice across the threads: ids repeat between thread t and t ^ 1.
                    let id = format!("b-{}-{i}", t / 2);
                    if let Accepted::Stored { .. } = inbox.accept(&booking(&id), &[]).unwrap() {
                        stored += 1;
                    }
                }
                stored
            })
        })
        .collect();
    let stored: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(stored, 200);
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.pending, counts.duplicates), (200, 200));
}

#[test]
fn an_unknown_store_is_refused_without_echoing_credentials() {
    let e = Inbox::open("postgres://user:hunter2@localhost:5432/db", fast()).unwrap_err();
    assert!(matches!(e, InboxError::UnsupportedStore(_)), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // An unreachable Redis is a storage failure at open, without the password either.
    let e = Inbox::open("redis://user:hunter2@127.0.0.1:1/0", fast()).unwrap_err();
    assert!(matches!(e, InboxError::Storage(_)), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
}

fn a_full_store_refuses_new_deliveries_and_still_drains(backend: Backend) {
    let dir = std::env::temp_dir().join(format!(
        "meetergo-inbox-full-{backend:?}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("inbox.db");
    let _ = std::fs::remove_file(&path);
    let url = match backend {
        Backend::Sqlite => format!("sqlite:{}", path.display()),
        Backend::Redis => fresh_url(backend),
    };
    let inbox = Inbox::open(
        &url,
        InboxOptions {
            max_store_bytes: Some(96 * 1024),
            ..fast()
        },
    )
    .unwrap();
    let padding = "x".repeat(8 * 1024);
    let big = |n: usize| {
        format!(
            r#"{{"webhookType":"booking_created","id":"full-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","note":"{padding}"}}"#
        )
    };
    let mut stored = 0;
    let error = loop {
        match inbox.accept(big(stored).as_bytes(), &[]) {
            Ok(Accepted::Stored { .. }) => stored += 1,
            Ok(other) => panic!("{other:?}"),
            Err(e) => break e,
        }
        assert!(stored < 100, "the limit was never reached");
    };
    assert!(matches!(error, InboxError::Storage(_)), "{error}");
    assert!(error.to_string().contains("the inbox is full"), "{error}");
    assert!(stored >= 3, "{stored}");
    // What was acknowledged is intact, and workers still drain it.
    assert_eq!(inbox.counts().unwrap().pending, stored as u64);
    let claim = inbox.claim("w").unwrap().expect("still claimable");
    inbox.complete(&claim).unwrap();
    assert_eq!(inbox.counts().unwrap().done, 1);
    // A purge frees space: deliveries are taken again.
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(inbox.purge_done(Duration::ZERO).unwrap(), 1);
    assert!(matches!(
        inbox.accept(big(1000).as_bytes(), &[]).unwrap(),
        Accepted::Stored { .. }
    ));
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two inboxes on one store (as two receiver processes would open it), four workers each: every delivery is claimed
/// and handled exactly once, none twice, none left.
fn two_inboxes_on_one_store_hand_each_delivery_to_one_worker(backend: Backend) {
    use std::collections::HashMap;
    use std::sync::Mutex;

    // Leases long enough that no handler outlives its own on a loaded machine (8 workers contend for one SQLite
    // file with synchronous = FULL): the property is that each delivery goes to one worker, not lease expiry.
    let options = InboxOptions {
        lease: Duration::from_secs(30),
        ..fast()
    };
    let (first, second, dir) = shared_with(backend, "shared", options);
    let (first, second) = (Arc::new(first), Arc::new(second));
    for n in 0..200 {
        let inbox = if n % 2 == 0 { &first } else { &second };
        inbox.accept(&booking(&format!("s-{n}")), &[]).unwrap();
    }
    let handled: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let inbox = Arc::clone(if w % 2 == 0 { &first } else { &second });
            let handled = Arc::clone(&handled);
            std::thread::spawn(move || {
                while inbox
                    .work_once(&format!("w{w}"), |claim| -> Result<(), String> {
                        *handled
                            .lock()
                            .unwrap()
                            .entry(claim.key.clone())
                            .or_default() += 1;
                        Ok(())
                    })
                    .unwrap()
                {}
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let handled = handled.lock().unwrap();
    assert_eq!(handled.len(), 200);
    assert!(
        handled.values().all(|n| *n == 1),
        "a delivery was handled twice"
    );
    let counts = first.counts().unwrap();
    assert_eq!((counts.done, counts.pending, counts.running), (200, 0, 0));
    drop((first, second));
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A Redis that goes away: every operation fails with a storage error (the receiver answers 503, never 200 without
/// storing); once it is back (with its append-only file), the inbox reconnects by itself and what was acknowledged
/// before is there.
#[test]
fn a_lost_redis_is_a_storage_error_and_the_inbox_reconnects() {
    let mut server = RedisServer::start(&[]).unwrap();
    let url = format!("{}/?prefix=lost", server.url());
    let inbox = Inbox::open(&url, fast()).unwrap();
    assert_eq!(inbox.durability_warning(), None, "appendonly yes");
    assert!(matches!(
        inbox.accept(&booking("l-1"), &[]).unwrap(),
        Accepted::Stored { .. }
    ));
    server.stop();
    let e = inbox.accept(&booking("l-2"), &[]).unwrap_err();
    assert!(matches!(e, InboxError::Storage(_)), "{e}");
    assert!(e.to_string().contains("redis at 127.0.0.1:"), "{e}");
    assert!(matches!(inbox.claim("w"), Err(InboxError::Storage(_))));
    assert!(matches!(inbox.counts(), Err(InboxError::Storage(_))));
    server.restart(&[]).unwrap();
    assert!(matches!(
        inbox.accept(&booking("l-1"), &[]).unwrap(),
        Accepted::Duplicate { .. }
    ));
    assert!(matches!(
        inbox.accept(&booking("l-2"), &[]).unwrap(),
        Accepted::Stored { .. }
    ));
    assert_eq!(inbox.counts().unwrap().pending, 2);
}

/// Redis out of memory (`maxmemory` with `noeviction`): a new delivery is refused, a redelivery still acknowledged,
/// and workers still claim, complete and purge.
#[test]
fn a_redis_out_of_memory_refuses_new_deliveries_and_still_drains() {
    // Also a Redis without an append-only file: the inbox says what a crash of it would lose.
    let server =
        RedisServer::start(&["--maxmemory-policy", "noeviction", "--appendonly", "no"]).unwrap();
    let url = format!("{}/?prefix=oom", server.url());
    let inbox = Inbox::open(&url, fast()).unwrap();
    let warning = inbox.durability_warning().expect("a warning");
    assert!(warning.contains("no append-only file"), "{warning}");
    inbox.accept(&booking("m-1"), &[]).unwrap();
    let client = redis::Client::open(server.url()).unwrap();
    let mut c = client.get_connection().unwrap();
    redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg("1")
        .exec(&mut c)
        .unwrap();
    let e = inbox.accept(&booking("m-2"), &[]).unwrap_err();
    assert!(matches!(e, InboxError::Storage(_)), "{e}");
    assert!(e.to_string().contains("OOM"), "{e}");
    assert!(matches!(
        inbox.accept(&booking("m-1"), &[]).unwrap(),
        Accepted::Duplicate { .. }
    ));
    let claim = inbox.claim("w").unwrap().expect("claimable while full");
    inbox.complete(&claim).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(inbox.purge_done(Duration::ZERO).unwrap(), 1);
    let counts = inbox.counts().unwrap();
    assert_eq!((counts.done, counts.pending), (0, 0));
}

/// A Redis with a password: the URL's password opens it, a wrong one is refused without being echoed.
#[test]
fn a_redis_password_is_used_and_never_echoed() {
    let server = RedisServer::start(&["--requirepass", "s3cret-pass"]).unwrap();
    let port = server.port();
    let inbox = Inbox::open(
        &format!("redis://:s3cret-pass@127.0.0.1:{port}/0?prefix=auth"),
        fast(),
    )
    .unwrap();
    inbox.accept(&booking("a-1"), &[]).unwrap();
    assert_eq!(inbox.counts().unwrap().pending, 1);
    assert!(!format!("{inbox:?}").contains("s3cret"), "{inbox:?}");
    assert_eq!(
        inbox.location(),
        format!("redis://127.0.0.1:{port}/0?prefix=auth")
    );
    let e = Inbox::open(&format!("redis://:wrong-pass@127.0.0.1:{port}/0"), fast()).unwrap_err();
    assert!(matches!(e, InboxError::Storage(_)), "{e}");
    assert!(!e.to_string().contains("wrong-pass"), "{e}");
}

/// A Redis restarted while the inbox holds idle connections to it: the next delivery is stored on a new connection
/// (a stale pool never answers 503).
#[test]
fn a_restarted_redis_costs_no_delivery() {
    let mut server = RedisServer::start(&[]).unwrap();
    let inbox = Inbox::open(&format!("{}/?prefix=stale", server.url()), fast()).unwrap();
    inbox.accept(&booking("s-1"), &[]).unwrap();
    server.restart(&[]).unwrap();
    assert!(matches!(
        inbox.accept(&booking("s-2"), &[]).unwrap(),
        Accepted::Stored { .. }
    ));
    assert_eq!(inbox.counts().unwrap().pending, 2);
}

/// A Redis that evicts keys when full would drop stored deliveries: refused at open.
#[test]
fn a_redis_that_evicts_keys_is_refused() {
    let server = RedisServer::start(&["--maxmemory-policy", "allkeys-lru"]).unwrap();
    let e = Inbox::open(&server.url(), fast()).unwrap_err();
    assert!(matches!(e, InboxError::UnsupportedStore(_)), "{e}");
    assert!(e.to_string().contains("allkeys-lru"), "{e}");
}

/// The axum receiver and the tokio workers (`meetergo_core::inbox::axum`, as `examples/axum_inbox.rs` wires them),
/// on both stores: the documented deliveries POSTed twice each are handled once; a receiver restarted on the same
/// store handles nothing again; a failing handler is retried and a panicking one does not stop the worker.
#[cfg(feature = "axum")]
#[tokio::test(flavor = "multi_thread")]
async fn the_axum_receiver_and_tokio_workers_handle_each_event_once_across_a_restart() {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use meetergo_core::inbox::axum::{WorkerOptions, router, spawn_worker};

    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/deliveries");
    let bodies: Vec<Vec<u8>> = [
        "booking_created_full.json",
        "booking_cancelled.json",
        "form_submission.json",
    ]
    .iter()
    .map(|f| std::fs::read(fixtures.join(f)).unwrap())
    .collect();
    let dir = std::env::temp_dir().join(format!("meetergo-inbox-axum-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    for (n, url) in [
        format!("sqlite:{}", dir.join("axum.db").display()),
        fresh_url(Backend::Redis),
    ]
    .into_iter()
    .enumerate()
    {
        let handled: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
        let attempts: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
        for run in 0..2 {
            let inbox = Arc::new(Inbox::open(&url, fast()).unwrap());
            let worker = {
                let (handled, attempts) = (Arc::clone(&handled), Arc::clone(&attempts));
                spawn_worker(
                    Arc::clone(&inbox),
                    WorkerOptions {
                        concurrency: 2,
                        poll_interval: Duration::from_millis(10),
                        ..WorkerOptions::default()
                    },
                    move |claim| {
                        let (handled, attempts) = (Arc::clone(&handled), Arc::clone(&attempts));
                        async move {
                            let event = claim.event().map_err(|e| e.to_string())?;
                            let tries = {
                                let mut attempts = attempts.lock().unwrap();
                                let tries = attempts.entry(claim.key.clone()).or_default();
                                *tries += 1;
                                *tries
                            };
                            match (event.webhook_type().as_str(), tries) {
                                ("booking_cancelled", 1) => {
                                    return Err("the first attempt fails".to_owned());
                                }
                                ("form_submission", 1) => panic!("the handler blew up"),
                                _ => {}
                            }
                            *handled
                                .lock()
                                .unwrap()
                                .entry(claim.key.clone())
                                .or_default() += 1;
                            Ok(())
                        }
                    },
                )
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = format!(
                "http://{}/webhooks/meetergo",
                listener.local_addr().unwrap()
            );
            let server = tokio::spawn(async move {
                axum::serve(listener, router(inbox, "/webhooks/meetergo")).await
            });
            for body in &bodies {
                for _ in 0..2 {
                    let answer = client
                        .post(&address)
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(answer.status(), 200, "store {n}");
                }
            }
            let too_large = client
                .post(&address)
                .body(vec![b' '; 2 * 1024 * 1024])
                .send()
                .await
                .unwrap();
            assert_eq!(too_large.status(), 413);
            if run == 0 {
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                while handled.lock().unwrap().len() < bodies.len() {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "not handled in time: {handled:?}"
                    );
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            } else {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            worker.stop().await;
            server.abort();
        }
        let handled = handled.lock().unwrap();
        assert_eq!(handled.len(), 3, "store {n}: {handled:?}");
        assert!(handled.values().all(|h| *h == 1), "store {n}: {handled:?}");
        let counts = Inbox::open(&url, fast()).unwrap().counts().unwrap();
        assert_eq!(
            (counts.done, counts.duplicates),
            (3, 9),
            "store {n}: {counts:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
