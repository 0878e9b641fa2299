// npm run bench:figures -- [--database-url URL] [--requests 50] [--direct-budget 60]
// Latency of the interim-report figures, the breakdown by municipality and a five-year
// monthly series, for one district (Ludwigsburg) and for the whole state, through the HTTP
// API on the state-wide data set (npm run fixtures:state; made here when missing), next to
// the same figures computed directly from the case rows with SQL through `pg`, in the same
// run. The server runs as `npm start` runs it, in a child process on a free port (rate
// limits off); requests are real HTTP requests (node:http) over a kept-alive connection,
// one at a time, after a warm-up.
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { createToken, revokeToken } from '../server/accounts/accounts.ts';
import { openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import { monthlyCovers, refreshStaleMonthlyFigures } from '../server/indicators/figures-monthly.ts';
import { DEFAULT_STATE_URL, ensureStateData, readStateMarker } from './generate-state.ts';
import { measureProtection, protectionTable } from './lib/bench-protection.ts';
import { startServer } from './lib/serve.ts';
import { STATE_DEFAULTS } from './lib/state-data.ts';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    requests: { type: 'string', default: '50' },
    'direct-budget': { type: 'string', default: '60' },
  },
});
const DATABASE_URL = values['database-url'] ?? DEFAULT_STATE_URL;
const REQUESTS = Number(values.requests);
const WARM_UP = 5;
/** Seconds a direct query may take in all, per row of the table: some take seconds each. */
const DIRECT_BUDGET = Number(values['direct-budget']);
if (!Number.isInteger(REQUESTS) || REQUESTS < 1) throw new RangeError('--requests must be ≥ 1');
if (!(DIRECT_BUDGET > 0)) throw new RangeError('--direct-budget must be a number of seconds');

const DISTRICT = '08118';
const DATE = '2021-01-01';
const SERIES_FROM = '2019-01';
const SERIES_TO = '2023-12';

const fmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const ms = (x: number) => (x >= 100 ? fmt.format(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface Timing {
  median: number;
  p95: number;
  n: number;
}

/** Nearest-rank percentiles of the measured milliseconds. */
function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(mid)] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, p95: rank(0.95), n: sorted.length };
}

// ---------------------------------------------------------------------------------------
// The data set and the machine

let marker = await readStateMarker(DATABASE_URL);
if (!marker?.completed) {
  console.log('No complete state data set in the database: generating it first.');
  await ensureStateData({ url: DATABASE_URL, params: { ...STATE_DEFAULTS } });
  marker = await readStateMarker(DATABASE_URL);
}
const direct = new pg.Client({ connectionString: DATABASE_URL });
await direct.connect();
const machine = await (async () => {
  const { rows } = await direct.query<{
    version: string;
    shared_buffers: string;
    work_mem: string;
  }>(
    `SELECT current_setting('server_version') AS version,
       current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem`,
  );
  const setting = rows[0] as (typeof rows)[number];
  const { rows: size } = await direct.query<{ cases: string; status: string; districts: string }>(
    `SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_status) AS status,
       (SELECT count(DISTINCT district_key) FROM cases) AS districts`,
  );
  const s = size[0] as (typeof size)[number];
  return {
    line: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${fmt.format(totalmem() / 1024 ** 3)} GiB RAM, Node.js ${process.version}, PostgreSQL ${setting.version} (shared_buffers ${setting.shared_buffers}, work_mem ${setting.work_mem}) on the same machine; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')} at the start`,
    data: `${fmt.format(Number(s.cases))} cases in ${s.districts} districts, ${fmt.format(Number(s.status))} status records (seed ${marker?.seed}, generated in ${marker?.seconds === null || marker?.seconds === undefined ? '?' : fmt.format(marker.seconds)} s)`,
  };
})();
console.log(`Machine: ${machine.line}`);
console.log(`Data: ${machine.data}`);

// ---------------------------------------------------------------------------------------
// Through the API

