// Crash safety: an import killed in the middle (SIGKILL, no chance to clean up) leaves the
// database exactly as it was, and the next start opens it, migrates and imports normally.
// The import runs as the command line runs it, in a process of its own, and is killed once
// while it streams rows into staging and once while it merges them into the case tables.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScaleExport } from '../../scripts/lib/scale-export.ts';
import { type DatabaseHandle, openDatabase } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { loadDemonstrationData } from '../demo-data.ts';
import { indicatorsOn } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { tableChecksums } from '../test/checksums.ts';
import { DATABASE_KIND, POSTGRES_URL } from '../test/database.ts';
import { importExport } from './import-export.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DISTRICT = '08118';
const PROVIDER = 'LRA';
const SEED = 20240630;
/** Stored before the crash, besides the demonstration data: the provider's earlier snapshot. */
const EARLIER = { rows: 5_000, asOf: '2024-03-31' };
/**
 * The import that is killed: big enough that loading and merging each take seconds on both
 * engines (here about 2 s and 3 s on PostgreSQL, 3 s and 4 s on PGlite), so that the kill
 * lands inside the phase. Its cases overlap the earlier snapshot's, so the merge also
 * updates stored rows before it inserts the new ones.
 */
const KILLED = { rows: 60_000, asOf: '2024-06-30' };
/**
 * Killed while loading at the first progress line from this share on: by then the first
 * COPY chunk (4 MB, some 30,000 rows) is in the staging table.
 */
const LOAD_SHARE = 40;
/**
 * Killed after the merge began, half as long as loading took: the merge takes longer than
 * loading on both engines, so the kill lands inside it on a fast machine as on a slow one.
 * By then the imports row is written and the stored cases are being updated and inserted
 * (on PostgreSQL here, `INSERT INTO cases` runs at that moment).
 */
const MERGE_DELAY_SHARE = 0.5;

const municipalities = [
  ...readFileSync(join(ROOT, 'sql/002_registry_ludwigsburg.sql'), 'utf8').matchAll(
    /'(0811\d{4})'/g,
  ),
].map((match) => match[1] as string);

/** One database of the engine under test: a PGlite data directory or a PostgreSQL database. */
interface Target {
  /** What the command line needs in its environment to open it. */
  env: Record<string, string>;
  open(): Promise<DatabaseHandle>;
  /** Resolves once no session other than the test's own is left on it. */
  settled(): Promise<void>;
}

interface Engine {
  /** A copy of the prepared database, for one test. */
  copy(name: string): Promise<Target>;
  dispose(): Promise<void>;
}

let dir: string;
let engine: Engine;
let killedFile: string;
let before: Record<string, string>;
let sizesBefore: Record<string, number>;
/** Imports still running, to be killed should a test give up on them. */
const running = new Set<ChildProcess>();

const childEnv = (extra: Record<string, string>) => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'DATABASE_URL' && key !== 'DATA_DIR') env[key] = value;
  }
  return { ...env, DISTRICT, ...extra };
};

async function pgliteEngine(): Promise<Engine> {
  const base = join(dir, 'base');
  await prepare(await openDatabase({ dataDir: base }));
  const target = (dataDir: string): Target => ({
    env: childEnv({ DATA_DIR: dataDir }),
    open: () => openDatabase({ dataDir }),
    // The engine lives inside the killed process: nothing outlives it.
    settled: async () => {},
  });
  return {
    async copy(name) {
      const copy = join(dir, name);
      cpSync(base, copy, { recursive: true });
      return target(copy);
    },
    dispose: async () => {},
  };
}

async function postgresEngine(adminUrl: string): Promise<Engine> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const base = `zb_crash_${randomBytes(6).toString('hex')}`;
  const names = [base];
  const urlOf = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  try {
    await admin.query(`CREATE DATABASE ${base}`);
    await prepare(await openDatabase({ url: urlOf(base) }));
  } catch (error) {
    await admin.query(`DROP DATABASE IF EXISTS ${base} WITH (FORCE)`).catch(() => {});
    await admin.end();
    throw error;
  }
  return {
    async copy(suffix) {
      const name = `${base}_${suffix}`;
      names.push(name);
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${base}`);
      const url = urlOf(name);
      return {
        env: childEnv({ DATABASE_URL: url }),
        open: () => openDatabase({ url }),
        // The killed client's backend finishes its statement, finds the client gone and
        // rolls the transaction back; until then it holds the provider's row lock.
        async settled() {
          const deadline = Date.now() + 60_000;
          for (;;) {
            const { rows } = await admin.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
              [name],
            );
            if (rows[0]?.n === 0) return;
            if (Date.now() > deadline) {
              throw new Error(`The killed import's backend on ${name} is still there after 60 s.`);
            }
            await new Promise((done) => setTimeout(done, 100));
          }
        },
      };
    },
    async dispose() {
      for (const name of names.reverse()) {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await admin.end();
    },
  };
}

/** Migrates, imports the demonstration data and an earlier snapshot, fingerprints, closes. */
async function prepare(handle: DatabaseHandle) {
  try {
    await migrate(handle);
    await loadDemonstrationData(handle, DISTRICT);
    const earlier = join(dir, 'earlier.csv');
    await writeScaleExport(earlier, {
      rows: EARLIER.rows,
      seed: SEED,
      provider: PROVIDER,
      asOf: EARLIER.asOf,
      municipalities,
    });
    const summary = await importExport(handle, {
      district: DISTRICT,
      provider: PROVIDER,
      asOf: EARLIER.asOf,
      fileName: 'earlier.csv',
      path: earlier,
    });
    expect(summary.status, summary.errors[0]?.message).toBe('imported');
    before = await tableChecksums(handle.db);
    sizesBefore = await tableSizes(handle);
  } finally {
    await handle.close();
  }
}

