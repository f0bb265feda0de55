//! The shared store: one Redis (7.0 or later) for receivers on many machines.
//!
//! Every operation is one Lua script, so it is atomic on the server: two receivers that get the same event at the
//! same moment store it once, and two workers never hold one claim. Keys live under a prefix (`meetergo:inbox` by
//! default): `:keys` (a hash from idempotency key to delivery id, the de-duplication index), `:d:<id>` (a hash per
//! delivery), `:s:<state>` (the ids in each state), `:due` (pending ids by next attempt), `:leases` (running ids by
//! lease expiry), `:done_at`, `:seq`, `:bytes` and `:dups`. Not for Redis Cluster (the scripts address keys they
//! compute).
//!
//! A new delivery is refused (503) when Redis is out of memory (`maxmemory` with `noeviction`) or past the inbox's
//! own byte limit; a redelivery is still acknowledged then, and workers go on draining. A Redis whose
//! `maxmemory-policy` evicts any key (`allkeys-*`) is refused: it would drop stored deliveries. Every time (arrival,
//! leases, retries, purges) is Redis's clock (`TIME`), so receivers on machines whose clocks disagree never take over
//! a live claim. What "stored" means on disk
//! is Redis's persistence setting: with `appendonly yes` and `appendfsync always` an acknowledged delivery survives
//! a crash of Redis; with `everysec` up to a second of them may not. [`RedisStore::open`] warns when the server
//! writes no append-only file.

use std::sync::Mutex;
use std::time::Duration;

use redis::{Connection, RedisError, RedisResult, Script};

use super::{Claim, Counts, DeliveryInfo, InboxError, NewDelivery, Retry, State, Store};

/// How many idle connections are kept for reuse.
const MAX_IDLE: usize = 16;
/// Deliveries purged or requeued per script call (so a large purge or replay does not stall Redis).
const BATCH: u64 = 1000;
/// Expired leases looked at per claim.
const EXPIRED_BATCH: u32 = 256;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A Redis that does not answer within this fails the operation (the receiver answers 503, never waits forever).
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_PREFIX: &str = "meetergo:inbox";

/// Shared by every script: the prefix, the key of a delivery, and moving an id between the state sets.
macro_rules! lua {
    ($flags:literal, $body:literal) => {
        concat!(
            $flags,
            "\n",
            r#"
local p = ARGV[1]
local function d(id) return p .. ':d:' .. id end
-- Every time is the server's, in milliseconds: receivers on many machines share one clock.
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function move(id, from, to)
  if from then redis.call('ZREM', p .. ':s:' .. from, id) end
  redis.call('ZADD', p .. ':s:' .. to, tonumber(id), id)
end
"#,
            $body
        )
    };
}

/// A new delivery (refused, like every write, when Redis is out of memory). ARGV: prefix, key, state, body,
/// headers, webhook type ('' for none), error ('' for none), byte limit (-1 for none). Answers {1, 0} stored,
/// {0, 0} known (counted as a duplicate), {-1, bytes in use} over the limit.
const INSERT: &str = lua!(
    "#!lua",
    r#"
local id = redis.call('HGET', p .. ':keys', ARGV[2])
if id then
  redis.call('HINCRBY', d(id), 'duplicates', 1)
  redis.call('INCR', p .. ':dups')
  return {0, 0}
end
local size = #ARGV[4] + #ARGV[5]
local max = tonumber(ARGV[8])
local used = tonumber(redis.call('GET', p .. ':bytes') or '0')
if max >= 0 and used + size > max then return {-1, used} end
id = string.format('%020d', redis.call('INCR', p .. ':seq'))
local now = clock()
redis.call('HSET', d(id), 'key', ARGV[2], 'state', ARGV[3], 'body', ARGV[4], 'headers', ARGV[5],
  'received_at', now, 'attempts', 0, 'next_attempt_at', now, 'duplicates', 0, 'size', size)
if ARGV[6] ~= '' then redis.call('HSET', d(id), 'webhook_type', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', d(id), 'last_error', ARGV[7]) end
redis.call('HSET', p .. ':keys', ARGV[2], id)
move(id, nil, ARGV[3])
if ARGV[3] == 'pending' then redis.call('ZADD', p .. ':due', now, id) end
redis.call('INCRBY', p .. ':bytes', size)
return {1, 0}
"#
);

/// A redelivery while Redis is out of memory: counted when its key is known. ARGV: prefix, key. Answers 1 or 0.
const COUNT_DUPLICATE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = redis.call('HGET', p .. ':keys', ARGV[2])
if not id then return 0 end
redis.call('HINCRBY', d(id), 'duplicates', 1)
redis.call('INCR', p .. ':dups')
return 1
"#
);

