'use strict';
// Where parseEvent's time goes: each step of node/lib/shared.js's parseEvent timed alone, then built up one step at a
// time, next to JSON.parse of the body and zod 4 (the peer of `benches/parse.js`). Also the two orders of adding the
// hidden body property and setting the prototype (V8 adds a property to an object whose prototype changed slowly).
//
//     cd node && npm run build:release && node benches/steps.js [rounds, default 10]
//
// Steps run interleaved, several rounds; the best round counts (the machines here are noisy).

const fs = require('node:fs');
const path = require('node:path');
const meetergo = require('..');
const native = require('../native');
const z4 = require('zod/v4').z;
const { bookingSchema } = require('./schema.js');

const booking4 = bookingSchema(z4, z4.iso.datetime({ offset: true }));
const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries');
const read = (e) => [e.id, e.start, e.attendees[0].email, e.hosts[0].givenName, e.meetingType.meetingInfo.name];
const BODY = Symbol('body');

function steps(buf) {
  const answer = native.parseEvent(buf, undefined);
  const proto = Object.getPrototypeOf(meetergo.parseEvent(buf));
  return {
    'native.parseEvent': () => native.parseEvent(buf, undefined),
    'JSON.parse(answer)': () => JSON.parse(answer),
    'copy of the body': () => Buffer.from(buf),
    '+ property, then prototype': () => {
      const e = JSON.parse(answer);
      Object.defineProperty(e, BODY, { value: buf });
      return Object.setPrototypeOf(e, proto);
    },
    '+ prototype, then property': () => {
      const e = JSON.parse(answer);
      Object.setPrototypeOf(e, proto);
      return Object.defineProperty(e, BODY, { value: buf });
    },
    'native + JSON.parse': () => JSON.parse(native.parseEvent(buf, undefined)),
    'parseEvent': () => meetergo.parseEvent(buf),
    'parseEvent + 5 reads': () => read(meetergo.parseEvent(buf)),
    'JSON.parse(body)': () => JSON.parse(buf.toString('utf8')),
    'JSON.parse + zod 4 + reads': () => read(booking4.parse(JSON.parse(buf.toString('utf8')))),
  };
}

function main() {
  const rounds = Number(process.argv[2] || 10);
  for (const file of ['booking_created_full.json', 'booking_large.json']) {
    const buf = fs.readFileSync(path.join(FIXTURES, file));
    const contenders = steps(buf);
    const iterations = Math.max(20, Math.floor(4_000_000 / buf.length));
    const best = {};
    for (const [label, fn] of Object.entries(contenders)) {
      for (let i = 0; i < iterations; i++) fn();
      best[label] = Infinity;
    }
    for (let r = 0; r < rounds; r++) {
      for (const [label, fn] of Object.entries(contenders)) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) fn();
        best[label] = Math.min(best[label], Number(process.hrtime.bigint() - started) / 1e3 / iterations);
      }
    }
    console.log(`\n${file} (${buf.length} bytes): µs per call (best of ${rounds} rounds)`);
    for (const [label, us] of Object.entries(best)) console.log(`  ${label.padEnd(28)} ${us.toFixed(2).padStart(9)}`);
  }
}

main();
