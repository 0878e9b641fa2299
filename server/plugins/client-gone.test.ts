// A request whose client goes away stops its work: its query is cancelled in PostgreSQL
// (PGlite runs it to the end: one query at a time, in this process), and figures shared by
// several requests are computed on while anyone still waits for them.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

let test: TestApp;
let base: string;
const outcomes: string[] = [];
const started: (() => void)[] = [];
let sharedRuns = 0;
let sharedStopped = 0;
let release: (() => void) | undefined;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Sends a GET and returns a function that drops the connection before the answer. */
function leaveEarly(path: string) {
  const req = httpRequest(`${base}${path}`);
  const answered = new Promise<number>((done) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', () => done(0));
  });
  req.end();
  return { drop: () => req.destroy(), answered };
}

async function until(check: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('gave up waiting');
}

/** Two requests for the same shared figures (`k`), the second joining the first's run. */
async function twoWaiting(k: string, runs: number) {
  const first = leaveEarly(`/test/shared?k=${k}`);
  await until(() => sharedRuns === runs);
  const second = leaveEarly(`/test/shared?k=${k}`);
  await new Promise((done) => setTimeout(done, 200));
  return { first, second };
}

const sleeping = async () => {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(%'`.execute(
    test.app.database.db,
  );
  return rows[0]?.n ?? 0;
};

beforeAll(async () => {
  test = await createTestApp();
  const { app } = test;
  app.get('/test/slow', async (request) => {
    started.shift()?.();
    try {
      // Long on PostgreSQL, where it is cancelled; short on PGlite, which cannot stop it.
      await sql`SELECT pg_sleep(${DATABASE_KIND === 'postgres' ? 60 : 0.2})`.execute(request.db);
      outcomes.push('finished');
    } catch (error) {
      outcomes.push((error as { code?: string }).code ?? (error as Error).name);
      throw error;
    }
    return { ok: true };
  });
  app.get('/test/shared', { config: { figureCache: true } }, async (request) => {
    const key = `test-shared:${(request.query as { k?: string }).k}`;
    const value = await app.figureCache.shared(request, key, (signal) => {
      sharedRuns += 1;
      return new Promise<string>((done, fail) => {
        release = () => done('computed');
        signal.addEventListener('abort', () => {
          sharedStopped += 1;
          fail(signal.reason);
        });
      });
    });
    return { value };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await test?.close();
});

describe('a request whose client has gone', () => {
  it(`stops its query (${DATABASE_KIND})`, async () => {
    const begun = deferred();
    started.push(begun.resolve);
    const { drop } = leaveEarly('/test/slow');
    await begun.promise;
    if (DATABASE_KIND === 'postgres') await until(async () => (await sleeping()) === 1);
    drop();
    await until(() => outcomes.length === 1);
    if (DATABASE_KIND === 'postgres') {
      // 57014: query_canceled, by the cancel request sent for the gone client.
      expect(outcomes).toEqual(['57014']);
      expect(await sleeping()).toBe(0);
    } else {
      expect(outcomes).toEqual(['finished']);
    }
    // The pool goes on answering, and a request that stays gets its answer.
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(test.app.database.db);
    expect(rows).toEqual([{ one: 1 }]);
  }, 60_000);

  it('leaves figures computed on while another request still waits for them', async () => {
    const { first, second } = await twoWaiting('a', 1);
    first.drop();
    await new Promise((done) => setTimeout(done, 200));
    expect(sharedStopped).toBe(0);
    release?.();
    expect(await second.answered).toBe(200);
    expect(sharedRuns).toBe(1);
  }, 60_000);

  it('stops shared figures once every request waiting for them has gone', async () => {
    const { first, second } = await twoWaiting('b', 2);
    first.drop();
    second.drop();
    await until(() => sharedStopped === 1);
    // Forgotten: the next request computes them anew.
    const third = leaveEarly('/test/shared?k=b');
    await until(() => sharedRuns === 3);
    release?.();
    expect(await third.answered).toBe(200);
  }, 60_000);
});

describe(`a transaction whose request goes away between two queries (${DATABASE_KIND})`, () => {
  it('is rolled back, and its connection never goes back to the pool open', async () => {
    const controller = new AbortController();
    const db = test.app.database.cancellable(controller.signal);
    const done = db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      controller.abort();
      await sql`SELECT 2`.execute(trx);
    });
    if (DATABASE_KIND === 'postgres') {
      await expect(done).rejects.toThrow();
      // Before, the wrapper put the connection back with BEGIN still open: the next
      // transaction on it would have committed the stopped request's writes. (This query may
      // itself get that connection from the pool: then its transaction began before it.)
      const open = async () => {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database()
            AND (state = 'idle in transaction' OR xact_start < query_start)`.execute(
          test.app.database.db,
        );
        return rows[0]?.n ?? 0;
      };
      await until(async () => (await open()) === 0);
      expect(await open()).toBe(0);
    } else {
      // PGlite runs each query to the end in this process: nothing is stopped.
      await done;
    }
  });
});
