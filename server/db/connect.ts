// Opens the database: PostgreSQL through `pg` when a URL is given, PGlite on disk (or in
// memory) otherwise. Both hand the same value shapes to the code above them.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './types.ts';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;
const asText = (value: string) => value;

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<Database>;
  /** Runs a script of several statements in one round trip (the simple query protocol). */
  runScript(script: string): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return 'url' in target ? openPostgres(target.url) : openPGlite(target);
}

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === OID.date
          ? asText
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async runScript(script) {
      const client = await pool.connect();
      try {
        await client.query(script);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

async function openPGlite(target: { dataDir: string } | { memory: true }): Promise<DatabaseHandle> {
  if ('dataDir' in target) mkdirSync(target.dataDir, { recursive: true });
  const pglite = await PGlite.create('dataDir' in target ? target.dataDir : 'memory://', {
    parsers: { [OID.int8]: asText, [OID.numeric]: asText, [OID.date]: asText },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    async runScript(script) {
      // Borrow the dialect's single connection so the script cannot interleave with queries.
      await db.connection().execute(async () => {
        try {
          await pglite.exec(script);
        } catch (error) {
          await pglite.exec('ROLLBACK').catch(() => {});
          throw error;
        }
      });
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
