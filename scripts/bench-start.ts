// npm run bench:start -- [--database-url URL] [--wait-rebuild] [--no-tsx]
// A server start at scale with every monthly figure stale. Marks the benchmark database's
// monthly figures stale (the server starts rebuilding them) and, at the end, marks the
// slices the servers did not rebuild as they were (their rows were never changed): never
// point it at real data. In the same run, each started as `npm start` starts it (the bundled
// server, scripts/server-bundle.mjs; the bundle is made before the timing):
// 1. baseline: the server started on the database as it is (monthly figures as they are);
// 2. every slice of the monthly figures marked as made by other definitions (stale), and
//    the server started again;
// 3. the same stale start with the TypeScript sources loaded through tsx (how the server
//    started before the bundle; left out with --no-tsx).
// Each time: milliseconds from the spawn until the server listens and until the first
// answer of GET /api/v1/health (polled every 25 ms), what it says about the monthly figures,
// and right after that the district's figures on a date within a month and a breakdown
// (admin token: exact figures), both the time they took and the time from the spawn until
// they were answered; they are then compared with the direct SQL over the case rows
// (countsOn with source 'direct' on its own connection). With --wait-rebuild, the time until
// /api/v1/health says `current` again.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createToken, revokeToken } from '../server/accounts/accounts.ts';
import { openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import { countsOn } from '../server/indicators/figures.ts';
import { INDICATORS } from '../server/indicators/registry.ts';
import { serverEntry, startServer } from './lib/serve.ts';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/zb_state' },
    'wait-rebuild': { type: 'boolean', default: false },
    'no-tsx': { type: 'boolean', default: false },
    district: { type: 'string', default: '08118' },
    date: { type: 'string', default: '2021-06-17' },
  },
});
const URL_ = values['database-url'] as string;
const DISTRICT = values.district as string;
const DATE = values.date as string;
const host = new URL(URL_).hostname;
if (host !== '127.0.0.1' && host !== 'localhost') throw new Error('Loopback databases only.');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const fmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

const handle = await openDatabase({ url: URL_ });
await migrate(handle);
const db = handle.db;
const { rows: size } = await sql<{
  cases: string;
}>`SELECT count(*)::text AS cases FROM cases`.execute(db);
console.log(
  `Data: ${fmt.format(Number(size[0]?.cases))} cases in ${URL_.replace(/^.*\//, '')}; load average ${load()} at the start`,
);
const { secret, id } = await (async () => {
  const created = await createToken(db, {
    district: DISTRICT,
    name: `bench-start-${Date.now()}`,
    role: 'admin',
    createdBy: 'bench',
  });
  return { secret: created.secret, id: created.id };
})();

/** What the API answers for the district on DATE, and whether it equals the direct SQL. */
async function figuresAt(base: string) {
  const headers = { authorization: `Bearer ${secret}` };
  const started = performance.now();
  const [report, breakdown] = await Promise.all([
    fetch(`${base}/api/v1/indicators?date=${DATE}&district=${DISTRICT}`, { headers }),
    fetch(
      `${base}/api/v1/indicators/clients_active/breakdown?date=${DATE}&by=municipality&district=${DISTRICT}`,
      { headers },
    ),
  ]);
  const ms = performance.now() - started;
  if (report.status !== 200 || breakdown.status !== 200)
    throw new Error(`Figures answered ${report.status} / ${breakdown.status}`);
  const answer = (await report.json()) as { indicators: { id: string; value: number | null }[] };
  const byTown = (await breakdown.json()) as { rows: { key: string; value: number | null }[] };
  const scope = { district: DISTRICT };
  const point = [{ date: DATE, periodFrom: `${DATE.slice(0, 4)}-01-01` }];
  const direct = (await countsOn(db, scope, point, INDICATORS, undefined, { source: 'direct' }))
    .get(DATE)
    ?.get('');
  const directByTown = (
    await countsOn(
      db,
      scope,
      point,
      INDICATORS.filter((i) => i.id === 'clients_active'),
      'municipality',
      { source: 'direct' },
    )
  ).get(DATE);
  let compared = 0;
  const differ: string[] = [];
  for (const { id: indicator, value } of answer.indicators) {
    const found = INDICATORS.find((i) => i.id === indicator);
    if (found?.kind !== 'count') continue;
    compared += 1;
    if ((direct?.[indicator] ?? 0) !== value)
      differ.push(`${indicator} ${value}≠${direct?.[indicator]}`);
  }
  for (const row of byTown.rows) {
    compared += 1;
    const want = directByTown?.get(row.key)?.clients_active ?? 0;
    if (want !== row.value) differ.push(`clients_active ${row.key} ${row.value}≠${want}`);
  }
  return { ms, compared, differ };
}

