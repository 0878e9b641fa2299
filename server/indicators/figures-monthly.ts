// Pre-aggregated figures (sql/005_figures_monthly.sql): for each provider of a district,
// every first and last day of a month, and every category of every dimension, the counts
// that indicators are built from. An import rewrites its provider's rows inside its own
// transaction. The measures are the registry's own aggregates evaluated over the same case
// facts as a direct query, so both ways give the same numbers (figures-monthly.test.ts).
import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { factColumns } from './case-facts.ts';
import { DIMENSION_IDS, DIMENSIONS, type DimensionId } from './dimensions.ts';
import { INDICATORS } from './registry.ts';

/** Measure alias → aggregate over fact rows, for every indicator count that adds up over providers. */
export const MONTHLY_MEASURES: ReadonlyMap<string, RawBuilder<number>> = new Map(
  INDICATORS.flatMap((indicator): [string, RawBuilder<number>][] => {
    if (indicator.kind === 'count')
      return indicator.precomputed ? [[indicator.id, indicator.aggregate]] : [];
    if (indicator.kind === 'share') return [[`${indicator.id}__numerator`, indicator.numerator]];
    return [];
  }),
);

/** Every dimension but provider, which is a column of the table itself. */
export const MONTHLY_DIMENSIONS: readonly DimensionId[] = DIMENSION_IDS.filter(
  (id) => id !== 'provider',
);

/**
 * The dates on which a case's facts can change, besides its status records and birthdays
 * (age is counted in full years from the birth month). Every condition on the reporting
 * date in the registry must change only on one of these dates; figures-monthly.test.ts
 * compares both ways of computing on many dates to catch one that does not.
 */
const CHANGE_POINTS = sql`unnest(ARRAY[
  started_on, ended_on, plan_created_on, (started_on + interval '3 years' + interval '1 day')::date
])`;

let version: string | undefined;
/** Changes whenever a measure's or a dimension's SQL changes: older rows are then not used. */
export function monthlyVersion(db: Kysely<Database>): string {
  if (version) return version;
  const hash = createHash('sha256');
  for (const [alias, aggregate] of MONTHLY_MEASURES) {
    hash.update(`${alias}=${aggregate.compile(db).sql};`);
  }
  for (const id of MONTHLY_DIMENSIONS) hash.update(`${id}=${DIMENSIONS[id].key.compile(db).sql};`);
  hash.update(factColumns(sql`d`).compile(db).sql);
  hash.update(CHANGE_POINTS.compile(db).sql);
  version = hash.digest('hex').slice(0, 16);
  return version;
}

