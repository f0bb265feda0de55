'use strict';
// The error contract's comparison, shared by errors.test.js (tests/fixtures/errors.json) and parity.js
// (tests/fixtures/parity.json): every field of an error must be what the core's report says, under the report's name.

const assert = require('node:assert/strict');

// Every field of the core's report (`name`, `code` and `message` are the Error's own; `cause` is an Error).
const FIELDS = [
  'status',
  'serverMessage',
  'serverError',
  'fieldErrors',
  'serverCode',
  'feature',
  'method',
  'requestPath',
  'timeoutMs',
  'attempts',
  'body',
  'retryAfterMs',
  'outcomeUnknown',
  'field',
  'reason',
  'kind',
  'path',
  'line',
  'column',
  'size',
  'limit',
  'offset',
];

/** Asserts that `error` (thrown by the package `meetergo`) carries the report `expect`; `label` names the case. */
function checkReport(meetergo, error, expect, label) {
  const contains = expect['~contains'] || {};
  // Every field the scenario names is one this test knows, and the error has no field beyond them.
  const known = new Set([...FIELDS, 'name', 'code', 'message', 'cause', '~contains']);
  for (const key of [...Object.keys(expect), ...Object.keys(contains)]) assert.ok(known.has(key), key);
  assert.ok(error instanceof meetergo.MeetergoError, `${label}: ${error}`);
  for (const key of Object.keys(error)) assert.ok(known.has(key), `unexpected field ${key}`);
  assert.ok(error instanceof meetergo[expect.name], expect.name);
  assert.equal(error.name, expect.name);
  assert.equal(error.code, expect.code);
  if (expect.message !== undefined) assert.equal(error.message, expect.message);
  else assert.ok(error.message.includes(contains.message), error.message);
  for (const field of FIELDS) {
    if (field in contains) assert.ok(String(error[field]).includes(contains[field]), `${field}: ${error[field]}`);
    else assert.deepEqual(error[field], expect[field], field);
  }
  if (contains.cause !== undefined) {
    assert.ok(error.cause instanceof Error && error.cause.message.includes(contains.cause), String(error.cause));
  } else {
    assert.equal(error.cause, expect.cause, 'cause');
  }
}

module.exports = { checkReport, FIELDS };
