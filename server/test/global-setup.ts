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
import { openDatabase, openPGlite } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { loadDemonstrationData } from '../demo-data.ts';
import { DEMO_DISTRICT, POSTGRES_URL, type PreparedDatabases } from './database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    preparedDatabases: PreparedDatabases | null;
  }
}

export default async function setup(project: TestProject) {
  if (!POSTGRES_URL) {
    const dir = mkdtempSync(join(tmpdir(), 'zb-test-prepared-'));
    const handle = await openPGlite({ memory: true });
    try {
      await migrate(handle);
      const migrated = join(dir, 'migrated.tar');
      writeFileSync(
        migrated,
        new Uint8Array(await (await handle.pglite.dumpDataDir('none')).arrayBuffer()),
      );
      await loadDemonstrationData(handle, DEMO_DISTRICT);
      const demo = join(dir, 'demo.tar');
      writeFileSync(
        demo,
        new Uint8Array(await (await handle.pglite.dumpDataDir('none')).arrayBuffer()),
      );
      project.provide('preparedDatabases', { kind: 'pglite', migrated, demo });
    } finally {
      await handle.close();
    }
    return () => rmSync(dir, { recursive: true, force: true });
  }
  const stem = `zb_test_prepared_${randomBytes(4).toString('hex')}`;
  const names = { migrated: `${stem}_migrated`, demo: `${stem}_demo` };
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    for (const [what, name] of Object.entries(names)) {
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      const handle = await openDatabase({ url: url.toString() });
      try {
        await migrate(handle);
        if (what === 'demo') await loadDemonstrationData(handle, DEMO_DISTRICT);
      } finally {
        await handle.close();
      }
    }
  } finally {
    await admin.end();
  }
  project.provide('preparedDatabases', { kind: 'postgres', ...names });
  return async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const name of Object.values(names)) {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await client.end();
  };
}