// The database as a server start leaves it (migrated), for the token, the coverage and the
// rebuild at start; the requests go to the server below.
const database = await openDatabase({ url: DATABASE_URL });
await migrate(database);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const token = await createToken(database.db, {
  district: DISTRICT,
  name: `bench-${Date.now()}`,
  role: 'admin',
  createdBy: 'bench',
});

type Scope = typeof DISTRICT | 'all';
interface Case {
  figures: 'interim report' | 'breakdown by municipality' | 'monthly series 2019–2023';
  scope: Scope;
  path: string;
}
const cases: Case[] = (['08118', 'all'] as const).flatMap((scope) => [
  {
    figures: 'interim report' as const,
    scope,
    path: `/api/v1/indicators?date=${DATE}&district=${scope}`,
  },
  {
    figures: 'breakdown by municipality' as const,
    scope,
    path: `/api/v1/indicators/clients_active/breakdown?date=${DATE}&by=municipality&district=${scope}`,
  },
  {
    figures: 'monthly series 2019–2023' as const,
    scope,
    path: `/api/v1/indicators/clients_active/series?from=${SERIES_FROM}&to=${SERIES_TO}&interval=month&district=${scope}`,
  },
]);

interface ApiResult {
  timing?: Timing;
  problem?: string;
  body?: unknown;
  /** Whether the monthly figures hold the request's dates (else the app reads case rows). */
  monthly?: boolean;
  /** Said when the answer names another district than the one asked for. */
  answeredFor?: string;
}

/**
 * One request as a plain HTTP client makes it (node:http, a kept-alive connection), taking
 * gzip as browsers do, the body read as bytes, unpacked and decoded once. Not fetch: its
 * body stream took about 5 ms for the 232 KB state-wide breakdown by municipality, which
 * the server sends in 1.4 ms (curl on a kept-alive connection).
 */
function request(path: string): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        agent,
        headers: {
          authorization: `Bearer ${token.secret}`,
          accept: 'application/json',
          'accept-encoding': 'gzip',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          // Unpacked here, as a browser does: part of the time measured.
          const bytes = res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
          done({ status: res.statusCode ?? 0, text: bytes.toString() });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

async function measureApi(c: Case): Promise<ApiResult> {
  for (let i = 0; i < WARM_UP; i++) {
    const { status, text } = await request(c.path);
    if (status !== 200) {
      let detail = text.slice(0, 200);
      try {
        const problem = JSON.parse(text) as { detail?: string; title?: string };
        detail = problem.detail ?? problem.title ?? detail;
      } catch {}
      return { problem: `HTTP ${status}: ${detail}` };
    }
  }
  const samples: number[] = [];
  let last = '';
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const { status, text } = await request(c.path);
    samples.push(performance.now() - started);
    if (status !== 200) return { problem: `HTTP ${status} after ${i} requests` };
    last = text;
  }
  const body = JSON.parse(last) as { district?: unknown };
  return {
    timing: summarise(samples),
    body,
    monthly: await monthlyCovers(
      database.db,
      { district: c.scope === 'all' ? undefined : c.scope },
      c.figures === 'monthly series 2019–2023' ? monthEnds() : [DATE],
    ),
    // An app that does not know the parameter answers for its own district instead.
    ...(typeof body.district === 'string' && body.district !== c.scope
      ? { answeredFor: `answered for district ${body.district}, not ${c.scope}` }
      : {}),
  };
}

/** The last days of the months of the series, as the direct query computes them. */
function monthEnds(): string[] {
  const dates: string[] = [];
  const [fromYear, fromMonth] = SERIES_FROM.split('-').map(Number) as [number, number];
  const [toYear, toMonth] = SERIES_TO.split('-').map(Number) as [number, number];
  for (let m = fromYear * 12 + fromMonth - 1; m <= toYear * 12 + toMonth - 1; m++) {
    dates.push(new Date(Date.UTC(Math.floor(m / 12), (m % 12) + 1, 0)).toISOString().slice(0, 10));
  }
  return dates;
}

