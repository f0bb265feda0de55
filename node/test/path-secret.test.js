'use strict';
// PathSecret: the unguessable endpoint segment a receiver checks; never printed.

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const http = require('node:http');
const meetergo = require('..');

const { PathSecret, ValidationError } = meetergo;

test('generated secrets are distinct, 256-bit, and round-trip', () => {
  const a = PathSecret.generate();
  const b = PathSecret.generate();
  assert.notEqual(a.reveal(), b.reveal());
  assert.match(a.reveal(), /^mps_[A-Za-z0-9_-]{43}$/);
  const again = new PathSecret(a.reveal());
  assert.ok(again.matches(a.reveal()));
  assert.ok(!again.matches(b.reveal()));
  assert.ok(again instanceof PathSecret);
});

test('the secret is never printed', () => {
  const secret = PathSecret.generate();
  const value = secret.reveal();
  for (const shown of [
    util.inspect(secret),
    util.inspect({ secret }, { depth: 5, showHidden: true }),
    String(secret),
    `${secret}`,
    JSON.stringify({ secret }),
    util.format('%o %O %s %j', secret, secret, secret, secret),
  ]) {
    assert.ok(!shown.includes(value.slice(4, 20)), shown);
  }
  assert.ok(Object.isFrozen(secret));
});

test('endpoints and paths', () => {
  const secret = new PathSecret('mps_0123456789abcdefghijKL');
  const endpoint = secret.endpoint('https://example.com/webhooks/meetergo?tenant=7');
  assert.equal(endpoint, 'https://example.com/webhooks/meetergo/mps_0123456789abcdefghijKL?tenant=7');
  assert.ok(secret.matchesPath('/webhooks/meetergo/mps_0123456789abcdefghijKL?tenant=7'));
  assert.ok(!secret.matchesPath('/webhooks/meetergo/mps_0123456789abcdefghijK'));
  assert.ok(!secret.matchesPath('/webhooks/meetergo'));
  assert.ok(!secret.matchesPath(undefined));
  assert.deepEqual(meetergo.validateWebhook({ endpoint, eventTypes: ['booking_created'] }).endpoint, endpoint);
  assert.throws(() => secret.endpoint(endpoint), (e) => e instanceof ValidationError && e.field === 'endpoint');
  assert.throws(() => secret.endpoint(42), TypeError);
});

for (const bad of ['', 'mps_short', 'nope_0123456789abcdefghijKL', 'mps_0123456789abcdefghijK!']) {
  test(`a malformed secret (${JSON.stringify(bad)}) is a ValidationError that does not echo it`, () => {
    assert.throws(
      () => new PathSecret(bad),
      (e) =>
        e instanceof ValidationError &&
        e.field === 'pathSecret' &&
        ['Missing', 'Malformed'].includes(e.kind) &&
        (bad === '' || !e.message.includes(bad)),
    );
  });
}
test('a non-string secret is a TypeError', () => {
  assert.throws(() => new PathSecret(42), TypeError);
});

test('a node:http receiver refuses paths without the secret', async (t) => {
  const secret = PathSecret.generate();
  const server = http.createServer((req, res) => {
    res.statusCode = secret.matchesPath(req.url) ? 200 : 404;
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}`;
  const post = async (p) => (await fetch(base + p, { method: 'POST', body: '{}' })).status;
  assert.equal(await post(`/webhooks/meetergo/${secret.reveal()}`), 200);
  assert.equal(await post('/webhooks/meetergo/mps_0123456789abcdefghijKL'), 404);
});
