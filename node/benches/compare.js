'use strict';
// Two builds of the package side by side in one process: `parseEvent` + five field reads, interleaved rounds,
// best and median. For measuring a change to the parse path against the commit before it:
//
//     git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node/node_modules
//     (cd /tmp/before/node && npm run build:release) && npm run build:release
//     node benches/compare.js /tmp/before/node .

const fs = require('node:fs');
const path = require('node:path');

const [before, after] = process.argv.slice(2).map((dir) => require(path.resolve(dir)));
if (!before || !after) throw new Error('usage: node benches/compare.js <package dir before> <package dir after>');
const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries');
const read = (e) => [e.id, e.start, e.attendees[0].email, e.hosts[0].givenName, e.meetingType.meetingInfo.name];

for (const [name, file, calls] of [
  ['booking 1.5 KB', 'booking_created_full.json', 20000],
  ['booking 100 KB', 'booking_large.json', 300],
]) {
  const body = fs.readFileSync(path.join(FIXTURES, file));
  const times = { before: [], after: [] };
  for (let round = 0; round < 15; round++) {
    for (const [label, m] of [['before', before], ['after', after]]) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) read(m.parseEvent(body));
      times[label].push(Number(process.hrtime.bigint() - start) / calls / 1000);
    }
  }
  const show = (a) => {
    a.sort((x, y) => x - y);
    return `best ${a[0].toFixed(2)} µs, median ${a[a.length >> 1].toFixed(2)} µs`;
  };
  console.log(`${name}: before ${show(times.before)} | after ${show(times.after)}`);
}
