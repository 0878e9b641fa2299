// Error and success shapes of the read endpoints.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({
    config: loadConfig({}),
    database: database.handle,
    webDist: '/nonexistent',
  });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe(`API on ${DATABASE_KIND}`, () => {
  it('reports health', async () => {
    const response = await app.inject({ url: '/api/v1/health' });
    expect(response.json()).toEqual({ status: 'ok', monthly_figures: 'current' });
  });

  it('reports health while an import holds the database (PGlite has one connection)', async () => {
    // An import holds its connection for all its statements, for minutes at scale; on PGlite
    // that is the only one. The health answer must not wait for the import's end. Ordered,
    // not timed: the answer comes while the session still runs.
    let sessionDone = false;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const session = database.handle
      .session(async (s) => {
        await sql`SELECT 1`.execute(s.db);
        await held;
        await sql`SELECT 1`.execute(s.db);
      })
      .then(() => {
        sessionDone = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = app.inject({ url: '/api/v1/health' });
    const first = await Promise.race([
      answer.then(() => 'health'),
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    release();
    await session;
    expect(first).toBe('health');
    expect((await answer).statusCode).toBe(200);
    expect(sessionDone).toBe(true);
  }, 30_000);

  it.each([
    ['/api/v1/indicators', 400, 'date'],
    ['/api/v1/indicators?date=2021-02-30', 400, '2021-02-30'],
    ['/api/v1/indicators/nope/breakdown?date=2021-01-01&by=sex', 404, 'nope'],
    ['/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=manager', 400, 'by'],
    ['/api/v1/nothing', 404, '/api/v1/nothing'],
  ])('answers %s with a problem that says what to change', async (url, status, mention) => {
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ status, title: expect.any(String) });
    expect(body.detail).toContain(mention);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('returns zeros, not errors, on an empty database, with the rules of the audience', async () => {
    const response = await app.inject({
      url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=age_group',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      indicator: 'clients_active',
      by: 'age_group',
      audience: 'public',
      rules: {
        k: 5,
        minDenominator: 20,
        protectionWidth: 2,
        cellKey: { maxDeviation: 3, variance: 1 },
      },
    });
    expect(body.rows.map((row: { key: string }) => row.key)).toEqual([
      '0-5',
      '6-17',
      '18-26',
      '27-44',
      '45-64',
      '65+',
    ]);
    // Nothing imported, so no release date: perturbed, and zero stays zero.
    expect(body.total).toEqual({
      value: 0,
      numerator: null,
      denominator: null,
      suppressed: false,
      protection: 'perturbed',
    });
    const indicators = await app.inject({ url: '/api/v1/indicators?date=2021-01-01' });
    // No export yet: the data reach no date.
    expect(indicators.json().data_as_of).toBeNull();
  });
});