const source = (result: ApiResult) =>
  [
    result.monthly ? 'monthly figures cover it' : 'not covered by the monthly figures',
    result.answeredFor,
  ]
    .filter(Boolean)
    .join('; ');

// As a server start does (server/main.ts): monthly figures made by older definitions are
// rebuilt once before anything is served.
const rebuildStarted = performance.now();
const rebuilt = await refreshStaleMonthlyFigures(database.db, ({ district, provider }) =>
  console.log(`Rebuilding monthly figures made by older definitions: ${district} ${provider}`),
);
console.log(
  `Monthly figures rebuilt at start: ${rebuilt} provider(s), ${((performance.now() - rebuildStarted) / 1000).toFixed(1)} s`,
);

// The server as `npm start` runs it, in a process of its own: a client's time, not the
// time this process spends reading the answers beside its own work.
const server = await startServer(DATABASE_URL, { district: DISTRICT, quiet: true });
const base = server.base;
const api = new Map<Case, ApiResult>();
for (const c of cases) {
  const result = await measureApi(c);
  api.set(c, result);
  console.log(
    `API ${c.figures}, ${c.scope}: ${result.timing ? `median ${ms(result.timing.median)} ms, p95 ${ms(result.timing.p95)} ms, ${source(result)}` : result.problem}`,
  );
}
agent.destroy();
await server.stop();

// What the disclosure model costs: the district's figures for the district office and for
// the public, on a fresh app of their own (its first public request runs the headline audit).
const protection = await measureProtection({
  databaseUrl: DATABASE_URL,
  district: DISTRICT,
  adminSecret: token.secret,
  cases: [
    ...cases.filter((c) => c.scope === DISTRICT),
    // The table audit after perturbation has most to do in a share's cross-table of small
    // cells: numerator and denominator, each a linked table of towns × age groups.
    {
      figures: 'cross-table share, towns × age groups',
      path: `/api/v1/indicators/employment_sv_share/crosstab?date=${DATE}&rows=municipality&columns=age_group&district=${DISTRICT}`,
    },
  ],
  requests: REQUESTS,
  warmUp: WARM_UP,
  summarise,
});
console.log(
  `Protection measured at load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')}`,
);
await revokeToken(database.db, DISTRICT, token.id);
await database.close();

// ---------------------------------------------------------------------------------------
// Directly from the case rows

/**
 * Status on a date as case-facts.ts defines it: the latest record dated on or before it,
 * one index lookup along case_status's primary key per case and kind.
 */
const statusOn = (kind: string, on: string) => `(
  SELECT s.value FROM case_status s
  WHERE s.district_key = c.district_key AND s.provider = c.provider AND s.case_id = c.case_id
    AND s.kind = '${kind}' AND s.since <= ${on}
  ORDER BY s.since DESC LIMIT 1)`;

/** The eight counts of the interim report over `facts`, as registry.ts defines them. */
const INTERIM_COUNTS = `
  count(*) FILTER (WHERE active)::int AS clients_active,
  count(*) FILTER (WHERE active AND age < 18)::int AS clients_minor,
  count(*) FILTER (WHERE active AND age >= 18)::int AS clients_adult,
  count(*) FILTER (WHERE active AND age >= 18 AND language_level IN ('B1', 'B2', 'C1', 'C2'))::int AS language_b1_plus,
  count(*) FILTER (WHERE active AND age >= 18 AND employment = 'sv_employment')::int AS employment_sv,
  count(*) FILTER (WHERE active AND age >= 18
    AND employment IN ('vocational_training', 'internship', 'studies'))::int AS training,
  count(*) FILTER (WHERE closed)::int AS cases_closed,
  count(*) FILTER (WHERE closed AND lease_signed_on <= ended_on)::int AS cases_closed_with_lease`;

