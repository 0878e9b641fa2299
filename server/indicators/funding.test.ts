// The funding-period figures on the demonstration data: the rows add up, agree with the
// registry's indicators where both count the same, and the situation on the day of closing
// agrees with a second computation in TypeScript; disclosure leaves nothing to work out.

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { END_REASONS } from '../../contract/vocabulary.ts';
import { DEFAULT_RULES } from '../disclosure/disclose.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { dataAsOf } from './case-facts.ts';
import { type Category, directoryCategories } from './dimensions.ts';
import { seriesOn } from './figures.ts';
import {
  discloseFunding,
  FUNDING_FIGURES,
  fundingCounts,
  fundingYears,
  type RawFundingRow,
  REASON_PREFIX,
} from './funding.ts';
import { findIndicator, type Indicator } from './registry.ts';

const DISTRICT = '08118';
const scope = { district: DISTRICT };
const REASONS = END_REASONS.map(({ code }) => `${REASON_PREFIX}${code}`);
const ADDITIVE = [
  'cases_started_in_year',
  'cases_closed_in_year',
  ...REASONS,
  'closed_with_lease',
  'closed_adults',
  'closed_b1_plus',
  'closed_sv_employment',
  'clients_active',
];

let database: TestDatabase;
let close: (() => Promise<void>) | undefined;
let providers: Category[];
let rows: RawFundingRow[];

beforeAll(async () => {
  ({ database, close } = await createTestApp({ demonstrationData: true }));
  providers = (await directoryCategories(database.handle.db, DISTRICT)).providers;
  const asOf = await dataAsOf(database.handle.db, scope);
  rows = await fundingCounts(database.handle.db, scope, fundingYears(2018, 2022, asOf), providers);
});
afterAll(() => close?.());

const db = () => database.handle.db;
const rowOf = (year: number, provider: string | null) =>
  rows.find(
    (row) => row.year.year === year && (row.provider?.key ?? null) === provider,
  ) as RawFundingRow;
const COVERED = [2018, 2019, 2020, 2021];

describe('the years of a funding period', () => {
  it('counts each year up to the date the data reach, and none after it', () => {
    expect(fundingYears(2020, 2022, '2021-03-01')).toEqual([
      { year: 2020, from: '2020-01-01', to: '2020-12-31', complete: true },
      { year: 2021, from: '2021-01-01', to: '2021-03-01', complete: false },
      { year: 2022, from: null, to: null, complete: false },
    ]);
    expect(fundingYears(2020, 2020, '2020-12-31')[0]?.complete).toBe(true);
    expect(fundingYears(2019, 2019, null)[0]).toEqual({
      year: 2019,
      from: null,
      to: null,
      complete: false,
    });
  });
});

