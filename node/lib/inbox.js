'use strict';
// The durable inbox for Node: the Rust core's (SQLite or Redis, every call on libuv's thread pool), driven from here:
// the worker loop (async handlers, concurrency, stop) and the adapters for Express, Fastify and `Request`/`Response`
// handlers (Next.js route handlers, Hono, Deno-style servers). Nothing here stores or decides anything.

const { inspect } = require('node:util');
const os = require('node:os');

/** Builds `Inbox` over the native addon and the package's error mapping. */
function createInbox({ native, fromNative, parseEvent, number, object }) {
  const STATES = ['pending', 'running', 'done', 'dead', 'quarantined'];

  async function settle(promise) {
    try {
      return JSON.parse(await promise);
    } catch (error) {
      throw fromNative(error);
    }
  }

  function body(value, what) {
    if (typeof value === 'string' || value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    throw new TypeError(`${what} must be a Buffer, Uint8Array, ArrayBuffer or string (the raw body), not ${describe(value)}`);
  }

  function describe(value) {
    if (value === null) return 'null';
    if (typeof value === 'object') return value.constructor ? `an object (${value.constructor.name})` : 'an object';
    return typeof value;
  }

  /** Headers as `[name, value, ...]`: Node's `rawHeaders`, a `Headers`, a plain object or pairs. */
  function flatHeaders(headers) {
    if (headers === undefined || headers === null) return [];
    const out = [];
    const push = (name, value) => {
      if (Array.isArray(value)) for (const v of value) out.push(String(name), String(v));
      else if (value !== undefined) out.push(String(name), String(value));
    };
    if (Array.isArray(headers)) {
      if (headers.every((h) => typeof h === 'string')) return headers.slice(0, headers.length - (headers.length % 2));
      for (const pair of headers) push(pair[0], pair[1]);
    } else if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
      headers.forEach((value, name) => push(name, value));
    } else if (typeof headers[Symbol.iterator] === 'function') {
      for (const pair of headers) push(pair[0], pair[1]);
    } else if (typeof headers === 'object') {
      for (const [name, value] of Object.entries(headers)) push(name, value);
    } else {
      throw new TypeError('headers must be an object, a Headers, or [name, value] pairs');
    }
    return out;
  }

  function workerName(n) {
    return `${os.hostname()}:${process.pid}:${n}`;
  }

  function failure(error) {
    if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
    return String(error);
  }

  const sleep = (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  /** A claimed delivery: `id`, `key` (make side effects idempotent with it), `attempt` (from 1), `body`, `event()`. */
  class Claim {
    #native;

    constructor(claim) {
      this.#native = claim;
      this.id = claim.id;
      this.key = claim.key;
      this.attempt = claim.attempt;
      Object.freeze(this);
    }

    /** The body as received. */
    get body() {
      return this.#native.body;
    }

    /** The parsed event (as `parseEvent` returns it). */
    event() {
      return parseEvent(this.#native.body);
    }

    static native(claim) {
      if (!(claim instanceof Claim)) throw new TypeError('claim must be a Claim from inbox.claim()');
      return claim.#native;
    }

    [inspect.custom]() {
      return `Claim { id: ${this.id}, key: ${inspect(this.key)}, attempt: ${this.attempt} }`;
    }
  }

  /**
   * A durable delivery inbox: `await Inbox.open('sqlite:inbox.db')`, or `redis://host:6379/0?prefix=NAME` for
   * receivers on many machines. `receive()` stores a delivery before you answer; `worker(handler)` runs the handler
   * once per stored event, retrying failures with backoff.
   */
  class Inbox {
    #native;

    #maxBodyBytes;

    constructor(token, inner, maxBodyBytes) {
      if (token !== OPEN) throw new TypeError('use `await Inbox.open(url, options)`');
      this.#native = inner;
      this.#maxBodyBytes = maxBodyBytes;
      Object.freeze(this);
    }

    /**
     * Opens (creating if needed) the inbox at `url`. Options: `maxAttempts`, `leaseMs`, `initialRetryDelayMs`,
     * `maxRetryDelayMs`, `maxBodyBytes`, `maxStoreBytes`.
     */
    static async open(url, options = {}) {
      if (typeof url !== 'string') throw new TypeError('url must be a string (sqlite:PATH or redis://HOST)');
      object(options, 'options');
      const checked = {
        maxAttempts: number(options.maxAttempts, 'options.maxAttempts'),
        leaseMs: number(options.leaseMs, 'options.leaseMs'),
        initialRetryDelayMs: number(options.initialRetryDelayMs, 'options.initialRetryDelayMs'),
        maxRetryDelayMs: number(options.maxRetryDelayMs, 'options.maxRetryDelayMs'),
        maxBodyBytes: number(options.maxBodyBytes, 'options.maxBodyBytes'),
        maxStoreBytes: number(options.maxStoreBytes, 'options.maxStoreBytes'),
      };
      let inner;
      try {
        inner = await native.openInbox(url, checked);
      } catch (error) {
        throw fromNative(error);
      }
      return new Inbox(OPEN, inner, checked.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    }

    /** Stores a body durably: `{ status: 'stored' | 'duplicate' | 'quarantined', key, error? }`. */
    async accept(raw, headers) {
      return settle(this.#native.accept(body(raw, 'body'), flatHeaders(headers)));
    }

    /**
     * `accept` for an HTTP handler: `{ status, body }` to answer meetergo with — 200 once the delivery is stored
     * (or recognised), 413 when too large, 503 when the store failed (nothing stored). Never rejects for the store.
     */
    async receive(raw, headers) {
      return settle(this.#native.receive(body(raw, 'body'), flatHeaders(headers)));
    }

    /** Claims the oldest due delivery: a `Claim`, or `null`. */
    async claim(worker = workerName(0)) {
      if (typeof worker !== 'string') throw new TypeError('worker must be a string');
      let claimed;
      try {
        claimed = await this.#native.claim(worker);
      } catch (error) {
        throw fromNative(error);
      }
      return claimed ? new Claim(claimed) : null;
    }

    /** Marks a claimed delivery handled (`InboxError` with `kind: 'LeaseLost'` when another worker took it). */
    async complete(claim) {
      await settle(this.#native.complete(Claim.native(claim)));
    }

    /** Records a failed attempt: milliseconds until the next one, or `null` when dead-lettered. */
    async fail(claim, error) {
      return settle(this.#native.fail(Claim.native(claim), typeof error === 'string' ? error : failure(error)));
    }

    /** Runs `handler(claim)` on one due delivery; `false` when none was due. A handler that throws is retried. */
    async workOnce(handler, { worker } = {}) {
      if (typeof handler !== 'function') throw new TypeError('handler must be a function');
      const claim = await this.claim(worker ?? workerName(0));
      if (claim === null) return false;
      let error = null;
      try {
        await handler(claim);
      } catch (e) {
        error = e ?? new Error('the handler threw undefined');
      }
      try {
        if (error === null) await this.complete(claim);
        else await this.fail(claim, error);
      } catch (e) {
        // Its lease expired while the handler ran: another worker has it now.
        if (!(e && e.kind === 'LeaseLost')) throw e;
        this.#warn(`delivery ${claim.id}: ${e.message}`);
      }
      return true;
    }

    /**
     * Starts `concurrency` workers running `handler` on every due delivery; `await worker.stop()` ends them after
     * the deliveries they are handling. `onError` gets store failures (default: `console.error`), after which the
     * worker waits a poll interval and goes on.
     */
    worker(handler, { concurrency = 1, pollIntervalMs = 500, onError } = {}) {
      if (typeof handler !== 'function') throw new TypeError('handler must be a function');
      if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new TypeError('concurrency must be a whole number ≥ 1');
      const stopper = new AbortController();
      const onFailure = onError ?? ((e) => console.error(`meetergo inbox worker: ${e && e.message}`));
      // A failing `onError` must not end the worker (nor the process, through an unhandled rejection).
      const report = (e) => {
        try {
          onFailure(e);
        } catch {
          // ignored: the worker goes on
        }
      };
      const loop = async (n) => {
        const name = workerName(n);
        while (!stopper.signal.aborted) {
          let worked = false;
          try {
            worked = await this.workOnce(handler, { worker: name });
          } catch (e) {
            report(e);
          }
          if (!worked) await sleep(pollIntervalMs, stopper.signal);
        }
      };
      const done = Promise.all(Array.from({ length: concurrency }, (_, n) => loop(n)));
      done.catch(() => {});
      return Object.freeze({
        /** Stops the workers after the deliveries they are handling; resolves when they have stopped. */
        stop: async () => {
          stopper.abort();
          await done;
        },
        done,
      });
    }

    /** Deliveries in `state` (`pending`, `running`, `done`, `dead`, `quarantined`), oldest first. */
    list(state = 'pending', limit = 100) {
      if (!STATES.includes(state)) throw new TypeError(`state must be one of ${STATES.join(', ')}`);
      if (!Number.isSafeInteger(limit) || limit < 0 || limit > 0xffffffff) throw new TypeError('limit must be a whole number');
      return settle(this.#native.list(state, limit));
    }

    /** How many deliveries are in each state, and the redeliveries acknowledged without storing. */
    counts() {
      return settle(this.#native.counts());
    }

    /** Puts a dead delivery back in the queue, or parses a quarantined one again: its state afterwards. */
    replay(id) {
      if (!Number.isSafeInteger(id)) throw new TypeError('id must be a delivery id (a whole number)');
      return settle(this.#native.replay(id));
    }

    /** Puts every dead delivery back in the queue: how many. */
    replayDead() {
      return settle(this.#native.replayDead());
    }

    /** Deletes deliveries handled more than `olderThanMs` ago: how many. */
    purgeDone(olderThanMs) {
      if (typeof olderThanMs !== 'number') throw new TypeError('olderThanMs must be a number');
      let pending;
      try {
        pending = this.#native.purgeDone(olderThanMs);
      } catch (error) {
        throw fromNative(error);
      }
      return settle(pending);
    }

    /** Why an acknowledged delivery might not survive a crash of the store's server (a Redis without AOF), or null. */
    get durabilityWarning() {
      return this.#native.durabilityWarning ?? null;
    }

    /** The store as a URL without credentials. */
    get location() {
      return this.#native.location;
    }

    /**
     * Express middleware answering meetergo: `app.post('/webhooks/meetergo', inbox.express())`. Reads the raw body
     * itself, or takes the Buffer of `express.raw()`; after `express.json()` the bytes are gone, so it answers 500
     * and says so.
     */
    express() {
      return (req, res, next) => {
        this.#fromNode(req)
          .then(({ status, body: answer }) => res.status(status).json(answer))
          .catch(next);
      };
    }

    /**
     * A Fastify plugin: `app.register(inbox.fastify(), { path: '/webhooks/meetergo' })`. Inside it, bodies reach
     * the inbox as raw bytes (its own content parser, scoped to the plugin).
     */
    fastify() {
      const inbox = this;
      const plugin = async (app, options) => {
        app.removeAllContentTypeParsers();
        // A little over the inbox's limit, so that the inbox itself refuses what is too large (413 with its message).
        const bodyLimit = inbox.#maxBodyBytes + 1;
        app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, raw, done) => done(null, raw));
        app.post(options.path ?? '/webhooks/meetergo', async (request, reply) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const { status, body: answer } = await inbox.receive(raw, request.raw.rawHeaders);
          return reply.code(status).send(answer);
        });
      };
      return plugin;
    }

    /** A `Request` → `Response` handler (Next.js route handlers, Hono, Bun, Deno): `export const POST = inbox.handler()`. */
    handler() {
      return async (request) => {
        const raw = await this.#readLimited(request.body ? streamChunks(request.body) : []);
        if (raw === null) return Response.json(this.#tooLarge(), { status: 413 });
        const { status, body: answer } = await this.receive(raw, request.headers);
        return Response.json(answer, { status });
      };
    }

    async #fromNode(req) {
      if (Buffer.isBuffer(req.body)) return this.receive(req.body, req.rawHeaders);
      if (req.readableEnded || (req.body !== undefined && !req.readable)) {
        return {
          status: 500,
          body: { error: 'the body was read before the inbox saw it: mount inbox.express() before express.json() and other body parsers, or use express.raw()' },
        };
      }
      const raw = await this.#readLimited(req);
      if (raw === null) {
        req.resume(); // let the rest go by; the connection stays usable
        return { status: 413, body: this.#tooLarge() };
      }
      return this.receive(raw, req.rawHeaders);
    }

    /** The chunks of a body, or `null` as soon as they pass the inbox's limit (nothing more is buffered). */
    async #readLimited(chunks) {
      const parts = [];
      let size = 0;
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > this.#maxBodyBytes) return null;
        parts.push(chunk);
      }
      return Buffer.concat(parts);
    }

    #tooLarge() {
      return { error: `the body is larger than the ${this.#maxBodyBytes} bytes the inbox accepts` };
    }

    #warn(message) {
      console.warn(`meetergo inbox: ${message}`);
    }

    [inspect.custom]() {
      return `Inbox { location: ${inspect(this.location)} }`;
    }

    toJSON() {
      return { location: this.location };
    }
  }
  const OPEN = Symbol('Inbox.open');
  const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** The chunks of a web `ReadableStream`. */
  async function* streamChunks(stream) {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  return { Inbox, Claim };
}

module.exports = { createInbox };