/** The fact columns the eight counts look at, for case `c` on the date expression `on`. */
const facts = (on: string) => `
  c.municipality, c.ended_on, c.lease_signed_on,
  c.started_on <= ${on} AND (c.ended_on IS NULL OR c.ended_on > ${on}) AS active,
  coalesce(c.ended_on <= ${on}, false) AS closed,
  date_part('year', age(${on}, c.birth_month))::int AS age,
  ${statusOn('language_level', on)} AS language_level,
  ${statusOn('employment', on)} AS employment`;

const where = (scope: Scope) => (scope === 'all' ? 'true' : `c.district_key = '${scope}'`);
const MONTH_ENDS = `SELECT (m + interval '1 month' - interval '1 day')::date AS on_date
  FROM generate_series('${SERIES_FROM}-01'::date, '${SERIES_TO}-01'::date, interval '1 month') m`;

interface DirectQuery {
  label: string;
  sql: (scope: Scope) => string;
}
const DIRECT: Record<Case['figures'], DirectQuery[]> = {
  'interim report': [
    {
      label: 'direct SQL: the 8 interim-report counts',
      sql: (scope) => `
        WITH facts AS (SELECT ${facts(`'${DATE}'::date`)} FROM cases c WHERE ${where(scope)})
        SELECT ${INTERIM_COUNTS} FROM facts`,
    },
  ],
  'breakdown by municipality': [
    {
      label: 'direct SQL: clients_active by municipality',
      sql: (scope) => `
        SELECT c.municipality AS key, count(*)::int AS clients_active
        FROM cases c
        WHERE ${where(scope)} AND c.started_on <= '${DATE}'::date
          AND (c.ended_on IS NULL OR c.ended_on > '${DATE}'::date)
        GROUP BY 1`,
    },
    {
      label: 'direct SQL: the 8 counts by municipality',
      sql: (scope) => `
        WITH facts AS (SELECT ${facts(`'${DATE}'::date`)} FROM cases c WHERE ${where(scope)})
        SELECT municipality AS key, ${INTERIM_COUNTS} FROM facts GROUP BY 1`,
    },
  ],
  'monthly series 2019–2023': [
    {
      label: 'direct SQL: clients_active on 60 month ends, one query',
      sql: (scope) => `
        WITH points AS (${MONTH_ENDS})
        SELECT p.on_date::text AS key,
          count(*) FILTER (WHERE c.started_on <= p.on_date
            AND (c.ended_on IS NULL OR c.ended_on > p.on_date))::int AS clients_active
        FROM points p CROSS JOIN cases c WHERE ${where(scope)}
        GROUP BY p.on_date ORDER BY p.on_date`,
    },
    {
      label: 'direct SQL: the 8 counts on 60 month ends, one query',
      sql: (scope) => `
        WITH points AS (${MONTH_ENDS}),
        facts AS (SELECT p.on_date, ${facts('p.on_date')} FROM points p CROSS JOIN cases c
          WHERE ${where(scope)})
        SELECT on_date::text AS key, ${INTERIM_COUNTS} FROM facts
        GROUP BY on_date ORDER BY on_date`,
    },
  ],
};

interface DirectResult {
  label: string;
  timing: Timing;
  warmUps: number;
  rows: Record<string, unknown>[];
}

/**
 * Up to WARM_UP unmeasured runs and REQUESTS measured ones, but each phase stops once it
 * has used its share of DIRECT_BUDGET seconds (at least one run each): a state-wide query
 * over a million cases takes seconds, and fifty of them would take hours. A query whose
 * first run alone takes longer than the whole budget runs once, and that run is the one
 * measured (warm-ups: 0).
 */
async function measureDirect(query: string): Promise<Omit<DirectResult, 'label'>> {
  let warmUps = 0;
  let spent = 0;
  while (warmUps < WARM_UP && (warmUps === 0 || spent < DIRECT_BUDGET * 1000 * 0.25)) {
    const started = performance.now();
    const { rows } = await direct.query(query);
    const took = performance.now() - started;
    if (warmUps === 0 && took > DIRECT_BUDGET * 1000)
      return { timing: summarise([took]), warmUps: 0, rows };
    spent += took;
    warmUps++;
  }
  const samples: number[] = [];
  let rows: Record<string, unknown>[] = [];
  spent = 0;
  while (samples.length < REQUESTS && (samples.length === 0 || spent < DIRECT_BUDGET * 1000)) {
    const started = performance.now();
    rows = (await direct.query(query)).rows;
    const took = performance.now() - started;
    samples.push(took);
    spent += took;
  }
  return { timing: summarise(samples), warmUps, rows };
}

