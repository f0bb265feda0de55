'use strict';
// A static file server for the browser tests and benchmark: the package directory, on 127.0.0.1 only.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Serves `node/` (and the fixtures under /fixtures/) on a free port; resolves to `{ url, close }`. */
const FIXTURES = path.join(ROOT, '..', 'tests', 'fixtures', 'deliveries');

async function serve() {
  const server = http.createServer((request, response) => {
    const wanted = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    // The shared delivery fixtures are served under /fixtures/.
    const [base, rest] = wanted.startsWith('/fixtures/') ? [FIXTURES, wanted.slice('/fixtures'.length)] : [ROOT, wanted];
    const file = path.normalize(path.join(base, rest));
    if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Headless Debian Chromium through playwright-core (never a downloaded browser). */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
  });
}

module.exports = { serve, launchChromium, ROOT };
