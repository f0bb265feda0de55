'use strict';
// The package as users install it: `npm pack`, then `npm install <tarball>` into an empty project, where
// `require('meetergo')` and `import ... from 'meetergo'` both work and TypeScript finds the typings.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PACKAGE = path.join(__dirname, '..');
const SEED = '{"webhookType":"booking_created","id":"test-appt-123","start":"2024-01-15T09:00:00+01:00","end":"2024-01-15T09:30:00+01:00"}';

test('npm pack, npm install into an empty project, require and import', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meetergo-package-'));
  try {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE, encoding: 'utf8' }),
    );
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'index.js',
      'index.mjs',
      'index.d.ts',
      'lib/shared.js',
      'lib/inbox.js',
      'native/index.js',
      'native/index.d.ts',
      'web/index.js',
      'web/index.d.ts',
      'web/shared.js',
      'web/pkg/meetergo_wasm.js',
      'web/pkg/meetergo_wasm_bg.wasm',
      'package.json',
    ]) {
      assert.ok(files.includes(needed), `${needed} is in the tarball: ${files}`);
    }
    assert.ok(files.some((f) => f.startsWith('native/') && f.endsWith('.node')), 'the addon is in the tarball');
    assert.ok(!files.some((f) => /^(test|node_modules|benches|web\/pkg-node)\//.test(f)), files.join(' '));

    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(dir, packed.filename)], {
      cwd: project,
      stdio: 'pipe',
    });
    const cjs = execFileSync(
      process.execPath,
      ['-e', `const m = require('meetergo'); const e = m.parseEvent(${JSON.stringify(SEED)}); console.log(e.id, m.eventClass(e), typeof m.Client)`],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(cjs.trim(), 'test-appt-123 BookingCreated function');
    const esm = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import meetergo, { parseEvent, NotFoundError, MeetergoError } from 'meetergo'; const e = parseEvent(${JSON.stringify(SEED)}); console.log(e.id, new NotFoundError('x') instanceof MeetergoError, meetergo.parseEvent === parseEvent)`,
      ],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(esm.trim(), 'test-appt-123 true true');
    // The same instance of the error classes from both entry points.
    const both = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { createRequire } from 'node:module'; import { MeetergoError } from 'meetergo'; console.log(createRequire(import.meta.url)('meetergo').MeetergoError === MeetergoError)`],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(both.trim(), 'true');
    // The durable inbox of the installed copy (the addon's bundled SQLite): stored, recognised, handled once.
    const inbox = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { Inbox } from 'meetergo';
         const inbox = await Inbox.open('sqlite:' + process.cwd() + '/inbox.db');
         const first = await inbox.receive(${JSON.stringify(SEED)});
         const again = await inbox.accept(${JSON.stringify(SEED)});
         const seen = [];
         await inbox.workOnce((claim) => seen.push(claim.event().id));
         console.log(first.status, again.status, seen.join(), await inbox.workOnce(() => {}));`,
      ],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(inbox.trim(), '200 duplicate test-appt-123 false');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
