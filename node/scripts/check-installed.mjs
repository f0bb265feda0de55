// Run by scripts/dist-smoke.sh from an empty project where `npm install` put dist/'s tarballs (copied there first, so
// that `meetergo` resolves to the installed copy, never to the repository's). Usage:
//   node check-installed.mjs <repository root> <stand-in URL>
// Checks CommonJS, ES modules and `meetergo/web`, a delivery, a validation error, the SQLite inbox, and a webhook
// created and listed through the client (TLS stack and HTTP client of the addon) against the local stand-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import meetergo, { parseEvent, validateWebhook, ValidationError, Inbox, Client } from 'meetergo';

const [root, baseUrl] = process.argv.slice(2);
const require = createRequire(join(process.cwd(), 'package.json'));
const resolved = require.resolve('meetergo');
assert.ok(resolved.startsWith(join(process.cwd(), 'node_modules')), `meetergo from the project: ${resolved}`);
assert.equal(require('meetergo').parseEvent, meetergo.parseEvent, 'CommonJS and ES modules share one instance');

const body = readFileSync(join(root, 'tests', 'fixtures', 'deliveries', 'booking_created_full.json'));
const event = parseEvent(body);
assert.equal(event.attendees[0].email, 'ada@example.com');
assert.throws(() => validateWebhook({ endpoint: 'http://localhost/x', eventTypes: ['booking_created'] }), (e) => e instanceof ValidationError && e.field === 'endpoint');

const web = await import('meetergo/web');
assert.equal(web.parseEvent(body).idempotencyKey, event.idempotencyKey, 'the browser build reads it alike');

const inbox = await Inbox.open(`sqlite:${join(process.cwd(), 'inbox.db')}`);
assert.equal((await inbox.receive(body)).status, 200);
assert.equal((await inbox.accept(body)).status, 'duplicate');

const client = new Client({ apiKey: `rgo-test-${randomUUID()}`, baseUrl });
const created = await client.webhooks.create({ endpoint: 'https://example.com/hooks/smoke', eventTypes: ['booking_created'] });
assert.deepEqual((await client.webhooks.list()).map((w) => w.id), [created.id]);

console.log(`meetergo ${meetergo.CORE_VERSION} on ${process.platform}-${process.arch} (${process.versions.node}): OK`);
