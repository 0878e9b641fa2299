// A PGlite data folder says which PostgreSQL made it, and a folder this PGlite cannot read as
// it was written is refused before anything opens or writes it: a later PGlite (another
// PostgreSQL major, another default database) would otherwise see an empty database and load
// the demonstration data into it. Tested on real folders made by the installed PGlite.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSnapshot } from '../test/folder-snapshot.ts';
import { openDatabase } from './connect.ts';
import { migrate } from './migrate.ts';
import {
  checkDataFolder,
  DataFolderVersionError,
  folderCluster,
  PGLITE_CLUSTER,
} from './pglite-folder.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'zb-pglite-folder-'));
const made = join(dir, 'made');

beforeAll(async () => {
  const handle = await openDatabase({ dataDir: made });
  await migrate(handle);
  await handle.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PGlite data folders', () => {
  it('name what the installed PGlite runs: its PostgreSQL major and database', async () => {
    const handle = await openDatabase({ memory: true });
    const { rows } = await sql<{ version: string; database: string }>`
      SELECT current_setting('server_version_num') AS version, current_database() AS database`.execute(
      handle.db,
    );
    await handle.close();
    // An upgrade of @electric-sql/pglite that changes either fails here until PGLITE_CLUSTER
    // says what the new one runs, and folders of the old one are then refused.
    expect({
      postgresMajor: String(Math.floor(Number(rows[0]?.version) / 10000)),
      database: rows[0]?.database,
    }).toEqual(PGLITE_CLUSTER);
    expect(folderCluster(made)).toEqual(PGLITE_CLUSTER);
  });

  it('open again when made by this PGlite, with their tables', async () => {
    const handle = await openDatabase({ dataDir: made });
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(handle.db);
    await handle.close();
    expect(rows[0]?.n).toBeGreaterThan(10);
  });

  it('are refused by a PGlite that runs another PostgreSQL or database, with what to do', () => {
    const later = {
      postgresMajor: String(Number(PGLITE_CLUSTER.postgresMajor) + 1),
      database: 'postgres',
    };
    expect(() => checkDataFolder(made, later)).toThrow(DataFolderVersionError);
    expect(() => checkDataFolder(made, later)).toThrow(
      `wurde von einer anderen Version der eingebetteten Datenbank angelegt (PostgreSQL ${PGLITE_CLUSTER.postgresMajor}, Datenbank „${PGLITE_CLUSTER.database}“); diese Version von Zwischenbilanz nutzt PostgreSQL ${later.postgresMajor}, Datenbank „postgres“`,
    );
    // Same major, another default database: the tables would not be found either.
    expect(() =>
      checkDataFolder(made, { postgresMajor: PGLITE_CLUSTER.postgresMajor, database: 'template1' }),
    ).toThrow(DataFolderVersionError);
  });

  it('made before the note are PGlite 0.3 folders: their database is template1', () => {
    const old = join(dir, 'old');
    cpSync(made, old, { recursive: true });
    rmSync(join(old, 'zwischenbilanz-pglite.json'));
    expect(folderCluster(old)).toEqual({
      postgresMajor: PGLITE_CLUSTER.postgresMajor,
      database: 'template1',
    });
  });

  it('of another PostgreSQL major are not opened, not changed, and the command says why', () => {
    // The real folder, as a PGlite with PostgreSQL 16 would have left it.
    const other = join(dir, 'other');
    cpSync(made, other, { recursive: true });
    writeFileSync(join(other, 'PG_VERSION'), '16\n');
    const before = folderSnapshot(other);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', 'list'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: other, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `Der Datenordner ${other} wurde von einer anderen Version der eingebetteten Datenbank angelegt (PostgreSQL 16, Datenbank „${PGLITE_CLUSTER.database}“)`,
    );
    expect(result.stderr).toContain('Er wird nicht geöffnet und nicht verändert');
    // Not a PGlite 0.3 folder: the upgrade command would not take it, so it is not offered.
    expect(result.stderr).not.toContain('data:upgrade');
    expect(folderSnapshot(other)).toEqual(before);
  });
});
