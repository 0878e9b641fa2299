// The analyst who adds and subtracts (docs/disclosure.md, "The reader it defends against"):
// random public and funder requests around a date, on the demonstration data, with nothing
// beyond the funder's token; everything the answers publish about the date and its
// neighbours goes into one linear program. No count from 1 to k-1 may be shown; none that
// only audited exact figures speak of may be pinned down more narrowly than the protection
// width, and none that a perturbed figure speaks of exactly. FC_SEED=<n> KEY_SEED=<m> replays
// a run (the cell keys of its database are drawn from KEY_SEED, random unless given).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSION_IDS } from '../indicators/dimensions.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';
import { bearerFor } from '../test/accounts.ts';
import { attack, type CellSpec, countsOf, GroundTruth, type Observation } from '../test/analyst.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { perturbationTable } from './cell-key.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
/** The cell keys of the run's database (random unless KEY_SEED gives them): with FC_SEED, a replay. */
const KEY_SEED = process.env.KEY_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const CLUSTERS = Number(process.env.CLUSTERS ?? 8);
const REQUESTS_PER_AUDIENCE = 40;
const DISTRICT = '08118';
/** The widest interval the rules promise for a count from 1 to k-1 (docs/disclosure.md). */
const FALLBACK_WIDTH = 2;

let testApp: Awaited<ReturnType<typeof createTestApp>>;
let funder: { authorization: string };
let truth: GroundTruth;
let providers: string[];
let municipalities: string[];
/** The floor under the first closings, as a reader sees it: its minimum and first day. */
let floor: { minimum: number; from: string | null };

beforeAll(async () => {
  testApp = await createTestApp({ demonstrationData: true, cellKeySeed: KEY_SEED });
  funder = await bearerFor(testApp.database.handle.db, 'funder');
  truth = new GroundTruth(testApp.database.handle.db, DISTRICT);
  const db = testApp.database.handle.db;
  providers = (await db.selectFrom('providers').select('code').orderBy('code').execute()).map(
    (p) => p.code,
  );
  municipalities = (
    await db.selectFrom('municipalities').select('ags').orderBy('ags').execute()
  ).map((m) => m.ags);
  const rules = (await ask('/api/v1/indicators?date=2021-01-01', false)).rules as {
    minDenominator: number;
  };
  floor = { minimum: rules.minDenominator, from: await truth.closingsFrom(rules.minDenominator) };
}, 120_000);
afterAll(() => testApp?.close());

/** Indicators whose figures count cases (distinct counts of managers and towns do not). */
const CASE_INDICATORS = INDICATORS.filter(
  (indicator) => Object.keys(countsOf(indicator)).length > 0,
).map((indicator) => indicator.id);

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const shift = (date: string, days: number) => iso(Date.parse(`${date}T00:00:00Z`) + days * DAY);
const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;

/** A date from March 2018 to the end of the exports, and the requests about it and its neighbours. */
const clusterArb = fc
  .noBias(fc.integer({ min: Date.parse('2018-03-01'), max: Date.parse('2021-02-27') }))
  .map((ms) => iso(Math.floor(ms / DAY) * DAY))
  .chain((center) => {
    const dates = [shift(center, -1), center, shift(center, 1), firstOfMonth(center)];
    const date = fc.constantFrom(...dates);
    const dimension = fc.constantFrom(...DIMENSION_IDS);
    const filter = fc.oneof(
      { weight: 2, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }).map((i) => ({ provider: i })) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }).map((i) => ({ municipality: i })) },
    );
    const periodStart = fc.constantFrom('year', 'month', 'week');
    const request = fc.record({
      kind: fc.constantFrom(
        'indicators',
        'breakdown',
        'breakdown',
        'crosstab',
        'crosstab',
        'series',
      ),
      indicator: fc.constantFrom(...CASE_INDICATORS),
      date,
      periodStart,
      by: dimension,
      other: dimension,
      filter,
      funder: fc.boolean(),
      previousMonth: fc.boolean(),
    });
    return fc
      .array(request, {
        minLength: 2 * REQUESTS_PER_AUDIENCE,
        maxLength: 2 * REQUESTS_PER_AUDIENCE,
      })
      .map((requests) => ({ center, requests }));
  });

function periodFrom(date: string, start: 'year' | 'month' | 'week'): string | undefined {
  if (start === 'year') return undefined;
  const from = start === 'month' ? firstOfMonth(date) : shift(date, -6);
  return from <= date ? from : undefined;
}

