// The measure columns of `figures_monthly`, derived from the indicator registry: one integer
// column per count the monthly figures hold and one per cell-key sum (modulo 2^32), zero
// kept as NULL (sql/017; server/indicators/figures-monthly.ts: MEASURE_COLUMNS, storedValue).
// sql/010 created those of its day; a measure added to the registry since gets its column
// here, when the migrations run at start, so that a new indicator is one entry in
// server/indicators/registry.ts and no migration of its own. The new column starts at NULL
// (zero) everywhere; the new measure also changes the monthly figures' version
// (monthlyVersion), so every slice counts as stale and is rebuilt in the background while
// figures come from the case rows. Columns are only ever added.
import { sql } from 'kysely';
import { MEASURE_COLUMNS } from '../indicators/figures-monthly.ts';
import type { DatabaseHandle } from './connect.ts';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

/** The measure columns the table lacks, in registry order. */
export async function missingMeasureColumns(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_name = 'figures_monthly' AND table_schema = current_schema()`.execute(handle.db);
  const present = new Set(rows.map((row) => row.column_name));
  return MEASURE_COLUMNS.filter((column) => !present.has(column));
}

/**
 * Adds the measure columns the registry has and the table lacks, in one transaction under
 * `lockKey` (the migrations' advisory lock, so that two processes starting at once add each
 * column once). Returns the columns added.
 */
export async function addMeasureColumns(
  handle: DatabaseHandle,
  lockKey: number,
): Promise<string[]> {
  const missing = await missingMeasureColumns(handle);
  if (missing.length === 0) return [];
  for (const column of missing)
    if (!IDENTIFIER.test(column))
      throw new Error(
        `The measure "${column}" cannot be a column of figures_monthly: lower-case letters, digits and _, at most 63 characters. Shorten the indicator's id in server/indicators/registry.ts.`,
      );
  await handle.runScript(`BEGIN;
SELECT pg_advisory_xact_lock(${lockKey});
ALTER TABLE figures_monthly ${missing
    .map((column) => `ADD COLUMN IF NOT EXISTS "${column}" integer`)
    .join(', ')};
COMMIT;`);
  return missing;
}
