'use strict';
// Delivery parsing from Node: parseEvent + reading five fields, next to JSON.parse alone and JSON.parse + a zod
// schema of the same shape, on the same Buffers (the documented booking and a ~100 KB one). Prints a table.
//
//     cd node && npm run build:release && node benches/parse.js
//
// Contenders run interleaved, several rounds; the best round counts (the machines here are noisy).

const fs = require('node:fs');
const path = require('node:path');
const { z } = require('zod'); // zod 3
const z4 = require('zod/v4').z; // zod 4, shipped in the same package
const meetergo = require('..');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries');
const PAYLOADS = {
  'booking 1.5 KB': fs.readFileSync(path.join(FIXTURES, 'booking_created_full.json')),
  'booking 100 KB': fs.readFileSync(path.join(FIXTURES, 'booking_large.json')),
};

const { bookingSchema } = require('./schema.js');
const booking = bookingSchema(z, z.string().datetime({ offset: true }));
const booking4 = bookingSchema(z4, z4.iso.datetime({ offset: true }));

const read = (e) => [e.id, e.start, e.attendees[0].email, e.hosts[0].givenName, e.meetingType.meetingInfo.name];

const CONTENDERS = {
  'meetergo.parseEvent': (buf) => read(meetergo.parseEvent(buf)),
  'JSON.parse': (buf) => read(JSON.parse(buf.toString('utf8'))),
  'JSON.parse + zod 3': (buf) => read(booking.parse(JSON.parse(buf.toString('utf8')))),
  'JSON.parse + zod 4': (buf) => read(booking4.parse(JSON.parse(buf.toString('utf8')))),
};

function timeUs(fn, buf, iterations) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(buf);
  return Number(process.hrtime.bigint() - started) / 1e3 / iterations;
}

function main() {
  const rounds = Number(process.argv[2] || 15);
  for (const [name, buf] of Object.entries(PAYLOADS)) {
    const iterations = Math.max(20, Math.floor(4_000_000 / buf.length));
    const best = {};
    // Same answers from every contender, then warm-up.
    const expected = JSON.stringify(CONTENDERS['JSON.parse'](buf));
    for (const [label, fn] of Object.entries(CONTENDERS)) {
      if (JSON.stringify(fn(buf)) !== expected) throw new Error(`${label} read other values`);
      timeUs(fn, buf, iterations);
      best[label] = Infinity;
    }
    for (let r = 0; r < rounds; r++) {
      for (const [label, fn] of Object.entries(CONTENDERS)) best[label] = Math.min(best[label], timeUs(fn, buf, iterations));
    }
    const ours = best['meetergo.parseEvent'];
    console.log(`\n${name} (${buf.length} bytes): µs per parse + 5 field reads (best of ${rounds} rounds)`);
    for (const [label, us] of Object.entries(best)) {
      console.log(`  ${label.padEnd(22)} ${us.toFixed(2).padStart(9)} µs   ${(us / ours).toFixed(2)}x meetergo's time`);
    }
  }
}

main();