/** The parts of one published figure as observations. */
function observe(
  indicator: Indicator,
  figure: Record<string, unknown>,
  cell: Omit<CellSpec, 'count'>,
  source: string,
): Observation[] {
  const parts = countsOf(indicator);
  const protection = (figure.protection as string | undefined) ?? 'exact';
  // Below the floor under the first closings every figure of closings is withheld, zeros too.
  const floored = indicator.closings === true && (floor.from === null || cell.date < floor.from);
  const published = (value: unknown, atLeast: number) =>
    value === null || value === undefined
      ? {
          kind: 'withheld' as const,
          atLeast: floored ? 0 : atLeast,
          audited: protection !== 'perturbed',
        }
      : protection === 'perturbed'
        ? { kind: 'perturbed' as const, value: value as number }
        : { kind: 'exact' as const, value: value as number };
  const observations: Observation[] = [];
  if (parts.value)
    observations.push({
      cell: { ...cell, count: parts.value },
      published: published(figure.value, 1),
      source,
    });
  if (parts.numerator)
    observations.push({
      cell: { ...cell, count: parts.numerator },
      published: published(figure.numerator, 0),
      source: `${source} (Zähler)`,
    });
  if (parts.denominator)
    observations.push({
      cell: { ...cell, count: parts.denominator },
      published: published(figure.denominator, 1),
      source: `${source} (Nenner)`,
    });
  return observations;
}

/**
 * What the floor under the first closings tells of each day: whether the district had closed
 * fewer cases than the minimum (its figures of closings withheld) or not.
 */
function floorFacts(observations: readonly Observation[]): Observation[] {
  const dates = [...new Set(observations.map((observation) => observation.cell.date))];
  return dates.map((date) => {
    const below = floor.from === null || date < floor.from;
    return {
      cell: {
        date,
        periodFrom: `${date.slice(0, 4)}-01-01`,
        count: 'cases_closed',
        categories: [],
      },
      published: below
        ? { kind: 'bounds', lowest: 0, highest: floor.minimum - 1 }
        : { kind: 'bounds', lowest: floor.minimum, highest: Number.POSITIVE_INFINITY },
      source: `beendete Fälle am ${date} ${below ? 'unter' : 'ab'} der Mindestzahl`,
    };
  });
}

async function ask(url: string, asFunder: boolean) {
  const response = await testApp.app.inject({
    url,
    headers: asFunder ? funder : {},
  });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json() as Record<string, unknown>;
}

