'use strict';
// meetergo for Node: a thin layer over the Rust core (native/, built by napi-rs). It turns the core's error reports
// into error classes, runs requests on the Rust runtime with AbortSignal support, and materializes checked
// deliveries as plain objects.

const { inspect } = require('node:util');
const native = require('./native/index.js');

const REPORT_PREFIX = 'meetergo-report:';

/** Base class of every error the SDK throws. */
class MeetergoError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
    /** Stable code, e.g. `MEETERGO_NOT_FOUND`. */
    this.code = new.target.code;
  }
}
MeetergoError.code = 'MEETERGO_ERROR';

/** Rejected before anything was sent; `field`, `reason` and `kind` say what and why. */
class ValidationError extends MeetergoError {}
ValidationError.code = 'MEETERGO_VALIDATION';
/** A delivery body could not be read; `kind`, and `path` or `line`/`column`, say why and where. */
class PayloadError extends MeetergoError {}
PayloadError.code = 'MEETERGO_PAYLOAD';
/** meetergo answered with an error status: `status`, `serverMessage`, `body`. */
class APIError extends MeetergoError {}
APIError.code = 'MEETERGO_API';
class BadRequestError extends APIError {}
BadRequestError.code = 'MEETERGO_BAD_REQUEST';
class AuthenticationError extends APIError {}
AuthenticationError.code = 'MEETERGO_AUTHENTICATION';
class PermissionDeniedError extends APIError {}
PermissionDeniedError.code = 'MEETERGO_PERMISSION_DENIED';
class NotFoundError extends APIError {}
NotFoundError.code = 'MEETERGO_NOT_FOUND';
class LimitReachedError extends APIError {}
LimitReachedError.code = 'MEETERGO_LIMIT_REACHED';
/** 429 after the retries; `retryAfterMs` when meetergo said how long to wait. */
class RateLimitError extends APIError {}
RateLimitError.code = 'MEETERGO_RATE_LIMITED';
class ServerError extends APIError {}
ServerError.code = 'MEETERGO_SERVER';
class TimeoutError extends MeetergoError {}
TimeoutError.code = 'MEETERGO_TIMEOUT';
class ConnectionError extends MeetergoError {}
ConnectionError.code = 'MEETERGO_CONNECTION';

const CLASSES = {
  MeetergoError,
  ValidationError,
  PayloadError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  LimitReachedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ConnectionError,
};

const REPORT_FIELDS = [
  'status',
  'serverMessage',
  'body',
  'retryAfterMs',
  'outcomeUnknown',
  'field',
  'reason',
  'kind',
  'path',
  'line',
  'column',
];

/** The error class instance for a native failure; anything that is not a report is returned as it is. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : '';
  if (!message.startsWith(REPORT_PREFIX)) {
    if (error && error.code === 'InvalidArg') return new TypeError(message, { cause: error });
    return error;
  }
  let report;
  try {
    report = JSON.parse(message.slice(REPORT_PREFIX.length));
  } catch {
    return new MeetergoError('meetergo: an unreadable error report', { cause: error });
  }
  const Class = CLASSES[report.name] || MeetergoError;
  const made = new Class(report.message, report.cause ? { cause: new Error(report.cause) } : undefined);
  if (report.code) made.code = report.code;
  for (const field of REPORT_FIELDS) {
    if (report[field] !== undefined) made[field] = report[field];
  }
  return made;
}

function callNative(fn) {
  try {
    return fn();
  } catch (error) {
    throw fromNative(error);
  }
}

function abortReason(signal) {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** Runs a native call on the Rust runtime; the signal aborts it. Settles with the parsed JSON answer. */
async function run(start, signal) {
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
    return value === null ? undefined : value;
  } catch (error) {
    if (signal && signal.aborted) throw abortReason(signal);
    throw fromNative(error);
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

function object(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object`);
  }
  return value;
}

function eventTypes(value, what) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) && !(value && typeof value[Symbol.iterator] === 'function' && typeof value !== 'string')) {
    throw new TypeError(`${what} must be an array of event type strings`);
  }
  return Array.from(value, (t) => {
    if (typeof t !== 'string') throw new TypeError(`${what} must contain strings, not ${typeof t}`);
    return t;
  });
}

function optionalString(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

function id(value) {
  if (typeof value !== 'string') throw new TypeError('id must be a string');
  return value;
}

/** `client.webhooks`: the company's webhook endpoints. Every method returns a Promise. */
class Webhooks {
  #native;

  constructor(nativeClient) {
    this.#native = nativeClient;
  }

  /** Registers a webhook; validated first (nothing is sent for a bad endpoint or no event types). */
  create(input, options = {}) {
    return run(() => {
      object(input, 'input');
      return this.#native.create({
        endpoint: optionalString(input.endpoint, 'input.endpoint') ?? '',
        eventTypes: eventTypes(input.eventTypes, 'input.eventTypes') ?? [],
        description: optionalString(input.description, 'input.description'),
      });
    }, options.signal);
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

function number(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number`);
  return value;
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
      allowInsecureEndpoints:
        options.allowInsecureEndpoints === undefined ? undefined : Boolean(options.allowInsecureEndpoints),
    };
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

