// Type-checked by `npm run typecheck` (tsc --noEmit --strict): the typings make the editor useful and catch
// mistakes. Not executed.
import {
  Client,
  Deduplicator,
  EventType,
  PathSecret,
  MeetergoError,
  NotFoundError,
  PayloadError,
  RateLimitError,
  ValidationError,
  TimeoutError,
  eventClass,
  isKnownEvent,
  parseEvent,
  validateWebhook,
  type Event,
  type Webhook,
  type FieldError,
} from 'meetergo';
import * as meetergo from 'meetergo';
import * as web from 'meetergo/web';

async function provision(): Promise<Webhook[]> {
  const client = new Client({ apiKey: 'rgo-x', timeoutMs: 5_000, maxRetries: 2 });
  const hook = await client.webhooks.create({
    endpoint: 'https://example.com/hooks',
    eventTypes: [EventType.BOOKING_CREATED, 'some_future_type'],
    description: 'prod',
  });
  const id: string = hook.id;
  const created: string | undefined = hook.createdAt;
  await client.webhooks.update(id, { eventTypes: new Set([EventType.FORM_SUBMISSION]) }, { signal: AbortSignal.timeout(1000) });
  const nothing: void = await client.webhooks.delete(id);
  const again: Webhook | null = await client.webhooks.reconcile({ endpoint: 'https://example.com/hooks', eventTypes: ['booking_created'] });
  const steps = await client.webhooks.sync([{ endpoint: 'https://example.com/hooks', eventTypes: ['booking_created'] }]);
  for (const step of await client.webhooks.planSync([])) {
    if (step.action === 'update') void step.eventTypesBefore;
  }
  void [again, steps[0]?.webhook?.id];
  new Client({ rateLimit: { perMinute: 50 }, initialRetryDelayMs: 100, ignoreEnv: true });
  void nothing;
  void created;
  // @ts-expect-error: endpoint is required
  await client.webhooks.create({ eventTypes: ['booking_created'] });
  // @ts-expect-error: options are typed
  new Client({ timeout: 5 });
  try {
    return await client.webhooks.list();
  } catch (error) {
    if (error instanceof RateLimitError) {
      const wait: number | undefined = error.retryAfterMs;
      const code: 'MEETERGO_RATE_LIMITED' = error.code;
      void wait;
      void code;
    } else if (error instanceof NotFoundError) {
      const status: number = error.status;
      const message: string | string[] | undefined = error.serverMessage;
      void status;
      void message;
    } else if (error instanceof TimeoutError) {
      const unknown: boolean = error.outcomeUnknown;
      const after: number = error.timeoutMs;
      const path: string = error.requestPath;
      void [unknown, after, path];
    } else if (error instanceof MeetergoError) {
      const fields: FieldError[] | undefined = error.fieldErrors;
      const plan: string | undefined = error.serverCode;
      void [fields, plan];
      switch (error.code) {
        case 'MEETERGO_TIMEOUT':
        case 'MEETERGO_CONNECTION':
          break;
        default:
      }
    }
    throw error;
  }
}

function handle(body: Buffer): string {
  let event: Event;
  try {
    event = parseEvent(body, { maxBodyBytes: 1 << 20 });
  } catch (error) {
    if (error instanceof PayloadError) return `${error.kind} ${error.path ?? ''}`;
    throw error;
  }
  const key: string = event.idempotencyKey;
  if (!isKnownEvent(event)) {
    const other: string = event.webhookType;
    return `${eventClass(event)} ${other} ${String(event['anyField'])}`;
  }
  switch (event.webhookType) {
    case 'booking_created':
    case 'booking_rescheduled': {
      const start: string = event.start;
      // Every documented field is present: `null` when the delivery has none; lists are `[]`.
      const email: string | null | undefined = event.attendees[0]?.email;
      const name: string | null | undefined = event.meetingType?.meetingInfo?.name;
      const duration: number | null | undefined = event.meetingType?.meetingInfo?.duration;
      const unknown: unknown = event.extra['someNewField'];
      void [duration, unknown];
      const secret: string | null = event.secret;
      return `${key} ${start} ${email} ${name} ${secret}`;
    }
    case 'booking_cancelled':
      return event.cancel?.reason ?? event.id;
    case 'new_employee':
      return event.email ?? '';
    case 'form_submission':
      // @ts-expect-error: form submissions have no start
      return event.start;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const pathSecret: PathSecret = PathSecret.generate();
const endpointWithSecret: string = pathSecret.endpoint('https://example.com/hooks');
const secretHeld: boolean = pathSecret.matchesPath('/hooks/x') || new PathSecret(pathSecret.reveal()).matches('x');
void [endpointWithSecret, secretHeld];

const seen = new Deduplicator({ ttlMs: 86_400_000, maxEntries: 100_000 });
const first: boolean = seen.firstSeen('k');
try {
  validateWebhook({ endpoint: 'http://localhost', eventTypes: [EventType.NEW_EMPLOYEE] });
} catch (error) {
  if (error instanceof ValidationError) {
    const field: string = error.field;
    void field;
  }
}
void first;
void provision;
void handle;

// The browser build has the same parsing surface (no client).
function inBrowser(text: string): string {
  const event = web.parseEvent(text);
  // @ts-expect-error: no API client in the browser build
  void web.Client;
  return web.isKnownEvent(event) ? event.webhookType : web.idempotencyKey(text);
}
void inBrowser;

// The durable inbox: what the runtime values are, typed.
async function inboxTypes(): Promise<void> {
  const inbox: meetergo.Inbox = await meetergo.Inbox.open('sqlite::memory:', { leaseMs: 1000, maxAttempts: 3 });
  const accepted: meetergo.Accepted = await inbox.accept(Buffer.from('{}'), { 'content-type': 'application/json' });
  const status: 'stored' | 'duplicate' | 'quarantined' = accepted.status;
  const received: meetergo.Received = await inbox.receive('{}', [['content-type', 'application/json']]);
  const code: number = received.status;
  const claim = await inbox.claim();
  if (claim !== null) {
    const key: string = claim.key;
    const body: Buffer = claim.body;
    const retry: number | null = await inbox.fail(claim, new Error('x'));
    void [key, body, retry, claim.event().idempotencyKey];
  }
  const worker: meetergo.InboxWorker = inbox.worker(async (c) => c.event(), { concurrency: 2 });
  await worker.stop();
  const counts: meetergo.InboxCounts = await inbox.counts();
  const dead: meetergo.Delivery[] = await inbox.list('dead', 10);
  const handler: (r: Request) => Promise<Response> = inbox.handler();
  try {
    await inbox.purgeDone(0);
  } catch (e) {
    if (e instanceof meetergo.InboxError) {
      const kind: 'TooLarge' | 'Storage' | 'UnsupportedStore' | 'LeaseLost' | 'NotFound' = e.kind;
      void kind;
    }
  }
  void [status, code, counts.duplicates, dead, handler, inbox.location, inbox.durabilityWarning];
}
void inboxTypes;
