'use strict';
// parseEvent in real Chromium (the WebAssembly build) versus JSON.parse and JSON.parse + zod, on the documented
// booking and the ~100 KB one; and the gzipped size of the shipped .wasm. Prints a table.
//
//     cd node && npm run build:web && node benches/browser.js

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { serve, launchChromium, ROOT } = require('../test/static.js');

async function main() {
  const server = await serve();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(e));
    await page.goto(`${server.url}/benches/browser.html`);
    await page.waitForFunction(() => window.results !== undefined, null, { timeout: 300_000 });
    const results = await page.evaluate(() => window.results);
    console.log(`Chromium ${browser.version()}: µs per parse + 5 field reads (best of 8 rounds)`);
    for (const [payload, best] of Object.entries(results)) {
      const ours = best['meetergo parseEvent'];
      console.log(`\n${payload}`);
      for (const [label, us] of Object.entries(best)) {
        console.log(`  ${label.padEnd(22)} ${us.toFixed(2).padStart(9)} µs   ${(us / ours).toFixed(2)}x meetergo's time`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const wasm = fs.readFileSync(path.join(ROOT, 'web', 'pkg', 'meetergo_wasm_bg.wasm'));
  console.log(`\nweb/pkg/meetergo_wasm_bg.wasm: ${wasm.length} bytes, ${zlib.gzipSync(wasm, { level: 9 }).length} bytes gzipped`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
