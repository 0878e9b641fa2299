// What the embedded PGlite costs in memory, and how it is kept under 500 MB (issue #15).
// PGlite runs PostgreSQL inside this process's WebAssembly memory, which grows and is never
// given back, so the peak of a process is what its database ever needed at once.
//
// Two things set that peak (docs/benchmarks.md, 06.12.2026):
// - A new data folder: PGlite 0.5 runs initdb in a second PostgreSQL instance and a third
//   WebAssembly module beside the first, and copies the second's whole heap: 700 to 900 MB.
//   A new folder (and every in-memory database) is therefore not made by initdb but loaded
//   from a fresh cluster that initdb made once, with the same PGlite, and that ships with the
//   code (`loadDataDir`): server/db/pglite-cluster.tar.gz, made by `npm run pglite:cluster`
//   (scripts/make-pglite-cluster.ts). It is used only by the PGlite release that made it;
//   any other release falls back to initdb (pglite-memory.test.ts fails until it is made again).
// - PostgreSQL's shared memory, allocated in that heap at start: 128 MB of shared buffers by
//   default. The settings below apply at every start, to every folder, old or new.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL settings of every embedded database. One query runs at a time, by one process,
 * so the cache does not need to be larger than the data a query reads; the bulk session sets
 * its own `work_mem` (connect.ts).
 */
export const PGLITE_SETTINGS = {
  shared_buffers: '16MB',
} as const;

/** The start parameters PGlite uses by default, with the settings above. */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  ...Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

const CLUSTER = new URL('./pglite-cluster.tar.gz', import.meta.url);
const CLUSTER_NOTE = new URL('./pglite-cluster.json', import.meta.url);

/** What the shipped cluster was made by (written by scripts/make-pglite-cluster.ts). */
export interface ClusterNote {
  /** The version of @electric-sql/pglite whose initdb made it. */
  pglite: string;
  /** `SELECT version()` of that PGlite. */
  version: string;
  /** PostgreSQL's catalog version: a cluster of another one does not start. */
  catalogVersion: number;
  /** initdb's random identifier of the cluster: every folder loaded from it has the same. */
  systemIdentifier: string;
}

/** The installed version of @electric-sql/pglite. */
export function installedPGliteVersion(): string {
  const require = createRequire(import.meta.url);
  // The package's entry point lies in dist/; its package.json one folder up.
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = new URL('../package.json', `file://${entry}`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function shippedClusterNote(): ClusterNote | null {
  if (!existsSync(CLUSTER_NOTE) || !existsSync(CLUSTER)) return null;
  return JSON.parse(readFileSync(CLUSTER_NOTE, 'utf8')) as ClusterNote;
}

/** The shipped cluster's archive, when the installed PGlite made it; otherwise undefined. */
function shippedCluster(): Buffer | undefined {
  const note = shippedClusterNote();
  if (!note || note.pglite !== installedPGliteVersion()) return undefined;
  return readFileSync(CLUSTER);
}

/**
 * The fresh cluster an in-memory database is loaded from (PGlite's `loadDataDir`); undefined
 * when there is none for the installed PGlite, and PGlite runs initdb as by default.
 */
export function freshCluster(): Blob | undefined {
  const archive = shippedCluster();
  return archive && new Blob([new Uint8Array(archive)]);
}

const BLOCK = 512;

export interface TarEntry {
  /** The path inside the archive, without a leading slash. */
  name: string;
  type: 'file' | 'directory' | 'other';
  /** The whole entry: header and content blocks. */
  block: Uint8Array;
  content: Uint8Array;
}

/** The entries of a ustar archive (as PGlite's `dumpDataDir` writes them). */
export function* tarEntries(tar: Uint8Array): Generator<TarEntry> {
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    const field = (from: number, length: number) =>
      Buffer.from(header.subarray(from, from + length))
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = `${prefix ? `${prefix}/` : ''}${field(0, 100)}`.replace(/^\/+/, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const flag = field(156, 1);
    const end = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    yield {
      name,
      type: flag === '5' ? 'directory' : flag === '0' || flag === '' ? 'file' : 'other',
      block: tar.subarray(at, end),
      content: tar.subarray(at + BLOCK, at + BLOCK + size),
    };
    at = end;
  }
}

/**
 * Writes the shipped fresh cluster into an empty data folder before PGlite opens it, so that
 * PGlite finds a cluster and neither runs initdb nor unpacks an archive inside its own
 * memory. `PG_VERSION` is written last: a folder left half-written (the process ended
 * meanwhile) has none and is written again at the next start. Returns false when there is no
 * cluster for the installed PGlite (PGlite then runs initdb).
 */
export function writeFreshCluster(dataDir: string): boolean {
  const archive = shippedCluster();
  if (!archive) return false;
  const entries = [...tarEntries(gunzipSync(archive))].filter((entry) => entry.name !== '');
  const last = (entry: TarEntry) => (entry.name === 'PG_VERSION' ? 1 : 0);
  for (const entry of entries.sort((a, b) => last(a) - last(b))) {
    const path = join(dataDir, entry.name);
    if (entry.type === 'directory') mkdirSync(path, { recursive: true, mode: 0o700 });
    else if (entry.type === 'file') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, entry.content, { mode: 0o600 });
    }
  }
  return true;
}

export const PGLITE_CLUSTER_FILES = { cluster: CLUSTER, note: CLUSTER_NOTE } as const;
