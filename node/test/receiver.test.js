'use strict';
// The receiver example through a real HTTP server: the seed's curl delivery, twice.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const meetergo = require('..');
const { createReceiver } = require('../examples/receiver.js');

// The seed's curl delivery, byte for byte (tests/fixtures/deliveries/seed_curl.json).
const SEED = fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries', 'seed_curl.json'), 'utf8');

test('the seed delivery POSTed twice is acknowledged twice and processed once', async (t) => {
  const processed = [];
  const { server, idle } = createReceiver(async (event) => {
    await new Promise((r) => setTimeout(r, 20)); // slow work happens after the answer
    processed.push(event.idempotencyKey);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/meetergo`;
  const post = (body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const first = await post(SEED);
  assert.equal(first.status, 200);
  assert.deepEqual(processed, [], 'acknowledged before the work is done');
  assert.equal((await post(SEED)).status, 200, 'the duplicate is acknowledged too');
  assert.equal((await post('{not json')).status, 400);
  await idle();
  assert.deepEqual(processed, [meetergo.parseEvent(SEED).idempotencyKey]);
});

test('a failed event is forgotten, so its redelivery is processed', async (t) => {
  let attempts = 0;
  const { server, idle } = createReceiver(() => {
    attempts += 1;
    if (attempts === 1) throw new Error('database down');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/meetergo`;
  const errors = console.error;
  console.error = () => {};
  try {
    assert.equal((await fetch(url, { method: 'POST', body: SEED })).status, 200);
    await idle();
    assert.equal((await fetch(url, { method: 'POST', body: SEED })).status, 200);
    await idle();
  } finally {
    console.error = errors;
  }
  assert.equal(attempts, 2);
});
