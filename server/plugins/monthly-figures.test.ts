// A server whose monthly figures are all stale starts at once, answers while they are
// rebuilt in the background, says so on /api/v1/health, and every figure equals the direct
// SQL over the case rows during the rebuild and after it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DIMENSION_IDS } from '../indicators/dimensions.ts';
import { countsOn, type Point } from '../indicators/figures.ts';
import { monthlyCovers, staleMonthlySlices } from '../indicators/figures-monthly.ts';
import { INDICATORS } from '../indicators/registry.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

const DISTRICT = '08118';
// Up to the demonstration data's snapshot (01.03.2021): the monthly figures hold these.
const DATES = ['2019-12-31', '2020-06-01', '2021-02-28'];
const points: Point[] = DATES.map((date) => ({ date, periodFrom: `${date.slice(0, 4)}-01-01` }));

let database: TestDatabase;
const db = () => database.handle.db;

beforeAll(async () => {
  database = await createTestDatabase({ demonstrationData: true });
});
afterAll(() => database?.drop());

/** Every indicator, whole and by every dimension for the district, whole for the state. */
async function expectEqualToDirect() {
  for (const scope of [{ district: DISTRICT }, { district: undefined }]) {
    for (const by of scope.district ? [undefined, ...DIMENSION_IDS] : [undefined]) {
      const served = await countsOn(db(), scope, points, INDICATORS, by);
      const direct = await countsOn(db(), scope, points, INDICATORS, by, { source: 'direct' });
      for (const { date } of points) {
        for (const [key, want] of direct.get(date) ?? []) {
          const got = served.get(date)?.get(key) ?? {};
          for (const alias of Object.keys(want))
            expect(got[alias] ?? 0, `${alias} on ${date}, ${by ?? 'total'} ${key}`).toBe(
              want[alias],
            );
        }
      }
    }
  }
}

/** A gate the rebuild waits at before each slice, until the test opens it. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  return {
    open,
    arrived,
    wait: async () => {
      reached();
      await opened;
    },
  };
}

describe(`stale monthly figures on ${DATABASE_KIND}`, () => {
  let app: App | undefined;
  afterAll(() => app?.close());

  it('are rebuilt in the background while the server answers, with the same figures', async () => {
    // Every slice made by other definitions: as after an upgrade that changes a measure.
    await sql`UPDATE figures_monthly_slices SET version = 'older'`.execute(db());
    const stale = await staleMonthlySlices(db());
    expect(stale.length).toBeGreaterThan(2);
    const monthEnd = await monthlyCovers(db(), { district: DISTRICT }, ['2021-02-28']);
    expect(monthEnd).toBe(false);

    const held = gate();
    app = await buildApp({
      config: loadConfig({}),
      database: database.handle,
      webDist: '/nonexistent',
      monthlyFigures: { beforeSlice: held.wait },
    });
    // Ready while the rebuild waits at its first slice: starting does not wait for it.
    await app.ready();
    await held.arrived;
    expect(app.monthlyFigures.state).toBe('rebuilding');

    const health = await app.inject({ url: '/api/v1/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', monthly_figures: 'rebuilding' });
    const during = await app.inject({ url: '/api/v1/indicators?date=2021-02-28' });
    expect(during.statusCode).toBe(200);
    // Nothing is read from the stale slices meanwhile; the case rows give the same figures.
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-02-28'])).toBe(false);
    await expectEqualToDirect();

    held.open();
    await app.monthlyFigures.idle();
    expect(app.monthlyFigures.state).toBe('current');
    expect((await app.inject({ url: '/api/v1/health' })).json()).toEqual({
      status: 'ok',
      monthly_figures: 'current',
    });
    expect(await staleMonthlySlices(db())).toEqual([]);
    expect(await monthlyCovers(db(), { district: DISTRICT }, DATES)).toBe(true);
    expect(await monthlyCovers(db(), { district: undefined }, DATES, { districtWide: true })).toBe(
      true,
    );
    await expectEqualToDirect();
    // The same answer from the rebuilt monthly figures as from the case rows before.
    const after = await app.inject({ url: '/api/v1/indicators?date=2021-02-28' });
    expect(after.json().indicators).toEqual(during.json().indicators);
  });
});
