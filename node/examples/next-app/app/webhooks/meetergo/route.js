// A Next.js App Router route handler (app/webhooks/meetergo/route.js) storing meetergo's deliveries in a durable
// inbox: `POST` answers 200 once the delivery is stored, 503 when it cannot be. Run the workers where long-lived
// work belongs (a separate `node worker.js` process on the same store, see ../../../worker.js): route handlers end
// with their request.
//
// Any `Request` → `Response` runtime takes the same handler (Hono, Bun, Deno, Cloudflare-style servers on Node).

import { Inbox } from 'meetergo';

export const runtime = 'nodejs'; // the inbox is the Rust core: the Node runtime, not the edge
export const dynamic = 'force-dynamic';

const inbox = Inbox.open(process.env.MEETERGO_INBOX || 'sqlite:inbox.db');

export async function POST(request) {
  return (await inbox).handler()(request);
}