/**
 * Every table of the schema with its number of rows: the import log with refusals (which the
 * checksums leave out), the applied migrations, and any table an import might leave behind.
 */
async function tableSizes(handle: DatabaseHandle): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`.execute(
    handle.db,
  );
  const sizes: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(handle.db);
    sizes[name] = rows[0]?.n ?? -1;
  }
  return sizes;
}

type Moment = 'load' | 'merge';

/**
 * Runs `npm run import` on the killed snapshot and kills it with SIGKILL at the moment
 * asked for, told by its progress lines on standard error. Resolves with those lines and
 * what it printed on standard output (its summary, were it to finish).
 */
function importAndKill(
  target: Target,
  moment: Moment,
): Promise<{ lines: string[]; stdout: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/import.ts',
      '--provider',
      PROVIDER,
      '--as-of',
      KILLED.asOf,
      killedFile,
    ],
    { cwd: ROOT, env: target.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const lines: string[] = [];
  let stdout = '';
  let pending = '';
  let killing = false;
  let loadingSince: number | undefined;
  const kill = (after: number) => {
    killing = true;
    setTimeout(() => child.kill('SIGKILL'), after);
  };
  // Never wait for a line that does not come.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 90_000);
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      if (killing) continue;
      const share = /^Lesen: (\d+) %/.exec(line);
      if (share) loadingSince ??= performance.now();
      if (moment === 'load' && share && Number(share[1]) >= LOAD_SHARE) kill(0);
      if (moment === 'merge' && line.startsWith('Zusammenführen:')) {
        kill(MERGE_DELAY_SHARE * (performance.now() - (loadingSince ?? performance.now())));
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      running.delete(child);
      if (killing && signal === 'SIGKILL') return resolve({ lines, stdout });
      const phase = moment === 'load' ? 'while loading' : 'during the merge';
      reject(
        new Error(
          `The import was to be killed ${phase} but ${
            signal ? `ended by ${signal}` : `exited with ${code}`
          } first${code === 0 ? ': it finished too soon, raise KILLED.rows' : ''}.\n` +
            `stderr:\n${[...lines, pending].join('\n')}\nstdout:\n${stdout}`,
        ),
      );
    });
  });
}

/** After the crash: the next start opens, migrates and finds everything as it was. */
async function expectUntouched(target: Target) {
  await target.settled();
  // PGlite recovers from its write-ahead log here, as the next start of the server would.
  const handle = await target.open();
  try {
    expect(await migrate(handle)).toEqual([]);
    const killed = await handle.db
      .selectFrom('imports')
      .select(['id', 'status'])
      .where('as_of', '=', KILLED.asOf)
      .execute();
    expect(
      killed,
      'The killed import left its row in the import log: either it is not all or nothing, or it had committed before the kill (then lower MERGE_DELAY_SHARE).',
    ).toEqual([]);
    expect(await tableChecksums(handle.db)).toEqual(before);
    expect(await tableSizes(handle)).toEqual(sizesBefore);
  } finally {
    await handle.close();
  }
}

/** …and the same import, run again, goes through, and a fresh start computes figures. */
async function expectNextImportWorks(target: Target) {
  let handle = await target.open();
  try {
    const stored = async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM cases WHERE provider = ${PROVIDER}`.execute(handle.db);
      return rows[0]?.n ?? -1;
    };
    const casesBefore = await stored();
    const summary = await importExport(handle, {
      district: DISTRICT,
      provider: PROVIDER,
      asOf: KILLED.asOf,
      fileName: 'killed.csv',
      path: killedFile,
    });
    expect(summary.status, summary.errors[0]?.message).toBe('imported');
    expect(summary.rows).toBe(KILLED.rows);
    expect(summary.new + summary.changed + summary.unchanged).toBe(KILLED.rows);
    expect(summary.changed).toBeGreaterThan(0);
    expect(await stored()).toBe(casesBefore + summary.new);
    await handle.close();

    handle = await target.open();
    const [active] = await indicatorsOn(
      handle.db,
      { district: DISTRICT, date: KILLED.asOf, periodFrom: '2024-01-01' },
      [findIndicator('clients_active') as Indicator],
    );
    expect(active?.figure.value).toBeGreaterThan(0);
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zb-crash-'));
  killedFile = join(dir, 'killed.csv');
  await writeScaleExport(killedFile, {
    rows: KILLED.rows,
    seed: SEED,
    provider: PROVIDER,
    asOf: KILLED.asOf,
    municipalities,
  });
  engine = POSTGRES_URL ? await postgresEngine(POSTGRES_URL) : await pgliteEngine();
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await engine?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`an import killed with SIGKILL on ${DATABASE_KIND}`, () => {
  it('while loading rows into staging leaves the database as it was; the next import works', async () => {
    const target = await engine.copy('load');
    const { lines, stdout } = await importAndKill(target, 'load');
    expect(lines.some((line) => line.startsWith('Zusammenführen:'))).toBe(false);
    expect(stdout).toBe('');
    await expectUntouched(target);
    await expectNextImportWorks(target);
  }, 120_000);

  it('during the merge leaves the database as it was; the next import works', async () => {
    const target = await engine.copy('merge');
    const { lines, stdout } = await importAndKill(target, 'merge');
    expect(lines.some((line) => line.startsWith('Zusammenführen:'))).toBe(true);
    expect(stdout).toBe('');
    await expectUntouched(target);
    await expectNextImportWorks(target);
  }, 120_000);
});
