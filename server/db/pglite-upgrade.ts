// `npm run data:upgrade`: carries a data folder made by PGlite 0.3 (PostgreSQL 17, database
// template1) over to the installed PGlite (pglite-folder.ts says what it runs). PostgreSQL
// cannot open a folder of another major, so both releases run side by side: the old one (the
// package alias `pglite-03`) reads a copy of the folder, the new one writes a new folder,
// table by table through COPY in PostgreSQL's text format. Then the new folder takes the
// folder's name and the old one stays beside it, unchanged, as `<folder>-pglite-0.3`.
//
// Both databases are first brought to this version's migrations (the copy of the old one by
// the old PGlite), so their tables and columns are the same; every table's rows and every
// identity's next value are carried over, and the row counts compared before anything is
// renamed. Nothing here is imported by the server: the old PGlite is loaded only for this.
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { type DatabaseHandle, openPGlite, type PGliteEngine } from './connect.ts';
import { lockDataFolder } from './data-folder-lock.ts';
import { migrate } from './migrate.ts';
import { type ClusterKind, folderCluster, PGLITE_CLUSTER } from './pglite-folder.ts';

/** What PGlite 0.3 (the package alias `pglite-03`) runs and made folders with. */
export const PGLITE_03_CLUSTER = { postgresMajor: '17', database: 'template1' } as const;

export const sameCluster = (a: ClusterKind, b: ClusterKind) =>
  a.postgresMajor === b.postgresMajor && a.database === b.database;

/** The old PGlite, loaded only when a folder is upgraded. */
export async function pglite03(): Promise<PGliteEngine> {
  const { PGlite: Old } = await import('pglite-03');
  return {
    create: Old.create.bind(Old) as unknown as PGliteEngine['create'],
    cluster: PGLITE_03_CLUSTER,
  };
}

/** Where the old folder stays after the upgrade. */
export const backupFolder = (dataDir: string) => `${dataDir}-pglite-0.3`;

export interface UpgradeResult {
  /** 'current': the folder was already this PGlite's; nothing was done. */
  outcome: 'upgraded' | 'current';
  backup?: string;
  tables: { name: string; rows: number }[];
}

export class UpgradeError extends Error {}

interface Column {
  table: string;
  column: string;
}

