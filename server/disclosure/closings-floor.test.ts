// The floor under the first closings, through the public API on the demonstration data: on
// the days before the district's minimum-th closed case every figure of closings is withheld
// for the public and funders (indicators, breakdowns, cross-tables, series; zeros too), the
// district office sees them as computed, and from that day on they are published. The
// attack test (attack.property.test.ts) is what shows why: seed FC_SEED=1917790240
// KEY_SEED=1468685030 cornered the 3 cases closed by 23.07.2018 without it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../contract/dates.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { possibleCounts } from './cell-key.ts';
import { closingsWithheld } from './closings-floor.ts';
import { DEFAULT_RULES, perturbationTableOf } from './disclose.ts';
import { type Fact, FeasibleSums, solver } from './feasibility.ts';
import { protectTable, type TableFigure } from './protect-table.ts';

const MINIMUM = DEFAULT_RULES.minDenominator;
const CLOSINGS = INDICATORS.filter((indicator) => indicator.closings).map((i) => i.id);

let testApp: Awaited<ReturnType<typeof createTestApp>>;
let admin: { authorization: string };
let funder: { authorization: string };
let from: string;
let before: string;
/** The district's first closed case. */
let first: string;
const dayBefore = (date: string) => addDays(date, -1);
const dayAfter = (date: string) => addDays(date, 1);