describe(`funding-period counts on ${DATABASE_KIND}`, () => {
  it('knows the demonstration exports reach 01.03.2021', async () => {
    expect(await dataAsOf(db(), scope)).toBe('2021-03-01');
    expect(await dataAsOf(db(), { district: DISTRICT, provider: 'AWO' })).toBe('2021-03-01');
    expect(await dataAsOf(db(), { district: '08999' })).toBeNull();
  });

  it('has a row per year and provider and one for all, and none with counts after the data', () => {
    expect(rows).toHaveLength(5 * (providers.length + 1));
    expect(providers.map((p) => p.key)).toEqual(['AWO', 'CARITAS', 'DRK', 'KDV', 'LRA']);
    expect(rowOf(2022, null).counts).toEqual({});
    expect(rowOf(2021, 'AWO').year.to).toBe('2021-03-01');
    for (const year of COVERED) expect(Object.keys(rowOf(year, 'KDV').counts)).toHaveLength(16);
  });

  it('adds the providers up to the row for all, and the reasons up to the closed cases', () => {
    for (const year of COVERED) {
      for (const id of ADDITIVE) {
        const sum = providers.reduce((total, p) => total + (rowOf(year, p.key).counts[id] ?? 0), 0);
        expect(sum, `${id} in ${year}`).toBe(rowOf(year, null).counts[id]);
      }
      for (const provider of [...providers.map((p) => p.key), null]) {
        const { counts } = rowOf(year, provider);
        const reasons = REASONS.reduce((total, id) => total + (counts[id] ?? 0), 0);
        expect(reasons, `${provider} ${year}`).toBe(counts.cases_closed_in_year);
        expect(counts.closed_with_lease).toBeLessThanOrEqual(counts.cases_closed_in_year as number);
        expect(counts.closed_b1_plus).toBeLessThanOrEqual(counts.closed_adults as number);
      }
    }
    expect(rowOf(2020, null).counts.cases_closed_in_year).toBeGreaterThan(500);
  });

  it('carries the caseload from one year end to the next with the cases begun and closed', () => {
    for (const provider of [...providers.map((p) => p.key), null]) {
      for (const year of [2019, 2020, 2021]) {
        const before = rowOf(year - 1, provider).counts;
        const now = rowOf(year, provider).counts;
        expect(now.clients_active, `${provider} ${year}`).toBe(
          (before.clients_active as number) +
            (now.cases_started_in_year as number) -
            (now.cases_closed_in_year as number),
        );
      }
    }
  });

  it('counts the cases closed in a year as the indicator series does', async () => {
    const closed = findIndicator('cases_closed_in_period') as Indicator;
    const points = COVERED.map((year) => ({
      date: year === 2021 ? '2021-03-01' : `${year}-12-31`,
      periodFrom: `${year}-01-01`,
    }));
    for (const provider of [undefined, 'DRK']) {
      const series = await seriesOn(db(), { ...scope, provider }, closed, points, {
        source: 'direct',
      });
      expect(series.map(({ figure }) => figure.value)).toEqual(
        COVERED.map((year) => rowOf(year, provider ?? null).counts.cases_closed_in_year),
      );
    }
  });

  it('reads age, language and employment as of the day of closing', async () => {
    const { rows: closed } = await sql<{
      provider: string;
      case_id: string;
      birth_month: string;
      ended_on: string;
      end_reason: string;
      lease_signed_on: string | null;
    }>`SELECT provider, case_id, birth_month::text, ended_on::text, end_reason, lease_signed_on::text
       FROM cases WHERE district_key = ${DISTRICT}
         AND ended_on BETWEEN '2020-01-01' AND '2020-12-31'`.execute(db());
    const { rows: statuses } = await sql<{
      provider: string;
      case_id: string;
      kind: string;
      since: string;
      value: string;
    }>`SELECT provider, case_id, kind, since::text, value FROM case_status
       WHERE district_key = ${DISTRICT} AND kind IN ('language_level', 'employment')`.execute(db());
    const history = new Map<string, { kind: string; since: string; value: string }[]>();
    for (const status of statuses) {
      const key = `${status.provider}/${status.case_id}`;
      history.set(key, [...(history.get(key) ?? []), status]);
    }
    const statusOn = (key: string, kind: string, date: string) =>
      (history.get(key) ?? [])
        .filter((s) => s.kind === kind && s.since <= date)
        .sort((a, b) => b.since.localeCompare(a.since))[0]?.value ?? 'unknown';
    const ageOn = (birthMonth: string, date: string) => {
      const [by, bm] = birthMonth.split('-').map(Number) as [number, number];
      const [y, m] = date.split('-').map(Number) as [number, number];
      return y - by - (m < bm ? 1 : 0);
    };
    for (const provider of [...providers.map((p) => p.key), null]) {
      const mine = closed.filter((c) => provider === null || c.provider === provider);
      const adults = mine.filter((c) => ageOn(c.birth_month, c.ended_on) >= 18);
      const key = (c: (typeof closed)[number]) => `${c.provider}/${c.case_id}`;
      const expected = {
        cases_closed_in_year: mine.length,
        closed_with_lease: mine.filter((c) => c.lease_signed_on && c.lease_signed_on <= c.ended_on)
          .length,
        closed_adults: adults.length,
        closed_b1_plus: adults.filter((c) =>
          ['B1', 'B2', 'C1', 'C2'].includes(statusOn(key(c), 'language_level', c.ended_on)),
        ).length,
        closed_sv_employment: adults.filter(
          (c) => statusOn(key(c), 'employment', c.ended_on) === 'sv_employment',
        ).length,
        ...Object.fromEntries(
          END_REASONS.map(({ code }) => [
            `${REASON_PREFIX}${code}`,
            mine.filter((c) => c.end_reason === code).length,
          ]),
        ),
      };
      const { counts } = rowOf(2020, provider);
      expect(
        Object.fromEntries(Object.keys(expected).map((id) => [id, counts[id]])),
        `${provider}`,
      ).toEqual(expected);
    }
    // Some statuses changed between the day of closing and the end of the export.
    expect(rowOf(2020, null).counts.closed_b1_plus).toBeGreaterThan(0);
  });
});

