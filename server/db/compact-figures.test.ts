// sql/017 converts the monthly figures of an existing database in place: counts stay as they
// are (zero becomes NULL), key sums become their residue modulo 2^32 in an integer. Run on a
// table of the shape before it (integer counts, bigint key sums, zeros stored), on PGlite and
// PostgreSQL, with key sums beyond 32 bits, negative ones and the edges of the range.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_COLUMNS } from '../indicators/figures-monthly.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { MIGRATIONS_DIR } from './migrate.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.drop());

const TWO_32 = 2 ** 32;
/** The residue in -2^31 … 2^31-1 that sql/017 keeps, NULL for zero. */
const residue = (value: number) => {
  const r = ((((value % TWO_32) + TWO_32) % TWO_32) + 2 ** 31) % TWO_32;
  return r - 2 ** 31 === 0 ? null : r - 2 ** 31;
};

describe(`sql/017 on a table of the earlier shape (${DATABASE_KIND})`, () => {
  it('keeps every count, zero as NULL, and every key sum modulo 2^32', async () => {
    const db = database.handle.db;
    // Back to the shape of sql/010 and the measure columns added before sql/017.
    await sql
      .raw(
        `ALTER TABLE figures_monthly ${MEASURE_COLUMNS.map(
          (column) =>
            `ALTER COLUMN "${column}" TYPE ${column.endsWith('__key') ? 'bigint' : 'integer'}, ALTER COLUMN "${column}" SET DEFAULT 0`,
        ).join(', ')}`,
      )
      .execute(db);
    const keys = [
      0,
      5,
      -7,
      TWO_32 + 5,
      -TWO_32 - 7,
      2 ** 40 + 123,
      2 ** 31,
      2 ** 31 - 1,
      -(2 ** 31),
      3 * TWO_32,
      2 ** 52 + 1,
    ];
    const counts = [0, 17, 1, 2_147_483_647];
    await sql`INSERT INTO districts VALUES ('08999', 'Testkreis') ON CONFLICT DO NOTHING`.execute(
      db,
    );
    for (const [i, key] of keys.entries())
      await sql`INSERT INTO figures_monthly (district_key, provider, on_date, dimension, category,
          clients_active, clients_active__key, managers_active__key)
        VALUES ('08999', 'AWO', '2021-01-01', 'total', ${`row ${i}`},
          ${counts[i % counts.length]}, ${String(key)}::bigint, ${String(-key)}::bigint)`.execute(
        db,
      );
    for (const column of MEASURE_COLUMNS)
      await sql
        .raw(`ALTER TABLE figures_monthly ALTER COLUMN "${column}" SET NOT NULL`)
        .execute(db);

    await database.handle.runScript(
      readFileSync(join(MIGRATIONS_DIR, '017_figures_monthly_compact.sql'), 'utf8'),
    );

    const { rows } = await sql<{
      category: string;
      clients_active: number | null;
      clients_active__key: number | null;
      managers_active__key: number | null;
      cases_closed: number | null;
      cases_closed__key: number | null;
    }>`SELECT category, clients_active, clients_active__key, managers_active__key,
        cases_closed, cases_closed__key
      FROM figures_monthly WHERE district_key = '08999' ORDER BY category`.execute(db);
    expect(rows).toEqual(
      keys
        .map((key, i) => ({
          category: `row ${i}`,
          clients_active: counts[i % counts.length] === 0 ? null : counts[i % counts.length],
          clients_active__key: residue(key),
          managers_active__key: residue(-key),
          cases_closed: null,
          cases_closed__key: null,
        }))
        .sort((a, b) => a.category.localeCompare(b.category)),
    );
    const { rows: types } = await sql<{ data_type: string; is_nullable: string }>`
      SELECT DISTINCT data_type, is_nullable FROM information_schema.columns
      WHERE table_name = 'figures_monthly' AND table_schema = current_schema()
        AND column_name NOT IN ('district_key', 'provider', 'on_date', 'dimension', 'category')`.execute(
      db,
    );
    expect(types).toEqual([{ data_type: 'integer', is_nullable: 'YES' }]);
  });
});
