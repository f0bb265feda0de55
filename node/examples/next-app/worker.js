// The worker of the Next.js receiver: a long-lived process on the same inbox as the route handler, running `handle`
// once per stored event (`node worker.js`; several may run, on any machine sharing a Redis store).

import { Inbox } from 'meetergo';

export async function startWorker(store, handle) {
  const inbox = await Inbox.open(store);
  return inbox.worker(handle, { concurrency: 4, pollIntervalMs: 200 });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startWorker(process.env.MEETERGO_INBOX || 'sqlite:inbox.db', async (claim) => {
    console.log(claim.attempt, claim.event().webhookType, claim.key);
  });
}
