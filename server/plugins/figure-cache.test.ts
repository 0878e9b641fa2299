// Figure answers are filed by data version: a repeat with If-None-Match is a 304, another
// format or caller is another answer, and an import makes the next answer a fresh 200 that
// equals what a server without any cache computes. The data version is kept between
// requests while the server listens for changes to the import log: a change by another
// process, one whose notification went missing, and one made while the listening connection
// was lost, all reach the answers.
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { importNewerKdvSnapshot } from '../test/newer-snapshot.ts';
import { acceptsGzip } from './figure-cache.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true });
});
afterAll(() => test?.close());

const URL = '/api/v1/indicators?date=2021-06-30';
const BREAKDOWN = '/api/v1/indicators/clients_active/breakdown?date=2021-06-30&by=provider';

describe(`figure answers cached by data version on ${DATABASE_KIND}`, () => {
  it('answer a repeat with If-None-Match by 304, and after an import with a fresh 200', async () => {
    const { app } = test;
    const first = await app.inject({ url: URL });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');

    const repeat = await app.inject({ url: URL, headers: { 'if-none-match': etag } });
    expect(repeat.statusCode).toBe(304);
    expect(repeat.body).toBe('');
    expect(repeat.headers.etag).toBe(etag);
    // Without the validator, the same answer (from memory) under the same tag.
    const again = await app.inject({ url: URL });
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe(first.body);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);

    // Another representation or another request is another tag.
    const csv = await app.inject({
      url: URL,
      headers: { accept: 'text/csv', 'if-none-match': etag },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers.etag).not.toBe(etag);
    expect(csv.headers['content-type']).toContain('text/csv');
    const breakdown = await app.inject({ url: BREAKDOWN });
    expect(breakdown.statusCode).toBe(200);
    expect(breakdown.headers.etag).not.toBe(etag);
    // An error carries no tag to revalidate.
    const invalid = await app.inject({ url: '/api/v1/indicators?date=2021-02-30' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers.etag).toBeUndefined();

    const summary = await importNewerKdvSnapshot(test.database.handle);
    expect(summary.changed).toBe(40);

    const fresh = await app.inject({ url: URL, headers: { 'if-none-match': etag } });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).not.toBe(etag);
    expect(fresh.body).not.toBe(first.body);
    const freshBreakdown = await app.inject({ url: BREAKDOWN });
    expect(freshBreakdown.body).not.toBe(breakdown.body);
    // What a server that never saw the old data answers (its own cache empty).
    const other = await buildApp({
      config: loadConfig({}),
      database: test.database.handle,
      webDist: '/nonexistent',
    });
    try {
      expect((await other.inject({ url: URL })).body).toBe(fresh.body);
      expect((await other.inject({ url: BREAKDOWN })).body).toBe(freshBreakdown.body);
    } finally {
      await other.close();
    }
    const revalidated = await app.inject({
      url: URL,
      headers: { 'if-none-match': fresh.headers.etag as string },
    });
    expect(revalidated.statusCode).toBe(304);
  });

  it('gzips an answer for a client that takes gzip, under a tag of its own', async () => {
    const { app } = test;
    const url = '/api/v1/indicators/clients_active/breakdown?date=2021-06-30&by=municipality';
    const plain = await app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    expect(plain.headers.vary).toContain('Accept-Encoding');
    for (const round of ['computed', 'from memory']) {
      const zipped = await app.inject({
        url,
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      });
      expect(zipped.statusCode, round).toBe(200);
      expect(zipped.headers['content-encoding'], round).toBe('gzip');
      expect(Number(zipped.headers['content-length']), round).toBe(zipped.rawPayload.length);
      expect(zipped.rawPayload.length, round).toBeLessThan(plain.rawPayload.length / 3);
      expect(gunzipSync(zipped.rawPayload).toString(), round).toBe(plain.body);
      expect(zipped.headers['content-type'], round).toBe(plain.headers['content-type']);
      // Another representation: a cache must not answer the one with the other's tag.
      expect(zipped.headers.etag, round).not.toBe(plain.headers.etag);
      const repeat = await app.inject({
        url,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag as string },
      });
      expect(repeat.statusCode, round).toBe(304);
    }
    // Refused by weight, or a small answer (an error here): sent as it is.
    const refused = await app.inject({ url, headers: { 'accept-encoding': 'gzip;q=0, br' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
    const small = await app.inject({
      url: '/api/v1/indicators?date=2021-02-30',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(acceptsGzip('gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('identity, *;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('br, *')).toBe(true);
    expect(acceptsGzip('GZIP')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('sees a change to the import log by another process, one whose notification went missing, and one made while it could not listen', async () => {
    const { app } = test;
    const url = '/api/v1/indicators?date=2021-03-31';
    const tagNow = async () => (await app.inject({ url })).headers.etag as string;
    // Another process: a database handle of its own (PGlite: one process holds the folder,
    // so the same one). It logs a refused import: the data version changes, so do the tags.
    const other =
      test.database.url === undefined
        ? test.database.handle
        : await openDatabase({ url: test.database.url });
    const logRefusedImport = () =>
      sql`INSERT INTO imports (district_key, provider, as_of, checksum, status)
          VALUES ('08118', 'AWO', '2021-01-01', ${'a'.repeat(64)}, 'rejected')`.execute(other.db);
    try {
      const before = await tagNow();
      expect(await tagNow()).toBe(before);
      await logRefusedImport();
      await vi.waitFor(async () => expect(await tagNow()).not.toBe(before), { timeout: 5000 });

      // Notifications that go missing without anything saying so (here the trigger is off;
      // in the field, a connection pooler that does not carry LISTEN): the kept version is
      // read again after a second at the latest.
      await sql`ALTER TABLE imports DISABLE TRIGGER imports_notify_data_version`.execute(other.db);
      try {
        const unannounced = await tagNow();
        await logRefusedImport();
        await vi.waitFor(async () => expect(await tagNow()).not.toBe(unannounced), {
          timeout: 5000,
        });
      } finally {
        await sql`ALTER TABLE imports ENABLE TRIGGER imports_notify_data_version`.execute(other.db);
      }
      const after = await tagNow();

      if (test.database.url !== undefined) {
        // The listening connection ends under the server (a restart of PostgreSQL, a
        // terminated backend); the log changes before it listens again. The notification
        // is lost with the connection, so the server has to find the change by itself.
        const { rows } = await sql<{ ended: boolean }>`
          SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE 'zwischenbilanz listen%'`.execute(
          other.db,
        );
        expect(rows.map((row) => row.ended)).toEqual([true]);
        await logRefusedImport();
        await vi.waitFor(async () => expect(await tagNow()).not.toBe(after), { timeout: 5000 });
        // It listens again: a further change arrives as before.
        const again = await tagNow();
        await vi.waitFor(
          async () => {
            const { rows: listening } = await sql<{ n: number }>`
              SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND application_name LIKE 'zwischenbilanz listen%'`.execute(
              other.db,
            );
            expect(listening[0]?.n).toBe(1);
          },
          { timeout: 5000 },
        );
        await logRefusedImport();
        await vi.waitFor(async () => expect(await tagNow()).not.toBe(again), { timeout: 5000 });
      }
    } finally {
      await sql`DELETE FROM imports WHERE status = 'rejected' AND checksum = ${'a'.repeat(64)}`.execute(
        other.db,
      );
      if (other !== test.database.handle) await other.close();
    }
  });
});
