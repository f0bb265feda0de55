'use strict';
// The inspector page in real headless Chromium: served from 127.0.0.1, the seed's payload pasted and shown, garbage
// pasted and the precise error shown, a webhook definition checked; screenshots under test-output/.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serve, launchChromium, ROOT } = require('./static.js');

// The seed's curl delivery with a booking secret added (which the page must never show).
const SEED = JSON.stringify(
  {
    ...JSON.parse(fs.readFileSync(path.join(ROOT, '..', 'tests', 'fixtures', 'deliveries', 'seed_curl.json'), 'utf8')),
    secret: 'sec_live_browser_test_1234',
  },
  null,
  2,
);
const OUTPUT = path.join(ROOT, 'test-output');

test('the inspector in Chromium: a delivery, garbage, a webhook definition', { timeout: 120_000 }, async (t) => {
  const server = await serve();
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage({ timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  const failures = [];
  page.on('pageerror', (error) => failures.push(error.message));
  await page.goto(`${server.url}/examples/inspector/index.html`);
  await page.waitForSelector('body[data-ready]');

  await page.fill('#body', SEED);
  await page.click('#parse');
  const details = await page.waitForSelector('#event-details');
  const text = await details.innerText();
  assert.match(text, /booking_created \(BookingCreated\)/);
  assert.match(text, /booking_created#sha256:[0-9a-f]{64}/, 'the idempotency key');
  assert.match(text, /15\/01\/2024, 09:00:00 \(sent as 2024-01-15T09:00:00\+01:00\)/, 'start in local time');
  assert.match(text, /Test User <test@example.com>/);
  assert.match(text, /Host User <host@example.com>/);
  assert.match(text, /sec_•+ \(redacted, 26 characters\)/);
  assert.ok(!text.includes('sec_live_browser_test_1234'), 'the secret is never shown');
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'inspector-delivery.png'), fullPage: true });

  await page.fill('#body', '{"webhookType": "booking_created", "id": "b-1", <garbage>');
  await page.click('#parse');
  const error = await (await page.waitForSelector('#event-error')).innerText();
  assert.match(error, /PayloadError \(MEETERGO_PAYLOAD\)/);
  assert.match(error, /kind InvalidJson/);
  assert.match(error, /line 1, column \d+/);
  await page.screenshot({ path: path.join(OUTPUT, 'inspector-error.png'), fullPage: true });

  await page.fill('#body', '{"webhookType": "booking_created", "id": true, "start": "x", "end": "y"}');
  await page.click('#parse');
  assert.match(await (await page.waitForSelector('#event-error')).innerText(), /kind InvalidField · at id/);

  await page.fill('#endpoint', 'http://localhost:3000/hooks');
  await page.click('#check');
  const invalid = await (await page.waitForSelector('#definition-error')).innerText();
  assert.match(invalid, /ValidationError \(MEETERGO_VALIDATION\)/);
  assert.match(invalid, /field endpoint/);
  await page.fill('#endpoint', 'https://example.com/hooks');
  await page.click('#check');
  const valid = await (await page.waitForSelector('#definition-ok')).innerText();
  assert.match(valid, /"booking_cancelled"/);
  assert.deepEqual(failures, []);
});
