// Figure answers cached by data version. A figure depends only on the request (path, query,
// format), the caller's role and provider, and the data: the data version changes with every
// stored import (the import logs itself in the transaction that changes the cases). So:
// - `ETag` from the data version and the request; `Cache-Control: private, no-cache` makes a
//   client ask again every time, and a repeat with `If-None-Match` is a 304 without any work;
//   a route that answers everyone as the public (`figureCache: 'public'`, the embed pages)
//   is `public, no-cache`: a shared cache may keep it, and asks again every time too;
// - a repeat by anyone with the same role is answered from memory (bounded by bytes);
// - a client that accepts gzip (browsers, curl --compressed, pandas) gets answers of 1 KB
//   and more gzipped, compressed once when the answer is filed: a state-wide breakdown by
//   municipality is 232 KB as JSON and 15 KB gzipped. It is another representation,
//   so it has a tag of its own, and `Vary` names Accept-Encoding;
// - work that depends only on the data (`dataAsOf`, the registry) is done once per version
//   (`app.figureCache.memo`) instead of once per request.
// The data version is known before any figure of a request is computed, so an answer is
// never older than the version it is filed under: kept in memory while the server listens
// for changes to the import log (NOTIFY), else read per request (one index read).
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { monthlyVersion } from '../indicators/figures-monthly.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Answers of this GET route depend only on the request, the caller's role and the data;
     * 'public': only on the request and the data (the route answers everyone as the public).
     */
    figureCache?: boolean | 'public';
  }
  interface FastifyInstance {
    figureCache: FigureCache;
  }
  interface FastifyRequest {
    /** The data version read at the start of a cached route's request. */
    dataVersion: string | undefined;
    /** Whether a cached route's answer goes out gzipped, when it is large enough. */
    figureGzip: boolean;
  }
}

