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

    constructor(token, inner) {
      if (token !== OPEN) throw new TypeError('use `await Inbox.open(url, options)`');
      this.#native = inner;
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
      return new Inbox(OPEN, inner);
    }

    /** Stores a body durably: `{ status: 'stored' | 'duplicate' | 'quarantined', key, error? }`. */
    accept(raw, headers) {
      return settle(this.#native.accept(body(raw, 'body'), flatHeaders(headers)));
    }

    /**
     * `accept` for an HTTP handler: `{ status, body }` to answer meetergo with — 200 once the delivery is stored
     * (or recognised), 413 when too large, 503 when the store failed (nothing stored). Never rejects for the store.
     */
    receive(raw, headers) {
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
    fail(claim, error) {
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
      const report = onError ?? ((e) => console.error(`meetergo inbox worker: ${e.message}`));
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
        app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 4 * 1024 * 1024 }, (_req, raw, done) => done(null, raw));
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
        const raw = new Uint8Array(await request.arrayBuffer());
        const { status, body: answer } = await this.receive(raw, request.headers);
        return Response.json(answer, { status });
      };
    }

    async #fromNode(req) {
      if (Buffer.isBuffer(req.body)) return this.receive(req.body, req.rawHeaders);
      if (req.body !== undefined && req.readableEnded) {
        return {
          status: 500,
          body: { error: 'the body was parsed before the inbox saw it: mount inbox.express() before express.json(), or use express.raw()' },
        };
      }
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      return this.receive(Buffer.concat(chunks), req.rawHeaders);
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

  return { Inbox, Claim };
}

module.exports = { createInbox };