/// ARGV: prefix, max attempts, lease (ms), worker, token, expired leases to look at. Answers {id, key, attempt,
/// body} or nil.
const CLAIM: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local now = clock()
local max = tonumber(ARGV[2])
local lapsed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':leases', '-inf', now, 'LIMIT', 0, tonumber(ARGV[6]))) do
  if tonumber(redis.call('HGET', d(id), 'attempts')) >= max then
    local last = redis.call('HGET', d(id), 'last_error')
    local message = "the worker's lease expired on the last allowed attempt"
    if last then message = message .. ' (earlier: ' .. last .. ')' end
    redis.call('HSET', d(id), 'state', 'dead', 'last_error', message)
    redis.call('HDEL', d(id), 'lease_until', 'token')
    redis.call('ZREM', p .. ':leases', id)
    move(id, 'running', 'dead')
  else
    lapsed[#lapsed + 1] = id
  end
end
local best, best_at = nil, nil
local due = redis.call('ZRANGEBYSCORE', p .. ':due', '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
if due[1] then best, best_at = due[1], tonumber(due[2]) end
-- As SQLite: the smallest (next attempt, id) of the due and the lapsed.
for _, id in ipairs(lapsed) do
  local at = tonumber(redis.call('HGET', d(id), 'next_attempt_at'))
  if not best or at < best_at or (at == best_at and id < best) then best, best_at = id, at end
end
if not best then return false end
local state = redis.call('HGET', d(best), 'state')
local attempt = redis.call('HINCRBY', d(best), 'attempts', 1)
local lease_until = now + tonumber(ARGV[3])
redis.call('HSET', d(best), 'state', 'running', 'lease_until', lease_until, 'worker', ARGV[4], 'token', ARGV[5])
redis.call('ZREM', p .. ':due', best)
redis.call('ZADD', p .. ':leases', lease_until, best)
if state ~= 'running' then move(best, state, 'running') end
local f = redis.call('HMGET', d(best), 'key', 'body')
return {tonumber(best), f[1], attempt, f[2]}
"#
);

/// ARGV: prefix, id, token. Answers 1, or 0 when the claim is no longer held.
const COMPLETE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = ARGV[2]
local f = redis.call('HMGET', d(id), 'state', 'token')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
local now = clock()
redis.call('HSET', d(id), 'state', 'done', 'done_at', now)
redis.call('HDEL', d(id), 'lease_until', 'token')
redis.call('ZREM', p .. ':leases', id)
redis.call('ZADD', p .. ':done_at', now, id)
move(id, 'running', 'done')
return 1
"#
);

/// ARGV: prefix, id, token, error, new state (pending or dead), delay before the next attempt (ms). Answers 1, or
/// 0 (claim lost).
const FAIL: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = ARGV[2]
local f = redis.call('HMGET', d(id), 'state', 'token')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
local next = clock() + tonumber(ARGV[6])
redis.call('HSET', d(id), 'state', ARGV[5], 'next_attempt_at', next, 'last_error', ARGV[4])
redis.call('HDEL', d(id), 'lease_until', 'token')
redis.call('ZREM', p .. ':leases', id)
move(id, 'running', ARGV[5])
if ARGV[5] == 'pending' then redis.call('ZADD', p .. ':due', next, id) end
return 1
"#
);

