//! The embedded store: one SQLite file in WAL mode with `synchronous = FULL` (a commit is on disk when it returns).
//!
//! Every operation runs on one writer thread, which owns the connection: it takes every operation waiting at that
//! moment, runs each inside its own savepoint of one transaction, and commits once — concurrent deliveries share one
//! fsync (group commit). A caller gets its answer only after the commit, so "stored" always means "on disk". Other
//! processes (`meetergo inbox status` next to a running listener) open the same file; SQLite's locking and a busy
//! timeout keep them apart.

use std::sync::mpsc::{self, Receiver, SyncSender};

use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Claim, Counts, DeliveryInfo, InboxError, InboxOptions, NewDelivery, Retry, State, Store,
};

/// The most operations one commit takes.
const MAX_BATCH: usize = 512;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL,
    body            BLOB NOT NULL,
    headers         TEXT NOT NULL DEFAULT '{}',
    webhook_type    TEXT,
    received_at     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    worker          TEXT,
    token           TEXT,
    last_error      TEXT,
    done_at         INTEGER,
    duplicates      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_leases ON deliveries (state, lease_until);
CREATE INDEX IF NOT EXISTS deliveries_done ON deliveries (state, done_at);
";

fn storage(e: impl std::fmt::Display) -> InboxError {
    InboxError::Storage(e.to_string())
}

/// Sends an operation's answer once its transaction's fate is known.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Runs an operation: whether it succeeded (else its savepoint is rolled back) and how to answer.
type Run = Box<dyn FnOnce(&Connection) -> (bool, Finish) + Send>;

/// One operation for the writer thread.
struct Job {
    run: Run,
    /// Answers without running (the transaction could not begin).
    abort: Box<dyn FnOnce(String) + Send>,
}

/// The SQLite store of an [`Inbox`](super::Inbox).
pub(crate) struct SqliteStore {
    jobs: SyncSender<Job>,
    path: String,
    /// New deliveries are refused once the pages in use pass this (updates and claims go on).
    max_bytes: Option<u64>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens or creates the database at `path` (`:memory:` for one that lives as long as the store); new
    /// deliveries are refused once `max_bytes` are in use.
    pub fn open(path: &str, max_bytes: Option<u64>) -> Result<SqliteStore, InboxError> {
        if path.is_empty() {
            return Err(InboxError::UnsupportedStore("sqlite: (no path)".into()));
        }
        let conn = Connection::open(path).map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(storage)?;
        if path != ":memory:" {
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(storage)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(storage(format!(
                    "{path}: the database cannot use WAL (journal mode {mode})"
                )));
            }
        }
        conn.execute_batch("PRAGMA synchronous = FULL;")
            .map_err(storage)?;
        conn.execute_batch(SCHEMA).map_err(storage)?;
        let (tx, rx) = mpsc::sync_channel::<Job>(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("meetergo-inbox-writer".into())
            .spawn(move || writer(&conn, &rx))
            .map_err(storage)?;
        Ok(SqliteStore {
            jobs: tx,
            path: path.to_owned(),
            max_bytes,
        })
    }

