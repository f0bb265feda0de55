'use strict';
// A meetergo receiver with Fastify and a durable inbox: nothing acknowledged is ever lost, nothing done twice.
//
// The plugin stores each delivery (raw bytes: it has its own content parser, scoped to it) before it answers 200 —
// 503 when it cannot store — and workers run `handle` once per event, retrying failures with backoff.
//
//   MEETERGO_INBOX=sqlite:inbox.db node examples/fastify_inbox.js

const Fastify = require('fastify');
const { Inbox } = require('meetergo');

/** The app (the inbox's plugin on the webhook path) and its workers running `handle`. */
async function createApp(store, handle) {
  const inbox = await Inbox.open(store);
  const app = Fastify();
  await app.register(inbox.fastify(), { path: '/webhooks/meetergo' });
  const worker = inbox.worker(handle, { concurrency: 2, pollIntervalMs: 200 });
  return { app, inbox, worker };
}

module.exports = { createApp };

if (require.main === module) {
  createApp(process.env.MEETERGO_INBOX || 'sqlite:inbox.db', async (claim) => {
    console.log(claim.attempt, claim.event().webhookType, claim.key);
  }).then(({ app }) => app.listen({ port: 3000 }));
}
