// The district's headline audit is made in the background once the server has started, and
// again after every import, so that no visitor waits for it: counted by the audits the
// process begins, with a public answer after each that begins none of its own.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { headlineAuditsBegun } from '../disclosure/headline-audit.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { importNewerKdvSnapshot } from '../test/newer-snapshot.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true });
});
afterAll(() => test?.close());

/** The interim report's figures for the public, on a first of a month: audited ones among them. */
const publicAnswer = async (date: string) => {
  const response = await test.app.inject({ url: `/api/v1/indicators?date=${date}` });
  expect(response.statusCode).toBe(200);
  const body = response.json() as { indicators: { protection: string }[] };
  expect(body.indicators.some((figure) => figure.protection === 'audited')).toBe(true);
};

describe(`the headline audit made before anyone asks, on ${DATABASE_KIND}`, () => {
  it('is left to the first public answer until the warm-up starts', async () => {
    const before = headlineAuditsBegun();
    await publicAnswer('2021-01-01');
    expect(headlineAuditsBegun()).toBe(before + 1);
  });

  it('is made once an import changes the data, before the next public answer', async () => {
    const { app } = test;
    app.headlineWarmup.start();
    await app.headlineWarmup.idle();
    // The data has not changed since the answer above: nothing to do.
    const before = headlineAuditsBegun();
    await importNewerKdvSnapshot(test.database.handle);
    // The import log's notification starts the audit without a request.
    await vi.waitFor(() => expect(headlineAuditsBegun()).toBe(before + 1), { timeout: 20_000 });
    await app.headlineWarmup.idle();
    await publicAnswer('2021-02-01');
    await publicAnswer('2021-01-01');
    expect(headlineAuditsBegun()).toBe(before + 1);
  });
});

describe(`the headline audit at the start, on ${DATABASE_KIND}`, () => {
  it('is made once the warm-up starts, before the first public answer', async () => {
    const fresh = await createTestApp({ demonstrationData: true });
    try {
      const before = headlineAuditsBegun();
      fresh.app.headlineWarmup.start();
      await fresh.app.headlineWarmup.idle();
      expect(headlineAuditsBegun()).toBe(before + 1);
      const response = await fresh.app.inject({ url: '/api/v1/indicators?date=2021-01-01' });
      expect(response.statusCode).toBe(200);
      expect(headlineAuditsBegun()).toBe(before + 1);
    } finally {
      await fresh.close();
    }
  });
});
