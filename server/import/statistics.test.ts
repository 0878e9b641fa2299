// The planner's statistics after an import: gathered when they are stale (never gathered, or
// a tenth of the cases touched since), not after every import, where gathering them took
// about as long after a small import as after a large one.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { importExport } from './import-export.ts';

const HEADER =
  'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason;language_level;language_level_since;employment;employment_since;housing;lease_signed_on';

/** A provider's export of `count` open cases. */
function exportOf(provider: string, count: number, level = 'A2') {
  const rows = Array.from(
    { length: count },
    (_, i) =>
      `${provider}-${String(i + 1).padStart(5, '0')};${provider};08118048;IM-${i % 7};${i % 2 ? 'f' : 'm'};03.1990;SYR;2019-02-01;;;${level};2019-10-01;language_course;2019-03-01;follow_up;`,
  );
  return Buffer.from(`${[HEADER, ...rows].join('\n')}\n`, 'utf8');
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // The import's rule alone: PostgreSQL's autovacuum could gather them in between.
  for (const table of ['cases', 'case_status', 'case_stretches'])
    await sql`ALTER TABLE ${sql.id(table)} SET (autovacuum_enabled = false)`.execute(
      database.handle.db,
    );
});
afterAll(async () => database?.drop());

/** Imports a snapshot and says whether the import gathered statistics. */
async function importAndAnalysed(provider: string, asOf: string, bytes: Buffer) {
  const steps: string[] = [];
  const summary = await importExport(database.handle, {
    district: '08118',
    provider,
    asOf,
    fileName: `${provider}.csv`,
    bytes,
    onStep: (step) => steps.push(step),
  });
  expect(summary.status).toBe('imported');
  return steps.includes('analysed');
}

const lastAnalysed = async () => {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relid = to_regclass('cases')`.execute(
    database.handle.db,
  );
  return rows[0]?.at ?? null;
};

describe(`statistics after an import on ${DATABASE_KIND}`, () => {
  it('are gathered when stale, and not after every small import', async () => {
    // Never gathered: the first import gathers them.
    expect(await importAndAnalysed('AWO', '2021-01-01', exportOf('AWO', 1000))).toBe(true);
    const first = await lastAnalysed();
    expect(first).not.toBeNull();
    // 40 new cases beside 1,000, then the same 40 changed: 80 touched, below 50 + a tenth (150).
    expect(await importAndAnalysed('DRK', '2021-01-01', exportOf('DRK', 40))).toBe(false);
    expect(await importAndAnalysed('DRK', '2021-02-01', exportOf('DRK', 40, 'B1'))).toBe(false);
    expect(await lastAnalysed()).toEqual(first);
    // 40 changed and 60 new: 180 since they were gathered, past 50 + a tenth of the 1,000
    // cases they counted (150).
    expect(await importAndAnalysed('DRK', '2021-03-01', exportOf('DRK', 100, 'B2'))).toBe(true);
    expect(await lastAnalysed()).not.toEqual(first);
    // A large import alone is past it; the same cases again touch nothing.
    expect(await importAndAnalysed('CARITAS', '2021-01-01', exportOf('CARITAS', 300))).toBe(true);
    expect(await importAndAnalysed('CARITAS', '2021-02-01', exportOf('CARITAS', 300))).toBe(false);
  });
});
