'use strict';
// The shared fixture corpus (tests/fixtures) with the same expectations as Rust and Python, for any build of the
// package (the napi addon, the WebAssembly build): `runCorpus(meetergo, label)` registers the tests.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures');
const CASES = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'deliveries.json'), 'utf8'));
const OK = CASES.filter((c) => c.expect.ok);
const BAD = CASES.filter((c) => !c.expect.ok);

function body(c) {
  return fs.readFileSync(path.join(FIXTURES, 'deliveries', c.file));
}


function resolve(value, wirePath) {
  for (const part of wirePath.match(/[^.[\]]+|\[\d+\]/g)) {
    if (part.startsWith('[')) {
      const i = Number(part.slice(1, -1));
      if (!Array.isArray(value) || i >= value.length) return null;
      value = value[i];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
      // The normalized event: unknown fields (and mistyped undocumented ones) are under `extra`.
      const extra = value.extra;
      if ((value[part] === null || value[part] === undefined) && extra && typeof extra === 'object' && part in extra) {
        value = extra[part];
      } else if (part in value) {
        value = value[part];
      } else {
        return null;
      }
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

function runCorpus(meetergo, label) {
  const parse = (c, input = body(c)) =>
    c.maxBodyBytes === undefined ? meetergo.parseEvent(input) : meetergo.parseEvent(input, { maxBodyBytes: c.maxBodyBytes });

  for (const c of OK) {
    test(`${label} ok fixture: ${c.name}`, () => {
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
      if (e.idsAsStrings !== undefined) {
        // Integer ids read as strings, as in Rust and Python: the event is that of the file's body, nothing else changed.
        const wanted = meetergo.parseEvent(fs.readFileSync(path.join(FIXTURES, 'deliveries', e.idsAsStrings)));
        assert.deepEqual({ ...event }, { ...wanted });
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

  test(`${label} idempotency key groups: one key per group, different groups never share one`, () => {
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
    test(`${label} bad fixture: ${c.name}`, () => {
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

}

module.exports = { runCorpus, FIXTURES, OK, BAD, body };
