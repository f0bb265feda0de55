'use strict';
// Client against the local stand-in (`meetergo mock`): every operation and error class, concurrency, timeouts,
// refused connections, validation before sending, AbortSignal.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { inspect } = require('node:util');
const { randomUUID } = require('node:crypto');
const meetergo = require('..');
const { startMock, inject } = require('./mock.js');

let mock;
test.before(async () => {
  mock = await startMock();
});
test.after(async () => {
  await mock.stop();
});

// Each test its own company on the stand-in.
const token = () => `rgo-test-${randomUUID()}`;
let counter = 0;
const endpoint = () => `https://example.com/hooks/${counter++}`;
const client = (options = {}) => new meetergo.Client({ apiKey: token(), baseUrl: mock.url, ...options });

/** A server that accepts connections and never answers. */
async function silentServer() {
  const sockets = new Set();
  const server = net.createServer((s) => sockets.add(s));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  return port;
}

test('create, list, update, delete (ids as meetergo documents them, and as its live API sends them)', async () => {
  const numeric = await startMock(['--no-rate-limit', '--numeric-ids']);
  try {
    for (const [url, integers] of [
      [mock.url, false],
      [numeric.url, true],
    ]) {
      await crud(new meetergo.Client({ apiKey: token(), baseUrl: url }), integers);
    }
  } finally {
    await numeric.stop();
  }
});

async function crud(c, integers) {
  const hook = await c.webhooks.create({
    endpoint: endpoint(),
    eventTypes: [meetergo.EventType.BOOKING_CREATED, 'booking_cancelled', 'booking_created'],
    description: 'Production webhook',
  });
  assert.deepEqual(hook.eventTypes, ['booking_created', 'booking_cancelled'], 'duplicates removed before sending');
  assert.equal(hook.description, 'Production webhook');
  assert.equal(typeof hook.id, 'string');
  assert.ok(!Number.isNaN(Date.parse(hook.createdAt)), 'createdAt is an ISO string');
  assert.deepEqual(await c.webhooks.list(), [hook]);
  // An id kept as a number (as meetergo sent it) is taken too.
  const updated = await c.webhooks.update(integers ? Number(hook.id) : hook.id, { eventTypes: new Set(['new_employee']) });
  assert.deepEqual(updated.eventTypes, ['new_employee']);
  assert.equal(updated.description, 'Production webhook', 'fields not given are unchanged');
  assert.equal(updated.id, hook.id);
  // Ids are strings either way: `"id": 1492` on the wire is `'1492'` here.
  assert.equal(/^\d+$/.test(hook.id), integers, hook.id);
  assert.equal(await c.webhooks.delete(hook.id), undefined);
  assert.deepEqual(await c.webhooks.list(), []);
  const gone = await c.webhooks.delete(hook.id).catch((e) => e);
  assert.ok(gone instanceof meetergo.NotFoundError);
  assert.equal(gone.requestPath, `/webhooks/${hook.id}`);
  for (const bad of [1.5, Number.MAX_SAFE_INTEGER + 2, null]) {
    await assert.rejects(c.webhooks.delete(bad), TypeError);
  }
}

test('API error classes, codes, status and server message', async () => {
  const c = client();
  const notFound = await c.webhooks.delete('no-such-id').catch((e) => e);
  assert.ok(notFound instanceof meetergo.NotFoundError && notFound instanceof meetergo.APIError);
  assert.ok(notFound instanceof meetergo.MeetergoError && notFound instanceof Error);
  assert.equal(notFound.code, 'MEETERGO_NOT_FOUND');
  assert.equal(notFound.status, 404);
  assert.equal(notFound.serverMessage, 'Webhook not found');
  assert.equal(notFound.name, 'NotFoundError');

  for (let i = 0; i < meetergo.MAX_WEBHOOKS_PER_COMPANY; i++) {
    await c.webhooks.create({ endpoint: endpoint(), eventTypes: ['booking_created'] });
  }
  await assert.rejects(c.webhooks.create({ endpoint: endpoint(), eventTypes: ['booking_created'] }), (e) => {
    return e instanceof meetergo.LimitReachedError && e.code === 'MEETERGO_LIMIT_REACHED' && e.status === 406;
  });
  await assert.rejects(new meetergo.Client({ apiKey: 'nope', baseUrl: mock.url }).webhooks.list(), (e) => {
    return e instanceof meetergo.AuthenticationError && e.code === 'MEETERGO_AUTHENTICATION' && e.status === 401;
  });
  await assert.rejects(c.webhooks.update('x', { eventTypes: ['not_a_type'] }), (e) => {
    return e instanceof meetergo.BadRequestError && e.status === 400 && Array.isArray(e.serverMessage);
  });
});

