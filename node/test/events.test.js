'use strict';
// parseEvent over the shared fixture corpus (tests/fixtures), with the same expectations as Rust and Python.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');
const meetergo = require('..');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures');
const CASES = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'deliveries.json'), 'utf8'));
const OK = CASES.filter((c) => c.expect.ok);
const BAD = CASES.filter((c) => !c.expect.ok);

function body(c) {
  return fs.readFileSync(path.join(FIXTURES, 'deliveries', c.file));
}

function parse(c, input = body(c)) {
  return c.maxBodyBytes === undefined
    ? meetergo.parseEvent(input)
    : meetergo.parseEvent(input, { maxBodyBytes: c.maxBodyBytes });
}

function resolve(value, wirePath) {
  for (const part of wirePath.match(/[^.[\]]+|\[\d+\]/g)) {
    if (part.startsWith('[')) {
      const i = Number(part.slice(1, -1));
      if (!Array.isArray(value) || i >= value.length) return null;
      value = value[i];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !(part in value)) return null;
      value = value[part];
    }
  }
  return value === undefined ? null : value;
}

// RFC 3339 date-times compare as instant and UTC offset.
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
function asTime(v) {
  if (typeof v !== 'string') return null;
  const m = RFC3339.exec(v);
  if (!m) return null;
  const offset = m[4].toUpperCase() === 'Z' ? '+00:00' : m[4];
  const fraction = (m[3] || '.0').slice(1).padEnd(9, '0');
  const instant = Date.parse(`${m[1]}T${m[2]}${offset}`);
  return Number.isNaN(instant) ? null : `${instant}.${fraction}${offset}`;
}

function same(actual, expected) {
  if (expected === null) return actual === null || actual === undefined;
  if (Array.isArray(expected) && expected.length === 0 && (actual === null || actual === undefined)) return true;
  const ta = asTime(actual);
  const te = asTime(expected);
  if (ta !== null && te !== null) return ta === te;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => same(actual[i], e));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const ka = Object.keys(actual).sort();
    const ke = Object.keys(expected).sort();
    return ka.length === ke.length && ka.every((k, i) => k === ke[i]) && ke.every((k) => same(actual[k], expected[k]));
  }
  // JSON's 30 and 30.0 differ in Rust and Python; JavaScript has one number type, so they compare equal here.
  return actual === expected;
}

for (const c of OK) {
  test(`ok fixture: ${c.name}`, () => {
    const e = c.expect;
    const event = parse(c);
    assert.equal(meetergo.eventClass(event), e.class);
    assert.equal(event.webhookType, e.webhookType);
    for (const [wirePath, wanted] of Object.entries(e.fields || {})) {
      assert.ok(same(resolve(event, wirePath), wanted), `${wirePath}: ${inspect(resolve(event, wirePath))} vs ${inspect(wanted)}`);
    }
    // Fields the SDK does not model are kept on the object that holds them.
    for (const [wirePath, wanted] of Object.entries(e.extra || {})) {
      assert.ok(same(resolve(event, wirePath), wanted), `extra ${wirePath}: ${inspect(resolve(event, wirePath))}`);
    }
    if (e.idempotencyKey !== undefined) assert.equal(event.idempotencyKey, e.idempotencyKey);
    for (const part of event.idempotencyKey.split(/[:#]/)) {
      assert.ok(part && part !== 'undefined' && part !== 'null', event.idempotencyKey);
    }
    if (c.maxBodyBytes === undefined) {
      // A string body and a plain Uint8Array give the same event as a Buffer.
      const text = body(c).toString('utf8');
      for (const again of [meetergo.parseEvent(text), meetergo.parseEvent(new Uint8Array(body(c)))]) {
        assert.deepEqual(again.toJSON(), event.toJSON());
        assert.equal(again.idempotencyKey, event.idempotencyKey);
      }
    }
  });
}

test('idempotency key groups: one key per group, different groups never share one', () => {
  const groups = new Map();
  for (const c of OK) {
    const group = c.expect.idempotencyKeyGroup;
    if (!group) continue;
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group).add(parse(c).idempotencyKey);
  }
  assert.ok(groups.size > 0);
  for (const [name, keys] of groups) assert.equal(keys.size, 1, name);
  const all = [...groups.values()].map((k) => [...k][0]);
  assert.equal(new Set(all).size, all.length);
});

for (const c of BAD) {
  test(`bad fixture: ${c.name}`, () => {
    const e = c.expect;
    let error;
    assert.throws(
      () => parse(c),
      (x) => {
        error = x;
        return x instanceof meetergo.PayloadError && x instanceof meetergo.MeetergoError && x instanceof Error;
      },
    );
    assert.equal(error.code, 'MEETERGO_PAYLOAD');
    assert.equal(error.kind, e.errorKind);
    if (e.path !== undefined) assert.equal(error.path, e.path);
    const shown = `${error.message} ${inspect(error)}`;
    for (const fragment of e.messageContains || []) assert.ok(error.message.includes(fragment), fragment);
    for (const fragment of e.messageExcludes || []) assert.ok(!shown.includes(fragment), fragment);
  });
}

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
  const body = JSON.stringify({
    webhookType: 'booking_created',
    id: 'b-1',
    start: '2024-01-15T09:00:00Z',
    end: '2024-01-15T09:30:00Z',
    secret: 'sec_shadow_0123456789',
    toJSON: 'not a function',
    raw: 'not the body',
    idempotencyKey: 'forged',
  });
  const event = meetergo.parseEvent(body);
  assert.ok(!JSON.stringify(event).includes('sec_shadow_0123456789'));
  assert.equal(event.raw.raw, 'not the body');
  assert.equal(event.raw.toJSON, 'not a function');
  assert.notEqual(event.idempotencyKey, 'forged');
  assert.equal(event.secret, 'sec_shadow_0123456789');
});
