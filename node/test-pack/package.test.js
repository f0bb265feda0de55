'use strict';
// The package as users install it: `npm pack` (whose prepack hook builds the release addon and the browser build),
// the platform package of this machine's addon, then `npm install` of both tarballs into an empty project, where
// `require('meetergo')`, `import ... from 'meetergo'` and `import('meetergo/web')` all work.
//
// Its own run (`npm run test:pack`, after `npm test`): packing rebuilds web/ and rewrites package.json for a moment,
// which the other test files read.

const test = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
// npm is npm.cmd on Windows: run it through a shell there.
const execFileSync = (file, args, options) =>
  childProcess.execFileSync(file, args, { shell: file === 'npm' && process.platform === 'win32', ...options });
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PACKAGE = path.join(__dirname, '..');
// Exactly what the main package ships; the addons are in the platform packages.
const EXPECTED_FILES = [
  'README.md',
  'LICENSE-MIT',
  'LICENSE-APACHE',
  'package.json',
  'index.js',
  'index.mjs',
  'index.d.ts',
  'lib/shared.js',
  'lib/inbox.js',
  'native/index.js',
  'native/index.d.ts',
  'web/package.json',
  'web/index.js',
  'web/index.d.ts',
  'web/node.js',
  'web/node-init.js',
  'web/shared.js',
  'web/pkg/meetergo_wasm.js',
  'web/pkg/meetergo_wasm.d.ts',
  'web/pkg/meetergo_wasm_bg.wasm',
  'web/pkg/meetergo_wasm_bg.wasm.d.ts',
];
// napi-rs's platform names of the targets in package.json's `napi.targets`.
const PLATFORMS = [
  'linux-x64-gnu',
  'linux-x64-musl',
  'linux-arm64-gnu',
  'linux-arm64-musl',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64-msvc',
  'win32-arm64-msvc',
];
const libc = process.platform !== 'linux' ? '' : process.report.getReport().header.glibcVersionRuntime ? '-gnu' : '-musl';
const HOST_PLATFORM = `${process.platform}-${process.arch}${process.platform === 'win32' ? '-msvc' : libc}`;
const SEED = '{"webhookType":"booking_created","id":"test-appt-123","start":"2024-01-15T09:00:00+01:00","end":"2024-01-15T09:30:00+01:00"}';

test('npm pack: the main package and this platform\'s addon package, installed into an empty project', { timeout: 1_200_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meetergo-package-'));
  try {
    // `npm pack` runs the prepack hook: the release addon into npm/<platform>/, the browser build, the checks.
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PACKAGE, encoding: 'utf8' }),
    );
    const files = packed.files.map((f) => f.path).sort();
    assert.deepEqual(files, [...EXPECTED_FILES].sort(), 'the main package holds exactly these files');
    assert.ok(packed.size < 400_000, `the main package is small (no addon): ${packed.size} bytes`);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', path.join(dir, packed.filename), 'package/package.json'], { encoding: 'utf8' }),
    );
    const version = manifest.version;
    assert.deepEqual(manifest.optionalDependencies, Object.fromEntries(PLATFORMS.map((p) => [`@meetergo/meetergo-${p}`, version])));
    assert.ok(!('optionalDependencies' in JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'))),
      'postpack left package.json as committed');
    const types = execFileSync('tar', ['-xzOf', path.join(dir, packed.filename), 'package/native/index.d.ts'], { encoding: 'utf8' });
    assert.ok(types.includes('export declare function parseEvent') && !types.includes('ForTests'), 'the release build\'s types');

    const [platform] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir, `./npm/${HOST_PLATFORM}`], { cwd: PACKAGE, encoding: 'utf8' }),
    );
    assert.equal(platform.name, `@meetergo/meetergo-${HOST_PLATFORM}`);
    assert.deepEqual(
      platform.files.map((f) => f.path).sort(),
      ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', `meetergo.${HOST_PLATFORM}.node`, 'package.json'].sort(),
    );
    assert.ok(platform.unpackedSize < 30_000_000, `a release addon, not a debug one: ${platform.unpackedSize} bytes`);

    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    // The platform package first on the command line: npm takes it for the main package's optional dependency
    // (not published yet, and --offline) instead of fetching it.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(dir, platform.filename), path.join(dir, packed.filename)], {
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
    // The addon came from the platform package, not from a file next to the loader.
    const from = execFileSync(process.execPath, ['-p', `require.resolve('@meetergo/meetergo-${HOST_PLATFORM}')`], { cwd: project, encoding: 'utf8' });
    assert.ok(from.trim().endsWith(`meetergo.${HOST_PLATFORM}.node`), from);
    // The browser build, under Node (its "node" condition reads the .wasm from disk), without module-type warnings.
    const web = childProcess.spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const w = await import('meetergo/web'); const e = w.parseEvent(${JSON.stringify(SEED)}); console.log(e.id, w.eventClass(e), typeof w.Client)`],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(web.status, 0, web.stderr);
    assert.equal(web.stdout.trim(), 'test-appt-123 BookingCreated undefined');
    assert.equal(web.stderr, '', 'no warnings');
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
