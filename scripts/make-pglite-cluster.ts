// npm run pglite:cluster
// Makes server/db/pglite-cluster.tar.gz: a fresh PostgreSQL cluster made by the installed
// PGlite's initdb, from which every new embedded data folder is loaded instead of running
// initdb in the user's process (server/db/pglite-memory.ts). Run it again after upgrading
// @electric-sql/pglite (server/db/pglite-memory.test.ts says so). The cluster holds nothing
// of this product: the migrations run on it as on any new folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import {
  type ClusterNote,
  installedPGliteVersion,
  PGLITE_CLUSTER_FILES,
  tarEntries,
} from '../server/db/pglite-memory.ts';

/** The tar archive without the entries `drop` names. */
function withoutEntries(tar: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  const kept = [...tarEntries(tar)].filter((entry) => !drop(entry.name));
  return Buffer.concat([...kept.map((entry) => entry.block), new Uint8Array(1024)]);
}

const dir = mkdtempSync(join(tmpdir(), 'zb-pglite-cluster-'));
try {
  const db = await PGlite.create(join(dir, 'data'));
  // The write-ahead log of initdb is not needed by a cluster that starts from a checkpoint:
  // switch to a new, zero-filled segment (not a recycled one) so the archive stays small.
  await db.exec('SET wal_recycle = off');
  for (let i = 0; i < 2; i++) {
    await db.query('SELECT pg_switch_wal()');
    await db.exec('CHECKPOINT');
  }
  const { rows } = await db.query<{ version: string; catalog: number; system: string }>(
    `SELECT version() AS version, catalog_version_no AS catalog, system_identifier::text AS system
     FROM pg_control_system()`,
  );
  const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  // The open instance's lock file is in the dump; a folder on disk has none when closed.
  const tar = withoutEntries(dump, (name) => /(^|\/)postmaster\.pid$/.test(name));
  writeFileSync(PGLITE_CLUSTER_FILES.cluster, gzipSync(tar, { level: 9 }));
  const note: ClusterNote = {
    pglite: installedPGliteVersion(),
    version: rows[0]?.version as string,
    catalogVersion: Number(rows[0]?.catalog),
    systemIdentifier: rows[0]?.system as string,
  };
  writeFileSync(PGLITE_CLUSTER_FILES.note, `${JSON.stringify(note, null, 2)}\n`);
  console.log(`${fileURLToPath(PGLITE_CLUSTER_FILES.cluster)}: ${note.version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