    /// Runs `f` on the writer thread, in a transaction shared with the operations waiting at the same moment;
    /// answers after the commit.
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, InboxError> + Send + 'static,
    ) -> Result<T, InboxError> {
        let (tx, rx) = mpsc::sync_channel::<Result<T, InboxError>>(1);
        let abort_tx = tx.clone();
        let job = Job {
            run: Box::new(move |conn| {
                let result = f(conn);
                let ok = result.is_ok();
                let finish: Finish = Box::new(move |commit| {
                    // The operation's own error says more than the commit's (`database or disk is full`).
                    let _ = tx.send(match (commit, result) {
                        (Ok(()), result) | (Err(_), result @ Err(_)) => result,
                        (Err(e), Ok(_)) => Err(InboxError::Storage(e)),
                    });
                });
                (ok, finish)
            }),
            abort: Box::new(move |e| {
                let _ = abort_tx.send(Err(InboxError::Storage(e)));
            }),
        };
        self.jobs
            .send(job)
            .map_err(|_| storage("the inbox writer thread stopped"))?;
        rx.recv()
            .map_err(|_| storage("the inbox writer thread stopped"))?
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        format!("sqlite:{}", self.path)
    }

    /// Stores a new delivery; `false` when its key is already stored (the duplicate is counted).
    fn insert(&self, d: NewDelivery) -> Result<bool, InboxError> {
        let max = self.max_bytes;
        self.call(move |conn| {
            let known = conn
                .execute(
                    "UPDATE deliveries SET duplicates = duplicates + 1 WHERE key = ?1",
                    params![d.key],
                )
                .map_err(storage)?;
            if known > 0 {
                // A redelivery: acknowledged without storing, also when the store is full.
                return Ok(false);
            }
            if let Some(max) = max {
                let used = used_bytes(conn)?;
                if used.saturating_add(d.body.len() as u64) > max {
                    return Err(InboxError::Storage(super::full_message(used, max)));
                }
            }
            let now = super::now_ms();
            let inserted = conn
                .execute(
                    "INSERT INTO deliveries (key, state, body, headers, webhook_type, received_at, next_attempt_at, \
                     last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                    params![
                        d.key,
                        d.state.as_str(),
                        d.body,
                        d.headers,
                        d.webhook_type,
                        now,
                        d.error
                    ],
                )
                .map_err(storage)?;
            Ok(inserted == 1)
        })
    }

    fn claim(
        &self,
        worker: &str,
        options: &InboxOptions,
        now: i64,
    ) -> Result<Option<Claim>, InboxError> {
        let worker = worker.to_owned();
        let max = i64::from(options.max_attempts);
        let lease = i64::try_from(options.lease.as_millis()).unwrap_or(i64::MAX);
        let token = format!("{:016x}{:016x}", super::random_u64(), super::random_u64());
        self.call(move |conn| {
            conn.execute(
                "UPDATE deliveries SET state = 'dead', lease_until = NULL, token = NULL, \
                 last_error = 'the worker''s lease expired on the last allowed attempt' \
                 || COALESCE(' (earlier: ' || last_error || ')', '') \
                 WHERE state = 'running' AND lease_until <= ?1 AND attempts >= ?2",
                params![now, max],
            )
            .map_err(storage)?;
            conn.query_row(
                "UPDATE deliveries SET state = 'running', attempts = attempts + 1, lease_until = ?1 + ?2, \
                 worker = ?3, token = ?4 \
                 WHERE id = (SELECT id FROM deliveries \
                             WHERE (state = 'pending' AND next_attempt_at <= ?1) \
                                OR (state = 'running' AND lease_until <= ?1) \
                             ORDER BY next_attempt_at, id LIMIT 1) \
                 RETURNING id, key, attempts, body",
                params![now, lease, worker, token],
                |row| {
                    Ok(Claim {
                        id: row.get(0)?,
                        key: row.get(1)?,
                        attempt: row.get(2)?,
                        body: row.get(3)?,
                        token: token.clone(),
                    })
                },
            )
            .optional()
            .map_err(storage)
        })
    }

    fn complete(&self, id: i64, token: &str, now: i64) -> Result<(), InboxError> {
        let token = token.to_owned();
        self.call(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE deliveries SET state = 'done', done_at = ?1, lease_until = NULL, token = NULL \
                     WHERE id = ?2 AND state = 'running' AND token = ?3",
                    params![now, id, token],
                )
                .map_err(storage)?;
            if changed == 0 {
                return Err(InboxError::LeaseLost(id));
            }
            Ok(())
        })
    }

    fn fail(
        &self,
        id: i64,
        token: &str,
        error: &str,
        retry: Retry,
        now: i64,
    ) -> Result<(), InboxError> {
        let (token, error) = (token.to_owned(), error.to_owned());
        let (state, next) = match retry {
            Retry::After(delay) => (
                State::Pending,
                now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
            ),
            Retry::Dead => (State::Dead, now),
        };
        self.call(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE deliveries SET state = ?1, next_attempt_at = ?2, last_error = ?3, lease_until = NULL, \
                     token = NULL WHERE id = ?4 AND state = 'running' AND token = ?5",
                    params![state.as_str(), next, error, id, token],
                )
                .map_err(storage)?;
            if changed == 0 {
                return Err(InboxError::LeaseLost(id));
            }
            Ok(())
        })
    }

    /// The state and body of a delivery.
    fn body(&self, id: i64) -> Result<(State, Vec<u8>), InboxError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT state, body FROM deliveries WHERE id = ?1",
                params![id],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?)),
            )
            .optional()
            .map_err(storage)?
            .and_then(|(state, body)| State::parse(&state).map(|s| (s, body)))
            .ok_or(InboxError::NotFound {
                id,
                wanted: "stored",
            })
        })
    }

    fn requeue(&self, id: i64, now: i64) -> Result<(), InboxError> {
        self.call(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?1 \
                     WHERE id = ?2 AND state = 'dead'",
                    params![now, id],
                )
                .map_err(storage)?;
            if changed == 0 {
                return Err(InboxError::NotFound { id, wanted: "dead" });
            }
            Ok(())
        })
    }

    fn requeue_all_dead(&self, now: i64) -> Result<u64, InboxError> {
        self.call(move |conn| {
            changed(
                conn,
                "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?1 WHERE state = 'dead'",
                params![now],
            )
        })
    }

    /// A quarantined body that now parses: pending under its key, or, when that key is already stored, folded into
    /// it as a duplicate. Answers the state the delivery is in afterwards.
    fn unquarantine(
        &self,
        id: i64,
        key: &str,
        webhook_type: &str,
        now: i64,
    ) -> Result<State, InboxError> {
        let (key, webhook_type) = (key.to_owned(), webhook_type.to_owned());
        self.call(move |conn| {
            // Another delivery with this key (not this one: a concurrent replay may have moved it already).
            let existing: Option<String> = conn
                .query_row(
                    "SELECT state FROM deliveries WHERE key = ?1 AND id <> ?2",
                    params![key, id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(storage)?;
            if let Some(state) = existing {
                let removed = conn
                    .execute(
                        "DELETE FROM deliveries WHERE id = ?1 AND state = 'quarantined'",
                        params![id],
                    )
                    .map_err(storage)?;
                if removed == 0 {
                    return Err(InboxError::NotFound {
                        id,
                        wanted: "quarantined",
                    });
                }
                conn.execute(
                    "UPDATE deliveries SET duplicates = duplicates + 1 WHERE key = ?1",
                    params![key],
                )
                .map_err(storage)?;
                return Ok(State::parse(&state).unwrap_or(State::Pending));
            }
            let changed = conn
                .execute(
                    "UPDATE deliveries SET state = 'pending', key = ?1, webhook_type = ?2, attempts = 0, \
                     next_attempt_at = ?3, last_error = NULL WHERE id = ?4 AND state = 'quarantined'",
                    params![key, webhook_type, now, id],
                )
                .map_err(storage)?;
            if changed == 0 {
                return Err(InboxError::NotFound {
                    id,
                    wanted: "quarantined",
                });
            }
            Ok(State::Pending)
        })
    }

    fn set_error(&self, id: i64, error: &str) -> Result<(), InboxError> {
        let error = error.to_owned();
        self.call(move |conn| {
            conn.execute(
                "UPDATE deliveries SET last_error = ?1 WHERE id = ?2",
                params![error, id],
            )
            .map(|_| ())
            .map_err(storage)
        })
    }

    fn purge_done(&self, cutoff: i64) -> Result<u64, InboxError> {
        self.call(move |conn| {
            changed(
                conn,
                "DELETE FROM deliveries WHERE state = 'done' AND done_at < ?1",
                params![cutoff],
            )
        })
    }

    fn list(&self, state: State, limit: usize) -> Result<Vec<DeliveryInfo>, InboxError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT id, key, state, webhook_type, received_at, attempts, next_attempt_at, last_error, \
                     duplicates FROM deliveries WHERE state = ?1 ORDER BY id LIMIT ?2",
                )
                .map_err(storage)?;
            let rows = statement
                .query_map(params![state.as_str(), limit], |row| {
                    Ok(DeliveryInfo {
                        id: row.get(0)?,
                        key: row.get(1)?,
                        state: State::parse(&row.get::<_, String>(2)?).unwrap_or(state),
                        webhook_type: row.get(3)?,
                        received_at_ms: row.get(4)?,
                        attempts: row.get(5)?,
                        next_attempt_at_ms: row.get(6)?,
                        last_error: row.get(7)?,
                        duplicates: row.get(8)?,
                    })
                })
                .map_err(storage)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(storage)
        })
    }

    fn counts(&self) -> Result<Counts, InboxError> {
        self.call(move |conn| {
            let mut counts = Counts::default();
            let mut statement = conn
                .prepare_cached(
                    "SELECT state, COUNT(*), SUM(duplicates) FROM deliveries GROUP BY state",
                )
                .map_err(storage)?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, Option<i64>>(2)?,
                    ))
                })
                .map_err(storage)?;
            for row in rows {
                let (state, n, duplicates) = row.map_err(storage)?;
                let n = u64::try_from(n).unwrap_or(0);
                counts.duplicates += u64::try_from(duplicates.unwrap_or(0)).unwrap_or(0);
                match State::parse(&state) {
                    Some(State::Pending) => counts.pending = n,
                    Some(State::Running) => counts.running = n,
                    Some(State::Done) => counts.done = n,
                    Some(State::Dead) => counts.dead = n,
                    Some(State::Quarantined) => counts.quarantined = n,
                    None => {}
                }
            }
            Ok(counts)
        })
    }
}

