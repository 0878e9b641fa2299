// The monthly figures give exactly what the direct query over the case rows gives, for
// every indicator they hold, every dimension, and dates across the whole programme.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../demo-data.ts';
import { importExport } from '../import/import-export.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { DIMENSION_IDS, directoryCategories } from './dimensions.ts';
import {
  breakdownOn,
  type CountOptions,
  countsOn,
  crossTableOn,
  type Point,
  type TableClass,
  tableClassesOn,
} from './figures.ts';
import {
  DISTRICT_MEASURES,
  isMonthlyDate,
  MEASURE_COLUMNS,
  MONTHLY_DIMENSIONS,
  MONTHLY_MEASURES,
  monthlyCovers,
  refreshStaleMonthlyFigures,
} from './figures-monthly.ts';
import { ACTIVE, findIndicator, INDICATORS, type Indicator } from './registry.ts';

let database: TestDatabase;
const db = () => database.handle.db;
const DISTRICT = '08118';

beforeAll(async () => {
  database = await createTestDatabase({ demonstrationData: true });
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
/** The dates up to the demonstration data's snapshot month, which the table holds. */
const HELD = DATES.filter((date) => date <= '2021-03-31');
// Only dates the table holds: one date beyond would send the whole comparison to the cases.
const points: Point[] = DATES.map((date, i) => ({
  date,
  periodFrom: i % 2 === 0 ? `${date.slice(0, 4)}-01-01` : `${date.slice(0, 7)}-01`,
})).filter((point) => HELD.includes(point.date));
// Every indicator: the monthly figures hold some as they are, some (distinct counts, period
// counts) in another form, and the rest comes from the case rows either way.
const held = INDICATORS;

/** Every count of `scope` on `dates` from the monthly figures equals the direct query's. */
async function expectSameAsDirect(
  scope: Parameters<typeof countsOn>[1],
  dates: Point[],
  by: (typeof DIMENSION_IDS)[number] | undefined,
) {
  const monthly = await countsOn(db(), scope, dates, held, by);
  const direct = await countsOn(db(), scope, dates, held, by, { source: 'direct' });
  for (const { date } of dates) {
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

/** The district's stored stretches (sql/014), in a fixed order. */
const storedStretches = async () =>
  (
    await sql<Record<string, unknown>>`
      SELECT * FROM case_stretches WHERE district_key = ${DISTRICT}
      ORDER BY provider, case_id, from_date`.execute(db())
  ).rows;

describe(`monthly figures on ${DATABASE_KIND}`, () => {
  it('cover the first and last day of every month since the first case', async () => {
    expect(isMonthlyDate('2021-01-01')).toBe(true);
    expect(isMonthlyDate('2020-02-29')).toBe(true);
    expect(isMonthlyDate('2021-02-28')).toBe(true);
    expect(isMonthlyDate('2021-02-27')).toBe(false);
    // Up to the month of the newest snapshot (01.03.2021); later dates come from the cases.
    expect(await monthlyCovers(db(), { district: DISTRICT }, HELD)).toBe(true);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-03-31'])).toBe(true);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-04-01'])).toBe(false);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2021-01-15'])).toBe(false);
    // Before the first case every count is zero: no rows, and nothing missing.
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2009-01-01'])).toBe(true);
    expect(await monthlyCovers(db(), { district: DISTRICT }, ['2099-12-31'])).toBe(false);
  });

  it('hold every measure in an integer column of its own (added from the registry at start), zero as NULL', async () => {
    const { rows } = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
      SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_name = 'figures_monthly' AND table_schema = current_schema()
        AND column_name NOT IN ('district_key', 'provider', 'on_date', 'dimension', 'category')
      ORDER BY column_name`.execute(db());
    expect(rows.map((row) => [row.column_name, row.data_type, row.is_nullable])).toEqual(
      [...MEASURE_COLUMNS].sort().map((column) => [column, 'integer', 'YES']),
    );
    // No zero is stored (sql/017): a zero count or key sum is NULL, one bit of the row.
    const { rows: zeros } = await sql<{ zeros: number; values: number }>`
      SELECT count(*) FILTER (WHERE v = '0')::int AS zeros, count(v)::int AS values
      FROM figures_monthly f, jsonb_each_text(to_jsonb(f) - 'district_key' - 'provider'
        - 'on_date' - 'dimension' - 'category') AS m(k, v)`.execute(db());
    expect(zeros[0]?.zeros).toBe(0);
    expect(zeros[0]?.values).toBeGreaterThan(0);
  });

  it('leave statistics of the stored stretches after an import (PGlite runs no autovacuum)', async () => {
    // Without them the next import's old contribution was planned blind: 50 s instead of 4.5
    // for a newer 200,000-row snapshot on PGlite (docs/benchmarks.md).
    const { rows } = await sql<{ columns: number }>`
      SELECT count(*)::int AS columns FROM pg_stats
      WHERE tablename = 'case_stretches' AND schemaname = current_schema()`.execute(db());
    expect(rows[0]?.columns).toBeGreaterThan(0);
  });

  it('keep each stretch with a category column for every dimension but provider', async () => {
    const { rows } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns
      WHERE table_name = 'case_stretches' AND table_schema = current_schema()
        AND column_name LIKE 'd\\_%'
      ORDER BY column_name`.execute(db());
    expect(rows.map((row) => row.column_name)).toEqual(
      MONTHLY_DIMENSIONS.map((id) => `d_${id}`).sort(),
    );
  });

  it('keep the district-wide distinct counts on each day they change, read for days within months', async () => {
    const { rows } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns
      WHERE table_name = 'district_distinct_days' AND table_schema = current_schema()
        AND column_name NOT IN ('district_key', 'on_date')
      ORDER BY column_name`.execute(db());
    expect(rows.map((row) => row.column_name)).toEqual(
      [...DISTRICT_MEASURES.keys()].flatMap((alias) => [alias, `${alias}__key`]).sort(),
    );
    const on = { date: '2020-07-17', periodFrom: '2020-01-01' };
    const managers = INDICATORS.filter((i) => i.id === 'managers_active');
    const read = async () =>
      (await countsOn(db(), { district: DISTRICT }, [on], managers, undefined))
        .get(on.date)
        ?.get('')?.managers_active;
    const before = await read();
    expect(before).toBe(
      (
        await countsOn(db(), { district: DISTRICT }, [on], managers, undefined, {
          source: 'direct',
        })
      )
        .get(on.date)
        ?.get('')?.managers_active,
    );
    // Read from the latest day on or before the date: changing that row changes the answer.
    const change = (by: number) => sql`
      UPDATE district_distinct_days SET managers_active = managers_active + ${by}
      WHERE district_key = ${DISTRICT} AND on_date = (
        SELECT max(on_date) FROM district_distinct_days
        WHERE district_key = ${DISTRICT} AND on_date <= ${on.date}::date)`;
    await change(100).execute(db());
    try {
      expect(await read()).toBe((before as number) + 100);
    } finally {
      await change(-100).execute(db());
    }
  });

  it('equal the direct query for every measure, dimension and scope', async () => {
    // The comparison is with the table, not the cases twice.
    const dates = points.map((point) => point.date);
    expect(await monthlyCovers(db(), { district: undefined }, dates, { districtWide: true })).toBe(
      true,
    );
    const scopes = [
      { district: DISTRICT },
      { district: DISTRICT, provider: 'KDV' },
      { district: DISTRICT, municipality: '08118048' },
      { district: undefined },
    ];
    for (const scope of scopes) {
      for (const by of [undefined, ...DIMENSION_IDS]) {
        if (scope.municipality && by) continue;
        await expectSameAsDirect(scope, points, by);
      }
    }
  }, 180_000);

  it('give any day within a month from the first of the month and the cases changing since, as the direct query', async () => {
    // Days within months, a leap day, the last days before a month's end; with periods from
    // the year's start and from a first of a month (their counts from cumulative counts).
    const days = [
      '2018-03-15',
      '2019-06-02',
      '2019-12-30',
      '2020-02-28',
      '2020-07-17',
      '2020-12-24',
      '2021-01-02',
      '2021-02-14',
      '2021-03-30',
    ];
    const within: Point[] = days.map((date, i) => ({
      date,
      periodFrom: i % 2 === 0 ? `${date.slice(0, 4)}-01-01` : `${date.slice(0, 7)}-01`,
    }));
    // The month's first days are in the table: without them the days come from the cases.
    expect(
      await monthlyCovers(
        db(),
        { district: DISTRICT },
        days.map((date) => `${date.slice(0, 7)}-01`),
      ),
    ).toBe(true);
    // State-wide too: there the changing cases are found by indexes that lead with the date.
    for (const scope of [
      { district: DISTRICT },
      { district: DISTRICT, provider: 'KDV' },
      { district: undefined },
    ]) {
      for (const by of [undefined, ...DIMENSION_IDS]) {
        await expectSameAsDirect(scope, within, by);
      }
    }
    // They are read from the table: a month's first day taken out of it changes the answer.
    const on = { date: '2020-07-17', periodFrom: '2020-01-01' };
    const active = INDICATORS.filter((i) => i.id === 'clients_active');
    const before = (await countsOn(db(), { district: DISTRICT }, [on], active, undefined))
      .get(on.date)
      ?.get('')?.clients_active;
    expect(before).toBeGreaterThan(0);
    await sql`UPDATE figures_monthly SET clients_active = clients_active + 1000
      WHERE on_date = '2020-07-01' AND dimension = 'total'`.execute(db());
    try {
      const after = (await countsOn(db(), { district: DISTRICT }, [on], active, undefined))
        .get(on.date)
        ?.get('')?.clients_active;
      expect(after).toBeGreaterThan((before as number) + 999);
    } finally {
      await sql`UPDATE figures_monthly SET clients_active = clients_active - 1000
        WHERE on_date = '2020-07-01' AND dimension = 'total'`.execute(db());
    }
  }, 180_000);

  it('evaluate the cases changing before a day within a month once for a breakdown, its cells and its total as the direct query', async () => {
    let evaluations = 0;
    // Counts the queries that read the changing stretches (deltaCounts), by their SQL: the
    // pairs of a day and its month's first (base_date); the case rows' counts read the
    // stretches that run on a day too, but not those.
    const counting = db().withPlugin({
      transformQuery: ({ node }) => {
        if (JSON.stringify(node).includes('base_date')) evaluations += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    });
    const ids = ['clients_active', 'language_b1_plus_share', 'cases_started_in_period'] as const;
    for (const district of [DISTRICT, undefined]) {
      const directory = await directoryCategories(db(), district);
      const at = { district, date: '2020-07-17', periodFrom: '2020-01-01' };
      for (const id of ids) {
        const indicator = findIndicator(id) as Indicator;
        for (const by of ['municipality', 'language_level'] as const) {
          evaluations = 0;
          const answer = await breakdownOn(counting, at, indicator, by, directory);
          expect(evaluations, `${id} by ${by}, ${district ?? 'all'}`).toBe(1);
          expect(answer).toEqual(
            await breakdownOn(db(), at, indicator, by, directory, { source: 'direct' }),
          );
        }
      }
    }
  }, 120_000);

  it('give a cross-table on any day from the stretches that run on it, as the direct query', async () => {
    const pairs = [
      ['clients_active', 'age_group', 'language_level'],
      ['language_b1_plus_share', 'municipality', 'employment'],
      ['cases_closed_with_lease_share', 'provider', 'housing'],
      ['employment_sv_share', 'sex', 'start_year'],
      ['cases_over_max_duration', 'country', 'age_group'],
      // Distinct counts: the stretches' managers and municipalities (sql/019).
      ['managers_active', 'sex', 'employment'],
      ['caseload_per_manager', 'housing', 'provider'],
      ['municipalities_active', 'age_group', 'language_level'],
      // Not a stretch's count: from the case rows, the status from the stretch on the day.
      ['cases_started_in_period', 'employment', 'municipality'],
    ] as const;
    for (const district of [DISTRICT, undefined]) {
      const directory = await directoryCategories(db(), district);
      for (const scope of [
        { district },
        ...(district
          ? [
              { district, provider: 'AWO' },
              { district, municipality: '08118048' },
            ]
          : []),
      ]) {
        for (const date of ['2019-06-02', '2020-02-29', '2020-07-17', '2021-03-30']) {
          const at = { ...scope, date, periodFrom: `${date.slice(0, 4)}-01-01` };
          for (const [id, rowsBy, columnsBy] of pairs) {
            const indicator = findIndicator(id) as Indicator;
            expect(
              await crossTableOn(db(), at, indicator, rowsBy, columnsBy, directory),
              `${id} by ${rowsBy} × ${columnsBy}, ${JSON.stringify(at)}`,
            ).toEqual(
              await crossTableOn(db(), at, indicator, rowsBy, columnsBy, directory, {
                source: 'direct',
              }),
            );
          }
        }
      }
    }
    // Read from the stretches: one taken out changes the answer.
    const at = { district: DISTRICT, date: '2020-07-17', periodFrom: '2020-01-01' };
    const active = findIndicator('clients_active') as Indicator;
    const directory = await directoryCategories(db(), DISTRICT);
    const before = await crossTableOn(db(), at, active, 'sex', 'age_group', directory);
    const { rows } = await sql<{ case_id: string }>`
      SELECT case_id FROM case_stretches
      WHERE district_key = ${DISTRICT} AND counted & 1 = 1
        AND from_date <= '2020-07-17' AND (to_date IS NULL OR to_date > '2020-07-17')
      LIMIT 1`.execute(db());
    const taken = rows[0]?.case_id as string;
    await sql`UPDATE case_stretches SET counted = counted - 1
      WHERE case_id = ${taken} AND counted & 1 = 1
        AND from_date <= '2020-07-17' AND (to_date IS NULL OR to_date > '2020-07-17')`.execute(
      db(),
    );
    try {
      const after = await crossTableOn(db(), at, active, 'sex', 'age_group', directory);
      expect(after.total.value).toBe((before.total.value as number) - 1);
    } finally {
      await sql`UPDATE case_stretches SET counted = counted + 1
        WHERE case_id = ${taken} AND counted & 1 = 0
          AND from_date <= '2020-07-17' AND (to_date IS NULL OR to_date > '2020-07-17')`.execute(
        db(),
      );
    }
  }, 180_000);

  it("give a table's classes for its audit with the status from the stretches, as from the case rows", async () => {
    const numerator = (id: string) => {
      const share = findIndicator(id as Indicator['id']);
      if (share?.kind !== 'share') throw new Error(`${id} is not a share`);
      return share.numerator.condition as NonNullable<typeof share.numerator.condition>;
    };
    const conditions = [
      ACTIVE.where,
      numerator('language_b1_plus_share'),
      numerator('employment_sv_share'),
      numerator('private_lease_share'),
    ];
    const sorted = (classes: TableClass[]) =>
      classes.map((c) => JSON.stringify(c)).sort((a, b) => (a < b ? -1 : 1));
    const tables = [
      ['housing'],
      ['municipality', 'employment'],
      ['sex', 'language_level'],
    ] as const;
    // The monthly counts' conditions from the stretches' bits; with one that is none of them,
    // from the case rows with the status from the stretches.
    const other = sql<boolean>`active AND housing <> 'unknown'`;
    for (const scope of [{ district: DISTRICT }, { district: DISTRICT, provider: 'AWO' }])
      for (const date of ['2019-06-01', '2020-07-17', '2021-03-01'])
        for (const dimensions of tables)
          for (const linked of [conditions, [...conditions, other]]) {
            const at = { ...scope, date, periodFrom: `${date.slice(0, 4)}-01-01` };
            expect(
              sorted(await tableClassesOn(db(), at, dimensions, linked)),
              `${dimensions.join(' × ')}, ${linked.length} counts, ${JSON.stringify(at)}`,
            ).toEqual(
              sorted(await tableClassesOn(db(), at, dimensions, linked, { source: 'direct' })),
            );
          }
    // Read from the stretches: a running stretch's employment changed changes the classes.
    const at = { district: DISTRICT, date: '2020-07-17', periodFrom: '2020-01-01' };
    const both = [conditions, [...conditions, other]];
    const before = [];
    for (const linked of both)
      before.push(sorted(await tableClassesOn(db(), at, ['employment'], linked)));
    const { rows } = await sql<{ case_id: string; d_employment: string }>`
      SELECT case_id, d_employment FROM case_stretches
      WHERE district_key = ${DISTRICT} AND counted & 1 = 1 AND d_employment <> 'training'
        AND from_date <= '2020-07-17' AND (to_date IS NULL OR to_date > '2020-07-17')
      LIMIT 1`.execute(db());
    const taken = rows[0] as { case_id: string; d_employment: string };
    const running = sql`district_key = ${DISTRICT} AND case_id = ${taken.case_id}
      AND from_date <= '2020-07-17' AND (to_date IS NULL OR to_date > '2020-07-17')`;
    await sql`UPDATE case_stretches SET d_employment = 'training' WHERE ${running}`.execute(db());
    try {
      for (const [i, linked] of both.entries())
        expect(sorted(await tableClassesOn(db(), at, ['employment'], linked))).not.toEqual(
          before[i],
        );
    } finally {
      await sql`UPDATE case_stretches SET d_employment = ${taken.d_employment} WHERE ${running}`.execute(
        db(),
      );
    }
  }, 180_000);

  it('keep across answers that a scope is covered only once it is: stale figures are read from the table once rebuilt', async () => {
    const coverage: NonNullable<CountOptions['coverage']> = new Map();
    const on = [{ date: '2020-07-17', periodFrom: '2020-01-01' }];
    const active = INDICATORS.filter((i) => i.id === 'clients_active');
    const scope = { district: DISTRICT };
    const value = async () =>
      (await countsOn(db(), scope, on, active, undefined, { coverage }))
        .get(on[0]?.date as string)
        ?.get('')?.clients_active as number;
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE district_key = ${DISTRICT}`.execute(
      db(),
    );
    const fromCases = await value();
    expect(fromCases).toBeGreaterThan(0);
    // Not covered: nothing kept, so the next answer asks again.
    expect(coverage.size).toBe(0);
    await refreshStaleMonthlyFigures(db());
    await sql`UPDATE figures_monthly SET clients_active = clients_active + 1000
      WHERE on_date = '2020-07-01' AND dimension = 'total'`.execute(db());
    try {
      expect(await value()).toBeGreaterThan(fromCases + 999);
      expect(coverage.size).toBe(1);
    } finally {
      await sql`UPDATE figures_monthly SET clients_active = clients_active - 1000
        WHERE on_date = '2020-07-01' AND dimension = 'total'`.execute(db());
    }
    expect(await value()).toBe(fromCases);
  }, 180_000);

  it('count a manager or a town only while one of its cases runs, across providers', async () => {
    // A second district with two providers sharing a manager id and a town.
    await sql`INSERT INTO districts VALUES ('08999', 'Testkreis')`.execute(db());
    await sql`INSERT INTO providers (district_key, code, name) VALUES
      ('08999', 'AWO', 'AWO Test'), ('08999', 'DRK', 'DRK Test')`.execute(db());
    await sql`INSERT INTO municipalities (district_key, ags, name) VALUES
      ('08999', '08999001', 'Eins'), ('08999', '08999002', 'Zwei')`.execute(db());
    const header =
      'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason';
    const exports = {
      AWO: ['AWO-0001;AWO;08999001;IM-1;f;1990-03;SYR;2019-01-10;2019-05-15;independent'],
      DRK: [
        'DRK-0001;DRK;08999001;IM-1;m;1985-07;AFG;2019-02-01;2019-08-20;independent',
        'DRK-0002;DRK;08999002;IM-2;m;1985-07;AFG;2019-03-01;;',
      ],
    };
    for (const [provider, rows] of Object.entries(exports)) {
      const summary = await importExport(database.handle, {
        district: '08999',
        provider,
        asOf: '2019-12-31',
        fileName: `${provider}.csv`,
        bytes: Buffer.from(`${[header, ...rows].join('\n')}\n`),
      });
      expect(summary.status, summary.errors[0]?.message).toBe('imported');
    }
    const when = ['2019-01-31', '2019-03-31', '2019-05-31', '2019-08-31', '2019-09-01'];
    const at = when.map((date) => ({ date, periodFrom: '2019-01-01' }));
    const distinct = INDICATORS.filter(
      (i) => i.id === 'managers_active' || i.id === 'municipalities_active',
    );
    const monthly = await countsOn(db(), { district: '08999' }, at, distinct, undefined);
    const direct = await countsOn(db(), { district: '08999' }, at, distinct, undefined, {
      source: 'direct',
    });
    const values = (counts: typeof monthly) =>
      when.map((date) => [
        counts.get(date)?.get('')?.managers_active,
        counts.get(date)?.get('')?.municipalities_active,
      ]);
    expect(values(direct)).toEqual([
      [1, 1],
      [2, 2],
      [2, 2],
      [1, 1],
      [1, 1],
    ]);
    expect(values(monthly)).toEqual(values(direct));
  });

  it('count a case over the maximum duration from the day after its third anniversary, leap years too', async () => {
    await sql`INSERT INTO districts VALUES ('08998', 'Schaltjahrkreis')`.execute(db());
    await sql`INSERT INTO providers (district_key, code, name) VALUES ('08998', 'AWO', 'AWO Test')`.execute(
      db(),
    );
    await sql`INSERT INTO municipalities (district_key, ags, name) VALUES ('08998', '08998001', 'Eins')`.execute(
      db(),
    );
    const summary = await importExport(database.handle, {
      district: '08998',
      provider: 'AWO',
      asOf: '2024-03-31',
      fileName: 'AWO.csv',
      bytes: Buffer.from(
        'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason\n' +
          'AWO-0001;AWO;08998001;IM-1;f;1990-03;SYR;2021-02-28;;\n' +
          // Over the maximum from 05.03.2024: a day within a month, read as the 1st plus the
          // cases changing since (found by the anniversary's range of starts).
          'AWO-0002;AWO;08998001;IM-1;f;1990-03;SYR;2021-03-04;;\n',
      ),
    });
    expect(summary.status, summary.errors[0]?.message).toBe('imported');
    const when = ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-04', '2024-03-05'];
    const at = when.map((date) => ({ date, periodFrom: '2024-01-01' }));
    const overMax = INDICATORS.filter((i) => i.id === 'cases_over_max_duration');
    const scope = { district: '08998' };
    const direct = await countsOn(db(), scope, at, overMax, undefined, { source: 'direct' });
    const monthly = await countsOn(db(), scope, at, overMax, undefined);
    const values = (counts: typeof direct) =>
      when.map((date) => counts.get(date)?.get('')?.cases_over_max_duration);
    // Three full years end on 28.02.2024; the 29th is the first day beyond them.
    expect(values(direct)).toEqual([0, 1, 1, 1, 2]);
    expect(values(monthly)).toEqual(values(direct));
  });

  it('change with an import by what its changed cases contribute, as a rebuild gives them', async () => {
    // KDV three months later: 40 cases closed, 30 with a new language level, one new case.
    const [header, ...lines] = readFileSync(resolve(DEMO_DIR, 'kdv-2021-03-01.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    const columns = (header as string).split(',');
    const at = (name: string) => columns.indexOf(name);
    let closed = 0;
    let learned = 0;
    const rows = lines.map((line) => {
      const cells = line.split(',');
      if (cells[at('ended_on')] === '' && closed < 40) {
        cells[at('ended_on')] = '2021-05-15';
        cells[at('end_reason')] = 'independent';
        closed += 1;
      } else if (cells[at('ended_on')] === '' && learned < 30) {
        cells[at('language_level')] = 'C1';
        cells[at('language_level_since')] = '2021-04-20';
        learned += 1;
      }
      return cells.join(',');
    });
    const fresh = (lines[0] as string).split(',');
    fresh[at('case_id')] = 'KDV-NEU001';
    fresh[at('started_on')] = '2021-04-06';
    fresh[at('plan_created_on')] = '';
    fresh[at('ended_on')] = '';
    fresh[at('end_reason')] = '';
    for (const kind of ['language_level', 'employment']) {
      fresh[at(kind)] = '';
      fresh[at(`${kind}_since`)] = '';
    }
    const summary = await importExport(database.handle, {
      district: DISTRICT,
      provider: 'KDV',
      asOf: '2021-06-30',
      fileName: 'kdv-2021-06-30.csv',
      bytes: Buffer.from(`${[header, ...rows, fresh.join(',')].join('\n')}\n`),
    });
    expect(summary.status, summary.errors[0]?.message).toBe('imported');
    expect([summary.new, summary.changed]).toEqual([1, 70]);

    const stored = async () =>
      (
        await sql<Record<string, unknown>>`
          SELECT * FROM figures_monthly WHERE district_key = ${DISTRICT}
          ORDER BY provider, dimension, on_date, category`.execute(db())
      ).rows;
    const slices = async () =>
      (
        await sql<Record<string, unknown>>`
          SELECT provider, first_date::text, last_date::text FROM figures_monthly_slices
          WHERE district_key = ${DISTRICT} ORDER BY provider`.execute(db())
      ).rows;
    const incremental = await stored();
    const incrementalStretches = await storedStretches();
    const incrementalSlices = await slices();
    expect(incrementalSlices).toContainEqual({
      provider: 'KDV',
      first_date: expect.any(String),
      last_date: '2021-06-30',
    });
    // The same rows as from all the cases again.
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE district_key = ${DISTRICT}`.execute(
      db(),
    );
    await refreshStaleMonthlyFigures(db());
    expect(await slices()).toEqual(incrementalSlices);
    const rebuilt = await stored();
    expect(incremental.length).toBe(rebuilt.length);
    expect(incremental).toEqual(rebuilt);
    // The stretches a day within a month is read from: the changed cases' written again.
    const rebuiltStretches = await storedStretches();
    expect(rebuiltStretches.length).toBeGreaterThan(3 * 1000);
    expect(incrementalStretches).toEqual(rebuiltStretches);
  });

  it('stay equal to a rebuild after a snapshot a year later that moves, closes and leaves cases', async () => {
    // AWO a year later: the first manager's open cases closed, 20 open cases moved to a new
    // manager and town, 15 with a new employment; every other case untouched, ageing and
    // passing its third year in the twelve months the snapshot adds.
    const text = readFileSync(resolve(DEMO_DIR, 'awo-2021-03-01.csv'), 'utf8').replace(
      /^\uFEFF/,
      '',
    );
    const [header, ...lines] = text.trimEnd().split(/\r?\n/);
    const delimiter = (header as string).includes(';') ? ';' : ',';
    const columns = (header as string).split(delimiter);
    const at = (name: string) => columns.indexOf(name);
    const firstManager = (lines[0] as string).split(delimiter)[at('manager_id')];
    let moved = 0;
    let employed = 0;
    const rows = lines.map((line) => {
      const cells = line.split(delimiter);
      if (cells[at('ended_on')] !== '') return line;
      if (cells[at('manager_id')] === firstManager) {
        cells[at('ended_on')] = '2021-08-15';
        cells[at('end_reason')] = 'independent';
      } else if (moved < 20) {
        cells[at('manager_id')] = 'IM-AWO-NEU';
        cells[at('municipality')] =
          cells[at('municipality')] === '08118048' ? '08118077' : '08118048';
        moved += 1;
      } else if (employed < 15) {
        cells[at('employment')] = 'sv_employment';
        cells[at('employment_since')] = '2021-11-03';
        employed += 1;
      }
      return cells.join(delimiter);
    });
    expect([moved, employed]).toEqual([20, 15]);
    const steps: string[] = [];
    const summary = await importExport(database.handle, {
      district: DISTRICT,
      provider: 'AWO',
      asOf: '2022-03-01',
      fileName: 'awo-2022-03-01.csv',
      bytes: Buffer.from(`${[header, ...rows].join('\n')}\n`),
      onStep: (step) => steps.push(step),
    });
    expect(summary.status, summary.errors[0]?.message).toBe('imported');
    // By the changed cases' contributions, not rebuilt: the path this test is about.
    expect(steps).toContain('monthly figures: months added');
    // Untouched cases that change in the months added: a birthday at an age a measure or a
    // category compares, or the day after a third year.
    const { rows: untouched } = await sql<{ birthdays: number; third_years: number }>`
      SELECT
        count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM unnest(ARRAY[6, 18, 27, 45, 65]) t
          WHERE (birth_month + make_interval(years => t))::date BETWEEN '2021-04-01' AND '2022-03-31'
            AND (ended_on IS NULL OR ended_on > (birth_month + make_interval(years => t))::date)
        ))::int AS birthdays,
        count(*) FILTER (WHERE (started_on + interval '3 years')::date BETWEEN '2021-04-01' AND '2022-03-30'
          AND ended_on IS NULL)::int AS third_years
      FROM cases
      WHERE district_key = ${DISTRICT} AND provider = 'AWO' AND changed_import_id <> ${summary.import_id}`.execute(
      db(),
    );
    expect(untouched[0]?.birthdays).toBeGreaterThan(0);
    expect(untouched[0]?.third_years).toBeGreaterThan(0);

    const stored = async () =>
      (
        await sql<Record<string, unknown>>`
          SELECT * FROM figures_monthly WHERE district_key = ${DISTRICT}
          ORDER BY provider, dimension, on_date, category`.execute(db())
      ).rows;
    const incremental = await stored();
    const incrementalStretches = await storedStretches();
    // The district's distinct counts too: the new manager counted, the first one no longer.
    const managers = incremental.filter(
      (row) => row.provider === '' && row.on_date === '2022-03-31',
    );
    expect(managers).toHaveLength(1);
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE district_key = ${DISTRICT}`.execute(
      db(),
    );
    await refreshStaleMonthlyFigures(db());
    const rebuilt = await stored();
    expect(incremental.length).toBe(rebuilt.length);
    expect(incremental).toEqual(rebuilt);
    // Also the stretches of the cases that changed only by reaching the months added.
    expect(incrementalStretches).toEqual(await storedStretches());
  }, 180_000);

  it('keep no row whose counts an import takes to zero (zero is NULL, and no row means zero)', async () => {
    // Every case of a town moves to the other town in a newer snapshot: the town's rows of
    // the provider lose all their cases on every date, their counts and key sums come to
    // NULL, and the rows must go, as a rebuild would not write them.
    await sql`INSERT INTO districts VALUES ('08997', 'Umzugskreis')`.execute(db());
    await sql`INSERT INTO providers (district_key, code, name) VALUES ('08997', 'AWO', 'AWO Test')`.execute(
      db(),
    );
    await sql`INSERT INTO municipalities (district_key, ags, name) VALUES
      ('08997', '08997001', 'Eins'), ('08997', '08997002', 'Zwei')`.execute(db());
    const header =
      'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason';
    const snapshot = (town: string, asOf: string) =>
      importExport(database.handle, {
        district: '08997',
        provider: 'AWO',
        asOf,
        fileName: `awo-${asOf}.csv`,
        bytes: Buffer.from(
          `${[
            header,
            `AWO-0001;AWO;${town};IM-1;f;1990-03;SYR;2019-01-10;2019-05-15;independent`,
            `AWO-0002;AWO;${town};IM-1;m;1988-11;AFG;2019-02-01;;`,
            'AWO-0003;AWO;08997002;IM-2;f;1995-06;IRQ;2019-03-05;;',
          ].join('\n')}\n`,
        ),
        onStep: (step) => steps.push(step),
      });
    const steps: string[] = [];
    expect((await snapshot('08997001', '2019-12-31')).status).toBe('imported');
    const town = async () =>
      (
        await sql<{ rows: number }>`
          SELECT count(*)::int AS rows FROM figures_monthly
          WHERE district_key = '08997' AND provider = 'AWO'
            AND dimension = 'municipality' AND category = '08997001'`.execute(db())
      ).rows[0]?.rows;
    expect(await town()).toBeGreaterThan(0);
    steps.length = 0;
    expect((await snapshot('08997002', '2020-06-30')).status).toBe('imported');
    // By the changed cases' contributions, not rebuilt.
    expect(steps).toContain('monthly figures: applied');
    expect(await town()).toBe(0);
    const { rows: empty } = await sql<{ rows: number }>`
      SELECT count(*)::int AS rows FROM figures_monthly f
      WHERE district_key = '08997' AND ${sql.join(
        MEASURE_COLUMNS.map((column) => sql`${sql.ref(`f.${column}`)} IS NULL`),
        sql` AND `,
      )}`.execute(db());
    expect(empty[0]?.rows).toBe(0);
    const stored = async () =>
      (
        await sql<Record<string, unknown>>`
          SELECT * FROM figures_monthly WHERE district_key = '08997'
          ORDER BY provider, dimension, on_date, category`.execute(db())
      ).rows;
    const incremental = await stored();
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE district_key = '08997'`.execute(
      db(),
    );
    await refreshStaleMonthlyFigures(db());
    expect(incremental).toEqual(await stored());
  });

  it('are rebuilt when the definitions change, and only then', async () => {
    expect(await refreshStaleMonthlyFigures(db())).toBe(0);
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE provider = 'DRK' AND district_key = '08118'`.execute(
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
