'use strict';
// A meetergo receiver with Express and a durable inbox: nothing acknowledged is ever lost, nothing done twice.
//
// The route stores each delivery (SQLite here; `redis://…` when several receivers share the work) before it answers
// 200 — 503 when it cannot store, so meetergo's log shows the failure — and workers run `handle` once per event,
// retrying failures with backoff. A restart between a delivery and its handling loses nothing.
//
//   MEETERGO_INBOX=sqlite:inbox.db node examples/express_inbox.js

const express = require('express');
const { Inbox } = require('meetergo');

/** The app (the inbox's middleware on the webhook path, before any body parser) and its workers running `handle`. */
async function createApp(store, handle) {
  const inbox = await Inbox.open(store);
  const app = express();
  app.post('/webhooks/meetergo', inbox.express()); // reads the raw body itself
  app.use(express.json()); // the rest of the app may parse JSON as usual
  const worker = inbox.worker(handle, { concurrency: 2, pollIntervalMs: 200 });
  return { app, inbox, worker };
}

module.exports = { createApp };

if (require.main === module) {
  createApp(process.env.MEETERGO_INBOX || 'sqlite:inbox.db', async (claim) => {
    // Key your own side effects by claim.key: a handler may run again after a failure or a lost lease.
    console.log(claim.attempt, claim.event().webhookType, claim.key);
  }).then(({ app }) => app.listen(3000, () => console.log('listening on http://127.0.0.1:3000/webhooks/meetergo')));
}
