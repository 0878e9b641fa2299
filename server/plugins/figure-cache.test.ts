// Figure answers are filed by data version: a repeat with If-None-Match is a 304, another
// format or caller is another answer, and an import makes the next answer a fresh 200 that
// equals what a server without any cache computes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { importNewerKdvSnapshot } from '../test/newer-snapshot.ts';

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
});
