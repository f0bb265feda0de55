'use strict';
// The local meetergo stand-in (`meetergo mock`, built by cargo) for the client tests.

const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.join(__dirname, '..', '..');

function binary() {
  if (process.env.MEETERGO_BIN) return process.env.MEETERGO_BIN;
  // Ask cargo where it put the binary (the target directory depends on CARGO_BUILD_TARGET).
  const out = execFileSync(
    'cargo',
    ['build', '--quiet', '-p', 'meetergo-cli', '--bin', 'meetergo', '--message-format=json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  for (const line of out.split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.reason === 'compiler-artifact' && message.executable) return message.executable;
  }
  throw new Error('cargo did not report the meetergo binary');
}

/** Starts the stand-in on a free port; resolves to `{ url, stop }`. */
function startMock(args = ['--no-rate-limit']) {
  const child = spawn(binary(), ['mock', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('the stand-in did not start')), 30_000);
    child.once('exit', (code) => reject(new Error(`the stand-in exited (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const found = /http:\/\/127\.0\.0\.1:\d+/.exec(line);
      if (!found) return reject(new Error(`unexpected first line: ${line}`));
      resolve({
        url: found[0],
        stop: () =>
          new Promise((done) => {
            child.once('exit', done);
            child.kill();
          }),
      });
    });
  });
}

/** Makes the stand-in answer the next requests with a fault (`{ kind: 'status', status: 503, count: 2 }`, ...). */
async function inject(url, fault) {
  const answer = await fetch(`${url}/_mock/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (answer.status !== 201) throw new Error(`fault not accepted: ${answer.status}`);
}

module.exports = { startMock, inject, binary };