describe(`the analyst who adds and subtracts, on ${DATABASE_KIND}`, () => {
  it('pins down no count from 1 to k-1 from the exact headline figures of every release date', async () => {
    // The exact figures are one linked set over all release dates (the first of every month
    // up to the exports' reach); the reader takes all of them at once, with everything else
    // the same answers show, perturbed.
    const observations: Observation[] = [];
    let rules:
      | {
          k: number;
          protectionWidth?: number;
          cellKey?: { maxDeviation: number; variance: number };
        }
      | undefined;
    let audited = 0;
    for (let month = Date.UTC(2018, 0, 1); month <= Date.UTC(2021, 2, 1); ) {
      const date = iso(month);
      const url = `/api/v1/indicators?date=${date}`;
      const answer = await ask(url, false);
      rules = answer.rules as NonNullable<typeof rules>;
      for (const figure of answer.indicators as Record<string, unknown>[]) {
        const shown = findIndicator(figure.id as string) as Indicator;
        if (figure.protection === 'audited') audited += 1;
        observations.push(
          ...observe(
            shown,
            figure,
            { date, periodFrom: `${date.slice(0, 4)}-01-01`, categories: [] },
            `${url} ${shown.id}`,
          ),
        );
      }
      const next = new Date(month);
      next.setUTCMonth(next.getUTCMonth() + 1);
      month = next.getTime();
    }
    const cellKey = rules?.cellKey;
    observations.push(...floorFacts(observations));
    const result = await attack(truth, observations, {
      k: rules?.k ?? 5,
      width: rules?.protectionWidth ?? FALLBACK_WIDTH,
      table: cellKey
        ? perturbationTable({ ...cellKey, threshold: (rules?.k ?? 5) - 1 })
        : undefined,
    });
    expect(audited).toBeGreaterThan(200);
    expect(result.targets).toBeGreaterThan(0);
    expect(result.shownSmall).toEqual([]);
    expect(
      result.recoveries.map(
        (r) => `${r.what}: ${r.truth} in [${r.interval.lowest}, ${r.interval.highest}]`,
      ),
    ).toEqual([]);
  }, 300_000);

  it('pins down no count from 1 to k-1 from public and funder answers about a date and its neighbours', async () => {
    let requests = 0;
    let targets = 0;
    const failures: string[] = [];
    const run = await fc.check(
      fc.asyncProperty(clusterArb, async ({ center, requests: planned }) => {
        const observations: Observation[] = [];
        let rules:
          | {
              k: number;
              protectionWidth?: number;
              cellKey?: { maxDeviation: number; variance: number };
            }
          | undefined;
        let table: ReturnType<typeof perturbationTable> | undefined;
        for (const plan of planned) {
          const indicator = findIndicator(plan.indicator) as Indicator;
          const provider =
            'provider' in plan.filter
              ? providers[(plan.filter.provider as number) % providers.length]
              : undefined;
          const municipality =
            'municipality' in plan.filter
              ? municipalities[(plan.filter.municipality as number) % municipalities.length]
              : undefined;
          const filterQuery = `${provider ? `&provider=${provider}` : ''}${municipality ? `&municipality=${municipality}` : ''}`;
          const from = periodFrom(plan.date, plan.periodStart as 'year' | 'month' | 'week');
          const period = from ?? `${plan.date.slice(0, 4)}-01-01`;
          const base = { date: plan.date, periodFrom: period, provider, municipality };
          let answer: Record<string, unknown>;
          requests += 1;
          if (plan.kind === 'indicators') {
            const url = `/api/v1/indicators?date=${plan.date}${from ? `&from=${from}` : ''}${filterQuery}`;
            answer = await ask(url, plan.funder);
            for (const figure of answer.indicators as Record<string, unknown>[]) {
              const shown = findIndicator(figure.id as string) as Indicator;
              observations.push(
                ...observe(shown, figure, { ...base, categories: [] }, `${url} ${shown.id}`),
              );
            }
          } else if (plan.kind === 'breakdown') {
            const url = `/api/v1/indicators/${indicator.id}/breakdown?date=${plan.date}&by=${plan.by}${from ? `&from=${from}` : ''}${filterQuery}`;
            answer = await ask(url, plan.funder);
            for (const row of answer.rows as Record<string, unknown>[])
              observations.push(
                ...observe(
                  indicator,
                  row,
                  { ...base, categories: [[plan.by, row.key as string]] },
                  `${url} ${row.key}`,
                ),
              );
            observations.push(
              ...observe(
                indicator,
                answer.total as Record<string, unknown>,
                { ...base, categories: [] },
                `${url} total`,
              ),
            );
          } else if (plan.kind === 'crosstab' && plan.by !== plan.other) {
            const url = `/api/v1/indicators/${indicator.id}/crosstab?date=${plan.date}&rows=${plan.by}&columns=${plan.other}${from ? `&from=${from}` : ''}${filterQuery}`;
            answer = await ask(url, plan.funder);
            const rows = answer.rows as { key: string }[];
            const columns = answer.columns as { key: string }[];
            const cells = answer.cells as Record<string, unknown>[][];
            rows.forEach((row, r) => {
              columns.forEach((column, c) => {
                observations.push(
                  ...observe(
                    indicator,
                    cells[r]?.[c] as Record<string, unknown>,
                    {
                      ...base,
                      categories: [
                        [plan.by, row.key],
                        [plan.other, column.key],
                      ],
                    },
                    `${url} ${row.key}×${column.key}`,
                  ),
                );
              });
              observations.push(
                ...observe(
                  indicator,
                  (answer.row_totals as Record<string, unknown>[])[r] as Record<string, unknown>,
                  { ...base, categories: [[plan.by, row.key]] },
                  `${url} ${row.key}×total`,
                ),
              );
            });
            columns.forEach((column, c) => {
              observations.push(
                ...observe(
                  indicator,
                  (answer.column_totals as Record<string, unknown>[])[c] as Record<string, unknown>,
                  { ...base, categories: [[plan.other, column.key]] },
                  `${url} total×${column.key}`,
                ),
              );
            });
            observations.push(
              ...observe(
                indicator,
                answer.total as Record<string, unknown>,
                { ...base, categories: [] },
                `${url} total`,
              ),
            );
          } else {
            const month = plan.previousMonth
              ? shift(firstOfMonth(plan.date), -1).slice(0, 7)
              : plan.date.slice(0, 7);
            const url = `/api/v1/indicators/${indicator.id}/series?from=${month}&to=${month}&interval=month${filterQuery}`;
            answer = await ask(url, plan.funder);
            for (const point of answer.points as Record<string, unknown>[]) {
              observations.push(
                ...observe(
                  indicator,
                  point,
                  {
                    date: point.date as string,
                    periodFrom: `${month}-01`,
                    provider,
                    municipality,
                    categories: [],
                  },
                  `${url} ${point.date}`,
                ),
              );
            }
          }
          if (answer.rules) {
            rules = answer.rules as NonNullable<typeof rules>;
            if (rules.cellKey && !table)
              table = perturbationTable({ ...rules.cellKey, threshold: rules.k - 1 });
          }
        }
        const k = rules?.k ?? 5;
        observations.push(...floorFacts(observations));
        const result = await attack(truth, observations, {
          k,
          width: rules?.protectionWidth ?? FALLBACK_WIDTH,
          table,
        });
        targets += result.targets;
        if (result.shownSmall.length > 0)
          failures.push(
            `um ${center}: ${result.shownSmall.length} kleine Zahlen gezeigt, z. B. ${result.shownSmall[0]}`,
          );
        if (result.recoveries.length > 0)
          failures.push(
            `um ${center}: ${result.recoveries.length} von ${result.targets} kleinen Zahlen eingegrenzt, z. B. ${result.recoveries
              .slice(0, 3)
              .map(
                (r) =>
                  `${r.what}: ${r.truth} in [${r.interval.lowest}, ${r.interval.highest}], aus ${r.because.join(' | ')}`,
              )
              .join('; ')}`,
          );
        return true;
      }),
      { numRuns: CLUSTERS, seed, endOnFailure: true },
    );
    const replay = `FC_SEED=${run.seed} KEY_SEED=${KEY_SEED}`;
    expect(run.failed, `${replay}: ${String(run.errorInstance)}`).toBe(false);
    expect(failures, replay).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(CLUSTERS * REQUESTS_PER_AUDIENCE);
    expect(targets).toBeGreaterThan(0);
  }, 900_000);
});