describe(`funding-period disclosure on ${DATABASE_KIND}`, () => {
  it('shows everything to the district office', () => {
    const shown = discloseFunding(rows, 'internal', DEFAULT_RULES, []);
    for (const row of shown)
      for (const figure of Object.values(row.figures)) expect(figure.suppressed).toBe(false);
    expect(shown[0]?.figures.cases_closed_in_year?.value).toBe(
      rows[0]?.counts.cases_closed_in_year,
    );
  });

  it('withholds the closings of a year that reaches into the floor under the first closings', () => {
    // Closings withheld from 24.04.2018 to 31.01.2019: 2018 ends inside, 2019 begins the day
    // after a withheld day (its count is the closings by its end minus those by 31.12.2018).
    const shown = discloseFunding(rows, 'public', DEFAULT_RULES, [
      { from: '2018-04-24', until: '2019-02-01' },
    ]);
    const figure = (year: number, id: string) =>
      shown.find((row) => row.year.year === year && row.provider === null)?.figures[id];
    for (const year of [2018, 2019]) {
      for (const id of ['cases_closed_in_year', 'closed_with_lease_share', 'closed_adults'])
        expect(figure(year, id), `${year} ${id}`).toMatchObject({ value: null, suppressed: true });
      expect(figure(year, 'cases_started_in_year')?.value).toBeGreaterThan(0);
      expect(figure(year, 'clients_active')?.value).toBeGreaterThan(0);
    }
    expect(figure(2020, 'cases_closed_in_year')?.value).toBeGreaterThan(0);
    // As computed for the district office, whatever the days.
    const internal = discloseFunding(rows, 'internal', DEFAULT_RULES, [
      { from: '2018-04-24', until: '2019-02-01' },
    ]);
    expect(
      internal.find((row) => row.year.year === 2018 && row.provider === null)?.figures
        .cases_closed_in_year?.value,
    ).toBe(rowOf(2018, null).counts.cases_closed_in_year);
  });

  it('shows no small count and leaves no line with one hidden cell', () => {
    const shown = discloseFunding(rows, 'public', DEFAULT_RULES, []);
    const value = (year: number, provider: string | null, id: string) => ({
      raw: rowOf(year, provider).counts[id] as number,
      hidden:
        shown.find((row) => row.year.year === year && (row.provider?.key ?? null) === provider)
          ?.figures[id]?.suppressed === true,
    });
    let hiddenCount = 0;
    const lines: { raw: number; hidden: boolean }[][] = [];
    for (const row of shown) {
      for (const figure of FUNDING_FIGURES) {
        const disclosed = row.figures[figure.id];
        if (disclosed?.suppressed) hiddenCount += 1;
        for (const count of figure.kind === 'count'
          ? [disclosed?.value]
          : [disclosed?.numerator, disclosed?.denominator]) {
          if (count === null || count === undefined) continue;
          expect(count >= 1 && count < DEFAULT_RULES.k, `${figure.id}`).toBe(false);
        }
        if (figure.kind === 'share' && !disclosed?.suppressed && disclosed?.value !== null)
          expect(disclosed?.denominator).toBeGreaterThanOrEqual(DEFAULT_RULES.minDenominator);
      }
    }
    for (const year of COVERED) {
      const everyone = [...providers.map((p) => p.key), null];
      for (const id of ADDITIVE) lines.push(everyone.map((provider) => value(year, provider, id)));
      for (const provider of everyone) {
        lines.push(['cases_closed_in_year', ...REASONS].map((id) => value(year, provider, id)));
        if (year > 2018)
          lines.push([
            value(year - 1, provider, 'clients_active'),
            value(year, provider, 'cases_started_in_year'),
            value(year, provider, 'cases_closed_in_year'),
            value(year, provider, 'clients_active'),
          ]);
      }
    }
    for (const line of lines)
      expect(line.filter((cell) => cell.hidden && cell.raw !== 0)).not.toHaveLength(1);
    // The demonstration data have small counts to hide (rare reasons, early years).
    expect(hiddenCount).toBeGreaterThan(10);
  });
});
