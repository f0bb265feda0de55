// A Next.js App Router route handler (app/webhooks/meetergo/route.js) storing meetergo's deliveries in a durable
// inbox: `POST` answers 200 once the delivery is stored, 503 when it cannot be. Run the workers where long-lived
// work belongs (a separate `node worker.js` process on the same store, see ../../../worker.js): route handlers end
// with their request. next.config.mjs keeps the native addon out of the bundle.
//
// Any `Request` → `Response` runtime takes the same handler (Hono, Bun, Deno, Cloudflare-style servers on Node).

import { Inbox } from 'meetergo';

export const runtime = 'nodejs'; // the inbox is the Rust core: the Node runtime, not the edge
export const dynamic = 'force-dynamic';

// Opened on the first delivery; a failed open (Redis away) is tried again on the next one, and answered 503 meanwhile.
let handler = null;

export async function POST(request) {
  if (handler === null) {
    try {
      const inbox = await Inbox.open(process.env.MEETERGO_INBOX || 'sqlite:inbox.db');
      handler = inbox.handler();
    } catch (error) {
      return Response.json({ error: `the inbox cannot be opened: ${error.message}` }, { status: 503 });
    }
  }
  return handler(request);
}
