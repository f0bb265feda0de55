'use strict';
// One model in every runtime: tests/fixtures/parity.json records, for every delivery of the shared corpus and for
// cases of its own (lenient fields, absent against null, ids as numbers, escapes, every payload error kind), the
// core's normalized JSON of the event or its error report. `runParity(meetergo, label)` holds a build of the package
// (the napi addon, the WebAssembly build) to it: the event's own fields are that JSON, value for value, and every
// error carries that report. Rust (crates/meetergo-bind/tests/it/parity.rs) and Python (test_parity.py) read the same
// file.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { checkReport } = require('./report.js');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures');
const CASES = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'parity.json'), 'utf8'));
// An event's members that a field of an unknown event cannot replace: such a field is read from `raw` instead
// (node/README.md, "Unknown events"). Python's and Rust's members are methods, so their events keep it.
const MEMBERS = ['raw', 'toJSON'];

/** The body as bytes; an inline body also as text (`parseEvent` takes both). */
function inputs(c) {
  if (c.file !== undefined) return [fs.readFileSync(path.join(FIXTURES, 'deliveries', c.file))];
  return [Buffer.from(c.body, 'utf8'), c.body];
}

function runParity(meetergo, label) {
  for (const c of CASES) {
    test(`${label} parity: ${c.name}`, () => {
      for (const input of inputs(c)) {
        const options = c.maxBodyBytes === undefined ? {} : { maxBodyBytes: c.maxBodyBytes };
        let event;
        try {
          event = meetergo.parseEvent(input, options);
        } catch (error) {
          assert.ok(c.error, `refused: ${error}`);
          checkReport(meetergo, error, c.error, c.name);
          continue;
        }
        assert.ok(c.event, `parsed, but the core refuses it with ${JSON.stringify(c.error)}`);
        const expected = { ...c.event };
        if (meetergo.eventClass(event) === 'UnknownEvent') {
          for (const member of MEMBERS) {
            if (member in expected) {
              assert.deepStrictEqual(event.raw[member], expected[member], member);
              delete expected[member];
            }
          }
        }
        // Own enumerable fields only: the prototype's members (`raw`, `toJSON`, ...) are not data.
        assert.deepStrictEqual({ ...event }, expected);
      }
    });
  }
}

test('parity: a difference is caught', () => {
  const event = CASES.find((c) => c.name === 'numbers_spelled_variously').event;
  assert.throws(() => assert.deepStrictEqual({ ...event, id: 'other' }, event));
  assert.throws(() => assert.deepStrictEqual({ ...event, secret: undefined }, event));
  const { secret, ...missing } = event;
  assert.equal(secret, null);
  assert.throws(() => assert.deepStrictEqual(missing, event));
});

module.exports = { runParity, CASES };