/// ARGV: prefix, id. Answers {state, body} or nil.
const BODY: &str = lua!(
    "#!lua flags=no-writes",
    r#"
local f = redis.call('HMGET', d(ARGV[2]), 'state', 'body')
if not f[1] then return false end
return f
"#
);

/// ARGV: prefix, id (or '' for the oldest dead deliveries), how many at most. Answers how many were requeued.
const REQUEUE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local ids = {ARGV[2]}
if ARGV[2] == '' then ids = redis.call('ZRANGE', p .. ':s:dead', 0, tonumber(ARGV[3]) - 1) end
local now = clock()
local n = 0
for _, id in ipairs(ids) do
  if redis.call('HGET', d(id), 'state') == 'dead' then
    redis.call('HSET', d(id), 'state', 'pending', 'attempts', 0, 'next_attempt_at', now)
    move(id, 'dead', 'pending')
    redis.call('ZADD', p .. ':due', now, id)
    n = n + 1
  end
end
return n
"#
);

/// ARGV: prefix, id, key, webhook type. Answers {1, state afterwards}, or {0, ''} when not quarantined.
const UNQUARANTINE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = ARGV[2]
local old = redis.call('HMGET', d(id), 'state', 'key', 'size', 'duplicates')
if old[1] ~= 'quarantined' then return {0, ''} end
redis.call('HDEL', p .. ':keys', old[2])
local other = redis.call('HGET', p .. ':keys', ARGV[3])
if other then
  redis.call('DEL', d(id))
  redis.call('ZREM', p .. ':s:quarantined', id)
  redis.call('DECRBY', p .. ':bytes', old[3])
  redis.call('DECRBY', p .. ':dups', old[4])
  redis.call('HINCRBY', d(other), 'duplicates', 1)
  redis.call('INCR', p .. ':dups')
  return {1, redis.call('HGET', d(other), 'state')}
end
local now = clock()
redis.call('HSET', p .. ':keys', ARGV[3], id)
redis.call('HSET', d(id), 'key', ARGV[3], 'webhook_type', ARGV[4], 'state', 'pending', 'attempts', 0,
  'next_attempt_at', now)
redis.call('HDEL', d(id), 'last_error')
move(id, 'quarantined', 'pending')
redis.call('ZADD', p .. ':due', now, id)
return {1, 'pending'}
"#
);

/// ARGV: prefix, id, error.
const SET_ERROR: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
if redis.call('EXISTS', d(ARGV[2])) == 1 then redis.call('HSET', d(ARGV[2]), 'last_error', ARGV[3]) end
return 1
"#
);

/// ARGV: prefix, age (ms: deliveries done longer ago go), batch. Answers how many were deleted.
const PURGE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local cutoff = clock() - tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', p .. ':done_at', '-inf', '(' .. cutoff, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', d(id), 'key', 'size', 'duplicates')
  if f[1] then redis.call('HDEL', p .. ':keys', f[1]) end
  redis.call('DECRBY', p .. ':bytes', f[2] or 0)
  redis.call('DECRBY', p .. ':dups', f[3] or 0)
  redis.call('DEL', d(id))
  redis.call('ZREM', p .. ':done_at', id)
  redis.call('ZREM', p .. ':s:done', id)
end
return #ids
"#
);

/// ARGV: prefix, state, limit (> 0). Answers one array per delivery, by ascending id.
const LIST: &str = lua!(
    "#!lua flags=no-writes",
    r#"
local out = {}
for i, id in ipairs(redis.call('ZRANGE', p .. ':s:' .. ARGV[2], 0, tonumber(ARGV[3]) - 1)) do
  local f = redis.call('HMGET', d(id), 'key', 'state', 'webhook_type', 'received_at', 'attempts', 'next_attempt_at',
    'last_error', 'duplicates')
  out[i] = {tonumber(id), f[1], f[2], f[3], tonumber(f[4]), tonumber(f[5]), tonumber(f[6]), f[7], tonumber(f[8])}
end
return out
"#
);

