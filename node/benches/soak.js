'use strict';
// Soak: one million parseEvent calls on the documented booking, RSS and heap printed every 100,000. Memory must stay
// flat (no leak in the native check, the prototypes or the WeakMap of bodies).
//
//     cd node && npm run build:release && node benches/soak.js [calls, default 1000000]

const fs = require('node:fs');
const path = require('node:path');
const meetergo = require('..');

const body = fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries', 'booking_created_full.json'));
const total = Number(process.argv[2] || 1_000_000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const started = performance.now();
let keys = 0;
for (let i = 1; i <= total; i++) {
  const event = meetergo.parseEvent(body);
  keys += event.idempotencyKey.length > 0 ? 1 : 0;
  if (i % 100_000 === 0) {
    const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
    console.log(`${String(i).padStart(9)} calls  rss ${mb(rss).padStart(7)} MB  heap ${mb(heapUsed).padStart(6)} MB  array buffers ${mb(arrayBuffers).padStart(6)} MB  ${((performance.now() - started) / i * 1000).toFixed(2)} µs/call`);
  }
}
if (keys !== total) throw new Error('an event without key');
