'use strict';
// One error contract in every runtime: the scenarios of tests/fixtures/errors.json (every error the core can produce,
// with the core's own report for it), run through the Node package. Every field of every error must be what the
// core's report says, under the report's own name.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const meetergo = require('..');
const { startMock, inject } = require('./mock.js');
const { checkReport } = require('./report.js');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures');
const SCENARIOS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'errors.json'), 'utf8'));

let mock;
test.before(async () => {
  mock = await startMock();
  for (const name of ['MEETERGO_API_KEY', 'MEETERGO_USER_ID', 'MEETERGO_BASE_URL']) delete process.env[name];
});
test.after(async () => {
  await mock.stop();
});

async function closedPortUrl() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

async function call(scenario) {
  const c = scenario.call;
  if (c.op === 'inbox') {
    const body = fs.readFileSync(path.join(FIXTURES, 'deliveries', c.file));
    const options = c.maxBodyBytes === undefined ? {} : { maxBodyBytes: c.maxBodyBytes };
    const inbox = await meetergo.Inbox.open(c.store ?? 'sqlite::memory:', options);
    await inbox.accept(body);
    return;
  }
  if (c.op === 'parse') {
    const body = fs.readFileSync(path.join(FIXTURES, 'deliveries', c.file));
    meetergo.parseEvent(body, c.maxBodyBytes === undefined ? {} : { maxBodyBytes: c.maxBodyBytes });
    return;
  }
  const spec = c.client || {};
  const options = {
    apiKey: spec.apiKey || `rgo-contract-${randomUUID()}`,
    baseUrl: spec.baseUrl === 'closed' ? await closedPortUrl() : mock.url,
  };
  if (spec.maxRetries !== undefined) options.maxRetries = spec.maxRetries;
  if (spec.timeoutMs !== undefined) options.timeoutMs = spec.timeoutMs;
  const webhooks = new meetergo.Client(options).webhooks;
  switch (c.op) {
    case 'create':
      return webhooks.create({ endpoint: c.endpoint, eventTypes: c.eventTypes });
    case 'list':
      return webhooks.list();
    case 'update':
      return webhooks.update(c.id, { description: c.description });
    case 'delete':
      return webhooks.delete(c.id);
    default:
      throw new Error(`the client was built for ${JSON.stringify(c)}`);
  }
}

for (const scenario of SCENARIOS) {
  test(`error contract: ${scenario.name}`, async () => {
    if (scenario.fault) await inject(mock.url, scenario.fault);
    let error;
    try {
      await call(scenario);
    } catch (e) {
      error = e;
    }
    checkReport(meetergo, error, scenario.expect, scenario.name);
  });
}

test('the scenarios cover every error class', () => {
  const names = new Set(SCENARIOS.map((s) => s.expect.name));
  for (const [name, value] of Object.entries(meetergo)) {
    if (typeof value === 'function' && value.prototype instanceof meetergo.MeetergoError) {
      assert.ok(names.has(name), name);
    }
  }
});
