'use strict';
// The part of the JavaScript layer that Node (napi-rs, ../index.js) and browsers (WebAssembly, ../web/index.js)
// share: the error classes, argument checks, and event objects built from the core's answers. Written once, as
// CommonJS; `npm run build:web` writes the ES-module copy the browser build imports (web/shared.js).

/**
 * The SDK's JavaScript surface over one of the two native builds. `native` answers as the core does:
 * `parseEvent(body, maxBodyBytes)` (a string or bytes; the core's normalized JSON of the event, then as many spaces
 * as the index of its class), `decode(bytes)` (UTF-8 to text), optionally `copyBytes(bytes)` (a copy of a
 * `Uint8Array`, kept for `raw`), `redactBody(text)`, `validateWebhook(endpoint, eventTypes, description,
 * allowInsecure)` (JSON), `eventClasses()`, `knownEventTypes()`, `coreVersion()`; failures are Errors whose message
 * is an error report.
 */
function createMeetergo(native) {
  // Node's util.inspect.custom (a registered symbol, so no import is needed; browsers never call it).
  const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

  const REPORT_PREFIX = 'meetergo-report:';

  const CLASSES = defineErrors();

  // The fields of a report that the Error itself holds; every other field is copied under its own name.
  const ERROR_OWN = new Set(['name', 'code', 'message', 'cause']);

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
    for (const [field, value] of Object.entries(report)) {
      if (!ERROR_OWN.has(field) && value !== undefined) made[field] = value;
    }
    return made;
  }

  function object(value, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TypeError(`${what} must be an object`);
    }
    return value;
  }

  function eventTypes(value, what) {
    if (value === undefined) return undefined;
    if (value === null || typeof value === 'string' || typeof value[Symbol.iterator] !== 'function') {
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

  function number(value, what) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw new TypeError(`${what} must be a number`);
    return value;
  }

  function callNative(fn) {
    try {
      return fn();
    } catch (error) {
      throw fromNative(error);
    }
  }

  // A parsed event is one JSON.parse of what the core answers: its normalized JSON of the event (then spaces giving the class)
  // (every documented field, `null` when absent, ids as strings, unknown fields under `extra`, and `idempotencyKey`),
  // the same data as in Rust and Python. The prototype (one per class) adds `raw`, `toJSON` and `inspect`.
  const EVENT_CLASSES = native.eventClasses();
  // The body each event was parsed from, in a property only this module names: not enumerable, so no spread,
  // `JSON.stringify`, `structuredClone` or `inspect` sees it. It dies with its event. (With a WeakMap from events to
  // bodies, Node's ArrayBuffer memory and RSS grew by ~0.8-1.6 MB a million parses, without end: `node
  // benches/soak.js 10000000`.)
  const BODY = Symbol('meetergo.body');
  // Node copies small bodies into its Buffer pool (a third of the time of a new ArrayBuffer for a 1.5 KB body).
  const copyBytes = native.copyBytes || ((bytes) => Uint8Array.prototype.slice.call(bytes));
  const hasOwn = (o, key) => Object.prototype.hasOwnProperty.call(o, key);
  const base = Object.create(Object.prototype, {
    /** The body as received, parsed (for the older envelope shape: the whole envelope). */
    raw: {
      get() {
        const body = this[BODY];
        if (body === undefined) return undefined;
        let text = typeof body === 'string' ? body : native.decode(body);
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        return JSON.parse(text);
      },
    },
    /** The event as plain data for `JSON.stringify`, without the booking secret. */
    toJSON: {
      value: function toJSON() {
        const { secret, ...rest } = this;
        return rest;
      },
    },
    [inspectCustom]: {
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
  const UNKNOWN_INDEX = EVENT_CLASSES.indexOf('UnknownEvent');

  /** The body as the core takes it (a string or bytes) and the core's answer for it. */
  function parsed(body, options) {
    object(options, 'options');
    const input = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw new TypeError(`parseEvent() takes a Buffer, Uint8Array or string, not ${input === null ? 'null' : typeof input}`);
    }
    const maxBodyBytes = number(options.maxBodyBytes, 'options.maxBodyBytes');
    return [input, callNative(() => native.parseEvent(input, maxBodyBytes))];
  }

  /**
   * Parses a delivery body (a `Buffer`, `Uint8Array` or string) into an event: a plain object with `webhookType`,
   * every documented field under its wire (camelCase) name (`null` when the delivery has none), unknown fields under
   * `extra`, and `idempotencyKey`; `raw` gives the body as received. The booking `secret` is readable, but `inspect`
   * and `JSON.stringify` never show it.
   */
  function parseEvent(body, options = {}) {
    const [input, answer] = parsed(body, options);
    // The class is the number of spaces after the JSON (which JSON.parse skips): no substring is made.
    let end = answer.length;
    while (answer.charCodeAt(end - 1) === 32) end--;
    const event = JSON.parse(answer);
    const index = answer.length - end;
    // An unknown event keeps its body's fields: one named like an SDK member must not shadow it (a `toJSON` field
    // would let JSON.stringify print the secret); such a field stays readable in `raw`. A known event's own members
    // are its documented fields, `extra`, `webhookType` and `idempotencyKey` only.
    if (index === UNKNOWN_INDEX) {
      if (hasOwn(event, 'toJSON')) delete event.toJSON;
      if (hasOwn(event, 'raw')) delete event.raw;
    }
    // The bytes are copied: the caller may reuse its buffer. The property is added before the prototype is set: V8
    // adds a property to an object whose prototype changed several times slower (`node benches/steps.js`).
    Object.defineProperty(event, BODY, { value: typeof input === 'string' ? input : copyBytes(input) });
    Object.setPrototypeOf(event, PROTOTYPES[index]);
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
      native.validateWebhook(
        optionalString(input.endpoint, 'input.endpoint') ?? '',
        eventTypes(input.eventTypes, 'input.eventTypes') ?? [],
        optionalString(input.description, 'input.description'),
        Boolean(input.allowInsecureEndpoints),
      ),
    );
    return JSON.parse(checked);
  }

  /** The event types meetergo documents: `EventType.BOOKING_CREATED === 'booking_created'`, ... */
  const EventType = Object.freeze(
    Object.fromEntries(native.knownEventTypes().map((type) => [type.toUpperCase(), type])),
  );

  /** The idempotency key of a delivery body (the same for every delivery of one event). */
  function idempotencyKey(body, options = {}) {
    return JSON.parse(parsed(body, options)[1]).idempotencyKey;
  }

  return {
    parseEvent,
    idempotencyKey,
    eventClass,
    isKnownEvent,
    validateWebhook,
    EventType,
    CORE_VERSION: native.coreVersion(),
    errors: CLASSES,
    fromNative,
    callNative,
    check: { object, eventTypes, optionalString, number },
  };
}

// <generated:errors> Written by `make generate` from meetergo-bind's table of error classes; do not edit.
function defineErrors() {
  /** Base class of every error the SDK raises. */
  class MeetergoError extends Error {
    constructor(message, options) {
      super(message, options);
      this.name = new.target.name;
      /** Stable code, e.g. `MEETERGO_NOT_FOUND`. */
      this.code = new.target.code;
    }
  }
  MeetergoError.code = 'MEETERGO_ERROR';
  /** Rejected before anything was sent: `field` names the offending field, `reason` says why, `kind` classifies it. */
  class ValidationError extends MeetergoError {}
  ValidationError.code = 'MEETERGO_VALIDATION';
  /** A delivery body could not be read: `kind` says why; `path`, or `line` and `column`, say where. */
  class PayloadError extends MeetergoError {}
  PayloadError.code = 'MEETERGO_PAYLOAD';
  /** meetergo answered with an error status, or with a success that could not be read. */
  class APIError extends MeetergoError {}
  APIError.code = 'MEETERGO_API';
  /** 400: meetergo refused the request. */
  class BadRequestError extends APIError {}
  BadRequestError.code = 'MEETERGO_BAD_REQUEST';
  /** 401: the API token is missing, wrong or revoked. */
  class AuthenticationError extends APIError {}
  AuthenticationError.code = 'MEETERGO_AUTHENTICATION';
  /** 403: the token may not do this. */
  class PermissionDeniedError extends APIError {}
  PermissionDeniedError.code = 'MEETERGO_PERMISSION_DENIED';
  /** 404: no such webhook. */
  class NotFoundError extends APIError {}
  NotFoundError.code = 'MEETERGO_NOT_FOUND';
  /** 406: the company already has six webhooks. */
  class LimitReachedError extends APIError {}
  LimitReachedError.code = 'MEETERGO_LIMIT_REACHED';
  /** 429 after the retries; `retryAfter` says how long meetergo asked to wait, when it said. */
  class RateLimitError extends APIError {}
  RateLimitError.code = 'MEETERGO_RATE_LIMITED';
  /** 5xx after the retries. */
  class ServerError extends APIError {}
  ServerError.code = 'MEETERGO_SERVER';
  /** No answer within the timeout, on the last attempt. */
  class TimeoutError extends MeetergoError {}
  TimeoutError.code = 'MEETERGO_TIMEOUT';
  /** The connection failed (refused, reset, TLS, DNS) on the last attempt. */
  class ConnectionError extends MeetergoError {}
  ConnectionError.code = 'MEETERGO_CONNECTION';
  /** The durable inbox failed: `kind` is `TooLarge` (answer 413; `size`, `limit`), `Storage` (the store failed or is full: answer 503, nothing was stored), `UnsupportedStore`, `LeaseLost` or `NotFound`. */
  class InboxError extends MeetergoError {}
  InboxError.code = 'MEETERGO_INBOX';
  return {
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
    InboxError,
  };
}
// </generated:errors>

module.exports = { createMeetergo };
