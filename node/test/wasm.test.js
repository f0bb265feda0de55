'use strict';
// The WebAssembly build (wasm-bindgen --target nodejs, built by `npm run build:web`) over the shared corpus with the
// same expectations as Rust, Python and the napi addon; the same errors and codes; no input makes it trap.

const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const wasm = require('../web/pkg-node/meetergo_wasm.js');
const { createMeetergo } = require('../lib/shared.js');
const napi = require('..');
const { runParity } = require('./parity.js');
const { runCorpus, OK, BAD, body } = require('./corpus.js');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const decoder = new TextDecoder('utf-8');
const web = createMeetergo({
  parseEvent: (b, max) => (typeof b === 'string' ? wasm.parseEventText(b, max) : wasm.parseEventBytes(b, max)),
  decode: (bytes) => decoder.decode(bytes),
  redactBody: (text) => wasm.redactBody(text),
  validateWebhook: (endpoint, eventTypes, description, allow) => wasm.validateWebhook(endpoint, eventTypes, description, allow),
  eventClasses: () => wasm.eventClasses(),
  knownEventTypes: () => wasm.knownEventTypes(),
  coreVersion: () => wasm.coreVersion(),
});
const meetergo = { ...web, ...web.errors };

runCorpus(meetergo, 'wasm');
runParity(meetergo, 'wasm');

test('wasm and napi give the same events, keys and errors', () => {
  for (const c of [...OK, ...BAD]) {
    const options = c.maxBodyBytes === undefined ? {} : { maxBodyBytes: c.maxBodyBytes };
    const outcome = (m) => {
      try {
        const e = m.parseEvent(body(c), options);
        return { json: JSON.stringify(e), key: e.idempotencyKey, cls: m.eventClass(e) };
      } catch (error) {
        return { name: error.name, code: error.code, kind: error.kind, path: error.path, message: error.message };
      }
    };
    assert.deepEqual(outcome(meetergo), outcome(napi), c.name);
  }
});

const ENDPOINTS = JSON.parse(
  require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'tests', 'fixtures', 'endpoints.json'), 'utf8'),
);

test('validateWebhook: the shared endpoint cases (tests/fixtures/endpoints.json), as in Rust and Python', () => {
  for (const c of ENDPOINTS) {
    const input = { endpoint: c.endpoint, eventTypes: ['booking_created'], allowInsecureEndpoints: c.allowInsecure };
    for (const m of [meetergo, napi]) {
      let kind = null;
      try {
        m.validateWebhook(input);
      } catch (error) {
        assert.equal(error.field, 'endpoint', c.why);
        kind = error.kind;
      }
      assert.equal(kind, c.kind, `${c.why}: ${c.endpoint}`);
    }
  }
});

test('validateWebhook: the same messages as the other runtimes', () => {
  const inputs = [
    ...ENDPOINTS.map((c) => ({ endpoint: c.endpoint, eventTypes: ['booking_created'], allowInsecureEndpoints: c.allowInsecure })),
    { endpoint: 'http://example.com/h', eventTypes: ['booking_created'] },
    { endpoint: 'https://192.168.1.2/h', eventTypes: ['booking_created'] },
    { endpoint: 'https://example.com/h?api_key=1', eventTypes: ['booking_created'] },
    { endpoint: 'https://example.com/h', eventTypes: [] },
    { endpoint: 'https://example.com/h', eventTypes: ['booking_created', 'booking_created'], description: 'd' },
  ];
  for (const input of inputs) {
    const outcome = (m) => {
      try {
        return m.validateWebhook(input);
      } catch (error) {
        return { name: error.name, code: error.code, field: error.field, kind: error.kind, message: error.message };
      }
    };
    assert.deepEqual(outcome(meetergo), outcome(napi), JSON.stringify(input));
  }
  assert.throws(() => meetergo.validateWebhook({ endpoint: 'ftp://x', eventTypes: ['x'] }), meetergo.ValidationError);
});

test('idempotencyKey, EventType and the version', () => {
  const seed = body(OK.find((c) => c.name === 'seed_curl'));
  assert.equal(meetergo.idempotencyKey(seed), napi.idempotencyKey(seed));
  assert.deepEqual(meetergo.EventType, napi.EventType);
  assert.equal(meetergo.CORE_VERSION, napi.CORE_VERSION);
});

test('no input makes the WebAssembly trap: random bytes and mutations are parsed or PayloadErrors', () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const bodies = OK.map((c) => body(c));
  for (let i = 0; i < 3000; i++) {
    const base = bodies[random() % bodies.length];
    const mutated = Buffer.from(base);
    const kind = random() % 4;
    if (kind === 0) mutated[random() % mutated.length] = random() % 256;
    const input =
      kind === 1 ? mutated.subarray(0, random() % mutated.length) : kind === 2 ? Buffer.from(Array.from({ length: random() % 64 }, () => random() % 256)) : mutated;
    try {
      meetergo.parseEvent(input);
    } catch (error) {
      assert.ok(error instanceof meetergo.PayloadError, `${inspect(error)} for ${JSON.stringify(input.toString('latin1'))}`);
    }
  }
});

test('the shipped .wasm stays within the 100 KB gzipped budget', () => {
  const shipped = fs.readFileSync(path.join(__dirname, '..', 'web', 'pkg', 'meetergo_wasm_bg.wasm'));
  const gzipped = zlib.gzipSync(shipped, { level: 9 }).length;
  assert.ok(gzipped <= 100_000, `web/pkg/meetergo_wasm_bg.wasm is ${gzipped} bytes gzipped (budget 100,000)`);
});
