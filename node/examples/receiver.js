'use strict';
// A meetergo webhook receiver on plain node:http: read the raw body, answer at once, skip duplicates, process in
// the background.
//
// meetergo delivers at least once and never retries a failed delivery, so the endpoint acknowledges before any
// work, de-duplicates by idempotency key, and processes each new event after the answer has gone out.
//
//     node examples/receiver.js            # listens on PORT (default 3000), POST /webhooks/meetergo

const http = require('node:http');
const meetergo = require('meetergo');

const MAX_BODY = 1024 * 1024;

/**
 * The receiver's HTTP server. `process(event)` runs for every new event, one at a time, after the delivery was
 * acknowledged; `idle()` resolves when the queue is empty.
 */
function createReceiver(process) {
  const seen = new meetergo.Deduplicator({ ttlMs: 24 * 3600 * 1000, maxEntries: 100_000 });
  const queue = [];
  let running = null;

  async function drain() {
    while (queue.length > 0) {
      const event = queue.shift();
      try {
        await process(event);
      } catch (error) {
        // A failed event must not stop the queue; forget it so a redelivery is processed again.
        console.error(`processing ${event.idempotencyKey} failed: ${error.message}`);
        seen.forget(event.idempotencyKey);
      }
    }
    running = null;
  }

  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/webhooks/meetergo') {
      response.writeHead(404).end();
      return;
    }
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.writableEnded) return;
      let event;
      try {
        event = meetergo.parseEvent(Buffer.concat(chunks));
      } catch (error) {
        if (!(error instanceof meetergo.PayloadError)) throw error;
        // Never log the body: it holds the booking secret.
        console.warn(`unreadable delivery: ${error.message}`);
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200).end();
      if (seen.firstSeen(event.idempotencyKey)) {
        queue.push(event);
        running ??= new Promise((resolve) => setImmediate(resolve)).then(drain);
      } else {
        console.info(`duplicate delivery skipped: ${event.idempotencyKey}`);
      }
    });
  });
  return { server, idle: () => running ?? Promise.resolve() };
}

module.exports = { createReceiver };

if (require.main === module) {
  const { server } = createReceiver((event) => {
    console.log(event.webhookType, event.idempotencyKey);
  });
  const port = Number(process.env.PORT || 3000);
  server.listen(port, () => console.log(`listening on http://localhost:${port}/webhooks/meetergo`));
}
