// Once per test run, before any test file: the two databases that most test files start
// from, prepared once instead of once per file (on PGlite a file's migration and
// demonstration import took 5.3 s of its time, on PostgreSQL 2.5 s):
// - "migrated": every migration applied, no data;
// - "demo": the same with the demonstration exports imported through the import path
//   (loadDemonstrationData), as `npm start` loads them.
// Each test file still gets a database of its own: on PostgreSQL a new database copied
// from the prepared one (CREATE DATABASE … TEMPLATE), on PGlite a new in-memory database
// loaded from the prepared one's archive (dumpDataDir). Real databases both, never a mock.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { DEFAULT_DISTRICT } from '../config.ts';
import { type DatabaseHandle, openDatabase, openPGlite } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { loadDemonstrationData } from '../demo-data.ts';
import { POSTGRES_URL, type PreparedDatabases } from './database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    preparedDatabases: PreparedDatabases;
  }
}

export default async function setup(project: TestProject) {
  const prepared = POSTGRES_URL ? await onPostgres(POSTGRES_URL) : await onPGlite();
  project.provide('preparedDatabases', prepared.names);
  return prepared.dispose;
}

/** The migrated database's archive, then the same with the demonstration data. */
async function onPGlite() {
  const dir = mkdtempSync(join(tmpdir(), 'zb-test-prepared-'));
  const names = { migrated: join(dir, 'migrated.tar'), demo: join(dir, 'demo.tar') };
  const handle = await openPGlite({ memory: true });
  const dumpTo = async (path: string) =>
    writeFileSync(
      path,
      new Uint8Array(await (await handle.pglite.dumpDataDir('none')).arrayBuffer()),
    );
  try {
    await migrate(handle);
    await dumpTo(names.migrated);
    await loadDemonstrationData(handle, DEFAULT_DISTRICT);
    await dumpTo(names.demo);
  } finally {
    await handle.close();
  }
  return { names, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The migrated database, and a copy of it with the demonstration data. */
async function onPostgres(server: string) {
  const stem = `zb_test_prepared_${randomBytes(4).toString('hex')}`;
  const names = { migrated: `${stem}_migrated`, demo: `${stem}_demo` };
  const urlOf = (name: string) => {
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const prepare = async (name: string, work: (handle: DatabaseHandle) => Promise<unknown>) => {
    const handle = await openDatabase({ url: urlOf(name) });
    try {
      await work(handle);
    } finally {
      await handle.close();
    }
  };
  try {
    await admin.query(`CREATE DATABASE ${names.migrated}`);
    await prepare(names.migrated, migrate);
    await admin.query(`CREATE DATABASE ${names.demo} TEMPLATE ${names.migrated}`);
    await prepare(names.demo, (handle) => loadDemonstrationData(handle, DEFAULT_DISTRICT));
  } finally {
    await admin.end();
  }
  const dispose = async () => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    for (const name of Object.values(names)) {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await client.end();
  };
  return { names, dispose };
}