export interface FigureCache {
  /**
   * The value of `compute` for this request's data version, computed once per version and
   * key (outside a cached route: computed every time).
   */
  memo<T>(request: FastifyRequest, key: string, compute: () => Promise<T>): Promise<T>;
  /**
   * As `memo`, for a request's own figures, shared by every request that asks for the same
   * while they are computed and after (the same figures in another format, or asked for by
   * two clients at once). `compute` gets a signal that is aborted, and the work forgotten,
   * once every request waiting for it has gone (plugins/database.ts).
   */
  shared<T>(
    request: FastifyRequest,
    key: string,
    compute: (signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
  /**
   * Calls `listener` whenever the import log may have changed (a notification, or listening
   * anew after a loss); returns the function that stops it.
   */
  onDataChange(listener: () => void): () => void;
}

/** Who waits for a shared computation still under way. */
interface Sharing {
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

interface Stored {
  payload: Buffer;
  headers: Record<string, string>;
}

/** Headers an answer is replayed with; the rest (security headers) are set on every reply. */
const REPLAYED = ['content-type', 'content-disposition', 'content-encoding'];
/** Smaller answers are sent as they are: gzip would save less than it costs. */
const GZIP_FROM_BYTES = 1024;
const gzipped = promisify(gzip);

/**
 * Whether the client takes gzip (`Accept-Encoding`): by the weight of `gzip` where it is
 * named, else of `*`; a weight of 0 refuses.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const weights = new Map<string, number>();
  for (const item of [header].flat().join(',').split(',')) {
    const [name = '', ...parameters] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    weights.set(name === 'x-gzip' ? 'gzip' : name, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = weights.get('gzip') ?? weights.get('*') ?? 0;
  return weight > 0;
}
/** The channel on which changes to the import log are announced (sql/016). */
export const DATA_VERSION_CHANNEL = 'zb_data_version';
/**
 * How long a kept data version is used without reading it again, should a notification go
 * missing unnoticed: one query a second at most, instead of one per request.
 */
const KEEP_MS = 1000;
const CACHE_CONTROL = 'private, no-cache';
const PUBLIC_CACHE_CONTROL = 'public, no-cache';
const MAX_BYTES = 32 * 1024 * 1024;
/** Memos kept per data version; keys may hold dates from the address, so they are bounded. */
const MAX_MEMOS = 1000;

export default fp<{ maxBytes?: number }>(
  async (app, options) => {
    const maxBytes = options.maxBytes ?? MAX_BYTES;
    // A restart may bring other definitions or registry entries: its ETags are its own.
    const boot = randomBytes(8).toString('hex');
    const fingerprint = createHash('sha256')
      .update(boot)
      .update(monthlyVersion(app.database.db))
      .update(JSON.stringify(app.config));
    const answers = new Map<string, Stored>();
    let storedBytes = 0;
    let memoVersion: string | undefined;
    let memos = new Map<string, Promise<unknown>>();

    app.decorateRequest('dataVersion', undefined);
    app.decorateRequest('figureGzip', false);

    /** Every stored import changes it; a deleted import log row (tests, repairs) too. */
    async function queryVersion(): Promise<string> {
      const { rows } = await sql<{ version: string }>`
        SELECT coalesce(max(id), 0)::text || '/' || count(*)::text AS version FROM imports`.execute(
        app.database.db,
      );
      return rows[0]?.version ?? '0/0';
    }

    // The version is kept between requests while the server listens for changes to the
    // import log (sql/016_data_version_notify.sql: every statement that changes it notifies
    // when its transaction commits, whichever process ran it). A notification forgets the
    // kept version, and so does a lost listening connection, until it listens again:
    // meanwhile every request reads the version itself, as without listening. A read that
    // began before a notification is not kept (`generation`): it may predate the change.
    // Notifications can also go missing without the connection saying so (a connection
    // pooler that does not carry LISTEN, a half-open connection): the kept version is read
    // again after KEEP_MS at the latest, so no answer is older than that for long.
    let listening = false;
    /** Whether a failure to listen has been logged since the server last listened. */
    let warned = false;
    let kept: string | undefined;
    let keptAt = 0;
    let generation = 0;
    const forget = () => {
      generation += 1;
      kept = undefined;
    };
    const changeListeners = new Set<() => void>();
    const changed = () => {
      for (const listener of changeListeners) listener();
    };
    const stopListening = await app.database.listen(DATA_VERSION_CHANNEL, {
      onNotify: () => {
        forget();
        changed();
      },
      onListening: () => {
        forget();
        if (warned) {
          app.log.info('Listening for changes to the import log again.');
          // Changes made while it could not listen were not told.
          changed();
        }
        warned = false;
        listening = true;
      },
      onLost: () => {
        // Said once a loss, not at every attempt to listen again (a standby refuses LISTEN).
        if (!warned)
          app.log.warn(
            'Listening for changes to the import log failed: the data version is read on every request until it listens again.',
          );
        warned = true;
        listening = false;
        forget();
      },
    });
    app.addHook('onClose', async () => {
      listening = false;
      forget();
      await stopListening();
    });

    async function readVersion(): Promise<string> {
      if (listening && kept !== undefined && performance.now() - keptAt < KEEP_MS) return kept;
      const before = generation;
      const started = performance.now();
      const version = await queryVersion();
      if (listening && generation === before) {
        kept = version;
        keptAt = started;
      }
      return version;
    }

    function etagOf(request: FastifyRequest, version: string): string {
      const caller = request.caller;
      const who =
        caller.kind === 'anonymous' ? ['anonymous'] : [caller.role, caller.provider ?? ''];
      const hash = fingerprint
        .copy()
        .update(
          JSON.stringify([
            version,
            request.method,
            request.url,
            request.headers.accept ?? '',
            who,
            request.figureGzip,
          ]),
        )
        .digest('base64url')
        .slice(0, 27);
      return `"${hash}"`;
    }

    function remember(etag: string, stored: Stored) {
      if (stored.payload.length > maxBytes / 8) return;
      answers.set(etag, stored);
      storedBytes += stored.payload.length;
      // Oldest first (a Map keeps insertion order; a hit moves the answer to the end).
      for (const [key, old] of answers) {
        if (storedBytes <= maxBytes) break;
        answers.delete(key);
        storedBytes -= old.payload.length;
      }
    }

    const sharing = new WeakMap<Promise<unknown>, Sharing>();

    /** The memo of this version under `key`, most recently used last; or a new one. */
    function memoOf<T>(version: string, key: string, start: () => Promise<T>): Promise<T> {
      if (version !== memoVersion) {
        memoVersion = version;
        memos = new Map();
      }
      let value = memos.get(key) as Promise<T> | undefined;
      if (value) {
        // Most recently used last: the data's own memos (headline, registry), asked for by
        // every request, stay while figures of single dates come and go.
        memos.delete(key);
        memos.set(key, value);
        return value;
      }
      const pending = start();
      value = pending;
      memos.set(key, pending);
      // The least recently used first: computed again if asked for again.
      if (memos.size > MAX_MEMOS) memos.delete(memos.keys().next().value as string);
      pending.catch(() => {
        if (memos.get(key) === pending) memos.delete(key);
      });
      return value;
    }

    const cache: FigureCache = {
      onDataChange(listener) {
        changeListeners.add(listener);
        return () => changeListeners.delete(listener);
      },
      memo<T>(request: FastifyRequest, key: string, compute: () => Promise<T>): Promise<T> {
        const version = request.dataVersion;
        if (version === undefined) return compute();
        return memoOf(version, key, compute);
      },
      shared<T>(
        request: FastifyRequest,
        key: string,
        compute: (signal: AbortSignal) => Promise<T>,
      ): Promise<T> {
        const version = request.dataVersion;
        if (version === undefined) return compute(request.signal);
        const value = memoOf(version, key, () => {
          const controller = new AbortController();
          const pending = compute(controller.signal);
          const state: Sharing = { controller, waiters: 0, settled: false };
          sharing.set(pending, state);
          const settle = () => {
            state.settled = true;
          };
          pending.then(settle, settle);
          return pending;
        });
        const state = sharing.get(value);
        if (state && !state.settled) {
          state.waiters += 1;
          const { signal } = request;
          const leave = () => {
            state.waiters -= 1;
            if (state.waiters > 0 || state.settled) return;
            // Nobody waits any more: the work stops, and a later request starts it anew.
            if (memos.get(key) === value) memos.delete(key);
            state.controller.abort(signal.reason);
          };
          if (signal.aborted) leave();
          else {
            signal.addEventListener('abort', leave, { once: true });
            const done = () => signal.removeEventListener('abort', leave);
            value.then(done, done);
          }
        }
        return value;
      },
    };
    app.decorate('figureCache', cache);

    const cached = (request: FastifyRequest) =>
      (request.method === 'GET' || request.method === 'HEAD') &&
      Boolean(request.routeOptions.config.figureCache);

    // Before the handler, after every onRequest hook (the caller is known, and a route's
    // rate limit has counted the request) and after the query was validated.
    app.addHook('preHandler', async (request, reply) => {
      if (!cached(request)) return;
      const version = await readVersion();
      request.dataVersion = version;
      request.figureGzip = acceptsGzip(request.headers['accept-encoding']);
      const etag = etagOf(request, version);
      reply.header('etag', etag);
      if (request.routeOptions.config.figureCache === 'public') {
        reply.header('cache-control', PUBLIC_CACHE_CONTROL);
        reply.header('vary', 'Accept, Accept-Encoding');
      } else {
        reply.header('cache-control', CACHE_CONTROL);
        reply.header('vary', 'Accept, Accept-Encoding, Cookie, Authorization');
      }
      const sent = request.headers['if-none-match'];
      if (sent?.split(',').some((tag) => tag.trim() === etag)) {
        return reply.code(304).send();
      }
      const stored = answers.get(etag);
      if (stored) {
        answers.delete(etag);
        answers.set(etag, stored);
        for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
        return reply.code(200).send(stored.payload);
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (!cached(request) || request.dataVersion === undefined) return payload;
      if (reply.statusCode !== 200) {
        // An error is not a representation to revalidate: no validator, nothing stored.
        if (reply.statusCode !== 304) reply.removeHeader('etag');
        return payload;
      }
      const etag = reply.getHeader('etag');
      if (typeof etag !== 'string') return payload;
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
      // Kept and sent as bytes: a repeat writes them as they are, instead of encoding the
      // text again (a state-wide breakdown by municipality is a quarter of a megabyte).
      let bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      if (
        request.figureGzip &&
        bytes.length >= GZIP_FROM_BYTES &&
        reply.getHeader('content-encoding') === undefined
      ) {
        bytes = await gzipped(bytes);
        reply.header('content-encoding', 'gzip');
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      // Two requests for the same answer at once: the first one files it.
      if (!answers.has(etag)) remember(etag, { payload: bytes, headers });
      return bytes;
    });
  },
  { name: 'figure-cache', dependencies: ['config', 'database', 'auth'] },
);
