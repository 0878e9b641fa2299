// Two providers of one district whose monthly figures are rewritten at the same time (two
// imports, or an import beside the server's background rebuild) both land, and the
// district's distinct counts (managers, towns) come out as one rebuild after the other
// would make them. On PostgreSQL the second transaction is started while the first still
// holds its rows, so without the district's lock its INSERT met the first's rows
// ("duplicate key value violates unique constraint figures_monthly_pkey"). PGlite is one
// session: there the two run one after the other, and the same figures must result.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { refreshMonthlyFigures, refreshStaleMonthlyFigures } from './figures-monthly.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const DISTRICT = '08118';

beforeAll(async () => {
  database = await createTestDatabase({ demonstrationData: true });
});
afterAll(() => database?.drop());

/** The district-wide rows (provider ''), or every row, as text, in key order. */
async function districtRows(all = false): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    SELECT f::text AS row FROM figures_monthly f
    WHERE district_key = ${DISTRICT} AND (${all} OR provider = '')
    ORDER BY provider, on_date, dimension, category`.execute(db());
  return rows.map((r) => r.row);
}

/** Until another backend of this database waits for a lock (PostgreSQL only). */
async function someoneWaits(): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND a.datname = current_database()`.execute(db());
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the second rewrite never waited for the first');
}

describe(`monthly figures rewritten at once on ${DATABASE_KIND}`, () => {
  it('lets two providers of one district rewrite their figures at the same time', async () => {
    const { rows: providers } = await sql<{ provider: string }>`
      SELECT DISTINCT provider FROM cases WHERE district_key = ${DISTRICT}
      ORDER BY provider LIMIT 2`.execute(db());
    expect(providers).toHaveLength(2);
    const [first, second] = providers.map((p) => p.provider) as [string, string];
    const before = await districtRows();
    expect(before.length).toBeGreaterThan(0);

    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstWritten!: () => void;
    const written = new Promise<void>((resolve) => {
      firstWritten = resolve;
    });
    const one = db()
      .transaction()
      .execute(async (trx) => {
        await refreshMonthlyFigures(trx, DISTRICT, first);
        firstWritten();
        await released;
      });
    await written;
    const two = db()
      .transaction()
      .execute((trx) => refreshMonthlyFigures(trx, DISTRICT, second));
    if (DATABASE_KIND === 'postgres') await someoneWaits();
    release();
    const results = await Promise.allSettled([one, two]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
      'ok',
      'ok',
    ]);
    // Nothing changed in the cases: the district's rows are what they were.
    expect(await districtRows()).toEqual(before);
  });

  it('lets two servers rebuild the same stale figures at once', async () => {
    const before = await districtRows(true);
    await sql`UPDATE figures_monthly_slices SET version = 'made by older definitions'`.execute(
      db(),
    );
    const results = await Promise.allSettled([
      refreshStaleMonthlyFigures(db()),
      refreshStaleMonthlyFigures(db()),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
      'ok',
      'ok',
    ]);
    expect(await districtRows(true)).toEqual(before);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM figures_monthly_slices
      WHERE version = 'made by older definitions'`.execute(db());
    expect(rows[0]?.n).toBe(0);
  });
});
