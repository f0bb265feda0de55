// Types of the `meetergo` package (hand-written for the JavaScript layer in index.js; the native module's own
// typings are generated into native/index.d.ts by the build).

// <generated:event-types> Written by `make generate` from the core; do not edit.
/** The event types meetergo documents, as sent on the wire. */
export declare const EventType: {
  readonly BOOKING_CREATED: 'booking_created';
  readonly BOOKING_CANCELLED: 'booking_cancelled';
  readonly BOOKING_RESCHEDULED: 'booking_rescheduled';
  readonly NEW_EMPLOYEE: 'new_employee';
  readonly FORM_SUBMISSION: 'form_submission';
  readonly CREDENTIAL_ERROR: 'credential_error';
  readonly REVIEW_SUBMITTED: 'review_submitted';
  readonly REVIEW_PUBLISHED: 'review_published';
  readonly SIGNATURE_COMPLETED: 'signature_completed';
};
/** The stable codes of the SDK's errors. */
export type ErrorCode =
  | 'MEETERGO_ERROR'
  | 'MEETERGO_VALIDATION'
  | 'MEETERGO_PAYLOAD'
  | 'MEETERGO_API'
  | 'MEETERGO_BAD_REQUEST'
  | 'MEETERGO_AUTHENTICATION'
  | 'MEETERGO_PERMISSION_DENIED'
  | 'MEETERGO_NOT_FOUND'
  | 'MEETERGO_LIMIT_REACHED'
  | 'MEETERGO_RATE_LIMITED'
  | 'MEETERGO_SERVER'
  | 'MEETERGO_TIMEOUT'
  | 'MEETERGO_CONNECTION'
  | 'MEETERGO_INBOX'
  | 'MEETERGO_ABORTED'
  | 'MEETERGO_INTERNAL';
/** The class names of parsed events. */
export type EventClassName =
  | 'BookingCreated'
  | 'BookingCancelled'
  | 'BookingRescheduled'
  | 'NewEmployee'
  | 'FormSubmission'
  | 'UnknownEvent';
// </generated:event-types>
/** One of the documented event types. Any other string is accepted too (meetergo may add types). */
export type KnownEventType = (typeof EventType)[keyof typeof EventType];
/** An event type string: a documented one, or any other (kept, never rejected on read). */
export type EventTypeName = KnownEventType | (string & {});

/** The most webhooks a company can have. */
export declare const MAX_WEBHOOKS_PER_COMPANY: number;
/** The version of the Rust core in this build. */
export declare const CORE_VERSION: string;

// ---------------------------------------------------------------------------------------------------------------
// Client

export interface ClientOptions {
  /** API token (`rgo-...` or `ak_live:...`). Default: `MEETERGO_API_KEY`. */
  apiKey?: string;
  /** Acting user; required for `ak_live:` keys, not sent for `rgo-` tokens. Default: `MEETERGO_USER_ID`. */
  userId?: string;
  /** Default: `MEETERGO_BASE_URL`, else `https://api.meetergo.com`. */
  baseUrl?: string;
  /** Timeout per attempt in milliseconds. Default: 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt (429 always; 5xx, timeouts and broken connections when safe). Default: 2. */
  maxRetries?: number;
  /** Allow http and private hosts as endpoints (local development, tunnels). Default: false. */
  allowInsecureEndpoints?: boolean;
  /** Send an explicit `userId` with `rgo-` tokens too. Default: false. */
  sendUserIdWithPersonalToken?: boolean;
  /** Client-side rate limit: `true` for meetergo's (100 a minute, bursts of 200), or your own. Default: off. */
  rateLimit?: boolean | { perMinute?: number; burst?: number };
  /** Wait before the first retry, in milliseconds (doubled per retry, with jitter). Default: 500. */
  initialRetryDelayMs?: number;
  /** Longest wait between attempts, in milliseconds. Default: 30000. */
  maxRetryDelayMs?: number;
  /** Do not read `MEETERGO_*` environment variables. Default: false. */
  ignoreEnv?: boolean;
  /**
   * Where the core's log records go (`setLogger`'s logger; process-wide, as the records are not per client).
   * Default: silent, or stderr when the environment variable `MEETERGO_LOG` names a level.
   */
  logger?: Logger | null;
  /** The lowest level `logger` receives (default `'info'`). */
  logLevel?: LogLevel;
}

