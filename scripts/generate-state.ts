// npm run fixtures:state -- [--districts 50] [--cases 1000000] [--seed 2021]
//   [--database-url URL] [--fresh] [--jobs N]
// Builds the state-wide benchmark data set in a PostgreSQL database of its own (default
// zb_state): the registry of the districts, then every provider's yearly snapshots
// (scripts/lib/state-data.ts), written to temporary files and imported through the same
// path as a real export, oldest first. A marker row records the parameters: the same
// parameters again change nothing, an interrupted run continues where it stopped.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import { importExport } from '../server/import/import-export.ts';
import {
  type DistrictPlan,
  generateDistrictCases,
  planState,
  renderSnapshot,
  SNAPSHOT_DATES,
  STATE_DEFAULTS,
  type StateParameters,
} from './lib/state-data.ts';

export const DEFAULT_STATE_URL = 'postgresql://postgres@127.0.0.1:5432/zb_state';

const fmt = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const fmt1 = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export interface StateMarker extends StateParameters {
  completed: boolean;
  seconds: number | null;
}

/** The data set a database holds according to its marker, or null when there is none. */
export async function readStateMarker(url: string): Promise<StateMarker | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    // 3D000: the database does not exist yet.
    if ((error as { code?: string }).code === '3D000') return null;
    throw error;
  }
  try {
    const { rows } = await client.query<{
      seed: number;
      districts: number;
      cases: number;
      completed: boolean;
      seconds: string | null;
    }>(
      `SELECT seed, districts, cases, completed_at IS NOT NULL AS completed, seconds::text
       FROM state_fixture`,
    );
    const row = rows[0];
    return row ? { ...row, seconds: row.seconds === null ? null : Number(row.seconds) } : null;
  } catch (error) {
    // 42P01: no marker table, so not a state data set (or not begun).
    if ((error as { code?: string }).code === '42P01') return null;
    throw error;
  } finally {
    await client.end();
  }
}

