// What the disclosure model (docs/disclosure.md) costs per request, for bench:figures: the
// same figures asked for by the district office (exact, nothing to protect) and by the
// public (cell keys perturb every count; the district's headline figures on a month's first
// day are exact after the linear-programming audit, computed once per state of the data and
// then shared). Both through HTTP on one app, one request at a time, in the same run, so the
// difference is the protection and not the machine.
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

export interface Timing {
  median: number;
  p95: number;
  n: number;
}

export interface ProtectionCase {
  figures: string;
  path: string;
}

export interface ProtectionResult {
  figures: string;
  path: string;
  internal: Timing;
  public: Timing;
  /** Of the public answer: how many figures each rule protected. */
  protections: Record<string, number>;
}

export interface ProtectionRun {
  /** The first public request of a fresh app: it runs the headline audit. */
  coldAudit: { path: string; ms: number };
  results: ProtectionResult[];
}

type Summarise = (samples: number[]) => Timing;

/** Counts the `protection` fields anywhere in a JSON answer. */
function protectionsIn(body: unknown, into: Record<string, number> = {}): Record<string, number> {
  if (Array.isArray(body)) for (const item of body) protectionsIn(item, into);
  else if (body && typeof body === 'object') {
    const protection = (body as { protection?: unknown }).protection;
    if (typeof protection === 'string') into[protection] = (into[protection] ?? 0) + 1;
    for (const value of Object.values(body)) protectionsIn(value, into);
  }
  return into;
}

export async function measureProtection(options: {
  databaseUrl: string;
  district: string;
  /** An admin token of the district: its figures unprotected. */
  adminSecret: string;
  cases: readonly ProtectionCase[];
  requests: number;
  warmUp: number;
  summarise: Summarise;
}): Promise<ProtectionRun> {
  const app = await buildApp({
    config: loadConfig({ DATABASE_URL: options.databaseUrl, DISTRICT: options.district }),
    webDist: '/nonexistent',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ask = async (path: string, secret?: string) => {
    const response = await fetch(`${base}${path}`, {
      headers: {
        accept: 'application/json',
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`HTTP ${response.status} for ${path}: ${text.slice(0, 200)}`);
    return text;
  };
  const time = async (path: string, secret?: string) => {
    for (let i = 0; i < options.warmUp; i++) await ask(path, secret);
    const samples: number[] = [];
    let last = '';
    for (let i = 0; i < options.requests; i++) {
      const started = performance.now();
      last = await ask(path, secret);
      samples.push(performance.now() - started);
    }
    return { timing: options.summarise(samples), last };
  };
  try {
    const first = options.cases[0];
    if (!first) throw new Error('no figures to measure');
    const coldStarted = performance.now();
    await ask(first.path);
    const coldAudit = { path: first.path, ms: performance.now() - coldStarted };
    const results: ProtectionResult[] = [];
    // Alternating audiences figure by figure, so a change in the machine's load meets both.
    for (const c of options.cases) {
      const internal = await time(c.path, options.adminSecret);
      const open = await time(c.path);
      results.push({
        figures: c.figures,
        path: c.path,
        internal: internal.timing,
        public: open.timing,
        protections: protectionsIn(JSON.parse(open.last)),
      });
    }
    return { coldAudit, results };
  } finally {
    await app.close();
  }
}

/** The section of docs/benchmarks.md, in Markdown. */
export function protectionTable(run: ProtectionRun, ms: (x: number) => string): string {
  const lines = [
    '| Figures | District office (exact) median / p95 ms | Public (protected) median / p95 ms | Cost of the protection (median) | Figures in the public answer by rule |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of run.results) {
    const cost = r.public.median - r.internal.median;
    const rules = Object.entries(r.protections)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ');
    lines.push(
      `| ${r.figures} | ${ms(r.internal.median)} / ${ms(r.internal.p95)} | ${ms(r.public.median)} / ${ms(r.public.p95)} | ${cost >= 0 ? '+' : '−'}${ms(Math.abs(cost))} ms (${(r.public.median / r.internal.median).toFixed(2)}×) | ${rules || '–'} |`,
    );
  }
  return `${lines.join('\n')}

The first public request of a fresh app (\`${run.coldAudit.path}\`) took ${ms(run.coldAudit.ms)} ms:
it runs the headline audit (the linear programs over the district's month-first tables) once
for the state of the data; every later public request of any page shares its result.`;
}
