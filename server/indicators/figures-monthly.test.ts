// The monthly figures give exactly what the direct query over the case rows gives, for
// every indicator they hold, every dimension, and dates across the whole programme.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemonstrationData } from '../demo-data.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { DIMENSION_IDS } from './dimensions.ts';
import { countsOn, type Point } from './figures.ts';
import {
  isMonthlyDate,
  MONTHLY_MEASURES,
  monthlyCovers,
  refreshStaleMonthlyFigures,
} from './figures-monthly.ts';
import { INDICATORS } from './registry.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const DISTRICT = '08118';

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemonstrationData(database.handle, DISTRICT);
});
afterAll(() => database?.drop());

/** First and last days of months spread over 2018–2022, and the report's dates. */
const DATES = [
  '2018-01-31',
  '2018-07-01',
  '2019-02-28',
  '2019-12-01',
  '2020-02-29',
  '2020-10-31',
  '2021-01-01',
  '2021-03-01',
  '2022-06-30',
];
const points: Point[] = DATES.map((date) => ({ date, periodFrom: `${date.slice(0, 4)}-01-01` }));
const held = INDICATORS.filter((indicator) => indicator.kind !== 'count' || indicator.precomputed);

describe(`monthly figures on ${DATABASE_KIND}`, () => {
  it('cover the first and last day of every month since the first case', async () => {
    expect(isMonthlyDate('2021-01-01')).toBe(true);
    expect(isMonthlyDate('2020-02-29')).toBe(true);
    expect(isMonthlyDate('2021-02-28')).toBe(true);
    expect(isMonthlyDate('2021-02-27')).toBe(false);
    expect(await monthlyCovers(db(), { district: DISTRICT }, DATES)).toBe(true);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-01-15'])).toBe(false);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2009-01-01'])).toBe(false);
  });

  it('equal the direct query for every measure, dimension and scope', async () => {
    const scopes = [
      { district: DISTRICT },
      { district: DISTRICT, provider: 'KDV' },
      { district: DISTRICT, municipality: '08118048' },
      { district: undefined },
    ];
    for (const scope of scopes) {
      for (const by of [undefined, ...DIMENSION_IDS]) {
        if (scope.municipality && by) continue;
        const monthly = await countsOn(db(), scope, points, held, by);
        const direct = await countsOn(db(), scope, points, held, by, { source: 'direct' });
        for (const { date } of points) {
          const keys = new Set([
            ...(direct.get(date)?.keys() ?? []),
            ...(monthly.get(date)?.keys() ?? []),
          ]);
          for (const key of keys) {
            const want = direct.get(date)?.get(key) ?? {};
            const got = monthly.get(date)?.get(key) ?? {};
            for (const alias of Object.keys(want)) {
              expect(
                got[alias] ?? 0,
                `${alias} on ${date}, ${by ?? 'total'} ${key}, ${JSON.stringify(scope)}`,
              ).toBe(want[alias]);
            }
          }
        }
      }
    }
  });

  it('are rebuilt when the definitions change, and only then', async () => {
    expect(await refreshStaleMonthlyFigures(db())).toBe(0);
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE provider = 'DRK'`.execute(
      db(),
    );
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-01-01'])).toBe(false);
    expect(await monthlyCovers(db(), { district: DISTRICT, provider: 'AWO' }, ['2021-01-01'])).toBe(
      true,
    );
    expect(await refreshStaleMonthlyFigures(db())).toBe(1);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-01-01'])).toBe(true);
    expect(MONTHLY_MEASURES.size).toBeGreaterThan(5);
  });
});
