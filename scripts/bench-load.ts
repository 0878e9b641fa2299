// npm run bench:load -- [--data demo|state|both] [--connections 200] [--duration 60]
//   [--baseline-duration 20] [--timeout 10] [--seed 15] [--state-url URL] [--demo-url URL]
//   [--cpu-prof DIR] [--serial N]
// The API under load, on loopback only: the server runs as a child process on PostgreSQL
// (`node --import tsx server/main.ts`, rate limits off), and this process keeps a fixed
// number of kept-alive connections busy for a fixed time (bounded: connections × duration,
// each request given up after --timeout seconds). First a baseline under the same load,
// GET /api/v1/health (a route that asks the database `SELECT 1`), then the mix: every
// indicator on a date, breakdowns, cross-tables and series, at random dates (any day,
// not only month ends) within the data, random dimensions, districts and formats (JSON,
// CSV, Arrow), anonymous as the public sees them. Reports requests/s, p50/p90/p99 of the
// answered requests, errors (status ≥ 400), non-answers (no answer within the timeout),
// the load average before and after, and the ratio to the baseline.
// `--serial N` instead sends N requests of the mix one at a time (no load): the time each
// takes by itself, by kind and by scope (the whole state, one district), and the slowest
// requests with their paths: where a server's
// time goes (with --cpu-prof, where its CPU goes).
//
// Data: `demo` is the demonstration data (a database of its own, made on first use);
// `state` the state-wide data set of `npm run fixtures:state` (default zb_state; its
// schema is migrated by the server's start if older).
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DIMENSION_IDS, type DimensionId } from '../server/indicators/dimensions.ts';
import { INDICATORS } from '../server/indicators/registry.ts';
import { rng } from './lib/random.ts';
import { startServer } from './lib/serve.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'both' },
    connections: { type: 'string', default: '200' },
    duration: { type: 'string', default: '60' },
    'baseline-duration': { type: 'string' },
    timeout: { type: 'string', default: '10' },
    seed: { type: 'string', default: '15' },
    'state-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/zb_state' },
    'demo-url': {
      type: 'string',
      default: 'postgresql://postgres@127.0.0.1:5432/zb_bench_load_demo',
    },
    'cpu-prof': { type: 'string' },
    serial: { type: 'string' },
  },
});
const CONNECTIONS = Number(values.connections);
const DURATION = Number(values.duration);
const BASELINE_DURATION = Number(values['baseline-duration'] ?? Math.min(DURATION, 20));
const TIMEOUT_MS = Number(values.timeout) * 1000;
if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || CONNECTIONS > 1000)
  throw new RangeError('--connections must be 1 … 1000');
if (!(DURATION > 0 && DURATION <= 600)) throw new RangeError('--duration must be 1 … 600 s');
if (!(BASELINE_DURATION > 0 && BASELINE_DURATION <= 600))
  throw new RangeError('--baseline-duration must be 1 … 600 s');
const SERIAL = values.serial === undefined ? undefined : Number(values.serial);
if (SERIAL !== undefined && !(Number.isInteger(SERIAL) && SERIAL >= 1 && SERIAL <= 100_000))
  throw new RangeError('--serial must be 1 … 100000 requests');
const DATA = values.data === 'both' ? ['demo', 'state'] : [values.data as string];
for (const d of DATA)
  if (d !== 'demo' && d !== 'state') throw new RangeError('--data must be demo, state or both');

const fmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

// ---------------------------------------------------------------------------------------
// The server