/** Creates the database the URL names if it is missing; drops it first when `fresh`. */
async function createDatabase(url: string, fresh: boolean) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`Database name "${name}" must be a plain lower-case identifier.`);
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/** Registry rows are data: inserted, never changed, so Ludwigsburg's stay as migrated. */
async function insertRegistry(handle: DatabaseHandle, plans: readonly DistrictPlan[]) {
  const { db } = handle;
  await db
    .insertInto('districts')
    .values(plans.map((p) => ({ district_key: p.key, name: p.name })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .insertInto('providers')
    .values(
      plans.flatMap((p) =>
        p.providers.map((provider) => ({
          district_key: p.key,
          code: provider.code,
          name: provider.name,
          labels: provider.labels,
        })),
      ),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .insertInto('municipalities')
    .values(
      plans.flatMap((p) =>
        p.municipalities.map((m) => ({
          district_key: p.key,
          ags: m.ags,
          name: m.name,
          // Synthetic names, never checked against the Gemeindeverzeichnis.
          verified: false,
        })),
      ),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

interface Options {
  url: string;
  params: StateParameters;
  fresh?: boolean;
  /** Providers imported at the same time (each provider's snapshots stay in order). */
  jobs?: number;
  log?: (line: string) => void;
}

/**
 * Makes sure the database holds the data set of `params`: generates and imports what is
 * missing. Refuses a database that holds another data set (use `fresh`).
 */
export async function ensureStateData(options: Options): Promise<{ generated: boolean }> {
  const { url, params } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const jobs = Math.max(1, options.jobs ?? 1);
  await createDatabase(url, options.fresh ?? false);
  const before = await readStateMarker(url);
  const same =
    before &&
    before.seed === params.seed &&
    before.districts === params.districts &&
    before.cases === params.cases;
  if (before && !same)
    throw new Error(
      `The database holds another state data set (seed ${before.seed}, ${before.districts} districts, ${before.cases} cases). Run with --fresh to replace it.`,
    );
  if (before?.completed) {
    log(
      `State data set already there (seed ${params.seed}, ${params.districts} districts, ${fmt.format(params.cases)} cases): nothing to do. --fresh rebuilds it.`,
    );
    return { generated: false };
  }

  const handle = await openDatabase({ url });
  const dir = await mkdtemp(join(tmpdir(), 'zwischenbilanz-state-'));
  const started = performance.now();
  try {
    await migrate(handle);
    // Not app schema: the fixture's own note of what it holds.
    await sql`CREATE TABLE IF NOT EXISTS state_fixture (
      seed integer NOT NULL,
      districts integer NOT NULL,
      cases integer NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      seconds numeric
    )`.execute(handle.db);
    if (!before) {
      await sql`INSERT INTO state_fixture (seed, districts, cases)
        VALUES (${params.seed}, ${params.districts}, ${params.cases})`.execute(handle.db);
    } else {
      log('Continuing an interrupted run: snapshots already imported are skipped.');
    }
    const plans = planState(params);
    await insertRegistry(handle, plans);
    const imported = new Map(
      (
        await handle.db
          .selectFrom('imports')
          .select(['district_key', 'provider', (eb) => eb.fn.max('as_of').as('as_of')])
          .where('status', 'in', ['imported', 'unchanged'])
          .groupBy(['district_key', 'provider'])
          .execute()
      ).map((row) => [`${row.district_key}/${row.provider}`, String(row.as_of)]),
    );
    log(
      `${plans.length} districts, ${fmt.format(params.cases)} cases, snapshots ${SNAPSHOT_DATES.join(', ')}, seed ${params.seed}, ${jobs} import job(s)`,
    );

    let rows = 0;
    let imports = 0;
    /** Seconds spent in each step of the import, over all imports. */
    const steps = new Map<string, number>();
    const onStep = (step: string, milliseconds: number) =>
      steps.set(step, (steps.get(step) ?? 0) + milliseconds / 1000);
    for (const plan of plans) {
      const districtStarted = performance.now();
      const cases = generateDistrictCases(plan);
      let districtRows = 0;
      const queue = [...plan.providers];
      const worker = async () => {
        for (let provider = queue.shift(); provider; provider = queue.shift()) {
          const done = imported.get(`${plan.key}/${provider.code}`);
          for (const asOf of SNAPSHOT_DATES) {
            if (done && asOf <= done) continue;
            const text = renderSnapshot(plan, cases, provider.code, asOf);
            if (text === null) continue;
            const fileName = `${plan.key}-${provider.code.toLowerCase()}-${asOf}.csv`;
            const path = join(dir, fileName);
            await writeFile(path, text);
            const summary = await importExport(handle, {
              district: plan.key,
              provider: provider.code,
              asOf,
              fileName,
              path,
              onStep,
            });
            await rm(path, { force: true });
            if (summary.status === 'rejected') {
              const first = summary.errors
                .slice(0, 10)
                .map((e) => `  row ${e.row ?? '-'}, ${e.column ?? '-'}: ${e.message}`)
                .join('\n');
              throw new Error(
                `Import of ${fileName} rejected with ${summary.error_count} error(s):\n${first}`,
              );
            }
            districtRows += summary.rows;
            imports++;
          }
        }
      };
      await Promise.all(Array.from({ length: jobs }, worker));
      rows += districtRows;
      log(
        `${plan.key} ${plan.name}: ${fmt.format(plan.cases)} cases, ${plan.providers.length} providers, ${plan.municipalities.length} municipalities, ${fmt.format(districtRows)} rows imported, ${fmt1.format((performance.now() - districtStarted) / 1000)} s`,
      );
    }

    const seconds = (performance.now() - started) / 1000;
    await sql`UPDATE state_fixture SET completed_at = now(), seconds = ${seconds.toFixed(1)}`.execute(
      handle.db,
    );
    const { rows: counts } = await sql<{
      cases: string;
      status: string;
      language: string;
      employment: string;
      housing: string;
      imports: string;
    }>`
      SELECT (SELECT count(*) FROM cases) AS cases,
        (SELECT count(*) FROM case_status) AS status,
        (SELECT count(*) FROM case_status WHERE kind = 'language_level') AS language,
        (SELECT count(*) FROM case_status WHERE kind = 'employment') AS employment,
        (SELECT count(*) FROM case_status WHERE kind = 'housing') AS housing,
        (SELECT count(*) FROM imports WHERE status = 'imported') AS imports`.execute(handle.db);
    const c = counts[0] as (typeof counts)[number];
    const perCase = (n: string) => fmt1.format(Number(n) / Number(c.cases));
    log(
      `Done in ${fmt1.format(seconds)} s (${fmt1.format(seconds / 60)} min): ${fmt.format(imports)} imports now, ${fmt.format(rows)} rows (${fmt.format(rows / seconds)} rows/s).`,
    );
    log(
      `Import steps, seconds over all imports: ${[...steps]
        .map(([step, s]) => `${step} ${fmt1.format(s)}`)
        .join(', ')}`,
    );
    log(
      `Database: ${fmt.format(Number(c.cases))} cases, ${fmt.format(Number(c.status))} status records (per case: language ${perCase(c.language)}, employment ${perCase(c.employment)}, housing ${perCase(c.housing)}), ${fmt.format(Number(c.imports))} imports in the log.`,
    );
    return { generated: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await handle.close();
  }
}

const positiveInteger = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`--${name} must be a positive whole number`);
  return n;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      districts: { type: 'string' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      'database-url': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      jobs: { type: 'string' },
    },
  });
  try {
    await ensureStateData({
      url: values['database-url'] ?? DEFAULT_STATE_URL,
      params: {
        districts: positiveInteger('districts', values.districts, STATE_DEFAULTS.districts),
        cases: positiveInteger('cases', values.cases, STATE_DEFAULTS.cases),
        seed: positiveInteger('seed', values.seed, STATE_DEFAULTS.seed),
      },
      fresh: values.fresh,
      jobs: positiveInteger('jobs', values.jobs, 1),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
