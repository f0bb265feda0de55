'use strict';
// parseEvent (napi addon) over the shared fixture corpus, and the rest of the delivery surface.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');
const meetergo = require('..');
const { runParity } = require('./parity.js');
const { runCorpus, FIXTURES, OK, body } = require('./corpus.js');

runCorpus(meetergo, 'napi');
runParity(meetergo, 'napi');

const parse = (c) =>
  c.maxBodyBytes === undefined ? meetergo.parseEvent(body(c)) : meetergo.parseEvent(body(c), { maxBodyBytes: c.maxBodyBytes });

test('the documented booking: fields as on the wire, secret readable but never printed', () => {
  const event = meetergo.parseEvent(fs.readFileSync(path.join(FIXTURES, 'deliveries', 'booking_created_full.json')));
  assert.equal(event.webhookType, meetergo.EventType.BOOKING_CREATED);
  assert.equal(event.id, 'appt-7f3c2a10');
  assert.equal(event.start, '2024-01-15T09:00:00+01:00');
  assert.equal(event.attendees[1].firstname, 'Jürgen');
  assert.equal(event.hosts[0].givenName, 'Hedy');
  assert.equal(event.meetingType.meetingInfo.name, 'Intro Call');
  assert.equal(event.secret, 'sec_live_Zq8XbT4mW2pR9vK1nY6s');
  assert.equal(event.raw.secret, event.secret);
  for (const shown of [inspect(event, { depth: 10 }), JSON.stringify(event), String(Object.keys(event))]) {
    assert.ok(!shown.includes('sec_live_Zq8XbT4mW2pR9vK1nY6s'), shown);
  }
  assert.match(inspect(event), /^BookingCreated \{/);
  // Metadata keys that look like credentials are masked when printed, readable when accessed.
  const withToken = meetergo.parseEvent(
    JSON.stringify({ ...JSON.parse(JSON.stringify(event.raw)), meetingType: { metadata: { apiToken: 'tok_0123456789' } } }),
  );
  assert.equal(withToken.meetingType.metadata.apiToken, 'tok_0123456789');
  assert.ok(!inspect(withToken, { depth: 10 }).includes('tok_0123456789'));
});

test('envelope deliveries are flattened; raw keeps the envelope', () => {
  const c = OK.find((x) => x.expect.envelope);
  assert.ok(c, 'the corpus has an envelope case');
  const event = parse(c);
  assert.equal(event.webhookType, c.expect.webhookType);
  assert.ok('event' in event.raw && 'data' in event.raw);
});

test('wrong argument types are TypeErrors', () => {
  assert.throws(() => meetergo.parseEvent(42), TypeError);
  assert.throws(() => meetergo.parseEvent(null), TypeError);
  assert.throws(() => meetergo.parseEvent('{}', { maxBodyBytes: 'x' }), TypeError);
  assert.throws(() => meetergo.parseEvent('{}', { maxBodyBytes: -1 }), meetergo.ValidationError);
  // 256 MiB is the largest limit every runtime takes.
  assert.throws(() => meetergo.parseEvent('{}', { maxBodyBytes: 2 ** 28 + 1 }), meetergo.ValidationError);
  assert.equal(meetergo.parseEvent('{"webhookType":"x"}', { maxBodyBytes: 2 ** 28 }).webhookType, 'x');
});

test('an ArrayBuffer body is accepted', () => {
  const bytes = fs.readFileSync(path.join(FIXTURES, 'deliveries', 'seed_curl.json'));
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  assert.equal(meetergo.parseEvent(copy).id, 'test-appt-123');
});

test('Deduplicator: first seen once, forget, bounded, options validated', () => {
  const seen = new meetergo.Deduplicator({ ttlMs: 60_000, maxEntries: 2 });
  assert.equal(seen.firstSeen('a'), true);
  assert.equal(seen.firstSeen('a'), false);
  assert.equal(seen.forget('a'), true);
  assert.equal(seen.firstSeen('a'), true);
  seen.firstSeen('b');
  seen.firstSeen('c');
  assert.ok(seen.size <= 2);
  assert.throws(() => new meetergo.Deduplicator({ ttlMs: 0 }), (e) => e instanceof meetergo.ValidationError && e.field === 'ttlMs');
  assert.throws(() => new meetergo.Deduplicator({ maxEntries: 1.5 }), (e) => e.field === 'maxEntries');
  // Remembering nothing would pass every duplicate: refused, not taken as 1.
  assert.throws(() => new meetergo.Deduplicator({ maxEntries: 0 }), (e) => e instanceof meetergo.ValidationError && e.field === 'maxEntries');
  assert.throws(() => seen.firstSeen(1), TypeError);
});

test('validateWebhook: normalized definition, or ValidationError naming the field', () => {
  const ok = meetergo.validateWebhook({
    endpoint: 'https://example.com/hooks',
    eventTypes: [meetergo.EventType.BOOKING_CREATED, 'booking_created', 'form_submission'],
  });
  assert.deepEqual(ok.eventTypes, ['booking_created', 'form_submission']);
  const cases = [
    [{ endpoint: 'http://example.com/h', eventTypes: ['booking_created'] }, 'endpoint', 'InsecureScheme'],
    [{ endpoint: 'https://10.0.0.1/h', eventTypes: ['booking_created'] }, 'endpoint', 'PrivateHost'],
    [{ endpoint: 'https://example.com/h?token=abc', eventTypes: ['booking_created'] }, 'endpoint', 'SecretInUrl'],
    [{ endpoint: 'https://example.com/h', eventTypes: [] }, 'eventTypes', 'Missing'],
  ];
  for (const [input, field, kind] of cases) {
    assert.throws(
      () => meetergo.validateWebhook(input),
      (e) => e instanceof meetergo.ValidationError && e.code === 'MEETERGO_VALIDATION' && e.field === field && e.kind === kind,
      JSON.stringify(input),
    );
  }
  assert.equal(
    meetergo.validateWebhook({ endpoint: 'http://localhost:3000/h', eventTypes: ['x'], allowInsecureEndpoints: true }).endpoint,
    'http://localhost:3000/h',
  );
  assert.throws(() => meetergo.validateWebhook({ endpoint: 1, eventTypes: [] }), TypeError);
});

test('the package surface', () => {
  assert.equal(meetergo.MAX_WEBHOOKS_PER_COMPANY, 6);
  assert.equal(Object.keys(meetergo.EventType).length, 9);
  assert.ok(Object.isFrozen(meetergo.EventType));
  assert.equal(meetergo.CORE_VERSION, require('../package.json').version);
  for (const name of ['NotFoundError', 'RateLimitError', 'TimeoutError', 'ConnectionError', 'PayloadError']) {
    assert.ok(new meetergo[name]('x') instanceof meetergo.MeetergoError, name);
  }
  assert.equal(new meetergo.NotFoundError('x').code, 'MEETERGO_NOT_FOUND');
  assert.ok(new meetergo.NotFoundError('x') instanceof meetergo.APIError);
});

test('isKnownEvent and eventClass tell the modeled classes from UnknownEvent', () => {
  for (const c of OK) {
    const event = parse(c);
    assert.equal(meetergo.isKnownEvent(event), c.expect.class !== 'UnknownEvent', c.name);
  }
  assert.equal(meetergo.eventClass({}), undefined);
  assert.equal(meetergo.isKnownEvent({ webhookType: 'booking_created' }), false, 'only parsed events are known');
});

test('body fields named like SDK members cannot shadow them', () => {
  // A known event keeps them under `extra`; an unknown event keeps its body's fields as its own, so the SDK's
  // members must be removed from it.
  for (const webhookType of ['booking_created', 'booking_renamed_in_2030']) {
    const body = JSON.stringify({
      webhookType,
      id: 'b-1',
      start: '2024-01-15T09:00:00Z',
      end: '2024-01-15T09:30:00Z',
      secret: 'sec_shadow_0123456789',
      toJSON: 'not a function',
      raw: 'not the body',
      idempotencyKey: 'forged',
    });
    const event = meetergo.parseEvent(body);
    assert.equal(meetergo.isKnownEvent(event), webhookType === 'booking_created');
    assert.equal(typeof event.toJSON, 'function', webhookType);
    assert.ok(!JSON.stringify(event).includes('sec_shadow_0123456789'), webhookType);
    assert.ok(!inspect(event).includes('sec_shadow_0123456789'), webhookType);
    assert.equal(event.raw.raw, 'not the body');
    assert.equal(event.raw.toJSON, 'not a function');
    assert.notEqual(event.idempotencyKey, 'forged');
    assert.equal(event.secret, 'sec_shadow_0123456789');
  }
});

test('the ES module entry exports exactly the values of the CommonJS entry (its list is generated)', async () => {
  const esm = await import('../index.mjs');
  const cjs = Object.keys(meetergo).filter((k) => k !== '_testing').sort();
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), cjs);
  for (const name of cjs) assert.equal(esm[name], meetergo[name], name);
});

test('raw is the body as received, also when the caller reuses its buffer', () => {
  const text = '{"webhookType":"new_employee","id":"e-1","note":"Zoë"}';
  for (const make of [(t) => Buffer.from(t), (t) => new TextEncoder().encode(t), (t) => new TextEncoder().encode(t).buffer]) {
    const input = make(text);
    const event = meetergo.parseEvent(input);
    new Uint8Array(input instanceof ArrayBuffer ? input : input.buffer, input.byteOffset || 0).fill(0x20, 0, 10);
    assert.deepEqual(event.raw, JSON.parse(text));
    assert.equal(event.extra.note, 'Zoë');
    // The body travels with the event, but no copy, clone or printout of the event carries it.
    const seen = [{ ...event }, structuredClone(event), JSON.parse(JSON.stringify(event))];
    for (const copy of seen) {
      assert.equal(copy.raw, undefined);
      assert.deepEqual(Object.getOwnPropertySymbols(copy), []);
    }
    assert.ok(!/meetergo\.body|Buffer|Uint8Array/.test(inspect(event, { depth: 9 })), inspect(event));
    assert.deepEqual(Object.keys(event).filter((k) => /body/i.test(k)), []);
  }
});