/** The levels of the core's log records, from none to all. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** One log record of the core. Never holds the API token or a path secret. */
export interface LogRecord {
  level: Exclude<LogLevel, 'silent'>;
  /** `meetergo` (requests, retries, rate-limit waits) or `meetergo::inbox` (refused deliveries, expired leases). */
  target: string;
  message: string;
}

/**
 * A logger: a function called with each record, or an object with per-level methods such as `console`, pino or
 * winston (`trace` falls back to `debug`, a missing method to `log`); the methods get `"<target>: <message>"`.
 */
export type Logger =
  | ((record: LogRecord) => void)
  | { error?(message: string): unknown; warn?(message: string): unknown; info?(message: string): unknown; debug?(message: string): unknown; trace?(message: string): unknown; log?(message: string): unknown };

/**
 * Sends the core's log records to `logger` for the whole process (Python's equivalent is `logging.getLogger("meetergo")`);
 * `null` silences them. A logger that throws is ignored.
 */
export declare function setLogger(logger: Logger | null, options?: { level?: LogLevel }): void;

export interface CallOptions {
  /** Aborts the request; the Promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A registered webhook, as meetergo returns it (unknown fields are kept). */
export interface Webhook {
  id: string;
  endpoint: string;
  description?: string;
  eventTypes: EventTypeName[];
  companyId?: string;
  /** ISO 8601 / RFC 3339 date-time. */
  createdAt?: string;
  [field: string]: unknown;
}

export interface NewWebhook {
  /** https URL on a public host (unless `allowInsecureEndpoints`). */
  endpoint: string;
  /** At least one; duplicates are removed before sending. */
  eventTypes: Iterable<EventTypeName>;
  description?: string;
}

export interface WebhookPatch {
  endpoint?: string;
  description?: string;
  /** Replaces the whole list. */
  eventTypes?: Iterable<EventTypeName>;
}

/** One step of a sync plan, as the core describes it. */
export type SyncAction =
  | { action: 'create'; endpoint: string; webhook: { endpoint: string; eventTypes: EventTypeName[]; description?: string } }
  | {
      action: 'update';
      id: string;
      endpoint: string;
      patch: { endpoint?: string; description?: string; eventTypes?: EventTypeName[] };
      eventTypesBefore: EventTypeName[];
    }
  | { action: 'delete'; id: string; endpoint: string }
  | { action: 'unchanged'; id: string; endpoint: string };

/** One step `sync` carried out, with the webhook afterwards (`null` after a delete). */
export interface SyncStep {
  action: SyncAction;
  webhook: Webhook | null;
}

export declare class Webhooks {
  private constructor();
  create(input: NewWebhook, options?: CallOptions): Promise<Webhook>;
  /** After a create whose outcome is unknown: the matching registered webhook, or `null`. */
  reconcile(input: NewWebhook, options?: CallOptions): Promise<Webhook | null>;
  /** The steps that would make the company's webhooks match `desired`; changes nothing. */
  planSync(desired: Iterable<NewWebhook>, options?: CallOptions): Promise<SyncAction[]>;
  /** Makes the company's webhooks match `desired`; the steps carried out, in order. */
  sync(desired: Iterable<NewWebhook>, options?: CallOptions): Promise<SyncStep[]>;
  list(options?: CallOptions): Promise<Webhook[]>;
  update(id: string, patch: WebhookPatch, options?: CallOptions): Promise<Webhook>;
  delete(id: string, options?: CallOptions): Promise<void>;
}

export declare class Client {
  constructor(options?: ClientOptions);
  readonly webhooks: Webhooks;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** meetergo's per-field `errors` entry. */
export interface FieldError {
  field: string | null;
  message: string | null;
}

/**
 * Base class of every error the SDK throws. Never contains the API token. Errors from the core carry every field of
 * the core's error report under the same name, in every runtime (Python spells them in snake_case); a field that does
 * not apply to an error is absent (`undefined`).
 */
export declare class MeetergoError extends Error {
  readonly code: ErrorCode;
  /** True when the request may have been processed although the call failed (a create: reconcile before retrying). */
  readonly outcomeUnknown?: boolean;
  /** The HTTP status of meetergo's answer. */
  readonly status?: number;
  /** meetergo's `message`: a sentence, or a list of them. */
  readonly serverMessage?: string | string[];
  /** meetergo's `error`: the status text it sent (`'Not Acceptable'`). */
  readonly serverError?: string;
  /** meetergo's per-field `errors`. */
  readonly fieldErrors?: FieldError[];
  /** meetergo's `code` (`'PLAN_LIMIT_REACHED'`), not to be confused with `code`. */
  readonly serverCode?: string;
  /** meetergo's `feature` (with plan limits). */
  readonly feature?: string;
  /** The HTTP method of the request that failed. */
  readonly method?: string;
  /** The path of the request that failed (`/webhooks/1492`). */
  readonly requestPath?: string;
  /** Timeouts: the per-attempt timeout that fired, in milliseconds. */
  readonly timeoutMs?: number;
  /** Timeouts: how many attempts were made. */
  readonly attempts?: number;
  /** meetergo's answer as received (truncated; never the token). */
  readonly body?: string;
  /** How long meetergo asked to wait (`Retry-After`), when it said. */
  readonly retryAfterMs?: number;
  /** Validation: the offending field, in the wire's spelling (`endpoint`, `eventTypes[2]`, `userId`, `timeoutMs`, ...). */
  readonly field?: string;
  /** Validation: why, in a sentence. */
  readonly reason?: string;
  /** Validation and payload errors: the class of problem (`InsecureScheme`, `InvalidJson`, ...). */
  readonly kind?: string;
  /** Payload errors: the wire path of the offending field (`attendees[1].email`). */
  readonly path?: string;
  /** Payload errors: 1-based position of a JSON syntax error. */
  readonly line?: number;
  readonly column?: number;
  /** Payload errors: the size of a body over the limit, and the limit, in bytes. */
  readonly size?: number;
  readonly limit?: number;
  /** Payload errors: the offset of the first byte that is not UTF-8. */
  readonly offset?: number;
  /** The underlying cause (a connection error's source). */
  readonly cause?: Error;
  static readonly code: ErrorCode;
}
/** Rejected before anything was sent. */
export declare class ValidationError extends MeetergoError {
  readonly code: 'MEETERGO_VALIDATION';
  readonly field: string;
  readonly reason: string;
  /** `Missing`, `Malformed`, `InsecureScheme`, `PrivateHost`, `SecretInUrl`, `TooLong`, `Config`. */
  readonly kind: string;
  readonly outcomeUnknown: false;
}
/** A delivery body could not be read. */
export declare class PayloadError extends MeetergoError {
  readonly code: 'MEETERGO_PAYLOAD';
  /** `InvalidJson`, `InvalidUtf8`, `TooLarge`, `TooDeep`, `NotAnObject`, `MissingWebhookType`, `InvalidWebhookType`, `InvalidField`. */
  readonly kind: string;
  readonly outcomeUnknown: false;
}
/** meetergo answered with an error status, or with a success that could not be read. */
export declare class APIError extends MeetergoError {
  readonly status: number;
  readonly body: string;
  readonly method: string;
  readonly requestPath: string;
  readonly outcomeUnknown: boolean;
}
export declare class BadRequestError extends APIError {
  readonly code: 'MEETERGO_BAD_REQUEST';
}
export declare class AuthenticationError extends APIError {
  readonly code: 'MEETERGO_AUTHENTICATION';
}
export declare class PermissionDeniedError extends APIError {
  readonly code: 'MEETERGO_PERMISSION_DENIED';
}
export declare class NotFoundError extends APIError {
  readonly code: 'MEETERGO_NOT_FOUND';
}
export declare class LimitReachedError extends APIError {
  readonly code: 'MEETERGO_LIMIT_REACHED';
}
export declare class RateLimitError extends APIError {
  readonly code: 'MEETERGO_RATE_LIMITED';
}
export declare class ServerError extends APIError {
  readonly code: 'MEETERGO_SERVER';
}
export declare class TimeoutError extends MeetergoError {
  readonly code: 'MEETERGO_TIMEOUT';
  readonly method: string;
  readonly requestPath: string;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;
}
export declare class ConnectionError extends MeetergoError {
  readonly code: 'MEETERGO_CONNECTION';
  readonly method: string;
  readonly requestPath: string;
  readonly outcomeUnknown: boolean;
}
/** The durable inbox failed (`kind`); for `TooLarge`, `size` and `limit`. */
export declare class InboxError extends MeetergoError {
  readonly code: 'MEETERGO_INBOX';
  /** `TooLarge` (answer 413), `Storage` (the store failed or is full: answer 503; nothing was stored), `UnsupportedStore`, `LeaseLost`, `NotFound`. */
  readonly kind: 'TooLarge' | 'Storage' | 'UnsupportedStore' | 'LeaseLost' | 'NotFound';
  /** `TooLarge`: the body's size and the limit, in bytes. */
  readonly size?: number;
  readonly limit?: number;
  readonly outcomeUnknown: false;
}

// ---------------------------------------------------------------------------------------------------------------
// Deliveries

interface EventBase {
  /** The same for every delivery of this event, different for every other event. */
  readonly idempotencyKey: string;
  /** The body as received, parsed (for the older envelope shape: the whole envelope). */
  readonly raw: Record<string, unknown>;
  /** The event as plain data with wire names (what `JSON.stringify` writes), without the booking secret. */
  toJSON(): Record<string, unknown>;
}

// Every documented field is present: `null` when the delivery has none (`[]` for a list). Ids are strings, times
// RFC 3339 strings; unknown fields (and values of an unexpected type for undocumented fields) are under `extra`.
// <generated:models> Written by `make generate` from the core's model descriptions; do not edit.
export interface Attendee {
  /** meetergo's id of the attendee (an integer id is read as its decimal string). */
  id: string | null;
  /** E-mail address. */
  email: string | null;
  /** Given name. */
  firstname: string | null;
  /** Family name. */
  lastname: string | null;
  /** Full name. */
  fullname: string | null;
  /** Phone number. */
  phone: string | null;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string | null;
  /** Language code. */
  language: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

export interface Host {
  /** meetergo's user id (an integer id is read as its decimal string). */
  id: string | null;
  /** E-mail address. */
  email: string | null;
  /** Given name. */
  givenName: string | null;
  /** Family name. */
  familyName: string | null;
  /** Full name. */
  fullName: string | null;
  /** The host's booking-page slug. */
  slug: string | null;
  /** URL of the host's picture. */
  picture: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

export interface MeetingInfo {
  /** The channel: `zoom` in meetergo's documented example; meetergo's own tools also name `google`, `local`, */
  /** `phone`, `teamsForBusiness2`, `whereby`, `webex`, `jitsi`, `custom` and others. Kept as sent. */
  channel: string | null;
  /** The link to join, when there is one. */
  meetingLink: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

export interface MeetingTypeInfo {
  /** Display name of the meeting type. */
  name: string | null;
  /** Duration in minutes. */
  duration: number | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

export interface MeetingType {
  /** meetergo's id of the meeting type (an integer id is read as its decimal string). */
  id: string | null;
  /** URL slug. */
  slug: string | null;
  /** Name and duration. */
  meetingInfo: MeetingTypeInfo | null;
  /** Free-form metadata the company attached. */
  metadata: Record<string, unknown> | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

export interface Cancellation {
  /** Who or what triggered the cancellation (e.g. `attendee`, `host`). */
  actionSource: string | null;
  /** When it was cancelled. */
  actionAt: string | null;
  /** Who cancelled. */
  actionBy: string | null;
  /** The reason given. */
  reason: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

interface BookingFields extends EventBase {
  /** The appointment's id (the basis of the idempotency key; an integer id is read as its decimal string). */
  id: string;
  /** A token that can cancel or reschedule the booking. `Debug` prints `[redacted]`. */
  secret: string | null;
  /** Start, with the offset meetergo sent. */
  start: string;
  /** End, with the offset meetergo sent. */
  end: string;
  /** Location text, when there is one. */
  location: string | null;
  /** Whether the appointment is cancelled. */
  isCancelled: boolean | null;
  /** When it was last rescheduled. */
  rescheduledAt: string | null;
  /** Channel and join link. */
  meetingInfo: MeetingInfo | null;
  /** The people who booked. */
  attendees: Attendee[];
  /** The hosts. */
  hosts: Host[];
  /** The hosts' user ids. */
  hostIds: string[];
  /** The meeting type that was booked. */
  meetingType: MeetingType | null;
  /** Its id. */
  meetingTypeId: string | null;
  /** The company. */
  companyId: string | null;
  /** When the appointment was created. */
  createdAt: string | null;
  /** When it was last changed. */
  updatedAt: string | null;
  /** Cancellation details (`booking_cancelled`; not documented for webhooks). */
  cancel: Cancellation | null;
  /** The start before a reschedule (`booking_rescheduled`; field name not documented: see */
  /** [`Booking::previous_start`]). */
  originalStart: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

interface NewEmployeeFields extends EventBase {
  /** The user's id. */
  id: string | null;
  /** E-mail address. */
  email: string | null;
  /** Given name. */
  givenName: string | null;
  /** Family name. */
  familyName: string | null;
  /** The company. */
  companyId: string | null;
  /** When the user was created. */
  createdAt: string | null;
  /** When the user was last changed. */
  updatedAt: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}

interface FormSubmissionFields extends EventBase {
  /** The submission's id, when meetergo sends one. */
  id: string | null;
  /** The form's id. */
  formId: string | null;
  /** When it was submitted. */
  submittedAt: string | null;
  /** The company. */
  companyId: string | null;
  /** Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received. */
  extra: Record<string, unknown>;
}
// </generated:models>

export interface BookingCreated extends BookingFields {
  webhookType: 'booking_created';
}
export interface BookingCancelled extends BookingFields {
  webhookType: 'booking_cancelled';
}
export interface BookingRescheduled extends BookingFields {
  webhookType: 'booking_rescheduled';
}
export interface NewEmployee extends NewEmployeeFields {
  webhookType: 'new_employee';
}
export interface FormSubmission extends FormSubmissionFields {
  webhookType: 'form_submission';
}
/**
 * Any other `webhookType` (meetergo's other documented types, or one added later); the body is kept.
 * Its `webhookType` is a plain string, so TypeScript cannot tell it from the five modeled ones by comparing
 * strings: test `isKnownEvent(event)` first, then `switch (event.webhookType)` narrows to each class.
 */
export interface UnknownEvent extends EventBase {
  webhookType: string;
  /** The body's fields, as received. */
  [field: string]: unknown;
}

/** The five event classes the SDK models, discriminated by `webhookType`. */
export type KnownEvent = BookingCreated | BookingCancelled | BookingRescheduled | NewEmployee | FormSubmission;
/** A parsed delivery. */
export type Event = KnownEvent | UnknownEvent;
export interface ParseOptions {
  /** Bodies larger than this are refused (`PayloadError`, kind `TooLarge`). Default: 1 MiB; at most 268435456 (256 MiB). */
  maxBodyBytes?: number;
}

/** Parses a delivery body; throws `PayloadError` when it is unreadable. */
export declare function parseEvent(body: Uint8Array | ArrayBuffer | string, options?: ParseOptions): Event;
/** The idempotency key of a delivery body (parses it; throws `PayloadError` when it is unreadable). */
export declare function idempotencyKey(body: Uint8Array | ArrayBuffer | string, options?: ParseOptions): string;
/** The class of a parsed event. */
export declare function eventClass(event: Event): EventClassName;
/** `true` for the five modeled classes: inside `if (isKnownEvent(e))`, `switch (e.webhookType)` narrows to each. */
export declare function isKnownEvent(event: Event): event is KnownEvent;

export interface WebhookDefinition {
  endpoint: string;
  eventTypes: Iterable<EventTypeName>;
  description?: string;
  allowInsecureEndpoints?: boolean;
}
/** Checks a webhook definition as the client does before sending; returns it normalized or throws `ValidationError`. */
export declare function validateWebhook(input: WebhookDefinition): {
  endpoint: string;
  eventTypes: EventTypeName[];
  description?: string;
};

export interface DeduplicatorOptions {
  /** How long a key is remembered. Default: 24 h. */
  ttlMs?: number;
  /** How many keys are remembered at most (oldest dropped first). Default: 100000. */
  maxEntries?: number;
}
/** Remembers idempotency keys to skip duplicate deliveries (meetergo delivers at least once). */
export declare class Deduplicator {
  constructor(options?: DeduplicatorOptions);
  /** `true` the first time a key is seen within the TTL, `false` for a duplicate. */
  firstSeen(key: string): boolean;
  /** Forgets a key, so a redelivery is processed again. */
  forget(key: string): boolean;
  readonly size: number;
}

/**
 * An unguessable path segment in a webhook's endpoint (`mps_` and 256 random bits): meetergo does not sign
 * deliveries, so a receiver that answers only on a path holding it refuses forged ones. Printing it never shows it;
 * `reveal()` does.
 */
export declare class PathSecret {
  /** A secret stored earlier (what `reveal()` gave); throws `ValidationError` unless it has the shape `mps_…`. */
  constructor(secret: string);
  /** A new secret from the operating system's random source. */
  static generate(): PathSecret;
  /** The secret itself, to keep where the receiver reads it. */
  reveal(): string;
  /** `endpoint` with the secret appended as its last path segment (before any query). */
  endpoint(endpoint: string): string;
  /** Whether `segment` is this secret (compared in constant time). */
  matches(segment: string): boolean;
  /** Whether a request path (a query is ignored) holds this secret as a segment (compared in constant time). */
  matchesPath(path: string): boolean;
  toString(): string;
  toJSON(): string;
}

// ---------------------------------------------------------------------------------------------------------------
// The durable inbox

export interface InboxOptions {
  /** Attempts before a delivery is dead-lettered. Default: 8. */
  maxAttempts?: number;
  /** How long a claim lasts; a worker that has not finished by then loses it to another. Default: 60000. */
  leaseMs?: number;
  /** The first retry's delay (doubled per attempt, with jitter). Default: 1000. */
  initialRetryDelayMs?: number;
  /** The longest delay between attempts. Default: 600000. */
  maxRetryDelayMs?: number;
  /** Bodies above this are refused (413). Default: 1 MiB. */
  maxBodyBytes?: number;
  /** New deliveries are refused (503) once the store holds this many bytes. Default: no limit. */
  maxStoreBytes?: number;
}
export type InboxState = 'pending' | 'running' | 'done' | 'dead' | 'quarantined';
/** What `accept` did: stored, recognised as a redelivery, or kept in the quarantine (it does not parse). */
export interface Accepted {
  status: 'stored' | 'duplicate' | 'quarantined';
  key: string;
  /** Why a quarantined body does not parse. */
  error?: string;
}
/** What to answer meetergo with (`receive`). */
export interface Received {
  /** 200 once stored (or recognised); 413 too large; 503 the store failed (nothing stored). */
  status: 200 | 413 | 503 | 500;
  body: { status: Accepted['status']; key: string } | { error: string };
}
export interface Delivery {
  id: number;
  key: string;
  state: InboxState;
  webhookType: string | null;
  receivedAtMs: number;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  duplicates: number;
}
export interface InboxCounts {
  pending: number;
  running: number;
  done: number;
  dead: number;
  quarantined: number;
  /** Redeliveries acknowledged without storing. */
  duplicates: number;
}
/** A claimed delivery. */
export interface Claim {
  readonly id: number;
  /** The idempotency key: make the handler's own side effects idempotent with it. */
  readonly key: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** The body as received. */
  readonly body: Buffer;
  /** The parsed event (as `parseEvent` returns it). */
  event(): Event;
}
export type InboxHandler = (claim: Claim) => unknown | Promise<unknown>;
export interface InboxWorker {
  /** Stops the workers after the deliveries they are handling. */
  stop(): Promise<void>;
  readonly done: Promise<unknown>;
}
/** Headers as Node's `rawHeaders`, a `Headers`, a plain object, or `[name, value]` pairs. */
export type InboxHeaders =
  | readonly string[]
  | Headers
  | Record<string, string | readonly string[] | undefined>
  | Iterable<readonly [string, string]>;
/**
 * A durable delivery inbox: `await Inbox.open('sqlite:inbox.db')` (or `redis://host:6379/0?prefix=NAME` for
 * receivers on many machines). Every delivery is stored before it is acknowledged; workers handle each event once.
 */
export declare class Inbox {
  private constructor();
  static open(url: string, options?: InboxOptions): Promise<Inbox>;
  accept(body: Uint8Array | ArrayBuffer | string, headers?: InboxHeaders): Promise<Accepted>;
  receive(body: Uint8Array | ArrayBuffer | string, headers?: InboxHeaders): Promise<Received>;
  claim(worker?: string): Promise<Claim | null>;
  complete(claim: Claim): Promise<void>;
  /** Milliseconds until the next attempt, or `null` when dead-lettered. */
  fail(claim: Claim, error: unknown): Promise<number | null>;
  workOnce(handler: InboxHandler, options?: { worker?: string }): Promise<boolean>;
  worker(
    handler: InboxHandler,
    options?: { concurrency?: number; pollIntervalMs?: number; onError?: (error: Error) => void },
  ): InboxWorker;
  list(state?: InboxState, limit?: number): Promise<Delivery[]>;
  counts(): Promise<InboxCounts>;
  replay(id: number): Promise<InboxState>;
  replayDead(): Promise<number>;
  purgeDone(olderThanMs: number): Promise<number>;
  readonly durabilityWarning: string | null;
  readonly location: string;
  /** Express middleware: `app.post(path, inbox.express())` (before `express.json()`, or after `express.raw()`). */
  express(): (req: import('node:http').IncomingMessage & { body?: unknown }, res: any, next: (error?: unknown) => void) => void;
  /** A Fastify plugin: `app.register(inbox.fastify(), { path })`. */
  fastify(): (app: any, options: { path?: string }) => Promise<void>;
  /** A `Request` → `Response` handler (Next.js route handlers, Hono, Bun, Deno). */
  handler(): (request: Request) => Promise<Response>;
}
