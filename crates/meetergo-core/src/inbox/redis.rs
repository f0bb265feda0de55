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
//! own byte limit; a redelivery is still acknowledged then, and workers go on draining. What "stored" means on disk
//! is Redis's persistence setting: with `appendonly yes` and `appendfsync always` an acknowledged delivery survives
//! a crash of Redis; with `everysec` up to a second of them may not. [`RedisStore::open`] warns when the server
//! writes no append-only file.

use std::sync::Mutex;
use std::time::Duration;

use redis::{Connection, RedisError, RedisResult, Script};

use super::{Claim, Counts, DeliveryInfo, InboxError, NewDelivery, Retry, State, Store};

/// How many idle connections are kept for reuse.
const MAX_IDLE: usize = 16;
/// Deliveries purged per script call (so a large purge does not stall Redis).
const PURGE_BATCH: u64 = 1000;
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
/// headers, webhook type ('' for none), error ('' for none), now, byte limit (-1 for none). Answers {1, 0} stored,
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
local max = tonumber(ARGV[9])
local used = tonumber(redis.call('GET', p .. ':bytes') or '0')
if max >= 0 and used + size > max then return {-1, used} end
id = string.format('%020d', redis.call('INCR', p .. ':seq'))
local now = ARGV[8]
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

/// ARGV: prefix, now, max attempts, lease (ms), worker, token. Answers {id, key, attempt, body} or nil.
const CLAIM: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local now = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':leases', '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))) do
  if tonumber(redis.call('HGET', d(id), 'attempts')) >= max then
    local last = redis.call('HGET', d(id), 'last_error')
    local message = "the worker's lease expired on the last allowed attempt"
    if last then message = message .. ' (earlier: ' .. last .. ')' end
    redis.call('HSET', d(id), 'state', 'dead', 'last_error', message)
    redis.call('HDEL', d(id), 'lease_until', 'token')
    redis.call('ZREM', p .. ':leases', id)
    move(id, 'running', 'dead')
  end
end
local best, best_at = nil, nil
local due = redis.call('ZRANGEBYSCORE', p .. ':due', '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
if due[1] then best, best_at = due[1], tonumber(due[2]) end
local lapsed = redis.call('ZRANGEBYSCORE', p .. ':leases', '-inf', now, 'LIMIT', 0, 1)
if lapsed[1] then
  local at = tonumber(redis.call('HGET', d(lapsed[1]), 'next_attempt_at'))
  if not best or at < best_at or (at == best_at and lapsed[1] < best) then best, best_at = lapsed[1], at end
end
if not best then return false end
local state = redis.call('HGET', d(best), 'state')
local attempt = redis.call('HINCRBY', d(best), 'attempts', 1)
local lease_until = now + tonumber(ARGV[4])
redis.call('HSET', d(best), 'state', 'running', 'lease_until', lease_until, 'worker', ARGV[5], 'token', ARGV[6])
redis.call('ZREM', p .. ':due', best)
redis.call('ZADD', p .. ':leases', lease_until, best)
if state ~= 'running' then move(best, state, 'running') end
local f = redis.call('HMGET', d(best), 'key', 'body')
return {tonumber(best), f[1], attempt, f[2]}
"#
);

/// ARGV: prefix, id, token, now. Answers 1, or 0 when the claim is no longer held.
const COMPLETE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = ARGV[2]
local f = redis.call('HMGET', d(id), 'state', 'token')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
redis.call('HSET', d(id), 'state', 'done', 'done_at', ARGV[4])
redis.call('HDEL', d(id), 'lease_until', 'token')
redis.call('ZREM', p .. ':leases', id)
redis.call('ZADD', p .. ':done_at', ARGV[4], id)
move(id, 'running', 'done')
return 1
"#
);

/// ARGV: prefix, id, token, error, new state (pending or dead), next attempt. Answers 1, or 0 (claim lost).
const FAIL: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local id = ARGV[2]
local f = redis.call('HMGET', d(id), 'state', 'token')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
redis.call('HSET', d(id), 'state', ARGV[5], 'next_attempt_at', ARGV[6], 'last_error', ARGV[4])
redis.call('HDEL', d(id), 'lease_until', 'token')
redis.call('ZREM', p .. ':leases', id)
move(id, 'running', ARGV[5])
if ARGV[5] == 'pending' then redis.call('ZADD', p .. ':due', ARGV[6], id) end
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

/// ARGV: prefix, now, id (or '' for every dead delivery). Answers how many were requeued.
const REQUEUE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local ids = {ARGV[3]}
if ARGV[3] == '' then ids = redis.call('ZRANGE', p .. ':s:dead', 0, -1) end
local n = 0
for _, id in ipairs(ids) do
  if redis.call('HGET', d(id), 'state') == 'dead' then
    redis.call('HSET', d(id), 'state', 'pending', 'attempts', 0, 'next_attempt_at', ARGV[2])
    move(id, 'dead', 'pending')
    redis.call('ZADD', p .. ':due', ARGV[2], id)
    n = n + 1
  end
end
return n
"#
);

/// ARGV: prefix, id, key, webhook type, now. Answers {1, state afterwards}, or {0, ''} when not quarantined.
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
redis.call('HSET', p .. ':keys', ARGV[3], id)
redis.call('HSET', d(id), 'key', ARGV[3], 'webhook_type', ARGV[4], 'state', 'pending', 'attempts', 0,
  'next_attempt_at', ARGV[5])