/// ARGV: prefix. Answers the counts of the five states, then the duplicates (a script: atomic, and allowed while
/// Redis is out of memory, unlike a `MULTI` block).
const COUNTS: &str = lua!(
    "#!lua flags=no-writes",
    r#"
local out = {}
for i, state in ipairs({'pending', 'running', 'done', 'dead', 'quarantined'}) do
  out[i] = redis.call('ZCARD', p .. ':s:' .. state)
end
out[6] = tonumber(redis.call('GET', p .. ':dups') or '0')
return out
"#
);

/// A listed delivery as the script answers it.
type Row = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    u32,
    i64,
    Option<String>,
    u32,
);

/// The scripts, loaded once per store (`EVALSHA`, loaded again when Redis forgot them).
struct Scripts {
    insert: Script,
    count_duplicate: Script,
    claim: Script,
    complete: Script,
    fail: Script,
    body: Script,
    requeue: Script,
    unquarantine: Script,
    set_error: Script,
    purge: Script,
    list: Script,
    counts: Script,
}

/// The Redis store of an [`Inbox`](super::Inbox).
pub(crate) struct RedisStore {
    client: redis::Client,
    idle: Mutex<Vec<Connection>>,
    prefix: String,
    /// `host:port/db`, for messages (never the password).
    shown: String,
    max_bytes: Option<u64>,
    scripts: Scripts,
    /// Set when the server keeps no append-only file.
    warning: Option<String>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.shown)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// The store's URL without its `prefix` parameter, the prefix, and the server as it may be shown.
fn split_url(url: &str) -> Result<(String, String, String), InboxError> {
    let unsupported =
        || InboxError::UnsupportedStore(format!("{} (not a valid URL)", super::scheme_only(url)));
    let mut parsed = url::Url::parse(url).map_err(|_| unsupported())?;
    let mut prefix = DEFAULT_PREFIX.to_owned();
    let rest: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(name, value)| {
            if name == "prefix" {
                prefix = value.into_owned();
                None
            } else {
                Some((name.into_owned(), value.into_owned()))
            }
        })
        .collect();
    if prefix.is_empty() {
        return Err(InboxError::UnsupportedStore(format!(
            "{} (an empty prefix)",
            super::scheme_only(url)
        )));
    }
    if rest.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(rest);
    }
    let db = parsed.path().trim_start_matches('/');
    let shown = match parsed.host_str() {
        Some(host) if db.is_empty() => format!("{host}:{}", parsed.port().unwrap_or(6379)),
        Some(host) => format!("{host}:{}/{db}", parsed.port().unwrap_or(6379)),
        None => parsed.path().to_owned(),
    };
    Ok((parsed.to_string(), prefix, shown))
}

