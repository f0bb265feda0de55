'use strict';
// Writes test/parity-types.ts (not checked in; `npm run typecheck` runs this first): every event of
// tests/fixtures/parity.json — the values parseEvent returns at runtime, as parity.js checks — as an object literal
// that must satisfy its declared class in index.d.ts. tsc --strict (exactOptionalPropertyTypes) then fails when a
// declared field is missing from the runtime value, has another type, or when the value has a field the type does not
// declare. The `@ts-expect-error` lines keep the check honest: each changes one value so that it must not compile.

const fs = require('node:fs');
const path = require('node:path');
const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'parity.json'), 'utf8'));

const CLASSES = {
  booking_created: 'BookingCreated',
  booking_cancelled: 'BookingCancelled',
  booking_rescheduled: 'BookingRescheduled',
  new_employee: 'NewEmployee',
  form_submission: 'FormSubmission',
};

const lines = [
  '// Written by test/parity-types.js from tests/fixtures/parity.json; do not edit.',
  "import type { BookingCreated, BookingCancelled, BookingRescheduled, NewEmployee, FormSubmission, UnknownEvent } from 'meetergo';",
  "type Data<T> = Omit<T, 'raw' | 'toJSON'>;",
];
let n = 0;
for (const c of CASES) {
  if (!c.event) continue;
  const cls = CLASSES[c.event.webhookType] || 'UnknownEvent';
  lines.push(`// ${c.name}`, `export const c${n++} = ${JSON.stringify(c.event)} satisfies Data<${cls}>;`);
}
const booking = CASES.find((c) => c.name === 'booking_created_full').event;
const broken = {
  'a duration that is text': { ...booking, meetingType: { ...booking.meetingType, meetingInfo: { ...booking.meetingType.meetingInfo, duration: '30 min' } } },
  'a missing documented field': Object.fromEntries(Object.entries(booking).filter(([k]) => k !== 'location')),
  'an undeclared field': { ...booking, priority: 'high' },
  'an id that is a number': { ...booking, id: 1492 },
  'attendees that are null': { ...booking, attendees: null },
};
for (const [what, value] of Object.entries(broken)) {
  lines.push(`// @ts-expect-error ${what}`, `export const broken${n++} = ${JSON.stringify(value)} satisfies Data<BookingCreated>;`);
}
fs.writeFileSync(path.join(__dirname, 'parity-types.ts'), `${lines.join('\n')}\n`);