async function measureStart(label: string, source: 'bundle' | 'tsx' = 'bundle') {
  // The bundle is made (if the sources changed) before the clock starts.
  await serverEntry(source);
  const loadBefore = load();
  const spawned = performance.now();
  const server = await startServer(URL_, { quiet: true, district: DISTRICT, source });
  try {
    let health: { monthly_figures: string } | undefined;
    let healthAfter = 0;
    while (!health) {
      try {
        const response = await fetch(`${server.base}/api/v1/health`);
        if (response.status === 200) {
          health = (await response.json()) as { monthly_figures: string };
          healthAfter = performance.now() - spawned;
        }
      } catch {
        await new Promise((done) => setTimeout(done, 25));
      }
    }
    const figures = await figuresAt(server.base);
    const figuresAfter = healthAfter + figures.ms;
    let currentAfter: number | undefined;
    if (values['wait-rebuild']) {
      for (;;) {
        const state = (
          (await (await fetch(`${server.base}/api/v1/health`)).json()) as {
            monthly_figures: string;
          }
        ).monthly_figures;
        if (state === 'current') break;
        await new Promise((done) => setTimeout(done, 1000));
      }
      currentAfter = performance.now() - spawned;
    }
    const line = `| ${label} | ${fmt.format(server.listeningAfter)} | ${fmt.format(healthAfter)} | ${health.monthly_figures} | ${fmt.format(figures.ms)} | ${fmt.format(figuresAfter)} | ${figures.compared - figures.differ.length} of ${figures.compared} equal | ${currentAfter === undefined ? '–' : fmt.format(currentAfter / 1000)} | ${loadBefore} → ${load()} |`;
    console.log(line);
    if (figures.differ.length > 0)
      console.log(`  differ: ${figures.differ.slice(0, 10).join('; ')}`);
    return { line, healthAfter, figuresAfter };
  } finally {
    await server.stop();
  }
}

const lines = [
  '| Start | Listening after ms | /api/v1/health after ms | monthly_figures | figures on the date and a breakdown ms | first figures after ms | equal to the direct SQL | current after s | load average before → after |',
  '| ----- | -----------------: | ----------------------: | --------------- | -------------------------------------: | ---------------------: | ----------------------- | --------------: | --------------------------- |',
];
/** Marks every slice stale, keeping what it was made by, so that it can be marked back. */
const STALE = 'stale-by-bench-start:';
async function markStale() {
  const { rows } = await sql<{ n: number }>`
    WITH marked AS (
      UPDATE figures_monthly_slices SET version = ${STALE} || version
      WHERE version NOT LIKE ${`${STALE}%`} RETURNING 1
    ) SELECT count(*)::int AS n FROM marked`.execute(db);
  console.log(`${rows[0]?.n} slices of the monthly figures marked stale`);
}
try {
  const baseline = await measureStart('monthly figures as they are (baseline)');
  lines.push(baseline.line);
  await markStale();
  const stale = await measureStart('every monthly figure stale');
  lines.push(stale.line);
  const ratio = (label: string, run: typeof stale) =>
    `| ratio ${label} ÷ baseline | | ${(run.healthAfter / baseline.healthAfter).toFixed(2)} | | | ${(run.figuresAfter / baseline.figuresAfter).toFixed(2)} | | | |`;
  lines.push(ratio('stale', stale));
  if (!values['no-tsx']) {
    await markStale();
    const tsx = await measureStart('every monthly figure stale, sources through tsx', 'tsx');
    lines.push(tsx.line);
    lines.push(ratio('stale through tsx', tsx));
  }
} finally {
  // Slices a server did not rebuild still hold the rows they held: marked back as they were.
  const { numUpdatedRows } = await db
    .updateTable('figures_monthly_slices')
    .set({ version: sql`substr(version, ${STALE.length + 1})` })
    .where('version', 'like', `${STALE}%`)
    .executeTakeFirst();
  console.log(`${numUpdatedRows} slices not rebuilt marked back as they were`);
  await revokeToken(db, DISTRICT, String(id)).catch(() => undefined);
  await handle.close();
}
console.log(`\n${lines.join('\n')}`);
