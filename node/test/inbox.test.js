'use strict';
// The durable inbox from Node, on both stores (SQLite, and a real redis-server the tests start), and the Express,
// Fastify and Next.js-style receivers of examples/ delivered to by `meetergo trigger`.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const meetergo = require('..');
const { binary } = require('./mock.js');
const { startRedis } = require('./services.js');

const DELIVERIES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries');
const FAST = { maxAttempts: 3, leaseMs: 300, initialRetryDelayMs: 20, maxRetryDelayMs: 50 };

const booking = (n) =>
  JSON.stringify({
    webhookType: 'booking_created',
    id: `js-${n}`,
    start: '2024-01-15T09:00:00Z',
    end: '2024-01-15T09:30:00Z',
    updatedAt: '2024-01-10T12:00:00Z',
    secret: `sec_js_${n}`,
  });
const key = (n) => `booking_created:js-${n}:2024-01-10T12:00:00Z`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

let redis;
let counter = 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meetergo-node-inbox-'));
test.before(async () => {
  redis = await startRedis();
});
test.after(async () => {
  await redis.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A store of the test's own on each backend. */
const STORES = {
  sqlite: () => `sqlite:${path.join(tmp, `inbox-${++counter}.db`)}`,
  redis: () => `${redis.url}/0?prefix=js:${process.pid}:${++counter}`,
};

for (const [backend, fresh] of Object.entries(STORES)) {
  test(`${backend}: accept stores once, quarantines what does not parse, receive says what to answer`, async () => {
    const inbox = await meetergo.Inbox.open(fresh(), { ...FAST, maxBodyBytes: 4096 });
    assert.deepEqual(await inbox.accept(Buffer.from(booking(1)), { authorization: 'Bearer rgo-x' }), {
      status: 'stored',
      key: key(1),
    });
    assert.equal((await inbox.accept(booking(1), [['content-type', 'application/json']])).status, 'duplicate');
    assert.equal((await inbox.accept(new TextEncoder().encode(booking(1)).buffer)).status, 'duplicate');
    const bad = await inbox.accept('{not json', ['Content-Type', 'application/json']);
    assert.equal(bad.status, 'quarantined');
    assert.match(bad.error, /not valid JSON/);
    assert.deepEqual(await inbox.receive(booking(2)), { status: 200, body: { status: 'stored', key: key(2) } });
    const large = await inbox.receive('x'.repeat(5000));
    assert.equal(large.status, 413);
    assert.match(large.body.error, /5000 bytes/);
    assert.deepEqual(await inbox.counts(), { pending: 2, running: 0, done: 0, dead: 0, quarantined: 1, duplicates: 2 });
    const pending = await inbox.list('pending');
    assert.deepEqual(
      pending.map((d) => [d.key, d.webhookType, d.state]),
      [
        [key(1), 'booking_created', 'pending'],
        [key(2), 'booking_created', 'pending'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(pending) + JSON.stringify(await inbox.list('quarantined')), /sec_js/);
    await assert.rejects(inbox.accept(42), TypeError);
    assert.throws(() => inbox.list('lost'), TypeError);
  });

  test(`${backend}: failures back off, dead-letter, replay; a lost lease is reported`, async () => {
    const inbox = await meetergo.Inbox.open(fresh(), FAST);
    await inbox.accept(booking(3));
    for (const attempt of [1, 2, 3]) {
      let claim = null;
      await waitFor(async () => (claim = await inbox.claim('w')) !== null);
      assert.equal(claim.attempt, attempt);
      assert.equal(claim.key, key(3));
      assert.equal(claim.event().id, 'js-3');
      assert.deepEqual(claim.body, Buffer.from(booking(3)));
      const retry = await inbox.fail(claim, new Error(`boom ${attempt}`));
      assert.equal(retry === null, attempt === 3);
    }
    const [dead] = await inbox.list('dead');
    assert.equal(dead.lastError, 'Error: boom 3');
    assert.equal(await inbox.replay(dead.id), 'pending');
    const again = await inbox.claim();
    assert.equal(again.attempt, 1);
    await inbox.complete(again);
    await assert.rejects(inbox.complete(again), (e) => e instanceof meetergo.InboxError && e.kind === 'LeaseLost');
    await assert.rejects(inbox.replay(dead.id), (e) => e.kind === 'NotFound' && e.code === 'MEETERGO_INBOX');
    await sleep(5);
    assert.equal(await inbox.purgeDone(0), 1);
  });

  test(`${backend}: workers handle each delivery once, retry a failure, and take over an expired lease`, async () => {
    const inbox = await meetergo.Inbox.open(fresh(), FAST);
    for (let n = 0; n < 40; n++) {
      await inbox.accept(booking(n));
      if (n % 4 === 0) await inbox.accept(booking(n));
    }
    // A worker that claims and "crashes": its delivery is taken over once the lease expires.
    const abandoned = await inbox.claim('crashed');
    const handled = new Map();
    const attempts = new Map();
    const worker = inbox.worker(
      async (claim) => {
        attempts.set(claim.key, (attempts.get(claim.key) ?? 0) + 1);
        await sleep(1);
        if (claim.key === key(7) && claim.attempt === 1) throw new Error('the first attempt fails');
        handled.set(claim.key, (handled.get(claim.key) ?? 0) + 1);
      },
      { concurrency: 4, pollIntervalMs: 10 },
    );
    await waitFor(() => handled.size === 40);
    await worker.stop();
    assert.ok([...handled.values()].every((n) => n === 1), 'each handled once');
    assert.equal(handled.get(abandoned.key), 1);
    const counts = await inbox.counts();
    assert.deepEqual([counts.done, counts.pending, counts.running, counts.duplicates], [40, 0, 0, 10]);
  });
}

test('options are checked and errors are typed; credentials never echo', async () => {
  await assert.rejects(meetergo.Inbox.open('sqlite::memory:', { maxAttempts: 0 }), (e) => e instanceof meetergo.ValidationError && e.field === 'maxAttempts');
  await assert.rejects(meetergo.Inbox.open('sqlite::memory:', { leaseMs: -1 }), (e) => e.field === 'leaseMs');
  await assert.rejects(meetergo.Inbox.open('sqlite::memory:', { leaseMs: '5' }), TypeError);
  await assert.rejects(meetergo.Inbox.open('postgres://u:hunter2@db/x'), (e) => e.kind === 'UnsupportedStore' && !e.message.includes('hunter2'));
  await assert.rejects(meetergo.Inbox.open('redis://u:hunter2@127.0.0.1:1/0'), (e) => e instanceof meetergo.MeetergoError && e.kind === 'Storage' && !e.message.includes('hunter2'));
  assert.throws(() => new meetergo.Inbox(), TypeError);

  const inbox = await meetergo.Inbox.open('sqlite::memory:', { maxBodyBytes: 8 });
  await assert.rejects(inbox.accept('123456789'), (e) => e.kind === 'TooLarge' && e.size === 9 && e.limit === 8);
  await assert.rejects(inbox.complete({ id: 1 }), TypeError);
});

test('a lost Redis answers 503 and the inbox recovers when it is back', async () => {
  const own = await startRedis();
  try {
    const inbox = await meetergo.Inbox.open(`${own.url}/0?prefix=lost`);
    assert.equal(inbox.durabilityWarning, null);
    assert.equal(inbox.location, `${own.url}/0?prefix=lost`);
    assert.equal((await inbox.receive(booking(5))).status, 200);
    await own.stop();
    const lost = await inbox.receive(booking(6));
    assert.equal(lost.status, 503);
    assert.match(lost.body.error, /redis at 127\.0\.0\.1/);
    await assert.rejects(inbox.counts(), (e) => e.kind === 'Storage');
    // A worker meeting the lost store reports it; an `onError` that throws neither stops it nor the process.
    let reported = 0;
    const worker = inbox.worker(() => {}, {
      pollIntervalMs: 10,
      onError: () => {
        reported += 1;
        throw new Error('a broken error handler');
      },
    });
    await waitFor(() => reported >= 2);
    await worker.stop();
    await own.start();
    assert.deepEqual(await inbox.receive(booking(6)), { status: 200, body: { status: 'stored', key: key(6) } });
    assert.deepEqual(await inbox.receive(booking(5)), { status: 200, body: { status: 'duplicate', key: key(5) } });
  } finally {
    await own.remove();
  }
});

// ------------------------------------------------------------------------------------------------------------------
// The receivers of examples/, through real HTTP servers, delivered to by `meetergo trigger` (each event twice).

const FIXTURES = ['booking_created_full.json', 'booking_cancelled.json', 'form_submission.json'];

async function trigger(url, fixture, repeat = 2) {
  await promisify(execFile)(binary(), ['trigger', '--body-file', path.join(DELIVERIES, fixture), '--to', url, '--repeat', String(repeat)]);
}

/** Serves a `Request` → `Response` handler on Node's http server, as Next.js does for route handlers. */
function serveFetch(handle) {
  return http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).map(([n, v]) => [n, String(v)]),
      body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
    });
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${server.address().port}/webhooks/meetergo`;
}

for (const backend of Object.keys(STORES)) {
  test(`${backend}: the Express receiver handles each event once, also across a restart`, async () => {
    const { createApp } = require('../examples/express_inbox.js');
    const store = STORES[backend]();
    const handled = new Map();
    const handle = async (claim) => {
      claim.event();
      handled.set(claim.key, (handled.get(claim.key) ?? 0) + 1);
    };
    for (const run of [0, 1]) {
      const { app, worker } = await createApp(store, handle);
      const server = http.createServer(app);
      const url = await listen(server);
      for (const fixture of FIXTURES) await trigger(url, fixture);
      if (run === 0) await waitFor(() => handled.size === FIXTURES.length);
      else await sleep(300);
      await worker.stop();
      await new Promise((r) => server.close(r));
    }
    assert.equal(handled.size, FIXTURES.length);
    assert.ok([...handled.values()].every((n) => n === 1), JSON.stringify([...handled]));
    const counts = await (await meetergo.Inbox.open(store)).counts();
    assert.deepEqual([counts.done, counts.duplicates], [3, 9]);
  });

  test(`${backend}: the Fastify receiver handles each event once and refuses a body it cannot take`, async () => {
    const { createApp } = require('../examples/fastify_inbox.js');
    const store = STORES[backend]();
    const handled = new Map();
    const { app, worker } = await createApp(store, async (claim) => {
      handled.set(claim.key, (handled.get(claim.key) ?? 0) + 1);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${app.server.address().port}/webhooks/meetergo`;
    try {
      for (const fixture of FIXTURES) await trigger(url, fixture);
      await waitFor(() => handled.size === FIXTURES.length);
      await sleep(100);
      assert.ok([...handled.values()].every((n) => n === 1));
      // Not JSON at all (and not `application/json`): still stored as received, in the quarantine.
      const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'garbage' });
      assert.equal(garbage.status, 200);
      assert.equal((await garbage.json()).status, 'quarantined');
      const large = await fetch(url, { method: 'POST', body: ' '.repeat(2 * 1024 * 1024) });
      assert.equal(large.status, 413);
    } finally {
      await worker.stop();
      await app.close();
    }
  });

  test(`${backend}: the Next.js route handler stores, a separate worker process handles each event once`, async () => {
    const store = STORES[backend]();
    process.env.MEETERGO_INBOX = store;
    // The app resolves `meetergo` from its node_modules, as after `npm install meetergo`: this package.
    const installed = path.join(__dirname, '..', 'examples', 'next-app', 'node_modules', 'meetergo');
    fs.mkdirSync(path.dirname(installed), { recursive: true });
    if (!fs.existsSync(installed)) fs.symlinkSync(path.join('..', '..', '..'), installed, 'dir');
    // A fresh module instance per store (the route opens its inbox when imported).
    const route = await import(`../examples/next-app/app/webhooks/meetergo/route.js?store=${encodeURIComponent(store)}`);
    const { startWorker } = await import('../examples/next-app/worker.js');
    const handled = new Map();
    const worker = await startWorker(store, async (claim) => {
      handled.set(claim.key, (handled.get(claim.key) ?? 0) + 1);
    });
    const server = serveFetch((request) => route.POST(request));
    const url = await listen(server);
    try {
      for (const fixture of FIXTURES) await trigger(url, fixture);
      await waitFor(() => handled.size === FIXTURES.length);
      await sleep(100);
      assert.ok([...handled.values()].every((n) => n === 1));
      assert.equal((await fetch(url, { method: 'POST', body: '[]' })).status, 200, 'kept in the quarantine');
      assert.equal((await fetch(url, { method: 'POST', body: ' '.repeat(2 * 1024 * 1024) })).status, 413);
    } finally {
      await worker.stop();
      await new Promise((r) => server.close(r));
    }
  });
}

test('Express: mounted after express.json(), the middleware says the bytes are gone instead of storing a re-encoding', async () => {
  const express = require('express');
  const inbox = await meetergo.Inbox.open('sqlite::memory:');
  const app = express();
  app.use(express.json());
  app.post('/webhooks/meetergo', inbox.express());
  const server = http.createServer(app);
  const url = await listen(server);
  try {
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: booking(9) });
    assert.equal(answer.status, 500);
    assert.match((await answer.json()).error, /before express\.json\(\)/);
    assert.equal((await inbox.counts()).pending, 0);
    // Not JSON, so express.json() leaves it: the inbox reads it, and refuses it as soon as it passes the limit.
    const large = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(3 * 1024 * 1024) });
    assert.equal(large.status, 413);
    assert.match((await large.json()).error, /1048576 bytes/);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
