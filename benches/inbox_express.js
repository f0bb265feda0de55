'use strict';
// Express receivers for scripts/bench-inbox.sh on 127.0.0.1:PORT.
//
//   node benches/inbox_express.js inbox STORE PORT        the SDK: meetergo's Inbox middleware
//   node benches/inbox_express.js better-sqlite3 DB PORT  what a user writes by hand: express.raw, JSON.parse, the
//                                                         body's id as the key, better-sqlite3 INSERT OR IGNORE (WAL,
//                                                         synchronous=FULL), committed before the 200
// The baseline's packages come from benches/node-baseline (installed by the script); the SDK from ../node.

const path = require('node:path');
const [mode, store, port] = process.argv.slice(2);
const baseline = (name) => require(path.join(__dirname, 'node-baseline', 'node_modules', name));
const express = baseline('express');

async function main() {
  const app = express();
  if (mode === 'inbox') {
    const { Inbox } = require(path.join(__dirname, '..', 'node'));
    const inbox = await Inbox.open(store);
    app.post('/hooks', inbox.express());
  } else {
    const Database = baseline('better-sqlite3');
    const db = new Database(store);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT OR IGNORE INTO deliveries (key, body) VALUES (?, ?)');
    app.post('/hooks', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
      let key;
      try {
        const event = JSON.parse(req.body.toString('utf8'));
        key = `${event.webhookType}:${event.id}:${event.updatedAt}`;
      } catch {
        return res.status(400).end();
      }
      insert.run(key, req.body);
      res.send('OK');
    });
  }
  app.listen(Number(port), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