async function ensureDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unusual database name "${name}".`);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost')
    throw new Error('The load benchmark runs on loopback only: the database must be local too.');
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------
// The requests

interface Extent {
  first: string;
  last: string;
  districts: string[];
  cases: number;
}

async function extentOf(url: string): Promise<Extent> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ first: string; last: string; cases: string }>(
      `SELECT greatest(min(started_on), '2018-01-01')::text AS first,
         (SELECT max(as_of)::text FROM imports WHERE status = 'imported') AS last,
         count(*)::text AS cases FROM cases`,
    );
    const { rows: districts } = await client.query<{ key: string }>(
      `SELECT DISTINCT district_key AS key FROM imports WHERE status = 'imported' ORDER BY 1`,
    );
    const row = rows[0] as (typeof rows)[number];
    return {
      first: row.first,
      last: row.last,
      districts: districts.map((d) => d.key),
      cases: Number(row.cases),
    };
  } finally {
    await client.end();
  }
}

const FORMATS = ['json', 'csv', 'arrow'] as const;

/** A random request of the mix: the path and what kind of figure it asks for. */
function requestMaker(extent: Extent, seed: number) {
  const random = rng(seed).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const firstDay = Date.parse(`${extent.first}T00:00:00Z`);
  const lastDay = Date.parse(`${extent.last}T00:00:00Z`);
  const day = () =>
    new Date(firstDay + Math.floor(random() * ((lastDay - firstDay) / 86_400_000 + 1)) * 86_400_000)
      .toISOString()
      .slice(0, 10);
  const month = () => day().slice(0, 7);
  // Mostly the server's own district; sometimes another, rarely the whole state.
  const district = () => {
    const r = random();
    if (r < 0.05) return 'all';
    if (r < 0.3 && extent.districts.length > 1) return pick(extent.districts);
    return '08118';
  };
  const dimensions = DIMENSION_IDS;
  return (): { kind: string; path: string } => {
    const format = pick(FORMATS);
    const indicator = pick(INDICATORS).id;
    const r = random();
    const where = `district=${district()}&format=${format}`;
    if (r < 0.3) return { kind: 'indicators', path: `/api/v1/indicators?date=${day()}&${where}` };
    if (r < 0.6)
      return {
        kind: 'breakdown',
        path: `/api/v1/indicators/${indicator}/breakdown?date=${day()}&by=${pick(dimensions)}&${where}`,
      };
    if (r < 0.8) {
      const rows = pick(dimensions);
      const columns = pick(dimensions.filter((d: DimensionId) => d !== rows));
      return {
        kind: 'crosstab',
        path: `/api/v1/indicators/${indicator}/crosstab?date=${day()}&rows=${rows}&columns=${columns}&${where}`,
      };
    }
    const [from, to] = [month(), month()].sort() as [string, string];
    return {
      kind: 'series',
      path: `/api/v1/indicators/${indicator}/series?from=${from}&to=${to}&interval=${pick(['month', 'quarter', 'year'] as const)}&${where}`,
    };
  };
}

// ---------------------------------------------------------------------------------------
// The loader

interface Result {
  requests: number;
  answered: number[];
  errors: Map<number, number>;
  noAnswer: number;
  failed: number;
  seconds: number;
  byKind: Map<string, number[]>;
  loadBefore: string;
  loadAfter: string;
  firstError?: string;
}

function get(agent: Agent, base: string, path: string): Promise<{ status: number; body?: string }> {
  return new Promise((done, fail) => {
    const req = request(`${base}${path}`, { agent, timeout: TIMEOUT_MS }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (status >= 400) chunks.push(chunk);
      });
      res.on('end', () =>
        done({ status, ...(status >= 400 ? { body: Buffer.concat(chunks).toString() } : {}) }),
      );
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

async function run(
  base: string,
  seconds: number,
  next: () => { kind: string; path: string },
  connections = CONNECTIONS,
): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: Result = {
    requests: 0,
    answered: [],
    errors: new Map(),
    noAnswer: 0,
    failed: 0,
    seconds,
    byKind: new Map(),
    loadBefore: load(),
    loadAfter: '',
  };
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const { kind, path } = next();
      const started = performance.now();
      result.requests += 1;
      try {
        const { status, body } = await get(agent, base, path);
        const ms = performance.now() - started;
        if (status >= 400) {
          result.errors.set(status, (result.errors.get(status) ?? 0) + 1);
          result.firstError ??= `${status} ${path}: ${body?.slice(0, 300)}`;
        } else {
          result.answered.push(ms);
          const list = result.byKind.get(kind) ?? [];
          list.push(ms);
          result.byKind.set(kind, list);
        }
      } catch (error) {
        if ((error as Error).message === 'timeout') result.noAnswer += 1;
        else {
          result.failed += 1;
          result.firstError ??= `${(error as Error).message} ${path}`;
        }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  result.seconds = (performance.now() - started) / 1000;
  result.loadAfter = load();
  agent.destroy();
  return result;
}

/**
 * Waits until the server answers /api/v1/health within 100 ms (at most 60 s): requests given
 * up by the loader are still worked on by the server, and must not count in the next phase.
 */
async function settle(base: string) {
  const until = performance.now() + 60_000;
  while (performance.now() < until) {
    const started = performance.now();
    await fetch(`${base}/api/v1/health`);
    if (performance.now() - started < 100) return;
    await new Promise((done) => setTimeout(done, 500));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}
const ms = (x: number) =>
  Number.isNaN(x) ? '–' : x >= 100 ? fmt.format(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2);

function summary(result: Result) {
  const sorted = [...result.answered].sort((a, b) => a - b);
  const errors = [...result.errors.values()].reduce((a, b) => a + b, 0);
  return {
    rate: result.answered.length / result.seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    errors,
    errorText: [...result.errors].map(([s, n]) => `${n}×${s}`).join(', ') || '0',
    noAnswer: result.noAnswer + result.failed,
  };
}

/** The mix one request at a time: each request's own time, by kind, and the slowest. */
async function serial(
  base: string,
  label: string,
  count: number,
  next: () => { kind: string; path: string },
) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const loadBefore = load();
  const timed: { kind: string; path: string; ms: number; status: number }[] = [];
  for (let i = 0; i < count; i++) {
    const { kind, path } = next();
    const started = performance.now();
    const { status } = await get(agent, base, path);
    timed.push({ kind, path, ms: performance.now() - started, status });
  }
  agent.destroy();
  const total = timed.reduce((sum, t) => sum + t.ms, 0);
  console.log(
    `\n${label}: ${count} requests one at a time in ${fmt.format(total)} ms (load average ${loadBefore} → ${load()}); errors: ${timed.filter((t) => t.status >= 400).length}`,
  );
  console.log('| Figures | Requests | Median ms | p99 ms | Sum ms | Share of the time |');
  console.log('| ------- | -------: | --------: | -----: | -----: | ----------------: |');
  const kinds = new Map<string, typeof timed>();
  for (const t of timed) {
    const list = kinds.get(t.kind) ?? [];
    list.push(t);
    kinds.set(t.kind, list);
  }
  const row = (label: string, list: typeof timed) => {
    const sorted = list.map((t) => t.ms).sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    console.log(
      `| ${label} | ${list.length} | ${ms(percentile(sorted, 0.5))} | ${ms(percentile(sorted, 0.99))} | ${fmt.format(sum)} | ${((100 * sum) / total).toFixed(1)} % |`,
    );
  };
  for (const [kind, list] of [...kinds].sort()) row(kind, list);
  // The whole state (district=all) against one district: the state's figures read every
  // district's rows.
  const state = (t: (typeof timed)[number]) => t.path.includes('district=all');
  row('whole state', timed.filter(state));
  row(
    'one district',
    timed.filter((t) => !state(t)),
  );
  console.log('\nThe slowest:');
  for (const t of [...timed].sort((a, b) => b.ms - a.ms).slice(0, 15))
    console.log(`  ${fmt.format(t.ms)} ms ${t.status} ${t.path}`);
}

// ---------------------------------------------------------------------------------------

console.log(
  `Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node.js ${process.version}; load average ${load()} at the start`,
);
console.log(
  `Load: ${CONNECTIONS} connections, mix ${DURATION} s, baseline ${BASELINE_DURATION} s, timeout ${TIMEOUT_MS / 1000} s, loopback only`,
);
const table: string[] = [
  '| Data | Phase | Requests/s | p50 ms | p90 ms | p99 ms | Errors | No answer | Load average before → after |',
  '| ---- | ----- | ---------: | -----: | -----: | -----: | -----: | --------: | --------------------------- |',
];
const kinds: string[] = [];
for (const data of DATA) {
  const url = data === 'demo' ? (values['demo-url'] as string) : (values['state-url'] as string);
  await ensureDatabase(url);
  const server = await startServer(url, { cpuProf: values['cpu-prof'] });
  try {
    const extent = await extentOf(url);
    const label = `${data} (${fmt.format(extent.cases)} cases)`;
    console.log(
      `\n${label}: server listening after ${fmt.format(server.listeningAfter)} ms; dates ${extent.first} … ${extent.last}, ${extent.districts.length} district(s)`,
    );
    // Warm-up: the first public answer of a district runs its headline audit (linear
    // programs, once per state of the data); each district's first, one at a time, timed.
    const audits: string[] = [];
    for (const district of extent.districts) {
      const started = performance.now();
      await fetch(`${server.base}/api/v1/indicators?date=${extent.last}&district=${district}`);
      audits.push(`${district} ${fmt.format(performance.now() - started)} ms`);
    }
    console.log(`  first public answer per district (headline audit): ${audits.join(', ')}`);
    await run(server.base, 5, requestMaker(extent, 1), 10);
    await settle(server.base);
    if (SERIAL !== undefined) {
      await serial(server.base, label, SERIAL, requestMaker(extent, Number(values.seed)));
      continue;
    }
    const baseline = await run(server.base, BASELINE_DURATION, () => ({
      kind: 'health',
      path: '/api/v1/health',
    }));
    await settle(server.base);
    const mix = await run(server.base, DURATION, requestMaker(extent, Number(values.seed)));
    const b = summary(baseline);
    const m = summary(mix);
    for (const [phase, s, r] of [
      ['baseline GET /api/v1/health', b, baseline],
      ['figure mix', m, mix],
    ] as const) {
      const line = `| ${label} | ${phase} | ${s.rate.toFixed(1)} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${s.errorText} | ${s.noAnswer} | ${r.loadBefore} → ${r.loadAfter} |`;
      table.push(line);
      console.log(line);
      if (r.firstError) console.log(`  first error: ${r.firstError}`);
    }
    console.log(
      `  ratio mix ÷ baseline: requests/s ${(m.rate / b.rate).toFixed(3)}, p99 ${(m.p99 / b.p99).toFixed(1)}×`,
    );
    table.push(
      `| ${label} | ratio mix ÷ baseline | ${(m.rate / b.rate).toFixed(3)} | ${(m.p50 / b.p50).toFixed(1)}× | ${(m.p90 / b.p90).toFixed(1)}× | ${(m.p99 / b.p99).toFixed(1)}× | | | |`,
    );
    for (const [kind, list] of [...mix.byKind].sort()) {
      const sorted = [...list].sort((x, y) => x - y);
      kinds.push(
        `| ${label} | ${kind} | ${fmt.format(list.length)} | ${ms(percentile(sorted, 0.5))} | ${ms(percentile(sorted, 0.9))} | ${ms(percentile(sorted, 0.99))} |`,
      );
    }
  } finally {
    await server.stop();
  }
}
console.log(`\n${table.join('\n')}\n`);
console.log('| Data | Figures | Answered | p50 ms | p90 ms | p99 ms |');
console.log('| ---- | ------- | -------: | -----: | -----: | -----: |');
console.log(kinds.join('\n'));
console.log(`\nLoad average at the end: ${load()}`);
