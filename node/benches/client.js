'use strict';
// `webhooks.list()` calls per second against the local stand-in: meetergo's Client next to `fetch` making the same
// call (GET /webhooks, JSON decoded), sequentially and with 32 calls in flight. Prints a table.
//
//     cd node && npm run build:release && node benches/client.js [seconds per contender, default 3]
//
// The stand-in (release build, rate limit off, six webhooks) shares the machine's cores with Node.

const { execFileSync } = require('node:child_process');
const path = require('node:path');
const meetergo = require('..');
const { startMock } = require('../test/mock.js');

const TOKEN = 'rgo-bench-token';
const IN_FLIGHT = 32;

function releaseBinary() {
  const out = execFileSync(
    'cargo',
    ['build', '--quiet', '--release', '-p', 'meetergo-cli', '--bin', 'meetergo', '--message-format=json'],
    { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const found = out
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .find((m) => m.executable);
  if (!found) throw new Error('cargo did not report the meetergo binary');
  return found.executable;
}

async function rate(call, seconds, inFlight) {
  await call();
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    await Promise.all(Array.from({ length: inFlight }, call));
    done += inFlight;
  }
  return done / ((performance.now() - started) / 1000);
}

async function main() {
  const seconds = Number(process.argv[2] || 3);
  process.env.MEETERGO_BIN ??= releaseBinary();
  const mock = await startMock(['--no-rate-limit']);
  try {
    const client = new meetergo.Client({ apiKey: TOKEN, baseUrl: mock.url });
    for (let i = 0; i < meetergo.MAX_WEBHOOKS_PER_COMPANY; i++) {
      await client.webhooks.create({ endpoint: `https://example.com/hooks/${i}`, eventTypes: ['booking_created'] });
    }
    const withFetch = async () => {
      const answer = await fetch(`${mock.url}/webhooks`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (!answer.ok) throw new Error(`status ${answer.status}`);
      return answer.json();
    };
    const results = {};
    for (const inFlight of [1, IN_FLIGHT]) {
      results[`meetergo Client, ${inFlight} in flight`] = await rate(() => client.webhooks.list(), seconds, inFlight);
      results[`fetch, ${inFlight} in flight`] = await rate(withFetch, seconds, inFlight);
    }
    console.log(`webhooks.list() against the stand-in (${mock.url}, six webhooks), ${seconds} s per contender`);
    for (const [label, perSecond] of Object.entries(results)) {
      console.log(`  ${label.padEnd(30)} ${perSecond.toFixed(0).padStart(8)} calls/s`);
    }
  } finally {
    await mock.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
