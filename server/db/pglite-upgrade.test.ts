// `npm run data:upgrade` on a real folder made by PGlite 0.3 (the package alias pglite-03,
// through the same openPGlite, migrations and demonstration import the earlier version ran):
// the installed PGlite refuses it and names the command; the command carries every row over,
// keeps the old folder unchanged beside it, and the identities go on where they were.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../accounts/accounts.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { loadDemonstrationData } from '../demo-data.ts';
import { DEFAULT_RULES } from '../disclosure/disclose.ts';
import { publishReport } from '../reports/published-reports.ts';
import { folderSnapshot } from '../test/folder-snapshot.ts';
import { openPGlite } from './connect.ts';
import { migrate } from './migrate.ts';
import { folderCluster, PGLITE_CLUSTER } from './pglite-folder.ts';
import { backupFolder, PGLITE_03_CLUSTER, pglite03, upgradeDataFolder } from './pglite-upgrade.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'zb-pglite-upgrade-'));
const made = join(dir, 'made-by-0.3');

/** Each table's rows and a digest of their text, in one order. */
async function contents(pglite: PGlite): Promise<Record<string, string>> {
  const { rows: tables } = await pglite.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pglite.query<{ n: string; digest: string }>(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    );
    result[name] = `${rows[0]?.n} rows ${rows[0]?.digest}`;
  }
  return result;
}

const command = (script: string, args: string[], folder: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: folder, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });

let before: Record<string, string>;

beforeAll(async () => {
  // What Zwischenbilanz with PGlite 0.3 left: demonstration data, an account, the log and a
  // published report (its table refuses changes by trigger).
  const old = await openPGlite({ dataDir: made }, await pglite03());
  await migrate(old);
  await loadDemonstrationData(old, '08118');
  await addUser(old.db, { district: '08118', name: 'anna', role: 'admin' }, 'ein langes Passwort');
  await recordAudit(old.db, { actor: 'cli', action: 'user_added', target: 'anna' });
  await publishReport(old.db, {
    district: '08118',
    title: 'Zwischenbilanz',
    stichtag: '2021-01-01',
    beendetBis: '2021-03-01',
    publishedBy: 'anna',
    rules: DEFAULT_RULES,
    provisionalConfirmed: true,
    republishConfirmed: true,
  });
  before = await contents(old.pglite);
  await old.close();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a data folder made by PGlite 0.3', () => {
  it('is one: PostgreSQL 17, database template1, with the rows the test wrote', () => {
    expect(folderCluster(made)).toEqual(PGLITE_03_CLUSTER);
    expect(PGLITE_CLUSTER).not.toEqual(PGLITE_03_CLUSTER);
    expect(before.cases).toMatch(/^[1-9]\d* rows/);
    expect(before.published_reports).toMatch(/^1 rows/);
    expect(before.users).toMatch(/^1 rows/);
  });

  // Each command below is a process of its own that starts PGlite: minutes on a busy machine.
  it('is refused by the installed PGlite, unchanged, with the command that carries it over', () => {
    const folder = join(dir, 'refused');
    cpSync(made, folder, { recursive: true, preserveTimestamps: true });
    const unchanged = folderSnapshot(folder);
    const result = command('scripts/user.ts', ['list'], folder);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `Der Datenordner ${folder} wurde von einer anderen Version der eingebetteten Datenbank angelegt (PostgreSQL 17, Datenbank „template1“)`,
    );
    expect(result.stderr).toContain(`„DATA_DIR=${folder} npm run data:upgrade“`);
    expect(folderSnapshot(folder)).toEqual(unchanged);
  }, 120_000);

  it('is carried over by npm run data:upgrade with every row, the old one kept unchanged', async () => {
    const folder = join(dir, 'upgraded');
    cpSync(made, folder, { recursive: true, preserveTimestamps: true });
    const unchanged = folderSnapshot(folder);
    const result = command('scripts/data-upgrade.ts', [], folder);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Der Datenordner ${folder} ist übernommen.`);
    expect(result.stdout).toMatch(/ {2}cases: [\d.]+ Zeilen/);

    expect(folderCluster(folder)).toEqual(PGLITE_CLUSTER);
    expect(folderCluster(backupFolder(folder))).toEqual(PGLITE_03_CLUSTER);
    expect(folderSnapshot(backupFolder(folder))).toEqual(unchanged);
    expect(readdirSync(dir).filter((name) => name.includes('.upgrade-'))).toEqual([]);

    const next = await openPGlite({ dataDir: folder });
    try {
      expect(await contents(next.pglite)).toEqual(before);
      // The identities go on after the copied rows.
      const { rows: most } = await next.pglite.query<{ id: string }>(
        'SELECT max(id)::text AS id FROM audit_log',
      );
      const { rows: fresh } = await next.pglite.query<{ id: string }>(
        `INSERT INTO audit_log (actor, action, target) VALUES ('cli', 'user_added', 'bert') RETURNING id::text AS id`,
      );
      expect(BigInt(fresh[0]?.id ?? 0)).toBeGreaterThan(BigInt(most[0]?.id ?? 0));
    } finally {
      await next.close();
    }

    // The server's commands open it; a second run has nothing to do.
    const users = command('scripts/user.ts', ['list'], folder);
    expect(users.status, users.stderr).toBe(0);
    expect(users.stdout).toContain('anna');
    const again = command('scripts/data-upgrade.ts', [], folder);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('ist schon für diese Version; nichts zu tun');
  }, 300_000);

  it('of another kind is not carried over, and nothing is written', async () => {
    const folder = join(dir, 'other');
    cpSync(made, folder, { recursive: true, preserveTimestamps: true });
    writeFileSync(join(folder, 'PG_VERSION'), '16\n');
    const unchanged = folderSnapshot(folder);
    await expect(upgradeDataFolder(folder)).rejects.toThrow(
      'übernehmen lassen sich nur Ordner von PGlite 0.3',
    );
    expect(folderSnapshot(folder)).toEqual(unchanged);
  });
});
