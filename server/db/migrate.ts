// Applies the numbered SQL migrations in sql/ once each, in order, each in its own
// transaction. A migration already applied must not change: its checksum is compared. Then
// adds the monthly figures' measure columns that the indicator registry has and the table
// lacks (measure-columns.ts): a new indicator needs no migration of its own.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.ts';
import { addMeasureColumns } from './measure-columns.ts';

export const MIGRATIONS_DIR = new URL('../../sql/', import.meta.url).pathname;
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;
// Serialises concurrent starts against one PostgreSQL database.
const LOCK_KEY = 7318_2021;
const CONCURRENT = 'zwischenbilanz: migration already applied concurrently';

export interface Migration {
  name: string;
  checksum: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => MIGRATION_FILE.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Applies what is missing and returns the names applied now. */
export async function migrate(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<string[]> {
  await handle.runScript(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const migrations = readMigrations(dir);
  // What was applied, read once: checked against the files, and skipped below. One applied
  // by another process meanwhile is found by the guard in its transaction.
  const { rows } = await sql<{ name: string; checksum: string }>`
    SELECT name, checksum FROM schema_migrations ORDER BY name`.execute(handle.db);
  const done = new Map(rows.map((row) => [row.name, row.checksum]));
  refuseNewerSchema(done, migrations);
  const applied: string[] = [];
  for (const migration of migrations) {
    const checksum = done.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new Error(
          `Migration ${migration.name} was changed after it was applied. Migrations are append-only: restore the file and add a new one.`,
        );
      }
      continue;
    }
    try {
      await handle.runScript(`BEGIN;
SELECT pg_advisory_xact_lock(${LOCK_KEY});
DO $guard$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = ${quote(migration.name)}) THEN
    RAISE EXCEPTION '${CONCURRENT}';
  END IF;
END $guard$;
${migration.sql}
;
INSERT INTO schema_migrations (name, checksum) VALUES (${quote(migration.name)}, ${quote(migration.checksum)});
COMMIT;`);
    } catch (error) {
      // Another process applied it while this one waited for the lock: nothing to do.
      if (error instanceof Error && error.message.includes(CONCURRENT)) continue;
      throw error;
    }
    applied.push(migration.name);
  }
  // Only where the table exists (not for another folder of migrations).
  if (await hasMonthlyTable(handle)) {
    const added = await addMeasureColumns(handle, LOCK_KEY);
    if (added.length > 0) applied.push(`measure columns: ${added.join(', ')}`);
  }
  return applied;
}

/**
 * Refuses a database that a newer version migrated: its tables may be kept in a way this
 * version would misread or damage (sql/017 keeps zero counts as NULL, which older code
 * added to as if they were 0).
 */
function refuseNewerSchema(done: ReadonlyMap<string, string>, migrations: readonly Migration[]) {
  const known = new Set(migrations.map((migration) => migration.name));
  const unknown = [...done.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(
      `The database was migrated by a newer version of Zwischenbilanz (${unknown.join(', ')} is unknown to this one). Start the newer version, or restore a backup taken before it ran.`,
    );
}

async function hasMonthlyTable(handle: DatabaseHandle): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT to_regclass('figures_monthly') IS NOT NULL AS found`.execute(handle.db);
  return rows[0]?.found === true;
}