redis.call('HDEL', d(id), 'last_error')
move(id, 'quarantined', 'pending')
redis.call('ZADD', p .. ':due', ARGV[5], id)
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

/// ARGV: prefix, cutoff (deliveries done before it go), batch. Answers how many were deleted.
const PURGE: &str = lua!(
    "#!lua flags=allow-oom",
    r#"
local ids = redis.call('ZRANGEBYSCORE', p .. ':done_at', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
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
        let info: String = store.with(|c| redis::cmd("INFO").arg("persistence").query(c))?;
        if info.lines().any(|line| line.trim() == "aof_enabled:0") {
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

    fn connect(&self) -> Result<Connection, InboxError> {
        let conn = self
            .client
            .get_connection_with_timeout(CONNECT_TIMEOUT)
            .map_err(|e| self.failed(&e))?;
        conn.set_read_timeout(Some(IO_TIMEOUT))
            .and_then(|()| conn.set_write_timeout(Some(IO_TIMEOUT)))
            .map_err(|e| self.failed(&e))?;
        Ok(conn)
    }

    /// Runs `f` on a pooled connection; a connection that failed is dropped, not reused.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> RedisResult<T>) -> Result<T, InboxError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let value = f(&mut conn).map_err(|e| self.failed(&e))?;
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        Ok(value)
    }

    fn failed(&self, e: &RedisError) -> InboxError {
        InboxError::Storage(format!("redis at {}: {e}", self.shown))
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
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
        let attempt = self.with(|c| {
            self.scripts
                .insert
                .arg(&self.prefix)
                .arg(&d.key)
                .arg(d.state.as_str())
                .arg(&d.body)
                .arg(&d.headers)
                .arg(d.webhook_type.as_deref().unwrap_or(""))
                .arg(d.error.as_deref().unwrap_or(""))
                .arg(super::now_ms())
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
            // Out of memory (or another refusal): a redelivery is still acknowledged when its key is known.
            Err(refused) => {
                let known = self.with(|c| {
                    self.scripts
                        .count_duplicate
                        .arg(&self.prefix)
                        .arg(&d.key)
                        .invoke::<i64>(c)
                });
                match known {
                    Ok(1) => Ok(false),
                    _ => Err(refused),
                }
            }
        }
    }

    fn claim(
        &self,
        worker: &str,
        options: &super::InboxOptions,
        now: i64,
    ) -> Result<Option<Claim>, InboxError> {
        let token = format!("{:016x}{:016x}", super::random_u64(), super::random_u64());
        let claimed = self.with(|c| {
            self.scripts
                .claim
                .arg(&self.prefix)
                .arg(now)
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

    fn complete(&self, id: i64, token: &str, now: i64) -> Result<(), InboxError> {
        let done = self.with(|c| {
            self.scripts
                .complete
                .arg(&self.prefix)
                .arg(member(id))
                .arg(token)
                .arg(now)
                .invoke::<i64>(c)
        })?;
        if done == 1 {
            Ok(())
        } else {
            Err(InboxError::LeaseLost(id))
        }
    }

    fn fail(
        &self,
        id: i64,
        token: &str,
        error: &str,
        retry: Retry,
        now: i64,
    ) -> Result<(), InboxError> {
        let (state, next) = match retry {
            Retry::After(delay) => (State::Pending, now.saturating_add(ms(delay))),
            Retry::Dead => (State::Dead, now),
        };
        let failed = self.with(|c| {
            self.scripts
                .fail
                .arg(&self.prefix)
                .arg(member(id))
                .arg(token)
                .arg(error)
                .arg(state.as_str())
                .arg(next)
                .invoke::<i64>(c)
        })?;
        if failed == 1 {
            Ok(())
        } else {
            Err(InboxError::LeaseLost(id))
        }
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

    fn requeue(&self, id: i64, now: i64) -> Result<(), InboxError> {
        let n = self.with(|c| {
            self.scripts
                .requeue
                .arg(&self.prefix)
                .arg(now)
                .arg(member(id))
                .invoke::<u64>(c)
        })?;
        if n == 1 {
            Ok(())
        } else {
            Err(InboxError::NotFound { id, wanted: "dead" })
        }
    }

    fn requeue_all_dead(&self, now: i64) -> Result<u64, InboxError> {
        self.with(|c| {
            self.scripts
                .requeue
                .arg(&self.prefix)
                .arg(now)
                .arg("")
                .invoke::<u64>(c)
        })
    }

    fn unquarantine(
        &self,
        id: i64,
        key: &str,
        webhook_type: &str,
        now: i64,
    ) -> Result<State, InboxError> {
        let (found, state) = self.with(|c| {
            self.scripts
                .unquarantine
                .arg(&self.prefix)
                .arg(member(id))
                .arg(key)
                .arg(webhook_type)
                .arg(now)
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
        let mut total = 0;
        loop {
            let n = self.with(|c| {
                self.scripts
                    .purge
                    .arg(&self.prefix)
                    .arg(cutoff)
                    .arg(PURGE_BATCH)
                    .invoke::<u64>(c)
            })?;
            total += n;
            if n < PURGE_BATCH {
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