/// Runs a statement; answers how many rows it changed.
fn changed(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<u64, InboxError> {
    conn.execute(sql, params).map(|n| n as u64).map_err(storage)
}

/// The bytes of the pages in use (free pages, left by purges, are reused before the file grows).
fn used_bytes(conn: &Connection) -> Result<u64, InboxError> {
    let pragma = |name: &str| -> Result<u64, InboxError> {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(storage)
    };
    Ok(pragma("page_count")?.saturating_sub(pragma("freelist_count")?) * pragma("page_size")?)
}

/// The writer thread: batches of waiting operations, one transaction each, every operation in its own savepoint.
fn writer(conn: &Connection, jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            for job in batch {
                (job.abort)(e.to_string());
            }
            continue;
        }
        let mut finishes = Vec::with_capacity(batch.len());
        // Set when SQLite rolled the whole transaction back by itself (out of space, an I/O error): nothing of
        // this batch is stored, and the operations after it must not run outside a transaction.
        let mut lost: Option<String> = None;
        for job in batch {
            if let Some(reason) = &lost {
                (job.abort)(reason.clone());
                continue;
            }
            if let Err(e) = conn.execute_batch("SAVEPOINT job") {
                (job.abort)(e.to_string());
                continue;
            }
            let (ok, finish) = (job.run)(conn);
            if conn.is_autocommit() {
                let reason = "the store rolled the transaction back (out of space or an I/O error)"
                    .to_owned();
                finish(Err(reason.clone()));
                lost = Some(reason);
                continue;
            }
            let end = if ok {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            if let Err(e) = conn.execute_batch(end) {
                // The savepoint may still be open: nothing of this batch may be committed.
                let reason = format!("the store could not end an operation: {e}");
                finish(Err(reason.clone()));
                lost = Some(reason);
                continue;
            }
            finishes.push(finish);
        }
        let commit = match lost {
            Some(reason) => Err(reason),
            None => conn.execute_batch("COMMIT").map_err(|e| e.to_string()),
        };
        if commit.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for finish in finishes {
            finish(commit.clone());
        }
    }
}