const FAULTS = [
  // Two answers for two attempts (maxRetries 1): the error is what the last attempt got.
  [{ kind: 'status', status: 429, retryAfter: '0', count: 2 }, meetergo.RateLimitError, 'MEETERGO_RATE_LIMITED', 429],
  [{ kind: 'status', status: 503, count: 2 }, meetergo.ServerError, 'MEETERGO_SERVER', 503],
  [{ kind: 'status', status: 403, count: 1 }, meetergo.PermissionDeniedError, 'MEETERGO_PERMISSION_DENIED', 403],
];
for (const [fault, Class, code, status] of FAULTS) {
  test(`${status} after retries is a ${Class.name}`, async () => {
    const c = client({ maxRetries: 1 });
    await inject(mock.url, fault);
    const error = await c.webhooks.list().catch((e) => e);
    assert.ok(error instanceof Class, inspect(error));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    if (status === 429) assert.equal(error.retryAfterMs, 0);
    assert.deepEqual(await c.webhooks.list(), [], 'the faults are used up');
  });
}

test('validation before sending', async () => {
  const c = client();
  await assert.rejects(c.webhooks.create({ endpoint: 'http://example.com/hook', eventTypes: ['booking_created'] }), (e) => {
    return e instanceof meetergo.ValidationError && e.field === 'endpoint' && e.code === 'MEETERGO_VALIDATION';
  });
  await assert.rejects(c.webhooks.create({ endpoint: endpoint(), eventTypes: [] }), meetergo.ValidationError);
  assert.deepEqual(await c.webhooks.list(), [], 'nothing was created');
  assert.throws(
    () => new meetergo.Client({ apiKey: 'ak_live:00000000-0000-4000-8000-000000000000:s3cr3tvalue', baseUrl: mock.url }),
    (e) => e instanceof meetergo.ValidationError && e.field === 'userId' && !e.message.includes('s3cr3tvalue'),
  );
  assert.throws(() => client({ maxRetries: -1 }), (e) => e instanceof meetergo.ValidationError && e.field === 'maxRetries');
  assert.throws(() => client({ timeoutMs: 0 }), (e) => e instanceof meetergo.ValidationError && e.field === 'timeoutMs');
  assert.throws(() => client({ timeoutMs: '5' }), TypeError);
  await assert.rejects(c.webhooks.create({ endpoint: 5, eventTypes: ['booking_created'] }), TypeError);
  await assert.rejects(c.webhooks.update(5.5, {}), TypeError);
});

test('100 calls in parallel', async () => {
  const c = client();
  const hook = await c.webhooks.create({ endpoint: endpoint(), eventTypes: ['form_submission'] });
  const lists = await Promise.all(Array.from({ length: 100 }, () => c.webhooks.list()));
  assert.equal(lists.length, 100);
  for (const list of lists) assert.deepEqual(list, [hook]);
});

