// `meetergo/web` under Node, Deno and Bun: the browser build, instantiated from disk (see node-init.js), then the
// same module as in browsers. On servers, prefer `meetergo` itself: the native addon is faster and has the client.
import './node-init.js';

export * from './index.js';