const directResults = new Map<Case, DirectResult[]>();
for (const c of cases) {
  const results: DirectResult[] = [];
  for (const query of DIRECT[c.figures]) {
    const result = { label: query.label, ...(await measureDirect(query.sql(c.scope))) };
    results.push(result);
    console.log(
      `${query.label}, ${c.scope}: median ${ms(result.timing.median)} ms, p95 ${ms(result.timing.p95)} ms (${result.timing.n} runs after ${result.warmUps} warm-up)`,
    );
  }
  directResults.set(c, results);
}
await direct.end();

// ---------------------------------------------------------------------------------------
// Do both ways give the same numbers? (The API's last answer against the direct rows.)

interface Figure {
  id?: string;
  key?: string;
  date?: string;
  value: number | null;
  numerator: number | null;
  suppressed?: boolean;
  protection?: string;
}
function agreement(c: Case): string {
  const body = api.get(c)?.body as
    | { indicators?: Figure[]; rows?: Figure[]; points?: Figure[] }
    | undefined;
  const rows = directResults.get(c)?.[0]?.rows ?? [];
  if (!body) return 'not compared (no API answer)';
  const mismatches: string[] = [];
  let compared = 0;
  let withheld = 0;
  let perturbed = 0;
  const check = (what: string, figure: Figure | undefined, directValue: unknown) => {
    // State-wide figures follow the restricted rules even for an admin: small cells are withheld.
    if (figure?.suppressed) {
      withheld++;
      return;
    }
    // State-wide figures are perturbed by cell keys (docs/disclosure.md): near, never equal.
    if (figure?.protection === 'perturbed') {
      perturbed++;
      return;
    }
    const apiValue = figure?.value;
    compared++;
    if (Number(apiValue ?? 0) !== Number(directValue ?? 0))
      mismatches.push(`${what}: API ${apiValue}, direct ${directValue}`);
  };
  if (c.figures === 'interim report') {
    const row = rows[0] ?? {};
    const byId = new Map((body.indicators ?? []).map((f) => [f.id, f]));
    const pairs: [string, string, 'value' | 'numerator'][] = [
      ['clients_active', 'clients_active', 'value'],
      ['clients_minor', 'clients_minor', 'value'],
      ['clients_adult', 'clients_adult', 'value'],
      ['language_b1_plus_share', 'language_b1_plus', 'numerator'],
      ['employment_sv_share', 'employment_sv', 'numerator'],
      ['training_share', 'training', 'numerator'],
      ['cases_closed', 'cases_closed', 'value'],
      ['cases_closed_with_lease', 'cases_closed_with_lease', 'value'],
    ];
    for (const [id, column, field] of pairs) {
      const figure = byId.get(id);
      check(id, figure && { ...figure, value: figure[field] }, row[column]);
    }
  } else if (c.figures === 'breakdown by municipality') {
    const direct = new Map(rows.map((r) => [String(r.key), r.clients_active]));
    for (const row of body.rows ?? []) check(String(row.key), row, direct.get(String(row.key)));
  } else {
    const direct = new Map(rows.map((r) => [String(r.key), r.clients_active]));
    for (const point of body.points ?? []) {
      if (point.date && direct.has(point.date)) check(point.date, point, direct.get(point.date));
    }
  }
  const hidden = [
    withheld > 0 ? `; ${withheld} withheld by the disclosure rules` : '',
    perturbed > 0 ? `; ${perturbed} perturbed by cell keys` : '',
  ].join('');
  if (compared === 0) return `not compared (no matching figures${hidden})`;
  return mismatches.length === 0
    ? `all ${compared} figures equal${hidden}`
    : `${mismatches.length} of ${compared} differ (${mismatches.slice(0, 3).join('; ')})${hidden}`;
}