beforeAll(async () => {
  testApp = await createTestApp({ demonstrationData: true });
  const db = testApp.database.handle.db;
  admin = await bearerFor(db, 'admin');
  funder = await bearerFor(db, 'funder');
  const withheld = await closingsWithheld(db, '08118', MINIMUM);
  expect(withheld).toHaveLength(1);
  from = withheld[0]?.until as string;
  before = dayBefore(from);
  const { rows } = await sql<{ first: string }>`
    SELECT min(ended_on)::text AS first FROM cases WHERE district_key = '08118'`.execute(db);
  first = rows[0]?.first as string;
}, 120_000);
afterAll(() => testApp?.close());

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await testApp.app.inject({ url, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

type Figure = { value: number | null; numerator: number | null; denominator: number | null };
const withheld = (figure: Figure) =>
  figure.value === null && figure.numerator === null && figure.denominator === null;

describe(`the floor under the first closings, on ${DATABASE_KIND}`, () => {
  it('starts on the day of the district’s minimum-th closed case', async () => {
    const { rows } = await sql<{ before: number; on: number }>`
      SELECT count(*) FILTER (WHERE ended_on < ${from}::date)::int AS before,
             count(*) FILTER (WHERE ended_on <= ${from}::date)::int AS on
      FROM cases WHERE district_key = '08118'`.execute(testApp.database.handle.db);
    expect(rows[0]?.before).toBeLessThan(MINIMUM);
    expect(rows[0]?.on).toBeGreaterThanOrEqual(MINIMUM);
    // The demonstration district closes its first cases in 2018, months after it began.
    expect(from > '2018-01-01' && from < '2019-01-01').toBe(true);
  });

  it('withholds every figure of closings before it, for the public and funders, zeros too', async () => {
    for (const headers of [{}, funder]) {
      const all = await get(`/api/v1/indicators?date=${before}`, headers);
      for (const figure of all.indicators as (Figure & { id: string })[]) {
        if (CLOSINGS.includes(figure.id as never)) expect(withheld(figure), figure.id).toBe(true);
        else if (figure.id === 'clients_active') expect(figure.value).toBeGreaterThan(0);
      }
      const bySex = await get(
        `/api/v1/indicators/cases_closed_in_period/breakdown?date=${before}&by=sex`,
        headers,
      );
      expect([...bySex.rows, bySex.total].every(withheld)).toBe(true);
      const cross = await get(
        `/api/v1/indicators/cases_closed_with_lease_share/crosstab?date=${before}&rows=sex&columns=provider`,
        headers,
      );
      expect(
        [...cross.cells.flat(), ...cross.row_totals, ...cross.column_totals, cross.total].every(
          withheld,
        ),
      ).toBe(true);
      const series = await get(
        `/api/v1/indicators/cases_closed/series?from=2018-01&to=${from.slice(0, 7)}&interval=month`,
        headers,
      );
      for (const point of series.points as (Figure & { date: string })[])
        if (point.date < first) expect(point.value, point.date).toBe(0);
        else if (point.date < from) expect(withheld(point), point.date).toBe(true);
    }
  });

  it('keeps nothing from the district office, whose figures show the zeros withheld above', async () => {
    const bySex = await get(
      `/api/v1/indicators/cases_closed_in_period/breakdown?date=${before}&by=sex`,
      admin,
    );
    // Some category had no closing: the public's withheld cell there was a zero.
    expect(bySex.rows.some((row: Figure) => row.value === 0)).toBe(true);
    const all = await get(`/api/v1/indicators?date=${before}`, admin);
    const closed = all.indicators.find((figure: { id: string }) => figure.id === 'cases_closed');
    expect(closed.value).toBeGreaterThan(0);
    expect(closed.value).toBeLessThan(MINIMUM);
  });

  it('withholds the state’s closings while a district is between its first closing and its floor', async () => {
    // One district in the database: the state's days are the district's from its first closing.
    expect(await closingsWithheld(testApp.database.handle.db, undefined, MINIMUM)).toEqual([
      { from: first, until: from },
    ]);
    const closedOn = async (date: string) =>
      (await get(`/api/v1/indicators?date=${date}&district=all`, funder)).indicators.find(
        (figure: { id: string }) => figure.id === 'cases_closed',
      ) as Figure;
    // Before any closing the state's closings are true zeros, and shown.
    expect((await closedOn(dayBefore(first))).value).toBe(0);
    expect(withheld(await closedOn(first))).toBe(true);
    expect(withheld(await closedOn(before))).toBe(true);
    expect((await closedOn(from)).value).toBeGreaterThanOrEqual(
      MINIMUM - DEFAULT_RULES.cellKey.maxDeviation,
    );
  });

  it('shows the true zeros before the first closing, for the district and the state', async () => {
    for (const district of ['', '&district=all']) {
      const all = await get(`/api/v1/indicators?date=${dayBefore(first)}${district}`, funder);
      const closed = all.indicators.find((figure: { id: string }) => figure.id === 'cases_closed');
      expect(closed.value).toBe(0);
    }
  });

  it('withholds a count over a period whose day before is under the floor, on any later date', async () => {
    // Closings from a day under the floor to a day past it are the closings by the date minus
    // those by the day before: beside the exact count of the date they would give those back.
    const inPeriod = async (periodFrom: string) =>
      (await get(`/api/v1/indicators?date=${from}&from=${periodFrom}`, funder)).indicators.find(
        (figure: { id: string }) => figure.id === 'cases_closed_in_period',
      );
    expect(withheld(await inPeriod(dayAfter(first)))).toBe(true);
    expect(withheld(await inPeriod(from))).toBe(true);
    // From the first closing on: the day before had no closing, nothing to give back.
    expect((await inPeriod(first)).value).toBeGreaterThanOrEqual(
      MINIMUM - DEFAULT_RULES.cellKey.maxDeviation,
    );
    const bySex = await get(
      `/api/v1/indicators/cases_closed_in_period/breakdown?date=${from}&by=sex&from=${dayAfter(first)}`,
    );
    expect([...bySex.rows, bySex.total].every(withheld)).toBe(true);
    // A month's series point: the month containing the floor's day begins under it.
    const series = await get(
      `/api/v1/indicators/cases_closed_in_period/series?from=${from.slice(0, 7)}&to=${from.slice(0, 7)}&interval=month`,
    );
    for (const point of series.points as Figure[]) expect(withheld(point)).toBe(true);
  });

  it('publishes the closings from that day on', async () => {
    const all = await get(`/api/v1/indicators?date=${from}`);
    const closed = all.indicators.find((figure: { id: string }) => figure.id === 'cases_closed');
    expect(closed.value).toBeGreaterThanOrEqual(MINIMUM - DEFAULT_RULES.cellKey.maxDeviation);
    const inPeriod = all.indicators.find(
      (figure: { id: string }) => figure.id === 'cases_closed_in_period',
    );
    expect(inPeriod.value).not.toBeNull();
  });
});

describe('a closings table on the day of the 20th closing', () => {
  it('is audited knowing that its total is at least 20', async () => {
    // Closed cases by sex: f 3, m 17, total 20, shown as 0 (0 to 3), 14 (11 to 17) and 17
    // (14 to 20). On its own that leaves f anywhere from 0 to 3; a reader who also knows from
    // the floor that the district had closed at least 20 cases has the total at 20, so m at
    // 17 and f at 3.
    const closed = findIndicator('cases_closed') as Indicator;
    const ptable = perturbationTableOf(DEFAULT_RULES);
    expect(possibleCounts(0, ptable).highest).toBe(3);
    expect(possibleCounts(14, ptable)).toEqual({ lowest: 11, highest: 17 });
    expect(possibleCounts(17, ptable)).toEqual({ lowest: 14, highest: 20 });
    const table = (): TableFigure[] =>
      (
        [
          [['f'], [0], 3, 0],
          [['m'], [1], 17, 14],
          [[undefined], [0, 1], 20, 17],
        ] as const
      ).map(([keys, members, truth, shown]) => ({
        members,
        keys,
        raw: { value: truth, numerator: null, denominator: null },
        shown: {
          value: shown,
          numerator: null,
          denominator: null,
          suppressed: false,
          protection: 'perturbed',
        },
      }));
    const interior = [3, 17].map((value) => ({ value, numerator: null, denominator: null }));
    const alone = table();
    await protectTable(closed, interior, alone, DEFAULT_RULES);
    expect(alone.map((figure) => figure.shown.value)).toEqual([0, 14, 17]);
    const known = table();
    await protectTable(closed, interior, known, DEFAULT_RULES, undefined, [
      { part: 'value', atLeast: MINIMUM },
    ]);
    expect(known[0]?.shown.value).toBeNull();
    // What the reader proves of f from what is left, with the total at least 20.
    const facts: Fact[] = known.map((figure) =>
      figure.shown.value === null
        ? { members: figure.members, lower: 1, upper: Number.POSITIVE_INFINITY }
        : { members: figure.members, ...bounds(possibleCounts(figure.shown.value, ptable)) },
    );
    facts.push({ members: [0, 1], lower: MINIMUM, upper: Number.POSITIVE_INFINITY });
    const sums = new FeasibleSums(await solver(), 2, facts);
    try {
      const { lowest, highest } = sums.interval([0]);
      expect(highest - lowest).toBeGreaterThanOrEqual(1);
    } finally {
      sums.dispose();
    }
  });
});

const bounds = ({ lowest, highest }: { lowest: number; highest: number }) => ({
  lower: lowest,
  upper: highest,
});
