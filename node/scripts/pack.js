'use strict';
// Building and packing the npm packages, napi-rs's way: the main package `meetergo` (JavaScript, types, the browser
// build) with `optionalDependencies` on one package per platform (`@meetergo/meetergo-linux-x64-gnu`, ... under npm/),
// each holding that platform's release addon.
//
//   node scripts/pack.js types      regenerate the committed loader and types (native/index.js, native/index.d.ts)
//                                   from a build without test hooks (`npm run build:types`)
//   node scripts/pack.js prepack    `npm pack` / `npm publish` hook: builds this machine's release addon into its
//                                   platform package, checks that the committed loader and types are what that build
//                                   generates, builds the browser build, checks every listed file, and adds the
//                                   `optionalDependencies` to package.json
//   node scripts/pack.js postpack   takes `optionalDependencies` out again: the working tree stays as committed, and
//                                   `npm ci` (which cannot resolve packages not yet published) keeps working
//
// So a packed `meetergo` is never incomplete, and its types describe the release addon, not the test build's.
// Builds write their progress to stderr, so that `npm pack --json` prints only JSON on stdout.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseTriple } = require('@napi-rs/cli');

const NODE = path.join(__dirname, '..');
const ROOT = path.join(NODE, '..');
const MANIFEST = path.join(NODE, 'package.json');
const HOST = /^host: (.*)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1];

function readManifest() {
  const text = fs.readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  if (`${JSON.stringify(manifest, null, 2)}\n` !== text) {
    throw new Error('package.json is not formatted as JSON.stringify(_, null, 2): the pack hooks would reformat it');
  }
  return manifest;
}

const writeManifest = (manifest) => fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);

/** The platform packages of the main package, as `{ name: version }`, one per `napi.targets`. */
function platformPackages(manifest = readManifest()) {
  const { packageName, targets } = manifest.napi;
  return Object.fromEntries(
    targets.map((triple) => [`${packageName}-${parseTriple(triple).platformArchABI}`, manifest.version]),
  );
}

/** Builds this machine's addon (no test hooks) into target/napi/<profile>/<host>/ with its loader and types. */
function buildAddon({ release = true } = {}) {
  const out = path.join(ROOT, 'target', 'napi', release ? 'release' : 'dev', HOST);
  fs.rmSync(out, { recursive: true, force: true });
  const args = ['build', '--platform', '--manifest-path', '../bindings/node/Cargo.toml', '--package-json-path', 'package.json'];
  args.push('--target', HOST, '--output-dir', out);
  if (release) args.push('--release');
  const env = { ...process.env };
  // napi passes --target; a CARGO_BUILD_TARGET for another triple must not override it.
  delete env.CARGO_BUILD_TARGET;
  // napi's CLI through this Node (node_modules/.bin/napi is a .cmd file on Windows, which execFileSync cannot run).
  const cli = path.join(path.dirname(require.resolve('@napi-rs/cli')), 'cli.js'); // the package exports no ./dist/cli.js
  execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 2, 2], cwd: NODE, env });
  const { platformArchABI } = parseTriple(HOST);
  const addon = path.join(out, `${readManifest().napi.binaryName}.${platformArchABI}.node`);
  if (!fs.existsSync(addon)) throw new Error(`napi build wrote no ${addon}`);
  return { out, addon, platformArchABI };
}

/** Copies a built addon into its platform package under npm/ (napi's `artifacts` step). */
function placeAddon({ addon, platformArchABI }) {
  const dir = path.join(NODE, 'npm', platformArchABI);
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`no platform package npm/${platformArchABI}`);
  fs.copyFileSync(addon, path.join(dir, path.basename(addon)));
  return dir;
}

const GENERATED = ['index.js', 'index.d.ts'];

function types() {
  const { out } = buildAddon({ release: false });
  for (const file of GENERATED) fs.copyFileSync(path.join(out, file), path.join(NODE, 'native', file));
  console.log('wrote native/index.js and native/index.d.ts');
}

/** The license texts (repository root), copied into the main package and every platform package. */
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE'];

function platformDirs() {
  const npm = path.join(NODE, 'npm');
  return fs.readdirSync(npm).map((d) => path.join(npm, d)).filter((d) => fs.existsSync(path.join(d, 'package.json')));
}

function prepack() {
  if (process.env.npm_command === 'publish') {
    // `npm publish` in this folder would read package.json again after postpack: the registry would get a
    // `meetergo` without its optionalDependencies. The tarball carries them.
    throw new Error('publish the packed tarball instead: npm pack, then npm publish meetergo-<version>.tgz');
  }
  const manifest = readManifest();
  for (const dir of platformDirs()) {
    const platform = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (platform.version !== manifest.version) {
      throw new Error(`prepack: ${platform.name} is ${platform.version}, meetergo is ${manifest.version} (npx napi version)`);
    }
  }
  for (const dir of [NODE, ...platformDirs()]) {
    for (const license of LICENSES) fs.copyFileSync(path.join(ROOT, license), path.join(dir, license));
  }
  const built = buildAddon({ release: true });
  for (const file of GENERATED) {
    const generated = fs.readFileSync(path.join(built.out, file), 'utf8');
    const committed = fs.readFileSync(path.join(NODE, 'native', file), 'utf8');
    if (generated !== committed) {
      throw new Error(`prepack: native/${file} is not what the release build generates: run npm run build:types`);
    }
  }
  placeAddon(built);
  execFileSync(process.execPath, [path.join(__dirname, 'build-web.js')], { stdio: ['ignore', 2, 2], cwd: NODE });
  const missing = manifest.files.filter((file) => !file.includes('*') && !fs.existsSync(path.join(NODE, file)));
  if (missing.length > 0) throw new Error(`prepack: the package would lack ${missing.join(', ')}`);
  manifest.optionalDependencies = platformPackages(manifest);
  writeManifest(manifest);
}

function postpack() {
  const manifest = readManifest();
  delete manifest.optionalDependencies;
  writeManifest(manifest);
}

const steps = { types, prepack, postpack };
const step = steps[process.argv[2]];
if (!step) throw new Error(`usage: node scripts/pack.js ${Object.keys(steps).join('|')}`);
step();