const tableColumns = async (pglite: PGlite) =>
  (
    await pglite.query<Column>(
      `SELECT table_name AS "table", column_name AS "column"
         FROM information_schema.columns
        WHERE table_schema = 'public' AND is_generated = 'NEVER'
          AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'public')
        ORDER BY table_name, ordinal_position`,
    )
  ).rows;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function rowCount(pglite: PGlite, table: string): Promise<number> {
  const { rows } = await pglite.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${quoteIdent(table)}`,
  );
  return Number(rows[0]?.n);
}

/** Copies every table and identity of `from` into `to` (both migrated alike). */
async function copyDatabase(from: PGlite, to: PGlite): Promise<UpgradeResult['tables']> {
  const source = await tableColumns(from);
  const target = await tableColumns(to);
  const key = (c: Column) => `${c.table}.${c.column}`;
  if (source.map(key).sort().join() !== target.map(key).sort().join()) {
    throw new UpgradeError(
      'Die Tabellen des alten und des neuen Datenordners stimmen nach den Migrationen nicht überein; es wurde nichts umbenannt.',
    );
  }
  const tables = new Map<string, string[]>();
  for (const { table, column } of source) tables.set(table, [...(tables.get(table) ?? []), column]);

  const sequences = (
    await from.query<{ name: string; last: string | null; start: string }>(
      `SELECT sequencename AS name, last_value::text AS last, start_value::text AS start
         FROM pg_sequences WHERE schemaname = 'public'`,
    )
  ).rows;

  await to.exec('BEGIN');
  try {
    // Triggers (the in-use checks, the published reports' no-change rules) and foreign keys
    // are for the application's writes; a copy of consistent tables bypasses them.
    await to.exec('SET LOCAL session_replication_role = replica');
    await to.exec(`TRUNCATE ${[...tables.keys()].map(quoteIdent).join(', ')}`);
    for (const [table, columns] of tables) {
      const list = columns.map(quoteIdent).join(', ');
      const out = await from.query(`COPY ${quoteIdent(table)} (${list}) TO '/dev/blob'`);
      // An empty table gives no blob; the counts below check that it was empty.
      if (!out.blob || out.blob.size === 0) continue;
      await to.query(`COPY ${quoteIdent(table)} (${list}) FROM '/dev/blob'`, [], {
        blob: out.blob,
      });
    }
    // A sequence never used (last_value null) starts again at its start value.
    for (const { name, last, start } of sequences) {
      await to.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', [
        `public.${quoteIdent(name)}`,
        last ?? start,
        last !== null,
      ]);
    }
    await to.exec('COMMIT');
  } catch (error) {
    await to.exec('ROLLBACK').catch(() => {});
    throw error;
  }

  const counts: UpgradeResult['tables'] = [];
  for (const table of tables.keys()) {
    const [was, is] = [await rowCount(from, table), await rowCount(to, table)];
    if (was !== is)
      throw new UpgradeError(
        `Tabelle ${table}: ${was} Zeilen im alten, ${is} im neuen Datenordner; es wurde nichts umbenannt.`,
      );
    counts.push({ name: table, rows: is });
  }
  return counts;
}

/**
 * Upgrades the folder in place (the old one kept as backupFolder(dataDir)). Refuses a folder
 * that is neither PGlite 0.3's nor the installed PGlite's, and one that another process has
 * open. Temporary folders beside it are removed whatever happens.
 */
export async function upgradeDataFolder(dataDir: string): Promise<UpgradeResult> {
  const found = folderCluster(dataDir);
  if (!found) throw new UpgradeError(`In ${dataDir} ist kein Datenordner von PGlite.`);
  if (sameCluster(found, PGLITE_CLUSTER)) return { outcome: 'current', tables: [] };
  if (!sameCluster(found, PGLITE_03_CLUSTER)) {
    throw new UpgradeError(
      `Der Datenordner ${dataDir} wurde mit PostgreSQL ${found.postgresMajor}, Datenbank „${found.database}“ angelegt; übernehmen lassen sich nur Ordner von PGlite 0.3 (PostgreSQL 17, Datenbank „template1“).`,
    );
  }
  const backup = backupFolder(dataDir);
  if (existsSync(backup)) {
    throw new UpgradeError(
      `${backup} gibt es schon: eine frühere Übernahme hat dort den alten Ordner abgelegt. Ihn erst woanders hin verschieben.`,
    );
  }
  const lock = lockDataFolder(dataDir);
  const readCopy = `${dataDir}.upgrade-alt`;
  const written = `${dataDir}.upgrade-neu`;
  let old: (DatabaseHandle & { pglite: PGlite }) | undefined;
  let next: (DatabaseHandle & { pglite: PGlite }) | undefined;
  try {
    for (const leftover of [readCopy, written]) rmSync(leftover, { recursive: true, force: true });
    // The old PGlite writes to what it opens (migrations, a checkpoint): it gets a copy.
    cpSync(dataDir, readCopy, { recursive: true });
    old = await openPGlite({ dataDir: readCopy }, await pglite03());
    await migrate(old);
    next = await openPGlite({ dataDir: written });
    await migrate(next);
    const tables = await copyDatabase(old.pglite, next.pglite);
    await next.close();
    next = undefined;
    renameSync(dataDir, backup);
    try {
      renameSync(written, dataDir);
    } catch (error) {
      renameSync(backup, dataDir);
      throw error;
    }
    return { outcome: 'upgraded', backup, tables };
  } finally {
    await old?.close().catch(() => {});
    await next?.close().catch(() => {});
    lock.release();
    for (const leftover of [readCopy, written]) rmSync(leftover, { recursive: true, force: true });
  }
}
