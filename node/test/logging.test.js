'use strict';
// The core's log records reach a user-chosen logger (`setLogger`, the Client's `logger` option, MEETERGO_LOG), as
// Python's reach `logging`; silent by default; never the token.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const meetergo = require('..');
const { startMock, inject } = require('./mock.js');

let mock;
test.before(async () => {
  mock = await startMock();
});
test.after(async () => {
  meetergo.setLogger(null);
  await mock.stop();
});

/** Waits until `records` satisfies `done` (records arrive on the event loop, after the call that logged them). */
async function until(records, done) {
  for (let i = 0; i < 200 && !done(records); i++) await new Promise((r) => setTimeout(r, 10));
  return records;
}

test('a function logger gets the retries and requests, at its level and above, without the token', async () => {
  const token = `rgo-test-${randomUUID()}`;
  const records = [];
  meetergo.setLogger((r) => records.push(r), { level: 'debug' });
  const client = new meetergo.Client({ apiKey: token, baseUrl: mock.url, initialRetryDelayMs: 1 });
  await inject(mock.url, { kind: 'status', status: 503, count: 1 });
  await client.webhooks.list();
  await until(records, (rs) => rs.some((r) => r.level === 'debug' && / -> 200 /.test(r.message)));
  const retry = records.find((r) => r.level === 'warn');
  assert.ok(retry, JSON.stringify(records));
  assert.equal(retry.target, 'meetergo');
  assert.match(retry.message, /answered 503\b.*; retrying/);
  assert.ok(records.some((r) => r.level === 'debug' && / -> 200 /.test(r.message)), JSON.stringify(records));
  assert.deepEqual(Object.keys(retry).sort(), ['level', 'message', 'target']);
  assert.ok(!JSON.stringify(records).includes(token.slice(4)), 'no record holds the token');

  // At `warn`, the debug records stop; `null` silences everything.
  records.length = 0;
  meetergo.setLogger((r) => records.push(r), { level: 'warn' });
  await inject(mock.url, { kind: 'status', status: 503, count: 1 });
  await client.webhooks.list();
  await until(records, (rs) => rs.length > 0);
  assert.ok(records.length > 0 && records.every((r) => r.level === 'warn'), JSON.stringify(records));
  records.length = 0;
  meetergo.setLogger(null);
  await inject(mock.url, { kind: 'status', status: 503, count: 1 });
  await client.webhooks.list();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(records, []);
});

test('an object logger (console-like) gets "<target>: <message>" on its level method; trace falls back to debug', async () => {
  const calls = [];
  const logger = {
    warn: (m) => calls.push(['warn', m]),
    debug: (m) => calls.push(['debug', m]),
    info: (m) => calls.push(['info', m]),
    error: (m) => calls.push(['error', m]),
  };
  // The Client's option sets the process-wide logger.
  const client = new meetergo.Client({ apiKey: `rgo-test-${randomUUID()}`, baseUrl: mock.url, logger, logLevel: 'trace' });
  await client.webhooks.list();
  await until(calls, (cs) => cs.some(([level]) => level === 'debug'));
  assert.ok(calls.some(([level, m]) => level === 'debug' && m.startsWith('meetergo: GET ')), JSON.stringify(calls));
  meetergo.setLogger(null);
});

test('a logger that throws does not break the call it logs', async () => {
  meetergo.setLogger(() => {
    throw new Error('broken logger');
  }, { level: 'trace' });
  const client = new meetergo.Client({ apiKey: `rgo-test-${randomUUID()}`, baseUrl: mock.url });
  assert.deepEqual(await client.webhooks.list(), []);
  await new Promise((r) => setTimeout(r, 100));
  meetergo.setLogger(null);
});

test('bad loggers and levels are refused with a TypeError', () => {
  assert.throws(() => meetergo.setLogger(console, { level: 'verbose' }), TypeError);
  assert.throws(() => meetergo.setLogger('console'), TypeError);
  assert.throws(() => meetergo.setLogger(console, 'debug'), TypeError);
  assert.throws(() => new meetergo.Client({ apiKey: 'rgo-x', logger: console, logLevel: 'loud' }), TypeError);
});

test('MEETERGO_LOG=debug writes the records to stderr; without it the package is silent', () => {
  const script = `const m = require(${JSON.stringify(path.join(__dirname, '..'))});
    new m.Client({ apiKey: 'rgo-test-${randomUUID()}', baseUrl: ${JSON.stringify(mock.url)} }).webhooks.list()
      .then(() => setTimeout(() => {}, 100));`;
  const loud = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, MEETERGO_LOG: 'debug' }, encoding: 'utf8' });
  assert.equal(loud.status, 0, loud.stderr);
  assert.match(loud.stderr, /^meetergo DEBUG meetergo: GET .* -> 200 /m);
  const env = { ...process.env };
  delete env.MEETERGO_LOG;
  const quiet = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
});