async function supportsJit(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_settings WHERE name = 'jit'`.execute(db);
  return rows[0]?.n === 1;
}

/** Whether figures for this day can be in the table: the first or the last of a month. */
export function isMonthlyDate(date: string): boolean {
  const day = Number(date.slice(8, 10));
  if (day === 1) return true;
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCDate() === 1;
}

/**
 * Rewrites one provider's monthly figures from its cases: from the month of its first case
 * to the end of the month of its newest snapshot or of today, whichever is later.
 */
export async function refreshMonthlyFigures(
  db: Kysely<Database>,
  district: string,
  provider: string,
): Promise<{ dates: number; rows: number }> {
  await db
    .deleteFrom('figures_monthly')
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .execute();
  await db
    .deleteFrom('figures_monthly_slices')
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .execute();
  const { rows: ranges } = await sql<{ first: string | null; last: string | null }>`
    SELECT date_trunc('month', min(c.started_on))::date::text AS first,
      date_trunc('month', greatest(current_date, (
        SELECT max(i.as_of) FROM imports i
        WHERE i.district_key = ${district} AND i.provider = ${provider} AND i.status = 'imported'
      )))::date::text AS last
    FROM cases c WHERE c.district_key = ${district} AND c.provider = ${provider}`.execute(db);
  const range = ranges[0];
  if (!range?.first || !range.last) return { dates: 0, rows: 0 };

  const keyed = MONTHLY_DIMENSIONS.map((id) => ({ id, column: sql.id(`d_${id}`) }));
  const dimension = sql.join(
    keyed.map(({ id, column }) => sql`WHEN GROUPING(${column}) = 0 THEN ${id}`),
    sql` `,
  );
  const category = sql.join(
    keyed.map(({ column }) => sql`WHEN GROUPING(${column}) = 0 THEN ${column}::text`),
    sql` `,
  );
  // One column per measure while summing; jsonb only in the stored row.
  const columns = [...MONTHLY_MEASURES.keys()].map((_, i) => sql.id(`m${i}`));
  const measures = sql.join(
    [...MONTHLY_MEASURES.values()].map((aggregate, i) => sql`${aggregate} AS ${columns[i]}`),
  );
  const slice = sql`district_key = ${district} AND provider = ${provider}`;
  // The planner cannot estimate these CTEs and would compile the query to machine code
  // first (PostgreSQL's JIT), which takes longer than running it.
  if (await supportsJit(db)) await sql`SET LOCAL jit = off`.execute(db);
  // A sweep over time instead of evaluating every case on every date: a case's facts stay
  // the same between its change points, so each stretch between two of them is evaluated
  // once, counted in from its first date and out from the first date of the next stretch,
  // and the counts on each date are the running sums.
  const result = await sql`
    WITH months AS (
      SELECT m::date AS first_day, (m + interval '1 month' - interval '1 day')::date AS last_day
      FROM generate_series(${range.first}::date, ${range.last}::date, interval '1 month') m
    ),
    dates AS (
      SELECT first_day AS on_date FROM months UNION SELECT last_day FROM months
    ),
    slice_cases AS (SELECT * FROM cases WHERE ${slice}),
    change_points AS (
      SELECT case_id, ${CHANGE_POINTS} AS changes_on FROM slice_cases
      UNION ALL
      SELECT case_id, since FROM case_status WHERE ${slice}
      UNION ALL
      SELECT case_id, (birth_month + make_interval(years => n))::date
      FROM slice_cases, generate_series(1, 110) n
      WHERE birth_month + make_interval(years => n) > started_on
        AND birth_month + make_interval(years => n) <= ${range.last}::date + interval '1 month'
    ),
    snapped AS (
      SELECT DISTINCT p.case_id, d.on_date
      FROM change_points p
      CROSS JOIN LATERAL (
        SELECT min(on_date) AS on_date FROM dates WHERE dates.on_date >= p.changes_on
      ) d
      WHERE d.on_date IS NOT NULL
    ),
    stretches AS (
      SELECT case_id, on_date AS from_date,
        lead(on_date) OVER (PARTITION BY case_id ORDER BY on_date) AS to_date
      FROM snapped
    ),
    facts AS (
      SELECT st.from_date, st.to_date, ${factColumns(sql`st.from_date`)}
      FROM stretches st JOIN slice_cases c USING (case_id)
      WHERE c.started_on <= st.from_date
    ),
    signed AS (
      SELECT from_date AS on_date, 1 AS sign, facts.* FROM facts
      UNION ALL
      SELECT to_date, -1, facts.* FROM facts WHERE to_date IS NOT NULL
    ),
    keyed AS (
      SELECT signed.*, ${sql.join(keyed.map(({ id, column }) => sql`${DIMENSIONS[id].key} AS ${column}`))}
      FROM signed
    ),
    grouped AS (
      SELECT on_date, CASE ${dimension} ELSE 'total' END AS dimension,
        CASE ${category} ELSE '' END AS category, sign, ${measures}
      FROM keyed
      GROUP BY GROUPING SETS ((on_date, sign), ${sql.join(keyed.map(({ column }) => sql`(on_date, sign, ${column})`))})
    ),
    every_date AS (
      SELECT dimension, category, on_date, ${sql.join(columns.map((m) => sql`sign * ${m} AS ${m}`))}
      FROM grouped
      UNION ALL
      SELECT k.dimension, k.category, d.on_date, ${sql.join(columns.map((m) => sql`0 AS ${m}`))}
      FROM (SELECT DISTINCT dimension, category FROM grouped) k CROSS JOIN dates d
    ),
    running AS (
      SELECT dimension, category, on_date, ${sql.join(
        columns.map(
          (m) =>
            sql`(sum(sum(${m})) OVER (PARTITION BY dimension, category ORDER BY on_date))::int AS ${m}`,
        ),
      )}
      FROM every_date
      GROUP BY dimension, category, on_date
    )
    INSERT INTO figures_monthly (district_key, provider, on_date, dimension, category, measures)
    SELECT ${district}, ${provider}, on_date, dimension, category,
      jsonb_build_object(${sql.join([...MONTHLY_MEASURES.keys()].map((alias, i) => sql`${alias}::text, ${columns[i]}`))})
    FROM running
    WHERE ${sql.join(
      columns.map((m) => sql`${m} <> 0`),
      sql` OR `,
    )}`.execute(db);
  const last = new Date(`${range.last}T00:00:00Z`);
  last.setUTCMonth(last.getUTCMonth() + 1);
  last.setUTCDate(0);
  await db
    .insertInto('figures_monthly_slices')
    .values({
      district_key: district,
      provider,
      first_date: range.first,
      last_date: last.toISOString().slice(0, 10),
      version: monthlyVersion(db),
    })
    .execute();
  const months =
    (last.getUTCFullYear() - Number(range.first.slice(0, 4))) * 12 +
    last.getUTCMonth() -
    (Number(range.first.slice(5, 7)) - 1) +
    1;
  return { dates: months * 2, rows: Number(result.numAffectedRows ?? 0) };
}

/** Refreshes every provider whose rows are missing or were made by other definitions. */
export async function refreshStaleMonthlyFigures(
  db: Kysely<Database>,
  onSlice?: (slice: { district: string; provider: string }) => void,
): Promise<number> {
  const current = monthlyVersion(db);
  const { rows } = await sql<{ district_key: string; provider: string }>`
    SELECT DISTINCT i.district_key, i.provider FROM imports i
    LEFT JOIN figures_monthly_slices s
      ON s.district_key = i.district_key AND s.provider = i.provider AND s.version = ${current}
    WHERE i.status = 'imported' AND s.provider IS NULL
    ORDER BY 1, 2`.execute(db);
  for (const row of rows) {
    onSlice?.({ district: row.district_key, provider: row.provider });
    await db
      .transaction()
      .execute((trx) => refreshMonthlyFigures(trx, row.district_key, row.provider));
  }
  return rows.length;
}

export interface MonthlyScope {
  district: string | undefined;
  provider?: string | undefined;
  municipality?: string | undefined;
}

/**
 * Whether the table holds figures for every provider in the scope on every one of these
 * dates, by the current definitions.
 */
export async function monthlyCovers(
  db: Kysely<Database>,
  scope: MonthlyScope,
  dates: readonly string[],
): Promise<boolean> {
  if (dates.length === 0 || !dates.every(isMonthlyDate)) return false;
  const sorted = [...dates].sort();
  const { rows } = await sql<{ missing: number }>`
    SELECT count(*)::int AS missing FROM (
      SELECT DISTINCT i.district_key, i.provider FROM imports i
      WHERE i.status = 'imported'
        ${scope.district === undefined ? sql`` : sql`AND i.district_key = ${scope.district}`}
        ${scope.provider ? sql`AND i.provider = ${scope.provider}` : sql``}
    ) p
    LEFT JOIN figures_monthly_slices s
      ON s.district_key = p.district_key AND s.provider = p.provider
      AND s.version = ${monthlyVersion(db)}
      AND s.first_date <= ${sorted[0]}::date AND s.last_date >= ${sorted.at(-1)}::date
    WHERE s.provider IS NULL`.execute(db);
  return rows[0]?.missing === 0;
}

/**
 * The summed measures per date and category: `by` a dimension, by provider, or the totals
 * ('' as the category). A municipality in the scope reads that municipality's row.
 */
export async function monthlyMeasures(
  db: Kysely<Database>,
  scope: MonthlyScope,
  dates: readonly string[],
  by: DimensionId | undefined,
): Promise<Map<string, Map<string, Record<string, number>>>> {
  if (scope.municipality && by !== undefined)
    throw new Error('A breakdown within one municipality is not in the monthly figures.');
  const dimension = scope.municipality ? 'municipality' : by && by !== 'provider' ? by : 'total';
  const category = by === 'provider' ? sql`f.provider` : by ? sql`f.category` : sql`''`;
  const { rows } = await sql<{ on_date: string; category: string; key: string; value: number }>`
    SELECT f.on_date::text AS on_date, ${category} AS category, m.key, sum(m.value::int)::int AS value
    FROM figures_monthly f, jsonb_each_text(f.measures) m
    WHERE f.dimension = ${dimension}
      AND f.on_date = ANY(${sql.val(dates)}::date[])
      ${scope.district === undefined ? sql`` : sql`AND f.district_key = ${scope.district}`}
      ${scope.provider ? sql`AND f.provider = ${scope.provider}` : sql``}
      ${scope.municipality ? sql`AND f.category = ${scope.municipality}` : sql``}
    GROUP BY 1, 2, 3`.execute(db);
  const result = new Map<string, Map<string, Record<string, number>>>();
  for (const row of rows) {
    const byCategory = result.get(row.on_date) ?? new Map<string, Record<string, number>>();
    result.set(row.on_date, byCategory);
    const measures = byCategory.get(row.category) ?? {};
    byCategory.set(row.category, measures);
    measures[row.key] = row.value;
  }
  return result;
}
