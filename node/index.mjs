// ES module entry: the same exports as the CommonJS entry (index.js).
import meetergo from './index.js';

// <generated:exports> Written by `make generate` from meetergo-bind's export table; do not edit.
export const {
  Client,
  Webhooks,
  parseEvent,
  idempotencyKey,
  eventClass,
  isKnownEvent,
  validateWebhook,
  Deduplicator,
  Inbox,
  PathSecret,
  setLogger,
  EventType,
  MAX_WEBHOOKS_PER_COMPANY,
  CORE_VERSION,
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
} = meetergo;
// </generated:exports>
export default meetergo;
