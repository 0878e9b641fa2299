// A fresh, migrated database for one test file: PGlite in memory, or a new PostgreSQL
// database when TEST_DATABASE_URL (or DATABASE_URL) names a server. Never a mock.
// It is a copy of a database the run prepared once (global-setup.ts): migrated, and with
// the demonstration data imported where asked.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { DEFAULT_DISTRICT } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../db/connect.ts';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const DATABASE_KIND = POSTGRES_URL ? 'postgres' : 'pglite';

/**
 * The databases global-setup.ts prepared for this run: on PGlite the files of their
 * archives, on PostgreSQL the names of the template databases.
 */
export interface PreparedDatabases {
  migrated: string;
  demo: string;
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The PostgreSQL database's URL, for a child process; none for in-memory PGlite. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A new database of its own: migrated, and with the demonstration data of DEFAULT_DISTRICT
 * imported if asked, as a copy of the database the run prepared for that.
 */
export async function createTestDatabase(
  options: { demonstrationData?: boolean } = {},
): Promise<TestDatabase> {
  const prepared = inject('preparedDatabases');
  if (!prepared) throw new Error('No prepared databases: server/test/global-setup.ts did not run.');
  const from = options.demonstrationData ? prepared.demo : prepared.migrated;
  if (!POSTGRES_URL) {
    const handle = await openDatabase({ memory: true, archive: new Blob([readFileSync(from)]) });
    return { handle, drop: () => handle.close() };
  }
  const name = `zb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${from}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The app over a fresh test database, as the API tests use it, optionally with the
 * demonstration data imported and a logger; close() drops both.
 */
export async function createTestApp(
  options: {
    demonstrationData?: boolean;
    logger?: FastifyServerOptions['logger'];
    /** Settings as the environment would give them (.env.example). */
    env?: NodeJS.ProcessEnv;
    /** A folder with the page (index.html) to serve; none by default. */
    webDist?: string;
    /**
     * Cell keys drawn from this seed instead of the database's random source, so that a
     * test's perturbed figures replay (the attack test). Only ever in a test database.
     */
    cellKeySeed?: string;
  } = {},
) {
  const { buildApp } = await import('../app.ts');
  const { loadConfig } = await import('../config.ts');
  // Seeded cell keys must be in place before the cases are imported: such a database is
  // copied from the migrated one and imports the demonstration data itself.
  const seed = options.cellKeySeed;
  const database = await createTestDatabase({
    demonstrationData: seed === undefined && options.demonstrationData,
  });
  if (seed !== undefined) {
    await seedCellKeys(database, seed);
    if (options.demonstrationData) {
      const { loadDemonstrationData } = await import('../demo-data.ts');
      await loadDemonstrationData(database.handle, DEFAULT_DISTRICT);
    }
  }
  const app = await buildApp({
    config: loadConfig(options.env ?? {}),
    database: database.handle,
    webDist: options.webDist ?? '/nonexistent',
    logger: options.logger,
  });
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * Replaces the random cell keys of a test database by keys drawn from `seed`: the secret of
 * the manager and town keys, and every case's record key (a trigger, before any case is
 * imported), each the first 32 bits of an MD5 of the seed and the case's key.
 */
async function seedCellKeys(database: TestDatabase, seed: string): Promise<void> {
  if (!/^-?[0-9]{1,12}$/.test(seed)) throw new Error(`A cell key seed is a number, not ${seed}.`);
  const { db } = database.handle;
  await sql`UPDATE cell_key_secret SET secret = md5(${`secret:${seed}`})`.execute(db);
  await sql
    .raw(`CREATE FUNCTION test_seeded_record_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.record_key := ('x' || substr(md5('${seed}' || '/' || NEW.district_key
    || '/' || NEW.provider || '/' || NEW.case_id), 1, 8))::bit(32)::integer;
  RETURN NEW;
END $$`)
    .execute(db);
  await sql`CREATE TRIGGER test_seeded_record_key BEFORE INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION test_seeded_record_key()`.execute(db);
}