// A parsed event is one JSON.parse of the body (the fastest way to build JavaScript objects), after the core has
// checked the body exactly as every runtime does and computed its idempotency key, which is appended to the text so
// that JSON.parse creates that property too. The prototype (one per class) adds `raw`, `toJSON` and `inspect`.
const EVENT_CLASSES = native.eventClasses();
const bodies = new WeakMap();
const hasOwn = (o, key) => Object.prototype.hasOwnProperty.call(o, key);
const base = Object.create(Object.prototype, {
  /** The body as received, parsed (for the older envelope shape: the whole envelope). */
  raw: {
    get() {
      const text = bodies.get(this);
      return text === undefined ? undefined : JSON.parse(text);
    },
  },
  /** The event as plain data for `JSON.stringify`, without the booking secret. */
  toJSON: {
    value: function toJSON() {
      const { secret, ...rest } = this;
      return rest;
    },
  },
  [inspect.custom]: {
    value: function inspectEvent(depth, options, nested) {
      // The core masks the values of secret-looking keys: the booking secret, tokens in metadata, passwords...
      const shown = JSON.parse(native.redactBody(JSON.stringify({ ...this })));
      return `${eventClass(this)} ${nested(shown, options)}`;
    },
  },
});
const PROTOTYPES = EVENT_CLASSES.map((name) =>
  Object.create(base, { [Symbol.toStringTag]: { value: name } }),
);
const CLASS_OF = new Map(PROTOTYPES.map((proto, i) => [proto, EVENT_CLASSES[i]]));

/**
 * Parses a delivery body (a `Buffer`, `Uint8Array` or string) into an event: a plain object with `webhookType`,
 * every field of the body under its wire (camelCase) name, and `idempotencyKey`; `raw` gives the body as received.
 * The booking `secret` is readable, but `inspect` and `JSON.stringify` never show it.
 */
function parseEvent(body, options = {}) {
  object(options, 'options');
  if (body instanceof ArrayBuffer) body = new Uint8Array(body);
  const isText = typeof body === 'string';
  if (!isText && !(body instanceof Uint8Array)) {
    throw new TypeError(`parseEvent() takes a Buffer, Uint8Array or string, not ${body === null ? 'null' : typeof body}`);
  }
  const maxBodyBytes = options.maxBodyBytes === undefined ? undefined : number(options.maxBodyBytes, 'options.maxBodyBytes');
  let checked;
  try {
    checked = native.checkEvent(body, maxBodyBytes);
  } catch (error) {
    throw fromNative(error);
  }
  let text = isText ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const key = checked.slice(2);
  let event;
  if (checked.charCodeAt(1) === 49 /* '1': the older envelope */) {
    const envelope = JSON.parse(text);
    event = { webhookType: envelope.event, ...envelope.data, idempotencyKey: JSON.parse(key) };
  } else {
    // The core accepted the body as a JSON object: its last `}` closes it.
    const end = text.lastIndexOf('}');
    const empty = /^\s*\{\s*$/.test(text.slice(0, end));
    event = JSON.parse(`${text.slice(0, end)}${empty ? '' : ','}"idempotencyKey":${key}}`);
  }
  Object.setPrototypeOf(event, PROTOTYPES[checked.charCodeAt(0) - 48]);
  // A body field named like an SDK member must not shadow it (a `toJSON` field would let JSON.stringify print the
  // secret); such a field stays readable in `raw`.
  if (hasOwn(event, 'toJSON')) delete event.toJSON;
  if (hasOwn(event, 'raw')) delete event.raw;
  bodies.set(event, text);
  return event;
}

/** The class name of a parsed event (`'BookingCreated'`, ..., `'UnknownEvent'`); `undefined` for anything else. */
function eventClass(event) {
  return event !== null && typeof event === 'object' ? CLASS_OF.get(Object.getPrototypeOf(event)) : undefined;
}

/** `true` for the five event classes the SDK models (not an `UnknownEvent`). */
function isKnownEvent(event) {
  const name = eventClass(event);
  return name !== undefined && name !== 'UnknownEvent';
}

/** Checks a webhook definition as the client does before sending; returns it normalized or throws `ValidationError`. */
function validateWebhook(input) {
  object(input, 'input');
  const checked = callNative(() =>
    native.validateWebhook({
      endpoint: optionalString(input.endpoint, 'input.endpoint') ?? '',
      eventTypes: eventTypes(input.eventTypes, 'input.eventTypes') ?? [],
      description: optionalString(input.description, 'input.description'),
      allowInsecureEndpoints: Boolean(input.allowInsecureEndpoints),
    }),
  );
  return JSON.parse(checked);
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

/** The event types meetergo documents: `EventType.BOOKING_CREATED === 'booking_created'`, ... */
const EventType = Object.freeze(
  Object.fromEntries(native.knownEventTypes().map((type) => [type.toUpperCase(), type])),
);

module.exports = {
  Client,
  Webhooks,
  parseEvent,
  eventClass,
  isKnownEvent,
  validateWebhook,
  Deduplicator,
  EventType,
  MAX_WEBHOOKS_PER_COMPANY: native.MAX_WEBHOOKS_PER_COMPANY,
  CORE_VERSION: native.coreVersion(),
  MeetergoError,
  ValidationError,
  PayloadError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  LimitReachedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ConnectionError,
};