impl RedisStore {
    /// Connects to the Redis at `url` (refusing an unreachable one) and warns when it keeps no append-only file.
    pub(crate) fn open(url: &str, max_bytes: Option<u64>) -> Result<RedisStore, InboxError> {
        let (url, prefix, shown) = split_url(url)?;
        let client = redis::Client::open(url.as_str())
            .map_err(|e| InboxError::UnsupportedStore(format!("redis:… ({})", e.category())))?;
        let mut store = RedisStore {
            warning: None,
            client,
            idle: Mutex::new(Vec::new()),
            prefix,
            shown,
            max_bytes,
            scripts: Scripts {
                insert: Script::new(INSERT),
                count_duplicate: Script::new(COUNT_DUPLICATE),
                claim: Script::new(CLAIM),
                complete: Script::new(COMPLETE),
                fail: Script::new(FAIL),
                body: Script::new(BODY),
                requeue: Script::new(REQUEUE),
                unquarantine: Script::new(UNQUARANTINE),
                set_error: Script::new(SET_ERROR),
                purge: Script::new(PURGE),
                list: Script::new(LIST),
                counts: Script::new(COUNTS),
            },
        };
        let info: String = store.with(|c| redis::cmd("INFO").query(c))?;
        let field = |name: &str| {
            info.lines()
                .find_map(|line| line.trim().strip_prefix(name)?.strip_prefix(':'))
                .unwrap_or("")
        };
        let major: u32 = field("redis_version")
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if major < 7 {
            return Err(InboxError::UnsupportedStore(format!(
                "the Redis at {} is version {}; the inbox needs Redis 7.0 or later",
                store.shown,
                field("redis_version")
            )));
        }
        // A policy that evicts any key would silently drop deliveries, their keys or the id counter.
        let policy = field("maxmemory_policy");
        if policy.starts_with("allkeys-") {
            return Err(InboxError::UnsupportedStore(format!(
                "the Redis at {} evicts keys when full (maxmemory-policy {policy}): it would drop stored deliveries; \
                 use noeviction (a full inbox then answers 503)",
                store.shown
            )));
        }
        if field("aof_enabled") == "0" {
            let warning = format!(
                "the Redis at {} keeps no append-only file: a crash of Redis loses acknowledged deliveries (set \
                 appendonly yes and appendfsync always)",
                store.shown
            );
            log::warn!(target: "meetergo::inbox", "{warning}");
            store.warning = Some(warning);
        }
        Ok(store)
    }

    fn connect(&self) -> RedisResult<Connection> {
        let conn = self.client.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        conn.set_read_timeout(Some(IO_TIMEOUT))?;
        conn.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(conn)
    }

    /// Runs `f` on a pooled connection; a connection that failed is dropped, not reused.
    fn with<T>(&self, f: impl Fn(&mut Connection) -> RedisResult<T>) -> Result<T, InboxError> {
        self.raw(f).map_err(|e| self.failed(&e))
    }

