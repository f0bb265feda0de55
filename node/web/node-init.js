// Node, Deno and Bun (the "node" condition of `meetergo/web`): their `fetch` cannot read the `file:` URL that
// web/index.js hands to wasm-bindgen, so the module is read from disk and instantiated here first; index.js's own
// `init` then finds it instantiated.
import { readFileSync } from 'node:fs';
import { initSync } from './pkg/meetergo_wasm.js';

initSync({ module: readFileSync(new URL('./pkg/meetergo_wasm_bg.wasm', import.meta.url)) });
