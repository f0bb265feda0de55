'use strict';
// meetergo for Node: a thin layer over the Rust core (native/, built by napi-rs). The error classes, argument checks
// and event objects are shared with the browser build (lib/shared.js); here: the client, which runs requests on the
// Rust runtime with AbortSignal support, the Deduplicator, and the durable Inbox (lib/inbox.js).

const { inspect } = require('node:util');
const native = require('./native/index.js');
const { createMeetergo } = require('./lib/shared.js');
const { createInbox } = require('./lib/inbox.js');

const shared = createMeetergo({
  parseEvent: (body, maxBodyBytes) => native.parseEvent(body, maxBodyBytes),
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  copyBytes: (bytes) => Buffer.from(bytes),
  redactBody: (text) => native.redactBody(text),
  validateWebhook: (endpoint, eventTypes, description, allowInsecureEndpoints) =>
    native.validateWebhook({ endpoint, eventTypes, description, allowInsecureEndpoints }),
  eventClasses: () => native.eventClasses(),
  knownEventTypes: () => native.knownEventTypes(),
  coreVersion: () => native.coreVersion(),
});
const { fromNative, callNative } = shared;
const { object, eventTypes, optionalString, number } = shared.check;

function abortReason(signal) {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * Runs a native call on the Rust runtime; the signal aborts it. Settles with the parsed JSON answer (`null` as
 * `undefined`, unless `keepNull`).
 */
async function run(start, signal, keepNull = false, mayHaveHappened = false) {
  if (signal !== undefined && signal !== null && typeof signal.addEventListener !== 'function') {
    throw new TypeError('options.signal must be an AbortSignal');
  }
  if (signal && signal.aborted) throw abortReason(signal);
  const pending = callNative(start);
  const onAbort = () => pending.cancel();
  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  try {
    const json = await pending.outcome();
    const value = JSON.parse(json);
    return value === null && !keepNull ? undefined : value;
  } catch (error) {
    if (signal && signal.aborted) {
      // A create aborted once sent may have been processed by meetergo: say so, as for a timeout (reconcile first).
      if (mayHaveHappened) throw abortedAfterSending(signal);
      throw abortReason(signal);
    }
    throw fromNative(error);
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

/** The error of a create aborted after it was sent: `MEETERGO_ABORTED`, `outcomeUnknown`, the signal's reason as cause. */
function abortedAfterSending(signal) {
  const error = new shared.errors.MeetergoError('the create was aborted; meetergo may have processed it (reconcile before retrying)', {
    cause: abortReason(signal),
  });
  error.code = 'MEETERGO_ABORTED';
  error.outcomeUnknown = true;
  return error;
}

/** A webhook id as the API takes it: ids are strings (`webhook.id`); a safe integer (meetergo sends `"id": 1492`) too. */
function id(value) {
  if (Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') throw new TypeError('id must be a string or a safe integer');
  return value;
}

/** A webhook definition (`{ endpoint, eventTypes, description? }`) as the native client takes it. */
function definition(input, what) {
  object(input, what);
  return {
    endpoint: optionalString(input.endpoint, `${what}.endpoint`) ?? '',
    eventTypes: eventTypes(input.eventTypes, `${what}.eventTypes`) ?? [],
    description: optionalString(input.description, `${what}.description`),
  };
}

/** The wanted webhooks of a sync: an iterable of definitions. */
function definitions(desired) {
  if (desired === null || typeof desired !== 'object' || typeof desired[Symbol.iterator] !== 'function') {
    throw new TypeError('desired must be an array of webhook definitions');
  }
  return Array.from(desired, (input, i) => definition(input, `desired[${i}]`));
}

/** `true`/`false`, or `undefined` when not given. */
function optionalBoolean(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean`);
  return value;
}

/** `rateLimit`: `true` (meetergo's limit) or `{ perMinute?, burst? }`; `undefined`/`false`: off. */
function rateLimit(value) {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return {};
  object(value, 'options.rateLimit');
  return {
    perMinute: number(value.perMinute, 'options.rateLimit.perMinute'),
    burst: number(value.burst, 'options.rateLimit.burst'),
  };
}

/** `client.webhooks`: the company's webhook endpoints. Every method returns a Promise. */
class Webhooks {
  #native;

  constructor(nativeClient) {
    this.#native = nativeClient;
  }

  /** Registers a webhook; validated first (nothing is sent for a bad endpoint or no event types). */
  create(input, options = {}) {
    return run(() => this.#native.create(definition(input, 'input')), options.signal, false, true);
  }

  /**
   * After a create whose outcome is unknown (`error.outcomeUnknown`): the registered webhook matching `input` (same
   * endpoint, same event types, and the same description when given), or `null` when the create did not happen.
   */
  reconcile(input, options = {}) {
    return run(() => this.#native.reconcile(definition(input, 'input')), options.signal, true);
  }

  /** The steps that would make the company's webhooks match `desired` (updates, deletes, creates); changes nothing. */
  planSync(desired, options = {}) {
    return run(() => this.#native.planSync(definitions(desired)), options.signal);
  }

  /**
   * Makes the company's webhooks match `desired`: carries out the plan's changes, in order, and resolves to the steps
   * done, each with the webhook afterwards. Stops at the first failure; running it again picks up where it stopped.
   */
  sync(desired, options = {}) {
    return run(() => this.#native.sync(definitions(desired)), options.signal);
  }

  /** The company's webhooks (at most six). */
  list(options = {}) {
    return run(() => this.#native.list(), options.signal);
  }

  /** Changes a webhook: only the fields given are sent; `eventTypes` replaces the whole list. */
  update(webhookId, patch, options = {}) {
    return run(() => {
      object(patch, 'patch');
      return this.#native.update(id(webhookId), {
        endpoint: optionalString(patch.endpoint, 'patch.endpoint'),
        description: optionalString(patch.description, 'patch.description'),
        eventTypes: eventTypes(patch.eventTypes, 'patch.eventTypes'),
      });
    }, options.signal);
  }

  /** Deletes a webhook; resolves to `undefined`. */
  delete(webhookId, options = {}) {
    return run(() => this.#native.delete(id(webhookId)), options.signal);
  }
}

// The core's log records (target `meetergo`: requests, retries, rate-limit waits; `meetergo::inbox`: refused
// deliveries, expired leases), as Python's reach `logging`. Silent unless a logger is set or MEETERGO_LOG names a level.
const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'];

function logLevel(level, what) {
  if (level === undefined) return 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new TypeError(`${what} must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return level;
}

/** A sink for `setLogger`'s logger: a function gets each record; an object (console, pino, winston) its level's method. */
function logSink(logger) {
  if (typeof logger === 'function') return (record) => logger(record);
  return (record) => {
    const method = logger[record.level] ?? (record.level === 'trace' ? logger.debug : undefined) ?? logger.log;
    if (typeof method === 'function') method.call(logger, `${record.target}: ${record.message}`);
  };
}

/**
 * Sends the core's log records to `logger` (process-wide, as the records are): a function called with each
 * `{ level, target, message }`, or an object with `error`/`warn`/`info`/`debug` methods (`console`, pino, winston);
 * `null` silences them. `level` (default `'info'`): `'silent'`, `'error'`, `'warn'`, `'info'`, `'debug'`, `'trace'`.
 * Records never hold the API token or a path secret. A logger that throws is ignored.
 */
function setLogger(logger, options = {}) {
  object(options, 'options');
  const level = logLevel(options.level, 'options.level');
  if (logger === null || logger === undefined || level === 'silent') {
    native.setLogSink(null, 'silent');
    return;
  }
  if (typeof logger !== 'function' && (typeof logger !== 'object' || Array.isArray(logger))) {
    throw new TypeError('logger must be a function, an object with log methods, or null');
  }
  const sink = logSink(logger);
  native.setLogSink((record) => {
    try {
      sink(record);
    } catch {
      // A broken logger must not break the requests it logs.
    }
  }, level);
}

// MEETERGO_LOG=debug (or any level): the records on stderr, without code changes.
if (process.env.MEETERGO_LOG && process.env.MEETERGO_LOG !== 'silent') {
  const level = LOG_LEVELS.includes(process.env.MEETERGO_LOG) ? process.env.MEETERGO_LOG : 'debug';
  setLogger((r) => process.stderr.write(`meetergo ${r.level.toUpperCase()} ${r.target}: ${r.message}\n`), { level });
}

/** The meetergo API client. Options not given come from `MEETERGO_API_KEY`, `MEETERGO_USER_ID`, `MEETERGO_BASE_URL`. */
class Client {
  #native;

  constructor(options = {}) {
    object(options, 'options');
    const nativeOptions = {
      apiKey: optionalString(options.apiKey, 'options.apiKey'),
      userId: optionalString(options.userId, 'options.userId'),
      baseUrl: optionalString(options.baseUrl, 'options.baseUrl'),
      timeoutMs: number(options.timeoutMs, 'options.timeoutMs'),
      maxRetries: number(options.maxRetries, 'options.maxRetries'),
      allowInsecureEndpoints: optionalBoolean(options.allowInsecureEndpoints, 'options.allowInsecureEndpoints'),
      sendUserIdWithPersonalToken: optionalBoolean(
        options.sendUserIdWithPersonalToken,
        'options.sendUserIdWithPersonalToken',
      ),
      rateLimit: rateLimit(options.rateLimit),
      initialRetryDelayMs: number(options.initialRetryDelayMs, 'options.initialRetryDelayMs'),
      maxRetryDelayMs: number(options.maxRetryDelayMs, 'options.maxRetryDelayMs'),
      ignoreEnv: optionalBoolean(options.ignoreEnv, 'options.ignoreEnv'),
    };
    // `logger` / `logLevel`: setLogger's, for the process (the core's records are not per client).
    if (options.logger !== undefined) setLogger(options.logger, { level: options.logLevel });
    this.#native = callNative(() => new native.NativeClient(nativeOptions));
    /** The company's webhooks. */
    this.webhooks = new Webhooks(this.#native);
    Object.freeze(this);
  }

  [inspect.custom]() {
    return `Client ${this.#native.describe()}`;
  }

  toJSON() {
    return { client: this.#native.describe() };
  }
}

/** Remembers idempotency keys to skip duplicate deliveries (meetergo delivers at least once). */
class Deduplicator {
  #native;

  constructor(options = {}) {
    object(options, 'options');
    const ttlMs = number(options.ttlMs, 'options.ttlMs');
    const maxEntries = number(options.maxEntries, 'options.maxEntries');
    this.#native = callNative(() => new native.Deduplicator({ ttlMs, maxEntries }));
  }

  /** `true` the first time a key is seen within the TTL, `false` for a duplicate. */
  firstSeen(key) {
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    return this.#native.firstSeen(key);
  }

  /** Forgets a key (so a redelivery is processed again, e.g. after a failure). */
  forget(key) {
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    return this.#native.forget(key);
  }

  /** How many keys are remembered. */
  get size() {
    return this.#native.size;
  }
}

/**
 * An unguessable path segment in a webhook's endpoint (`mps_` and 256 random bits): meetergo does not sign
 * deliveries, so a receiver that answers only on a path holding it refuses forged ones. Printing it (`inspect`,
 * `String()`, `JSON.stringify`) never shows it; `reveal()` does.
 */
class PathSecret {
  #native;

  /** A secret stored earlier (what `reveal()` gave); `ValidationError` unless it has the shape `mps_…`. */
  constructor(secret) {
    if (secret === PathSecret.#generating) {
      this.#native = callNative(() => native.PathSecret.generate());
    } else {
      if (typeof secret !== 'string') throw new TypeError('secret must be a string');
      this.#native = callNative(() => new native.PathSecret(secret));
    }
    Object.freeze(this);
  }

  static #generating = Symbol('generate');

  /** A new secret from the operating system's random source. */
  static generate() {
    return new PathSecret(PathSecret.#generating);
  }

  /** The secret itself, to keep where the receiver reads it (an environment variable, a secret manager). */
  reveal() {
    return this.#native.reveal();
  }

  /** `endpoint` with the secret appended as its last path segment (before any query). */
  endpoint(endpoint) {
    if (typeof endpoint !== 'string') throw new TypeError('endpoint must be a string');
    return callNative(() => this.#native.endpoint(endpoint));
  }

  /** Whether `segment` is this secret (compared in constant time). */
  matches(segment) {
    return typeof segment === 'string' && this.#native.matches(segment);
  }

  /** Whether a request path (`req.path`, `new URL(req.url).pathname`; a query is ignored) holds this secret. */
  matchesPath(path) {
    return typeof path === 'string' && this.#native.matchesPath(path);
  }

  toString() {
    return 'PathSecret([redacted])';
  }

  toJSON() {
    return '[redacted]';
  }

  [inspect.custom]() {
    return 'PathSecret([redacted])';
  }
}

const { Inbox } = createInbox({ native, fromNative, parseEvent: shared.parseEvent, number, object });

module.exports = {
  Client,
  Webhooks,
  parseEvent: shared.parseEvent,
  idempotencyKey: shared.idempotencyKey,
  eventClass: shared.eventClass,
  isKnownEvent: shared.isKnownEvent,
  validateWebhook: shared.validateWebhook,
  Deduplicator,
  Inbox,
  PathSecret,
  setLogger,
  EventType: shared.EventType,
  MAX_WEBHOOKS_PER_COMPANY: native.MAX_WEBHOOKS_PER_COMPANY,
  CORE_VERSION: shared.CORE_VERSION,
  ...shared.errors,
};
// Only in test builds of the addon (`npm run build`, feature `test-hooks`), never in the published one: a call whose
// future panics inside the core.
if (typeof native.panickingCallForTests === 'function') {
  module.exports._testing = Object.freeze({ panickingCall: () => run(() => native.panickingCallForTests()) });
}