test('a call that times out is a TimeoutError, and never blocks the event loop', async () => {
  const silent = await silentServer();
  try {
    const c = new meetergo.Client({ apiKey: token(), baseUrl: silent.url, timeoutMs: 300, maxRetries: 0 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    const error = await c.webhooks.list().catch((e) => e);
    clearInterval(timer);
    assert.ok(error instanceof meetergo.TimeoutError, inspect(error));
    assert.equal(error.code, 'MEETERGO_TIMEOUT');
    assert.ok(Date.now() - started < 5000);
    assert.ok(ticks >= 10, `the event loop ran while waiting (${ticks} ticks)`);
  } finally {
    await silent.close();
  }
});

test('connection refused is a ConnectionError', async () => {
  const port = await closedPort();
  const c = new meetergo.Client({ apiKey: token(), baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
  const error = await c.webhooks.list().catch((e) => e);
  assert.ok(error instanceof meetergo.ConnectionError && error.code === 'MEETERGO_CONNECTION', inspect(error));
  assert.ok(error.cause instanceof Error && error.cause.message.length > 0, 'the transport error is the cause');
});

test('options fall back to MEETERGO_API_KEY and MEETERGO_BASE_URL', async () => {
  const saved = { key: process.env.MEETERGO_API_KEY, url: process.env.MEETERGO_BASE_URL };
  process.env.MEETERGO_API_KEY = token();
  process.env.MEETERGO_BASE_URL = mock.url;
  try {
    const c = new meetergo.Client();
    assert.deepEqual(await c.webhooks.list(), []);
  } finally {
    for (const [name, value] of [['MEETERGO_API_KEY', saved.key], ['MEETERGO_BASE_URL', saved.url]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  if (saved.key === undefined) {
    assert.throws(
      () => new meetergo.Client({ baseUrl: mock.url }),
      (e) => e instanceof meetergo.ValidationError && e.field === 'apiKey',
    );
  }
});

test('an AbortSignal cancels a call', async () => {
  const silent = await silentServer();
  try {
    const c = new meetergo.Client({ apiKey: token(), baseUrl: silent.url, timeoutMs: 30_000, maxRetries: 0 });
    const started = Date.now();
    const error = await c.webhooks.list({ signal: AbortSignal.timeout(200) }).catch((e) => e);
    assert.equal(error.name, 'TimeoutError', 'the reason of AbortSignal.timeout');
    assert.ok(!(error instanceof meetergo.MeetergoError));
    assert.ok(Date.now() - started < 5000);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(c.webhooks.list({ signal: controller.signal }), (e) => e.name === 'AbortError');
    await assert.rejects(c.webhooks.list({ signal: 'soon' }), TypeError);
    // A create aborted after it was sent may have been processed: outcomeUnknown, as for a timeout.
    const create = await c.webhooks
      .create({ endpoint: 'https://example.com/hook', eventTypes: ['booking_created'] }, { signal: AbortSignal.timeout(200) })
      .catch((e) => e);
    assert.ok(create instanceof meetergo.MeetergoError, inspect(create));
    assert.equal(create.code, 'MEETERGO_ABORTED');
    assert.equal(create.outcomeUnknown, true);
    assert.equal(create.cause.name, 'TimeoutError');
    // Aborted before it was sent: nothing happened, the signal's reason as fetch does.
    await assert.rejects(
      c.webhooks.create({ endpoint: 'https://example.com/hook', eventTypes: ['booking_created'] }, { signal: controller.signal }),
      (e) => e.name === 'AbortError' && e.outcomeUnknown === undefined,
    );
  } finally {
    await silent.close();
  }
});

test('the token never shows in errors or inspect', async () => {
  const secret = `rgo-${randomUUID()}`;
  const c = new meetergo.Client({ apiKey: secret, baseUrl: mock.url });
  assert.ok(!inspect(c).includes(secret) && inspect(c).includes('rgo-[redacted]'), inspect(c));
  assert.ok(!JSON.stringify(c).includes(secret));
  const error = (() => {
    try {
      return new meetergo.Client({ apiKey: `bad ${secret}`, baseUrl: mock.url });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof meetergo.MeetergoError, inspect(error));
  assert.ok(!inspect(error).includes(secret) && !error.message.includes(secret));
});

/** Every run of eight characters of a secret (lower-case): what must never show. */
const pieces = (secret) => {
  const lower = secret.toLowerCase();
  return Array.from({ length: lower.length - 7 }, (_, i) => lower.slice(i, i + 8));
};

test('echoes of the token and of a path secret never reach the error', async () => {
  // A server (or a proxy) echoing the token and the endpoint back, each spelt another way: upper case, cut short,
  // split, JSON escapes kept as text. The error's message, inspect output and every field must hold none of it.
  const secret = `rgo-${randomUUID()}`;
  const pathSecret = meetergo.PathSecret.generate();
  const hook = pathSecret.endpoint('https://example.com/webhooks/meetergo');
  const escaped = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const message = [
    `upper ${secret.toUpperCase()}`,
    `cut ${secret.slice(0, -5)}`,
    `split ${secret.slice(0, 12)}\\/${secret.slice(12)}`,
    `escaped ${escaped}`,
    `endpoint ${hook}`,
    `endpoint escaped ${hook.replaceAll('_', '\\u005f').replaceAll('/', '\\/')}`,
  ];
  await inject(mock.url, { kind: 'status', status: 400, body: { statusCode: 400, message, error: secret } });
  const c = new meetergo.Client({ apiKey: secret, baseUrl: mock.url });
  const error = await c.webhooks.create({ endpoint: hook, eventTypes: ['booking_created'] }).then(
    () => assert.fail('the create succeeded'),
    (e) => e,
  );
  assert.ok(error instanceof meetergo.BadRequestError, inspect(error));
  const shown = [error.message, inspect(error, { depth: 5 }), JSON.stringify({ ...error })].join(' || ').toLowerCase();
  for (const piece of [...pieces(secret), ...pieces(pathSecret.reveal().slice(4))]) {
    assert.ok(!shown.includes(piece), `${piece} in ${shown}`);
  }
  // Masked by the path-secret scrub itself (only it writes the escaped prefix back with `[redacted]`).
  assert.ok(error.message.includes('mps\\u005f[redacted]'), error.message);
});

test('a panic inside the core is a MeetergoError, and the process lives on', async () => {
  await assert.rejects(meetergo._testing.panickingCall(), (e) => {
    return e instanceof meetergo.MeetergoError && e.code === 'MEETERGO_INTERNAL' && /internal error/.test(e.message);
  });
  assert.deepEqual(await client().webhooks.list(), [], 'the runtime still serves calls');
});

test('reconcile, planSync and sync: the whole SDK in Node', async () => {
  const c = client({ rateLimit: { perMinute: 600 }, initialRetryDelayMs: 50, maxRetryDelayMs: 1000, ignoreEnv: true });
  const wanted = [
    { endpoint: endpoint(), eventTypes: ['booking_created'] },
    { endpoint: endpoint(), eventTypes: [meetergo.EventType.NEW_EMPLOYEE], description: 'b' },
  ];
  const plan = await c.webhooks.planSync(wanted);
  assert.deepEqual(plan.map((step) => step.action), ['create', 'create']);
  assert.equal(plan[0].endpoint, wanted[0].endpoint);
  const done = await c.webhooks.sync(wanted);
  assert.deepEqual(done.map((step) => step.action.action), ['create', 'create']);
  assert.equal(done[1].webhook.description, 'b');
  assert.ok((await c.webhooks.planSync(wanted)).every((step) => step.action === 'unchanged'));
  const found = await c.webhooks.reconcile(wanted[0]);
  assert.equal(found.endpoint, wanted[0].endpoint);
  assert.equal(await c.webhooks.reconcile({ endpoint: endpoint(), eventTypes: ['booking_created'] }), null);
  assert.throws(() => client({ rateLimit: { burst: 0 } }), (e) => e instanceof meetergo.ValidationError && e.field === 'rateLimit.burst');
  assert.throws(() => client({ maxRetryDelayMs: -1 }), (e) => e instanceof meetergo.ValidationError && e.field === 'maxRetryDelayMs');
  assert.throws(() => client({ ignoreEnv: 'yes' }), TypeError);
  await assert.rejects(c.webhooks.sync('not a list'), TypeError);
});
