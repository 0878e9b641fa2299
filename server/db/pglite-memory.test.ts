// The embedded database's memory settings (pglite-memory.ts): a new data folder is loaded
// from the fresh cluster shipped with the code instead of being made by initdb in the
// process, and every folder, however it was made, starts with the small shared buffers.
// Real PGlite folders; the peak memory itself is measured by `npm run bench:pglite-memory`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connect.ts';
import { migrate } from './migrate.ts';
import { noteDataFolder } from './pglite-folder.ts';
import {
  installedPGliteVersion,
  PGLITE_SETTINGS,
  shippedClusterNote,
  writeFreshCluster,
} from './pglite-memory.ts';

const dir = mkdtempSync(join(tmpdir(), 'zb-pglite-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function settingsOf(target: { dataDir: string } | { memory: true }) {
  const handle = await openDatabase(target);
  try {
    await migrate(handle);
    const { rows } = await sql<{ shared_buffers: string; system: string }>`
      SELECT current_setting('shared_buffers') AS shared_buffers,
             system_identifier::text AS system
      FROM pg_control_system()`.execute(handle.db);
    return rows[0];
  } finally {
    await handle.close();
  }
}

describe('PGlite memory', () => {
  it('ships a fresh cluster made by the installed PGlite', () => {
    // After an upgrade of @electric-sql/pglite this fails until `npm run pglite:cluster`
    // makes the cluster again; until then new folders fall back to initdb.
    expect(shippedClusterNote()?.pglite).toBe(installedPGliteVersion());
  });

  it('loads a new folder and an in-memory database from that cluster, with small shared buffers', async () => {
    const note = shippedClusterNote();
    const folder = await settingsOf({ dataDir: join(dir, 'new') });
    const memory = await settingsOf({ memory: true });
    for (const opened of [folder, memory]) {
      expect(opened?.system).toBe(note?.systemIdentifier);
      expect(opened?.shared_buffers).toBe(PGLITE_SETTINGS.shared_buffers);
    }
  }, 120_000);

  it('starts a folder made before these settings (by initdb) with them too', async () => {
    const before = join(dir, 'before');
    const made = await PGlite.create(before);
    const { rows } = await made.query<{ shared_buffers: string }>(
      "SELECT current_setting('shared_buffers') AS shared_buffers",
    );
    await made.close();
    noteDataFolder(before);
    expect(rows[0]?.shared_buffers).toBe('128MB');
    const opened = await settingsOf({ dataDir: before });
    expect(opened?.shared_buffers).toBe(PGLITE_SETTINGS.shared_buffers);
    expect(opened?.system).not.toBe(shippedClusterNote()?.systemIdentifier);
  }, 120_000);

  it('writes a folder left half-written again (PG_VERSION is written last)', async () => {
    const half = join(dir, 'half');
    expect(writeFreshCluster(half)).toBe(true);
    // As if the process had ended while writing: the control file not yet written, and no
    // PG_VERSION, which comes last.
    rmSync(join(half, 'PG_VERSION'));
    writeFileSync(join(half, 'global', 'pg_control'), '');
    const opened = await settingsOf({ dataDir: half });
    expect(opened?.system).toBe(shippedClusterNote()?.systemIdentifier);
  }, 120_000);
});
