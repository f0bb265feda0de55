'use strict';
// Real servers the tests start for themselves: a redis-server (Debian's, installed by scripts/setup.sh) on a free
// port, persisting like a production inbox should, stopped by the test.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(answer.startsWith('+PONG')));
    socket.on('data', (chunk) => {
      answer += chunk;
      socket.end();
    });
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

/** Starts a redis-server; resolves to `{ url, stop(), start() }` (`stop` keeps its data for `start`). */
async function startRedis() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meetergo-node-redis-'));
  const port = await freePort();
  let child = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('error', () => {});
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await ping(port)) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill();
    await exited;
    throw new Error(`redis-server did not start on port ${port} (scripts/setup.sh installs it)`);
  };
  const stop = async () => {
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    remove: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startRedis };
