'use strict';
// Two builds of the package side by side: `parseEvent` + five field reads, best and median of 15 rounds. For measuring
// a change to the parse path against the commit before it:
//
//     git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node/node_modules
//     (cd /tmp/before/node && npm run build:release) && npm run build:release
//     node benches/compare.js /tmp/before/node .                  (both in one process, rounds interleaved)
//     node benches/compare.js --processes 6 /tmp/before/node .    (each alone in its own process, alternated)
//
// In one process the two builds share one heap and its garbage collections; alone, each is measured as users run it.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'deliveries');
const PAYLOADS = [
  ['booking 1.5 KB', 'booking_created_full.json', 20000],
  ['booking 100 KB', 'booking_large.json', 300],
];
const read = (e) => [e.id, e.start, e.attendees[0].email, e.hosts[0].givenName, e.meetingType.meetingInfo.name];

/** µs per parse + reads for each round of `calls` parses. */
function round(m, body, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) read(m.parseEvent(body));
  return Number(process.hrtime.bigint() - start) / calls / 1000;
}

const sorted = (a) => [...a].sort((x, y) => x - y);
const show = (a) => `best ${sorted(a)[0].toFixed(2)} µs, median ${sorted(a)[a.length >> 1].toFixed(2)} µs`;

const args = process.argv.slice(2);
if (args[0] === '--one') {
  // A child: one build, prints its best round per payload as JSON.
  const m = require(path.resolve(args[1]));
  const best = PAYLOADS.map(([, file, calls]) => {
    const body = fs.readFileSync(path.join(FIXTURES, file));
    return Math.min(...Array.from({ length: 15 }, () => round(m, body, calls)));
  });
  console.log(JSON.stringify(best));
} else if (args[0] === '--processes') {
  const [count, ...dirs] = [Number(args[1]), ...args.slice(2)];
  if (!(count > 0) || dirs.length !== 2) throw new Error('usage: node benches/compare.js --processes N <before> <after>');
  const bests = { before: [], after: [] };
  for (let i = 0; i < count; i++) {
    for (const [label, dir] of [['before', dirs[0]], ['after', dirs[1]]]) {
      const out = execFileSync(process.execPath, [__filename, '--one', dir], { encoding: 'utf8' });
      bests[label].push(JSON.parse(out));
    }
  }
  PAYLOADS.forEach(([name], p) => {
    const each = (label) => bests[label].map((b) => b[p]);
    console.log(`${name}, best round of each of ${count} processes: before ${show(each('before'))} | after ${show(each('after'))}`);
  });
} else {
  const [before, after] = args.map((dir) => require(path.resolve(dir)));
  if (!before || !after) throw new Error('usage: node benches/compare.js [--processes N] <package dir before> <package dir after>');
  for (const [name, file, calls] of PAYLOADS) {
    const body = fs.readFileSync(path.join(FIXTURES, file));
    const times = { before: [], after: [] };
    for (let r = 0; r < 15; r++) {
      times.before.push(round(before, body, calls));
      times.after.push(round(after, body, calls));
    }
    console.log(`${name}: before ${show(times.before)} | after ${show(times.after)}`);
  }
}