// ---------------------------------------------------------------------------------------
// The table

const lines = [
  '| Figures | District | Path | Median ms | p95 ms | Requests | Direct ÷ API (median) |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: |',
];
const notes: string[] = [];
for (const c of cases) {
  const scope = c.scope === 'all' ? 'all (state)' : c.scope;
  const a = api.get(c) as ApiResult;
  lines.push(
    a.timing
      ? `| ${c.figures} | ${scope} | HTTP API (${source(a)}) | ${ms(a.timing.median)} | ${ms(a.timing.p95)} | ${a.timing.n} | |`
      : `| ${c.figures} | ${scope} | HTTP API | – | – | – | ${a.problem} |`,
  );
  for (const d of directResults.get(c) ?? []) {
    const ratio = a.timing ? (d.timing.median / a.timing.median).toFixed(1) : '–';
    lines.push(
      `| ${c.figures} | ${scope} | ${d.label} | ${ms(d.timing.median)} | ${ms(d.timing.p95)} | ${d.timing.n}${d.warmUps === 0 ? ' (cold)' : ''} | ${ratio} |`,
    );
  }
  notes.push(`- ${c.figures}, ${scope}: ${agreement(c)}`);
}

const goal = cases
  .map((c) => {
    const a = api.get(c)?.timing;
    const [same, ...more] = directResults.get(c) ?? [];
    if (!a || !same) return `${c.figures} (${c.scope}): not measured`;
    const ratio = (d: DirectResult) => `${(d.timing.median / a.median).toFixed(1)}×`;
    const met = a.median < 20 && same.timing.median / a.median >= 10;
    const others = more.map((d) => `, ${ratio(d)} against ${d.label.replace('direct SQL: ', '')}`);
    return `${c.figures} (${c.scope}): ${met ? 'met' : 'NOT met'} (${ms(a.median)} ms; ${ratio(same)} against the same figure direct${others.join('')})`;
  })
  .join('\n- ');

console.log(`
## Figures: a state of ${fmt.format(marker?.cases ?? 0)} cases

\`npm run bench:figures -- --requests ${REQUESTS}\` on the data set of \`npm run fixtures:state\`:
${machine.data}.

**Machine.** ${machine.line}.

The server runs in a process of its own on PostgreSQL, as \`npm start\` runs it, after a
server start's rebuild of monthly figures made by older definitions. Each API figure:
${WARM_UP} warm-up requests, then ${REQUESTS} timed ones, one at a time over a kept-alive
connection (node:http, taking gzip as browsers do, the answer unpacked), with an
admin token of ${DISTRICT} (its own figures unsuppressed; state-wide figures follow the
restricted rules for every role). Direct SQL: the same figures from \`cases\` and
\`case_status\` through \`pg\` on one connection, the status on a date found as
case-facts.ts does (latest record with \`since\` on or before it), the series as one query
over the 60 month ends (\`generate_series\`, cross join). Each direct query ran at most
${WARM_UP} warm-ups and ${REQUESTS} timed runs within ${DIRECT_BUDGET} s: the Requests
column says how many it got ("cold": one run longer than that, without warm-up). The ratio
compares medians. The first direct row of each figure computes exactly what the endpoint
answers; the further rows compute the interim report's eight counts, which need the status
history.

${lines.join('\n')}

Same numbers both ways (the API's last answer against the first direct query):
${notes.join('\n')}

### What the protection costs per request

The district's figures above once more, asked for by the district office (admin token:
exact) and by the public (no token: cell-key perturbation, the audited headline figures),
alternating figure by figure on one app, ${WARM_UP} warm-ups and ${REQUESTS} timed requests each.

${protectionTable(protection, ms)}

Goal (under 20 ms median through the API, at least ten times faster than the direct query
of the same figure):
- ${goal}
`);
