// meetergo for browsers (and edge runtimes): the SDK's Rust core compiled to WebAssembly, without its HTTP client
// (API keys never live in a browser). Checks and reads deliveries and webhook definitions exactly as the server
// does: the same objects, errors and codes as the Node package.
//
//     import { parseEvent, validateWebhook } from 'meetergo/web';   // or the "browser" condition of 'meetergo'

import init, * as wasm from './pkg/meetergo_wasm.js';
import { createMeetergo } from './shared.js';

await init({ module_or_path: new URL('./pkg/meetergo_wasm_bg.wasm', import.meta.url) });

const decoder = new TextDecoder('utf-8');
const meetergo = createMeetergo({
  parseEvent: (body, maxBodyBytes) =>
    typeof body === 'string' ? wasm.parseEventText(body, maxBodyBytes) : wasm.parseEventBytes(body, maxBodyBytes),
  decode: (bytes) => decoder.decode(bytes),
  redactBody: (text) => wasm.redactBody(text),
  validateWebhook: (endpoint, eventTypes, description, allowInsecure) =>
    wasm.validateWebhook(endpoint, eventTypes, description, allowInsecure),
  eventClasses: () => wasm.eventClasses(),
  knownEventTypes: () => wasm.knownEventTypes(),
  coreVersion: () => wasm.coreVersion(),
});

/** The package's values: the shared layer's, the error classes, and the most webhooks a company can have. */
const api = { ...meetergo, ...meetergo.errors, MAX_WEBHOOKS_PER_COMPANY: wasm.maxWebhooksPerCompany() };
// <generated:exports> Written by `make generate` from meetergo-bind's export table; do not edit.
export const {
  parseEvent,
  idempotencyKey,
  eventClass,
  isKnownEvent,
  validateWebhook,
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
} = api;
// </generated:exports>