    /// [`RedisStore::with`], answering Redis's own error. A pooled connection found dead (Redis restarted, an idle
    /// timeout, a failover) is dropped with every other idle one, and the operation runs once more on a new
    /// connection: a stale pool never costs a delivery.
    fn raw<T>(&self, f: impl Fn(&mut Connection) -> RedisResult<T>) -> RedisResult<T> {
        let pooled = self.idle().pop();
        let (mut conn, was_pooled) = match pooled {
            Some(conn) => (conn, true),
            None => (self.connect()?, false),
        };
        let value = match f(&mut conn) {
            Ok(value) => value,
            Err(e) if was_pooled && (e.is_connection_dropped() || e.is_io_error()) => {
                self.idle().clear();
                conn = self.connect()?;
                f(&mut conn)?
            }
            Err(e) => return Err(e),
        };
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        Ok(value)
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn failed(&self, e: &RedisError) -> InboxError {
        InboxError::Storage(format!("redis at {}: {e}", self.shown))
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A script's answer about a claim: 1 when it still held it, else [`InboxError::LeaseLost`].
fn held(answer: i64, id: i64) -> Result<(), InboxError> {
    if answer == 1 {
        Ok(())
    } else {
        Err(InboxError::LeaseLost(id))
    }
}

/// The member naming delivery `id` in the store's sets.
fn member(id: i64) -> String {
    format!("{id:020}")
}

impl Store for RedisStore {
    fn insert(&self, d: NewDelivery) -> Result<bool, InboxError> {
        let max = self
            .max_bytes
            .map_or(-1, |m| i64::try_from(m).unwrap_or(i64::MAX));
        let attempt = self.raw(|c| {
            self.scripts
                .insert
                .arg(&self.prefix)
                .arg(&d.key)
                .arg(d.state.as_str())
                .arg(&d.body)
                .arg(&d.headers)
                .arg(d.webhook_type.as_deref().unwrap_or(""))
                .arg(d.error.as_deref().unwrap_or(""))
                .arg(max)
                .invoke::<(i64, i64)>(c)
        });
        match attempt {
            Ok((1, _)) => Ok(true),
            Ok((0, _)) => Ok(false),
            Ok((_, used)) => Err(InboxError::Storage(super::full_message(
                u64::try_from(used).unwrap_or(0),
                u64::try_from(max).unwrap_or(0),
            ))),
            // Out of memory: a redelivery is still acknowledged when its key is known. (Only then: after a timeout,
            // the insert may have run, and its own key must not be counted as a duplicate.)
            Err(refused) if refused.code() == Some("OOM") => {
                let known = self.with(|c| {
                    self.scripts
                        .count_duplicate
                        .arg(&self.prefix)
                        .arg(&d.key)
                        .invoke::<i64>(c)
                });
                match known {
                    Ok(1) => Ok(false),
                    _ => Err(self.failed(&refused)),
                }
            }
            Err(e) => Err(self.failed(&e)),
        }
    }

    fn claim(
        &self,
        worker: &str,
        options: &super::InboxOptions,
        _now: i64,
    ) -> Result<Option<Claim>, InboxError> {
        let token = format!("{:016x}{:016x}", super::random_u64(), super::random_u64());
        let claimed = self.with(|c| {
            self.scripts
                .claim
                .arg(&self.prefix)
                .arg(options.max_attempts)
                .arg(ms(options.lease))
                .arg(worker)
                .arg(&token)
                .arg(EXPIRED_BATCH)
                .invoke::<Option<(i64, String, u32, Vec<u8>)>>(c)
        })?;
        Ok(claimed.map(|(id, key, attempt, body)| Claim {
            id,
            key,
            attempt,
            body,
            token,
        }))
    }

    fn complete(&self, id: i64, token: &str, _now: i64) -> Result<(), InboxError> {
        let done = self.with(|c| {
            self.scripts
                .complete
                .arg(&self.prefix)
                .arg(member(id))
                .arg(token)
                .invoke::<i64>(c)
        })?;
        held(done, id)
    }

    fn fail(
        &self,
        id: i64,
        token: &str,
        error: &str,
        retry: Retry,
        _now: i64,
    ) -> Result<(), InboxError> {
        let (state, delay) = match retry {
            Retry::After(delay) => (State::Pending, ms(delay)),
            Retry::Dead => (State::Dead, 0),
        };
        let failed = self.with(|c| {
            self.scripts
                .fail
                .arg(&self.prefix)
                .arg(member(id))
                .arg(token)
                .arg(error)
                .arg(state.as_str())
                .arg(delay)
                .invoke::<i64>(c)
        })?;
        held(failed, id)
    }

    fn body(&self, id: i64) -> Result<(State, Vec<u8>), InboxError> {
        let found = self.with(|c| {
            self.scripts
                .body
                .arg(&self.prefix)
                .arg(member(id))
                .invoke::<Option<(String, Vec<u8>)>>(c)
        })?;
        found
            .and_then(|(state, body)| State::parse(&state).map(|s| (s, body)))
            .ok_or(InboxError::NotFound {
                id,
                wanted: "stored",
            })
    }

    fn requeue(&self, id: i64, _now: i64) -> Result<(), InboxError> {
        let n = self.with(|c| {
            self.scripts
                .requeue
                .arg(&self.prefix)
                .arg(member(id))
                .arg(1)
                .invoke::<u64>(c)
        })?;
        if n == 1 {
            Ok(())
        } else {
            Err(InboxError::NotFound { id, wanted: "dead" })
        }
    }

    fn requeue_all_dead(&self, _now: i64) -> Result<u64, InboxError> {
        // In batches, so a long dead-letter queue does not stall Redis.
        let mut total = 0;
        loop {
            let n = self.with(|c| {
                self.scripts
                    .requeue
                    .arg(&self.prefix)
                    .arg("")
                    .arg(BATCH)
                    .invoke::<u64>(c)
            })?;
            total += n;
            if n < BATCH {
                return Ok(total);
            }
        }
    }

    fn unquarantine(
        &self,
        id: i64,
        key: &str,
        webhook_type: &str,
        _now: i64,
    ) -> Result<State, InboxError> {
        let (found, state) = self.with(|c| {
            self.scripts
                .unquarantine
                .arg(&self.prefix)
                .arg(member(id))
                .arg(key)
                .arg(webhook_type)
                .invoke::<(i64, String)>(c)
        })?;
        if found == 1 {
            Ok(State::parse(&state).unwrap_or(State::Pending))
        } else {
            Err(InboxError::NotFound {
                id,
                wanted: "quarantined",
            })
        }
    }

    fn set_error(&self, id: i64, error: &str) -> Result<(), InboxError> {
        self.with(|c| {
            self.scripts
                .set_error
                .arg(&self.prefix)
                .arg(member(id))
                .arg(error)
                .invoke::<i64>(c)
        })
        .map(|_| ())
    }

    fn purge_done(&self, cutoff: i64) -> Result<u64, InboxError> {
        // The store's clock decides (as for every time here): the age the caller meant.
        let age = super::now_ms().saturating_sub(cutoff).max(0);
        let mut total = 0;
        loop {
            let n = self.with(|c| {
                self.scripts
                    .purge
                    .arg(&self.prefix)
                    .arg(age)
                    .arg(BATCH)
                    .invoke::<u64>(c)
            })?;
            total += n;
            if n < BATCH {
                return Ok(total);
            }
        }
    }

    fn list(&self, state: State, limit: usize) -> Result<Vec<DeliveryInfo>, InboxError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = self.with(|c| {
            self.scripts
                .list
                .arg(&self.prefix)
                .arg(state.as_str())
                .arg(u64::try_from(limit).unwrap_or(u64::MAX).min(1 << 50))
                .invoke::<Vec<Row>>(c)
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    key,
                    s,
                    webhook_type,
                    received_at_ms,
                    attempts,
                    next,
                    last_error,
                    duplicates,
                )| {
                    DeliveryInfo {
                        id,
                        key,
                        state: State::parse(&s).unwrap_or(state),
                        webhook_type,
                        received_at_ms,
                        attempts,
                        next_attempt_at_ms: next,
                        last_error,
                        duplicates,
                    }
                },
            )
            .collect())
    }

    fn durability_warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    fn location(&self) -> String {
        let prefix: String = url::form_urlencoded::byte_serialize(self.prefix.as_bytes()).collect();
        format!("redis://{}?prefix={prefix}", self.shown)
    }

    fn counts(&self) -> Result<Counts, InboxError> {
        let (pending, running, done, dead, quarantined, duplicates) = self.with(|c| {
            self.scripts
                .counts
                .arg(&self.prefix)
                .invoke::<(u64, u64, u64, u64, u64, i64)>(c)
        })?;
        Ok(Counts {
            pending,
            running,
            done,
            dead,
            quarantined,
            duplicates: u64::try_from(duplicates).unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_taken_out_of_the_url_and_the_password_never_shown() {
        let (url, prefix, shown) = split_url(
            "redis://user:hunter2@cache.internal:6380/2?prefix=shop%3Ainbox&protocol=resp3",
        )
        .unwrap();
        assert_eq!(
            url,
            "redis://user:hunter2@cache.internal:6380/2?protocol=resp3"
        );
        assert_eq!(prefix, "shop:inbox");
        assert_eq!(shown, "cache.internal:6380/2");
        let (url, prefix, shown) = split_url("redis://localhost").unwrap();
        assert_eq!(
            (url.as_str(), prefix.as_str()),
            ("redis://localhost", DEFAULT_PREFIX)
        );
        assert_eq!(shown, "localhost:6379");
        let e = split_url("redis://h/?prefix=").unwrap_err();
        assert!(e.to_string().contains("empty prefix"), "{e}");
        let e = split_url("redis://user:hunter2@[bad").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn ids_are_members_that_sort_as_numbers() {
        assert_eq!(member(12), "00000000000000000012");
        assert!(member(9) < member(10));
    }
}
