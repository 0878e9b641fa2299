// The monthly figures' measure columns come from the indicator registry when the migrations
// run: a measure the table lacks (an indicator added since sql/010) gets its typed column, on
// PGlite and PostgreSQL, and a second start adds nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_COLUMNS } from '../indicators/figures-monthly.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { migrate } from './migrate.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.drop());

const columnTypes = async () => {
  const { rows } = await sql<{ column_name: string; data_type: string }>`
    SELECT column_name, data_type FROM information_schema.columns
    WHERE table_name = 'figures_monthly' AND table_schema = current_schema()`.execute(
    database.handle.db,
  );
  return new Map(rows.map((row) => [row.column_name, row.data_type]));
};

describe(`measure columns of figures_monthly (${DATABASE_KIND})`, () => {
  it('are added at start for every measure of the registry the table lacks', async () => {
    // As a database migrated before the indicator behind these measures was registered.
    const lacking = MEASURE_COLUMNS.filter((column) => column.startsWith('clients_minor'));
    expect(lacking).toEqual(['clients_minor', 'clients_minor__key']);
    await sql`ALTER TABLE figures_monthly DROP COLUMN clients_minor, DROP COLUMN clients_minor__key`.execute(
      database.handle.db,
    );
    expect((await columnTypes()).has('clients_minor')).toBe(false);

    expect(await migrate(database.handle)).toEqual([
      'measure columns: clients_minor, clients_minor__key',
    ]);
    const types = await columnTypes();
    expect(types.get('clients_minor')).toBe('integer');
    expect(types.get('clients_minor__key')).toBe('integer');
    for (const column of MEASURE_COLUMNS) expect(types.has(column), column).toBe(true);

    expect(await migrate(database.handle)).toEqual([]);
  });
});
