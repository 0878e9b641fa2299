// Pre-aggregated figures (sql/005_figures_monthly.sql): for each provider of a district,
// every first and last day of a month, and every category of every dimension, the counts
// that indicators are built from. An import rewrites its provider's rows inside its own
// transaction. The measures are the registry's own aggregates evaluated over the same case
// facts as a direct query, so both ways give the same numbers (figures-monthly.test.ts).
import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { compileOnly } from '../db/compile-only.ts';
import type { Database } from '../db/types.ts';
import { CASE_ATTRIBUTES, type OnStep, timed } from '../import/merge-snapshot.ts';
import { factColumns } from './case-facts.ts';
import { DIMENSION_IDS, DIMENSIONS, type DimensionId } from './dimensions.ts';
import { ACTIVE, type CaseCount, cases, INDICATORS, type Indicator } from './registry.ts';

const KEY_SUFFIX = '__key';

/** The alias under which a count's key sum (its cell key) is held beside the count. */
export const keyAlias = (alias: string) => `${alias}${KEY_SUFFIX}`;

/** Whether a measure alias is a key sum (read modulo 2^32 only, as the cell key). */
export const isKeyAlias = (alias: string) => alias.endsWith(KEY_SUFFIX);

/** The count a measure alias belongs to: itself, or the count whose key sum it is. */
export const countAlias = (alias: string) =>
  isKeyAlias(alias) ? alias.slice(0, -KEY_SUFFIX.length) : alias;

/** The alias of a period count's cumulative form (or of its key sum's). */
export const cumulativeAlias = (alias: string) =>
  isKeyAlias(alias) ? keyAlias(`${countAlias(alias)}__cumulative`) : `${alias}__cumulative`;

const withKey = (
  alias: string,
  count: Pick<CaseCount, 'aggregate' | 'keyAggregate'>,
): [string, RawBuilder<number>][] => [
  [alias, count.aggregate],
  [keyAlias(alias), count.keyAggregate],
];

type MonthlyCount = Pick<CaseCount, 'condition' | 'aggregate' | 'keyAggregate' | 'atAges'>;

/** Every indicator count that adds up over providers, under its measure alias. */
const MONTHLY_COUNTS: readonly [string, MonthlyCount][] = INDICATORS.flatMap(
  (indicator): [string, MonthlyCount][] => {
    if (indicator.kind === 'count') {
      if (indicator.precomputed) {
        const { condition } = indicator;
        if (!condition) throw new Error(`${indicator.id} is precomputed without a condition.`);
        return [[indicator.id, { ...indicator, condition }]];
      }
      return indicator.cumulative ? [[cumulativeAlias(indicator.id), indicator.cumulative]] : [];
    }
    if (indicator.kind === 'share') return [[`${indicator.id}__numerator`, indicator.numerator]];
    return [];
  },
);

/**
 * Measure alias → aggregate over fact rows, for every indicator count that adds up over
 * providers, each with its key sum.
 */
export const MONTHLY_MEASURES: ReadonlyMap<string, RawBuilder<number>> = new Map(
  MONTHLY_COUNTS.flatMap(([alias, count]) => withKey(alias, count)),
);

/**
 * Distinct counts of active cases' attributes: held for each district as a whole, in rows
 * with the provider '' (the same manager or town can be with several providers), each with
 * its key sum (`keyAlias`).
 */
export const DISTRICT_MEASURES: ReadonlyMap<string, 'manager_id' | 'municipality'> = new Map(
  INDICATORS.flatMap((indicator): [string, 'manager_id' | 'municipality'][] =>
    indicator.kind === 'count' && indicator.distinctActive
      ? [[indicator.id, indicator.distinctActive]]
      : [],
  ),
);
const DISTRICT_WIDE = '';
/** First key of the transaction lock on a district's distinct counts (the second: its key's hash). */
const DISTRICT_TOTALS_LOCK = 7318_2022;
/** The key column (sql/009_cell_keys.sql) of each value counted distinctly. */
const DISTINCT_KEY_COLUMN = {
  manager_id: 'manager_key',
  municipality: 'municipality_key',
} as const;

/**
 * The measure columns of `figures_monthly` (sql/010_figures_monthly_columns.sql): every
 * measure alias and key sum, all integers (key sums modulo 2^32, zero as NULL: storedValue).
 */
export const MEASURE_COLUMNS: readonly string[] = [
  ...MONTHLY_MEASURES.keys(),
  ...[...DISTRICT_MEASURES.keys()].flatMap((alias) => [alias, keyAlias(alias)]),
];
const MEASURE_COLUMN_SET = new Set(MEASURE_COLUMNS);
/**
 * A measure's value as stored (sql/017_figures_monthly_compact.sql): a count as an integer, a
 * key sum as its residue modulo 2^32 in an integer (-2^31 … 2^31-1; the cell key reads the sum
 * modulo 2^32 only), and zero as NULL. `value` is an exact integer (float8 or bigint).
 */
export function storedValue(alias: string, value: RawBuilder<unknown>): RawBuilder<unknown> {
  return isKeyAlias(alias)
    ? sql`nullif(((${value})::bigint % 4294967296 + 6442450944) % 4294967296 - 2147483648, 0)::integer`
    : sql`nullif((${value})::integer, 0)`;
}

/** Every dimension but provider, which is a column of the table itself. */
export const MONTHLY_DIMENSIONS: readonly DimensionId[] = DIMENSION_IDS.filter(
  (id) => id !== 'provider',
);

/**
 * The days on which what the indicators count can change for a case: those that their
 * conditions carry (registry.ts, Condition.changesOn), each once. The sweep takes these
 * besides the case's status records and birthdays. figures-monthly.test.ts compares the
 * sweep with a direct query on many dates to catch a condition that changes on a day it
 * does not name.
 */
export function changeDates(indicators: readonly Indicator[]): RawBuilder<unknown>[] {
  const dates = indicators.flatMap((indicator) => {
    if (indicator.kind === 'count')
      return [...(indicator.changesOn ?? []), ...(indicator.cumulative?.changesOn ?? [])];
    if (indicator.kind === 'share') return indicator.numerator.changesOn;
    return [];
  });
  const seen = new Map<string, RawBuilder<unknown>>();
  // Told apart by their SQL: the same column named by two conditions is one date.
  for (const date of dates) seen.set(JSON.stringify(date.toOperationNode()), date);
  return [...seen.values()];
}

const CHANGE_POINTS = sql`unnest(ARRAY[${sql.join(changeDates(INDICATORS))}])`;

/** The fact column `age` in SQL text (not the function `age(…)`). */
const USES_AGE = /(?<![\w."])"?age"?(?![\w"(])/;

/** A measure's condition or a category's key, with the ages it declares it changes at. */
export interface AgeUse {
  name: string;
  sql: RawBuilder<unknown>;
  atAges?: readonly number[] | undefined;
}

/**
 * The ages at which a measure or a category can change: those their conditions and
 * dimensions declare (registry.ts Condition.atAges, dimensions.ts Dimension.atAges). Other
 * birthdays change no count, so they are no change points. A condition or key that uses
 * `age` and declares no age is refused: its change points would be unknown.
 */
export function ageThresholdsOf(uses: readonly AgeUse[]): number[] {
  const compiler = compileOnly;
  const found = new Set<number>();
  for (const use of uses) {
    const ages = use.atAges ?? [];
    if (ages.length === 0 && USES_AGE.test(sql`${use.sql}`.compile(compiler).sql))
      throw new Error(
        `${use.name} uses age but names no age at which it changes (atAges in server/indicators/registry.ts or dimensions.ts): the monthly figures cannot follow it.`,
      );
    for (const age of ages) {
      if (!Number.isInteger(age) || age < 1)
        throw new Error(
          `${use.name} names ${age} as an age at which it changes: not a whole number of years above 0.`,
        );
      found.add(age);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The ages of the registry's measures and the dimensions, checked once at start. */
const AGE_THRESHOLDS = ageThresholdsOf([
  ...MONTHLY_COUNTS.map(([alias, count]) => ({
    name: alias,
    sql: count.condition,
    atAges: count.atAges,
  })),
  ...MONTHLY_DIMENSIONS.map((id) => ({
    name: `The dimension ${id}`,
    sql: DIMENSIONS[id].key,
    atAges: DIMENSIONS[id].atAges,
  })),
]);

/** The ages at which a measure or a category can change (ageThresholdsOf). */
export const ageThresholds = (): readonly number[] => AGE_THRESHOLDS;

let version: string | undefined;
/** Changes whenever a measure's or a dimension's SQL changes: older rows are then not used. */
export function monthlyVersion(db: Kysely<Database>): string {
  if (version) return version;
  const hash = createHash('sha256');
  for (const [alias, aggregate] of MONTHLY_MEASURES) {
    hash.update(`${alias}=${aggregate.compile(db).sql};`);
  }
  // The per-row values summed instead of the aggregates are the same only for counts made
  // by cases() (registry.ts).
  for (const [alias, count] of MONTHLY_COUNTS) {
    const made = cases({ where: count.condition, changesOn: [] });
    if (
      made.aggregate.compile(db).sql !== count.aggregate.compile(db).sql ||
      made.keyAggregate.compile(db).sql !== count.keyAggregate.compile(db).sql
    )
      throw new Error(`${alias} is not a count of cases: the monthly figures cannot hold it.`);
  }
  for (const id of MONTHLY_DIMENSIONS) hash.update(`${id}=${DIMENSIONS[id].key.compile(db).sql};`);
  hash.update(factColumns(sql`d`).compile(db).sql);
  hash.update(CHANGE_POINTS.compile(db).sql);
  hash.update(`ages=${ageThresholds().join(',')};`);
  // Since sql/014 the figures are summed from the stored stretches, written with them.
  hash.update('stretches;');
  // Since sql/019 the stretches carry the case's manager and cell keys.
  hash.update(`stretch columns=${STRETCH_CASE_COLUMNS.join(',')};`);
  for (const [alias, column] of DISTRICT_MEASURES)
    hash.update(`${alias}=distinct ${column} keyed ${DISTINCT_KEY_COLUMN[column]};`);
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
  onStep: OnStep = () => {},
): Promise<void> {
  await refreshProviderFigures(db, district, provider, onStep);
  await timed('monthly figures: district', onStep, () => refreshDistrictTotals(db, district));
}

/** First days of the first and the last month a provider's figures are held for. */
interface Window {
  first: string;
  last: string;
}

/**
 * A provider's range: from the month of its first case to the month of its newest snapshot.
 * Later dates are computed from the case rows: the figures do not depend on the day they
 * are made, and no case is evaluated for months nobody has reported on yet.
 */
async function providerRange(
  db: Kysely<Database>,
  district: string,
  provider: string,
): Promise<Window | undefined> {
  const { rows } = await sql<{ first: string | null; last: string | null }>`
    SELECT date_trunc('month', min(c.started_on))::date::text AS first,
      date_trunc('month', (
        SELECT max(i.as_of) FROM imports i
        WHERE i.district_key = ${district} AND i.provider = ${provider} AND i.status = 'imported'
      ))::date::text AS last
    FROM cases c WHERE c.district_key = ${district} AND c.provider = ${provider}`.execute(db);
  const range = rows[0];
  if (!range?.first || !range.last) return undefined;
  return { first: range.first, last: later(range.first, range.last) };
}

/** The kinds of status history, each a fact column (case-facts.ts). */
const STATUS_KINDS = ['language_level', 'employment', 'housing'] as const;

/** The measure columns while summing: m0, m1, … in the order of MONTHLY_MEASURES. */
const SUM_COLUMNS = [...MONTHLY_MEASURES.keys()].map((_, i) => sql.id(`m${i}`));
const anyNonZero = (prefix: RawBuilder<unknown> | undefined, columns = SUM_COLUMNS) =>
  sql.join(
    columns.map((m) => (prefix ? sql`${prefix}.${m} <> 0` : sql`${m} <> 0`)),
    sql` OR `,
  );

/** The case's own columns a stretch carries for the distinct counts (sql/019). */
const STRETCH_CASE_COLUMNS = ['manager_id', 'manager_key', 'municipality_key'] as const;

/** The columns of `case_stretches` after the slice's: the case, its days, categories and counts. */
const STRETCH_COLUMNS = sql.join(
  [
    'case_id',
    'from_date',
    'to_date',
    ...MONTHLY_DIMENSIONS.map((id) => `d_${id}`),
    'record_key',
    'counted',
    ...STRETCH_CASE_COLUMNS,
  ].map((column) => sql.id(column)),
);

if (MONTHLY_COUNTS.length > 31)
  throw new Error('At most 31 monthly counts fit the bits of case_stretches.counted.');

/** Which of a stretch's parts a monthly measure sums: its count's bit, and the record key or 1. */
interface StretchPart {
  bit: number;
  key: boolean;
}
/** Whether a stretch (its `counted` bits) is counted by the count of this bit. */
const countedBy = (bit: number, stretch?: string) =>
  sql`${sql.ref(stretch ? `${stretch}.counted` : 'counted')} & ${sql.lit(2 ** bit)} <> 0`;

/**
 * Flags of a stretch `s` from its counted bits: bit j set where it is counted by the monthly
 * count of `bits[j]` (countedBitOf, countedBitOfCondition): the flags a table's audit or the
 * headline audit give a case on a day, read from its stretch that runs on it.
 */
export const stretchFlags = (bits: readonly number[]) =>
  sql.join(
    bits.map(
      (bit, j) => sql`(CASE WHEN ${countedBy(bit, 's')} THEN ${sql.lit(2 ** j)} ELSE 0 END)`,
    ),
    sql` + `,
  );
const STRETCH_PARTS: ReadonlyMap<string, StretchPart> = new Map(
  MONTHLY_COUNTS.flatMap(([alias], i): [string, StretchPart][] => [
    [alias, { bit: i, key: false }],
    [keyAlias(alias), { bit: i, key: true }],
  ]),
);

/**
 * The bit of `case_stretches.counted` that says whether a stretch is counted by the monthly
 * count of this alias (an indicator's count, a share's numerator: the registry's same
 * condition), or undefined where the stretches keep no such bit.
 */
export function countedBitOf(alias: string): number | undefined {
  const part = STRETCH_PARTS.get(alias);
  return part && !part.key ? part.bit : undefined;
}

/**
 * What one stretch (a row of case_stretches) adds to each measure of MONTHLY_MEASURES: 1 or
 * 0 to a count, its record key or 0 to a key sum. Summed over the stretches that run on a
 * day, they are the registry's aggregates over the cases on it.
 */
export const STRETCH_VALUES: ReadonlyMap<string, RawBuilder<number>> = new Map(
  [...STRETCH_PARTS].map(([alias, { bit, key }]): [string, RawBuilder<number>] => [
    alias,
    key
      ? sql<number>`(CASE WHEN ${countedBy(bit)} THEN record_key ELSE 0 END)::float8`
      : sql<number>`((counted >> ${sql.lit(bit)}) & 1)`,
  ]),
);

/** A condition as its SQL and parameters: the same text with other values is another one. */
const conditionKey = (condition: RawBuilder<unknown>) => {
  const { sql: text, parameters } = condition.compile(compileOnly);
  return JSON.stringify([text, parameters]);
};
let conditionBits: Map<string, number> | undefined;
/**
 * The bit of `case_stretches.counted` of the monthly count with this condition on a case's
 * facts (the same SQL and values), or undefined where no monthly count has it.
 */
export function countedBitOfCondition(condition: RawBuilder<unknown>): number | undefined {
  conditionBits ??= new Map(
    MONTHLY_COUNTS.map(([, count], i) => [conditionKey(count.condition as RawBuilder<unknown>), i]),
  );
  return conditionBits.get(conditionKey(condition));
}

/**
 * The bit of `case_stretches.counted` of the count whose condition is ACTIVE (counselling
 * runs on the day): what the distinct counts count over (registry.ts, `distinctActive`).
 */
const ACTIVE_BIT: number = (() => {
  const bit = countedBitOfCondition(ACTIVE.where);
  if (bit === undefined)
    throw new Error('No monthly count counts the active cases: no distinct counts.');
  return bit;
})();

/**
 * A distinct count (DISTRICT_MEASURES) over stretches `x` made distinct by its `columns`
 * first, for the active ones (`x.active`): the count and its key sum, as the registry's
 * aggregates over case rows count them (sql/019 gives the stretches these columns).
 */
export interface StretchDistinct {
  /** The stretch columns that tell one counted value from another, with its cell key. */
  columns: readonly string[];
  count: RawBuilder<number>;
  keySum: RawBuilder<number>;
}
export const STRETCH_DISTINCT: Readonly<Record<'manager_id' | 'municipality', StretchDistinct>> = {
  // Ids are the district's (registry.ts): the same id in two districts is two people.
  manager_id: {
    columns: ['district_key', 'manager_id', 'manager_key'],
    count: sql<number>`count(DISTINCT (x.district_key, x.manager_id)) FILTER (WHERE x.active)`,
    keySum: sql<number>`coalesce(sum(DISTINCT x.manager_key) FILTER (WHERE x.active), 0)`,
  },
  municipality: {
    columns: ['d_municipality', 'municipality_key'],
    count: sql<number>`count(DISTINCT x.d_municipality) FILTER (WHERE x.active)`,
    keySum: sql<number>`coalesce(sum(DISTINCT x.municipality_key) FILTER (WHERE x.active), 0)`,
  },
};

/** Whether a stretch `s` is counted as active (ACTIVE_BIT). */
export const stretchActive = sql<boolean>`(${countedBy(ACTIVE_BIT, 's')})`;

/**
 * For an alias of a distinct count or of its key sum: what it counts and which of the two it
 * is; undefined for any other alias.
 */
export function distinctOf(
  alias: string,
): { of: 'manager_id' | 'municipality'; key: boolean } | undefined {
  const of = DISTRICT_MEASURES.get(alias);
  if (of) return { of, key: false };
  const counted = DISTRICT_MEASURES.get(countAlias(alias));
  return counted && isKeyAlias(alias) ? { of: counted, key: true } : undefined;
}

/**
 * Some of a provider's cases as stretches, from their rows (`which`: a condition on
 * `case_id`, all cases without one): from each change point up to the window's last day to
 * the next, each stretch's categories and which monthly counts count it (bit i for the i-th
 * of MONTHLY_COUNTS). The columns of `case_stretches` after the slice's.
 */
export function stretchesFromCases(
  district: string,
  provider: string,
  window: Window,
  which?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const lastDay = endOfMonth(window.last);
  const slice = sql`district_key = ${district} AND provider = ${provider}`;
  const chosen = which ? sql` AND ${which}` : sql``;
  const counted = sql.join(
    MONTHLY_COUNTS.map(
      ([, count], i) => sql`CASE WHEN ${count.condition} THEN ${2 ** i} ELSE 0 END`,
    ),
    sql` + `,
  );
  // A sweep over time instead of evaluating every case on every date: a case's facts stay
  // the same between its change points, so each stretch between two of them is evaluated
  // once.
  return sql`
    WITH slice_cases AS (SELECT * FROM cases WHERE ${slice}${chosen}),
    change_points AS (
      SELECT case_id, ${CHANGE_POINTS} AS changes_on, NULL::text AS kind, NULL::text AS record
      FROM slice_cases
      UNION ALL
      -- A status record as its date and value in one text ('YYYY-MM-DD' then the value), so
      -- that the greatest of them is the newest.
      SELECT case_id, since, kind, to_char(since, 'YYYY-MM-DD') || value
      FROM case_status WHERE ${slice}${chosen}
      UNION ALL
      -- Birthdays only where an age threshold of a measure or a category is reached.
      SELECT case_id, (birth_month + make_interval(years => t))::date, NULL, NULL
      FROM slice_cases, unnest(${sql.val(ageThresholds())}::int[]) t
      WHERE birth_month + make_interval(years => t) > started_on
        AND birth_month + make_interval(years => t) <= ${lastDay}::date
    ),
    -- Case ids are ordered by their bytes (COLLATE "C"): the same partitions as by the
    -- database's collation, at a fraction of the cost of sorting a million of them.
    points AS (
      SELECT case_id COLLATE "C" AS case_id, changes_on AS on_date, kind, record
      FROM change_points
      WHERE changes_on IS NOT NULL AND changes_on <= ${lastDay}::date
    ),
    -- The status on a stretch's first day is the newest record dated on or before it: the
    -- running greatest of the records, in the same pass as the stretch's end (no lookup per
    -- stretch, no join). Change points on the same date are peers: the running greatest
    -- takes them all, and only the last of them has a later date next, so the others are
    -- empty stretches (dropped below) instead of a grouping pass.
    stretches AS (
      SELECT case_id, on_date AS from_date, lead(on_date) OVER running AS to_date,
        ${sql.join(
          STATUS_KINDS.map(
            (kind) =>
              sql`coalesce(substr(max(record) FILTER (WHERE kind = ${kind}) OVER running, 11), 'unknown') AS ${sql.id(`s_${kind}`)}`,
          ),
        )}
      FROM points
      WINDOW running AS (PARTITION BY case_id ORDER BY on_date)
    )
    -- Each stretch's categories and counts, once. The fence (OFFSET 0) keeps the fact
    -- columns (age above all) computed once per stretch, not once per use in a condition.
    SELECT case_id, from_date, to_date,
      ${sql.join(MONTHLY_DIMENSIONS.map((id) => sql`${DIMENSIONS[id].key} AS ${sql.id(`d_${id}`)}`))},
      coalesce(record_key, 0) AS record_key, ${counted} AS counted,
      ${sql.join(STRETCH_CASE_COLUMNS.map((column) => sql.id(column)))}
    FROM (
      SELECT st.from_date, st.to_date, ${factColumns(sql`st.from_date`, { status: false })},
        ${sql.join(STATUS_KINDS.map((kind) => sql`${sql.ref(`st.s_${kind}`)} AS ${sql.id(kind)}`))}
      FROM stretches st JOIN slice_cases c ON c.case_id COLLATE "C" = st.case_id
      WHERE (st.to_date IS NULL OR st.to_date > st.from_date)
        AND c.started_on <= st.from_date
      OFFSET 0
    ) f`;
}

/** Some of a provider's stretches as stored (`which`: a condition on `case_id`). */
export function storedStretches(
  district: string,
  provider: string,
  which?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`SELECT ${STRETCH_COLUMNS} FROM case_stretches
    WHERE district_key = ${district} AND provider = ${provider}${which ? sql` AND ${which}` : sql``}`;
}

/** Replaces some of a provider's stored stretches (`which`, else all) by those of its case rows. */
async function writeStretches(
  db: Kysely<Database>,
  district: string,
  provider: string,
  window: Window,
  which?: RawBuilder<unknown>,
) {
  await sql`DELETE FROM case_stretches
    WHERE district_key = ${district} AND provider = ${provider}${which ? sql` AND ${which}` : sql``}`.execute(
    db,
  );
  await sweep(
    db,
    sql`
    INSERT INTO case_stretches (district_key, provider, ${STRETCH_COLUMNS})
    SELECT ${district}, ${provider}, ${STRETCH_COLUMNS}
    FROM (${stretchesFromCases(district, provider, window, which)}) s
    -- In the order they are read: the stretches that begin (or end) between two days.
    ORDER BY from_date`,
  );
}

/**
 * What some stretches (`stretches`: rows of case_stretches' columns, stored or from the case
 * rows) add to the counts on the first and last day of every month of the window: rows
 * (on_date, dimension, category, m0, m1, …) of float8 sums. A stretch counts on a day from its
 * first day until the day before its end; on the table's days that is from the first of them
 * on or after its first day (snap) to the first on or after its end. A stretch that began
 * before the window is counted in from its first day, so the rows are the stocks on the
 * window's dates. With `changesOnly`, only what changes within the window: stretches
 * beginning in it counted in, those ending in it counted out (the stock before the window
 * is then added separately).
 */
export function contributions(
  stretches: RawBuilder<unknown>,
  window: Window,
  { changesOnly = false } = {},
): RawBuilder<unknown> {
  const keyed = MONTHLY_DIMENSIONS.map((id) => ({ id, column: sql.id(`d_${id}`) }));
  const dimension = sql.join(
    keyed.map(({ id, column }) => sql`WHEN GROUPING(${column}) = 0 THEN ${id}`),
    sql` `,
  );
  const category = sql.join(
    keyed.map(({ column }) => sql`WHEN GROUPING(${column}) = 0 THEN ${column}::text`),
    sql` `,
  );
  // Each measure from the sums by `counted`: its count's bit set, the cases (n) or their
  // record keys (k).
  const sums = sql.join(
    [...MONTHLY_MEASURES.keys()].map((alias, i) => {
      const { bit, key } = STRETCH_PARTS.get(alias) as StretchPart;
      return sql`sum(CASE WHEN ${countedBy(bit)} THEN ${key ? sql`k` : sql`n`} ELSE 0 END) AS ${SUM_COLUMNS[i]}`;
    }),
  );
  const lastDay = endOfMonth(window.last);
  return sql`
    WITH months AS (
      SELECT m::date AS first_day, (m + interval '1 month' - interval '1 day')::date AS last_day
      FROM generate_series(${window.first}::date, ${window.last}::date, interval '1 month') m
    ),
    dates AS (
      SELECT first_day AS on_date FROM months UNION SELECT last_day FROM months
    ),
    -- Each stretch on the table's days; one that begins and ends between two of them counts
    -- on none.
    facts AS (
      SELECT ${snap(sql`from_date`)} AS from_date, ${snap(sql`to_date`)} AS to_date,
        ${sql.join(keyed.map(({ column }) => column))}, counted, record_key::float8 AS record_key
      FROM (${stretches}) s
      WHERE (to_date IS NULL OR ${snap(sql`to_date`)} > ${snap(sql`from_date`)})
        AND from_date <= ${lastDay}::date
        AND ${
          changesOnly
            ? sql`(from_date >= ${window.first}::date OR to_date >= ${window.first}::date)`
            : sql`(to_date IS NULL OR to_date > ${window.first}::date)`
        }
    ),
    signed AS (
      ${
        changesOnly
          ? sql`SELECT from_date AS on_date, 1 AS sign, facts.* FROM facts
        WHERE from_date >= ${window.first}::date`
          : sql`SELECT greatest(from_date, ${window.first}::date) AS on_date, 1 AS sign, facts.* FROM facts`
      }
      UNION ALL
      SELECT to_date, -1, facts.* FROM facts
      WHERE ${changesOnly ? sql`to_date >= ${window.first}::date` : sql`to_date IS NOT NULL`}
    ),
    -- Summed by category and by which counts count the stretch (a few dozen combinations of
    -- bits): two sums per row instead of one per measure, 40 of them; the measures follow
    -- from these sums in the next step, over far fewer rows.
    by_counted AS (
      SELECT on_date, CASE ${dimension} ELSE 'total' END AS dimension,
        CASE ${category} ELSE '' END AS category, counted,
        sum(sign)::float8 AS n, sum(sign * record_key) AS k
      FROM signed
      GROUP BY GROUPING SETS ((on_date, counted), ${sql.join(
        keyed.map(({ column }) => sql`(on_date, ${column}, counted)`),
      )})
    ),
    grouped AS (
      SELECT on_date, dimension, category, ${sums}
      FROM by_counted
      GROUP BY on_date, dimension, category
    ),
    every_date AS (
      SELECT dimension, category, on_date, ${sql.join(SUM_COLUMNS)}
      FROM grouped
      UNION ALL
      SELECT k.dimension, k.category, d.on_date, ${sql.join(SUM_COLUMNS.map((m) => sql`0 AS ${m}`))}
      FROM (SELECT DISTINCT dimension, category FROM grouped) k CROSS JOIN dates d
    ),
    running AS (
      SELECT dimension, category, on_date, ${sql.join(
        SUM_COLUMNS.map(
          (m) =>
            sql`(sum(sum(${m})) OVER (PARTITION BY dimension, category ORDER BY on_date))::float8 AS ${m}`,
        ),
      )}
      FROM every_date
      GROUP BY dimension, category, on_date
    )
    SELECT * FROM running WHERE on_date >= ${window.first}::date AND on_date <= ${lastDay}::date`;
}

const storedColumns = () => sql.join([...MONTHLY_MEASURES.keys()].map((alias) => sql.id(alias)));
const storedValues = (sums: (m: RawBuilder<unknown>) => RawBuilder<unknown>) =>
  sql.join(
    [...MONTHLY_MEASURES.keys()].map((alias, i) =>
      storedValue(alias, sums(SUM_COLUMNS[i] as RawBuilder<unknown>)),
    ),
  );

/**
 * Runs a statement over `contributions`. Nested loops are off for it: within an import the
 * case tables were just written and have no statistics yet, and the planner, taking them
 * for a few rows, nested-looped a million stretches against 200,000 cases (it ran for half
 * an hour); hash and merge joins are right at every size here.
 */
async function sweep(db: Kysely<Database>, statement: RawBuilder<unknown>) {
  await sql`SET LOCAL enable_nestloop = off`.execute(db);
  await statement.execute(db);
  await sql`RESET enable_nestloop`.execute(db);
}

async function noJit(db: Kysely<Database>) {
  // The planner cannot estimate these CTEs and would compile the query to machine code
  // first (PostgreSQL's JIT), which takes longer than running it.
  if (await supportsJit(db)) await sql`SET LOCAL jit = off`.execute(db);
}

/** The provider's newest stored import (other than `except`): what its figures reflect. */
async function latestImport(
  db: Kysely<Database>,
  district: string,
  provider: string,
  except?: string,
): Promise<string | null> {
  const { rows } = await sql<{ id: string | null }>`
    SELECT max(id)::text AS id FROM imports
    WHERE district_key = ${district} AND provider = ${provider} AND status = 'imported'
      ${except === undefined ? sql`` : sql`AND id <> ${except}`}`.execute(db);
  return rows[0]?.id ?? null;
}

async function writeSlice(
  db: Kysely<Database>,
  district: string,
  provider: string,
  window: Window,
) {
  await db
    .deleteFrom('figures_monthly_slices')
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .execute();
  await db
    .insertInto('figures_monthly_slices')
    .values({
      district_key: district,
      provider,
      first_date: window.first,
      last_date: endOfMonth(window.last),
      version: monthlyVersion(db),
      import_id: await latestImport(db, district, provider),
    })
    .execute();
}

/** One provider's rows from all its cases, without the district-wide distinct counts. */
async function refreshProviderFigures(
  db: Kysely<Database>,
  district: string,
  provider: string,
  onStep: OnStep = () => {},
): Promise<void> {
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
  await db
    .deleteFrom('case_stretches')
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .execute();
  const range = await providerRange(db, district, provider);
  if (!range) {
    // No cases: every count is zero on every date, which the table says by holding no row.
    await markEmpty(db, district, provider);
    return;
  }
  await noJit(db);
  // The stretches once, then the figures summed from them.
  await timed('monthly figures: stretches', onStep, () =>
    writeStretches(db, district, provider, range),
  );
  await timed('monthly figures: summed', onStep, () =>
    sweep(
      db,
      sql`
    INSERT INTO figures_monthly (district_key, provider, on_date, dimension, category, ${storedColumns()})
    SELECT ${district}, ${provider}, on_date, dimension, category, ${storedValues((m) => m)}
    FROM (${contributions(storedStretches(district, provider), range)}) running
    WHERE ${anyNonZero(undefined)}
    -- Stored in the order they are read: a breakdown on a date, or a series of totals, is
    -- then a few adjacent pages per provider instead of one page per row.
    ORDER BY dimension, on_date, category`,
    ),
  );
  await writeSlice(db, district, provider, range);
}

/** An import's update of its provider's monthly figures: begun before the merge writes. */
export interface MonthlyUpdate {
  /** `incremental`: by the changed cases' contributions; `full`: all cases again. */
  readonly mode: 'incremental' | 'full';
  /** After the merge, in the same transaction: the figures of the provider's new state. */
  finish(): Promise<void>;
}

/**
 * Begins an import's update, inside its transaction, after the snapshot is staged
 * (`import_rows`, `import_status`) and before the cases are written. When the provider's
 * figures are current, the cases the snapshot changes (new ones, changed attributes, any
 * status stated anew) are noted and their present contribution subtracted; `finish` adds
 * their new contribution, and every other case's for months the newer snapshot adds. So an
 * import that changes a tenth of the cases recomputes about a tenth of them. Otherwise
 * `finish` rebuilds the provider from all its cases.
 */
export async function beginMonthlyUpdate(
  db: Kysely<Database>,
  district: string,
  provider: string,
  importId: string,
  onStep: OnStep = () => {},
): Promise<MonthlyUpdate> {
  const full: MonthlyUpdate = {
    mode: 'full',
    finish: () => refreshMonthlyFigures(db, district, provider, onStep),
  };
  const held = await db
    .selectFrom('figures_monthly_slices')
    .select(['first_date', 'last_date', 'import_id'])
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .where('version', '=', monthlyVersion(db))
    .executeTakeFirst();
  // Only figures made from the state the import starts from can be updated by its changes:
  // after the provider's newest import before this one (`importId`, already logged).
  if (!held || held.first_date === EMPTY || held.import_id === null) return full;
  if (held.import_id !== (await latestImport(db, district, provider, importId))) return full;
  const before: Window = { first: held.first_date, last: `${held.last_date.slice(0, 7)}-01` };
  const slice = sql`c.district_key = ${district} AND c.provider = ${provider}`;
  await sql`
    CREATE TEMP TABLE monthly_touched ON COMMIT DROP AS
    SELECT r.case_id FROM import_rows r
    LEFT JOIN cases c ON ${slice} AND c.case_id = r.case_id
    WHERE c.case_id IS NULL
      OR (${sql.raw(CASE_ATTRIBUTES.replace(/(\w+)/g, 'c.$1'))})
        IS DISTINCT FROM (${sql.raw(CASE_ATTRIBUTES.replace(/(\w+)/g, 'r.$1'))})
    UNION
    SELECT case_id FROM import_status`.execute(db);
  await sql`ALTER TABLE monthly_touched ADD PRIMARY KEY (case_id)`.execute(db);
  await sql`ANALYZE monthly_touched`.execute(db);
  await sql`
    CREATE TEMP TABLE monthly_delta ON COMMIT DROP AS
    SELECT on_date, dimension, category, ${sql.join(SUM_COLUMNS)}
    FROM (${contributions(storedStretches(district, provider, sql`false`), before)}) nothing`.execute(
    db,
  );
  const touched = sql`case_id IN (SELECT case_id FROM monthly_touched)`;
  // What the changed cases' stretches as stored add: before the merge their old ones, after
  // it (once written again from their new rows) their new ones.
  const addDelta = async (window: Window, which: RawBuilder<unknown>, sign: 1 | -1) => {
    await sweep(
      db,
      sql`
      INSERT INTO monthly_delta (on_date, dimension, category, ${sql.join(SUM_COLUMNS)})
      SELECT on_date, dimension, category, ${sql.join(SUM_COLUMNS.map((m) => sql`${sign} * ${m}`))}
      FROM (${contributions(storedStretches(district, provider, which), window)}) running
      WHERE ${anyNonZero(undefined)}`,
    );
  };
  await noJit(db);
  await addDelta(before, touched, -1);
  return {
    mode: 'incremental',
    async finish() {
      const after = await providerRange(db, district, provider);
      // A case now starting before the figures' first month: rebuilt from all cases.
      if (!after || after.first < before.first) return full.finish();
      await noJit(db);
      const window = {
        first: before.first,
        last: later(after.last, before.last),
      };
      const addedStarted = performance.now();
      if (after.last > before.last) {
        // The other cases in the months added: their stock on the last day held so far,
        // carried to every new date, and what changes after it. A case with no change point
        // in the new months costs nothing.
        const added = { first: nextMonth(before.last), last: after.last };
        const lastHeld = endOfMonth(before.last);
        const stored = [...MONTHLY_MEASURES.keys()].map(
          (alias, i) => sql`coalesce(${sql.id(alias)}, 0)::float8 AS ${SUM_COLUMNS[i]}`,
        );
        await sql`
          INSERT INTO monthly_delta (on_date, dimension, category, ${sql.join(SUM_COLUMNS)})
          WITH months AS (
            SELECT m::date AS first_day, (m + interval '1 month' - interval '1 day')::date AS last_day
            FROM generate_series(${added.first}::date, ${added.last}::date, interval '1 month') m
          ),
          dates AS (SELECT first_day AS on_date FROM months UNION SELECT last_day FROM months),
          carried AS (
            SELECT dimension, category, ${sql.join(SUM_COLUMNS.map((m) => sql`sum(${m}) AS ${m}`))}
            FROM (
              SELECT dimension, category, ${sql.join(stored)} FROM figures_monthly
              WHERE district_key = ${district} AND provider = ${provider}
                AND on_date = ${lastHeld}::date
              UNION ALL
              -- Less the changed cases' old stock, subtracted already.
              SELECT dimension, category, ${sql.join(SUM_COLUMNS)} FROM monthly_delta
              WHERE on_date = ${lastHeld}::date
            ) held
            GROUP BY dimension, category
          )
          SELECT d.on_date, k.dimension, k.category, ${sql.join(SUM_COLUMNS.map((m) => sql`k.${m}`))}
          FROM carried k CROSS JOIN dates d
          WHERE ${anyNonZero(sql`k`)}`.execute(db);
        // Of the other cases, only those with a change point in the months added change
        // there: a status record, a birthday at a compared age, or a day their conditions
        // name (changeDates). The rest stay as carried, at no cost.
        const lastDay = endOfMonth(added.last);
        const inAdded = (day: RawBuilder<unknown>) =>
          sql`${day} BETWEEN ${added.first}::date AND ${lastDay}::date`;
        await sql`
          CREATE TEMP TABLE monthly_moving ON COMMIT DROP AS
          SELECT c.case_id FROM cases c
          WHERE ${slice} AND c.case_id NOT IN (SELECT case_id FROM monthly_touched)
            AND (
              EXISTS (SELECT 1 FROM ${CHANGE_POINTS} AS d(on_date) WHERE ${inAdded(sql`d.on_date`)})
              OR EXISTS (SELECT 1 FROM unnest(${sql.val(ageThresholds())}::int[]) t
                WHERE ${inAdded(sql`(c.birth_month + make_interval(years => t))::date`)})
            )
          UNION
          SELECT s.case_id FROM case_status s
          WHERE s.district_key = ${district} AND s.provider = ${provider}
            AND ${inAdded(sql`s.since`)}
            AND s.case_id NOT IN (SELECT case_id FROM monthly_touched)`.execute(db);
        await sql`ALTER TABLE monthly_moving ADD PRIMARY KEY (case_id)`.execute(db);
        await sql`ANALYZE monthly_moving`.execute(db);
        const moving = sql`case_id IN (SELECT case_id FROM monthly_moving)`;
        await sweep(
          db,
          sql`
          INSERT INTO monthly_delta (on_date, dimension, category, ${sql.join(SUM_COLUMNS)})
          SELECT on_date, dimension, category, ${sql.join(SUM_COLUMNS)}
          FROM (${contributions(stretchesFromCases(district, provider, added, moving), added, { changesOnly: true })}) running
          WHERE ${anyNonZero(undefined)}`,
        );
        // Their stretches run into the months added now.
        await writeStretches(db, district, provider, window, moving);
      }
      onStep('monthly figures: months added', performance.now() - addedStarted);
      // The changed cases' new contribution, on every date held (after the carry above, which
      // reads the old one).
      await timed('monthly figures: changed cases, new', onStep, async () => {
        await writeStretches(db, district, provider, window, touched);
        await addDelta(window, touched, 1);
      });
      const key = sql`(district_key, dimension, on_date, provider, category)`;
      const applied = performance.now();
      await sql`
        INSERT INTO figures_monthly (district_key, provider, on_date, dimension, category, ${storedColumns()})
        SELECT ${district}, ${provider}, on_date, dimension, category, ${storedValues((m) => sql`sum(${m})`)}
        FROM monthly_delta
        GROUP BY on_date, dimension, category
        HAVING ${sql.join(
          SUM_COLUMNS.map((m) => sql`sum(${m}) <> 0`),
          sql` OR `,
        )}
        ON CONFLICT ${key} DO UPDATE SET ${sql.join(
          [...MONTHLY_MEASURES.keys()].map(
            (alias) =>
              sql`${sql.id(alias)} = ${storedValue(
                alias,
                sql`coalesce(figures_monthly.${sql.id(alias)}, 0)::bigint + coalesce(excluded.${sql.id(alias)}, 0)`,
              )}`,
          ),
        )}`.execute(db);
      // A row whose counts all came to zero (NULL, as stored) is not kept (no row means zero).
      await sql`
        DELETE FROM figures_monthly f
        USING (SELECT DISTINCT on_date, dimension, category FROM monthly_delta) d
        WHERE f.district_key = ${district} AND f.provider = ${provider}
          AND f.on_date = d.on_date AND f.dimension = d.dimension AND f.category = d.category
          AND ${sql.join(
            [...MONTHLY_MEASURES.keys()].map((alias) => sql`f.${sql.id(alias)} IS NULL`),
            sql` AND `,
          )}`.execute(db);
      await writeSlice(db, district, provider, window);
      onStep('monthly figures: applied', performance.now() - applied);
      await timed('monthly figures: district', onStep, () => refreshDistrictTotals(db, district));
    },
  };
}

/** The later of two dates (`YYYY-MM-DD`). */
const later = (a: string, b: string) => [a, b].sort()[1] as string;

/** The first day of the month after `first` (a first day). */
function nextMonth(first: string): string {
  const day = new Date(`${first}T00:00:00Z`);
  day.setUTCMonth(day.getUTCMonth() + 1);
  return day.toISOString().slice(0, 10);
}

/** The first and last date of a slice without cases. */
const EMPTY = '9999-12-31';

/** A slice without rows that is current for every date: nothing to count. */
async function markEmpty(db: Kysely<Database>, district: string, provider: string) {
  await db
    .insertInto('figures_monthly_slices')
    .values({
      district_key: district,
      provider,
      first_date: EMPTY,
      last_date: EMPTY,
      version: monthlyVersion(db),
    })
    .execute();
}

/** The last day of the month of a date (`YYYY-MM-DD`). */
function endOfMonth(date: string): string {
  const last = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  last.setUTCMonth(last.getUTCMonth() + 1);
  last.setUTCDate(0);
  return last.toISOString().slice(0, 10);
}

/**
 * The first date on or after `day` that the table holds: the day itself on the 1st, else its
 * month's last day. In date arithmetic only (evaluated four times per stretch): the day 32
 * days after the previous month's last lies in the next month, on day 32 less the length of
 * this one; so many days back is this month's last. `date_trunc` and an interval took 40 %
 * longer (via timestamps with time zone).
 */
const snap = (day: RawBuilder<unknown>) => {
  const nextMonth = sql`(${day} - extract(day FROM ${day})::int + 32)`;
  return sql`(CASE WHEN extract(day FROM ${day}) = 1 THEN ${day}
  ELSE ${nextMonth} - extract(day FROM ${nextMonth})::int END)`;
};

/**
 * The district-wide distinct counts (managers, municipalities with an active case): on every
 * day they change (district_distinct_days), and from those on the first and last day of
 * every month (figures_monthly, provider '').
 */
async function refreshDistrictTotals(db: Kysely<Database>, district: string) {
  // Two providers of one district may import at once (or an import meet the background
  // rebuild): each deletes and rewrites the same district-wide rows, so the second waits
  // here until the first commits, then reads its cases and rows.
  await lockDistrictTotals(db, district);
  const where = sql`district_key = ${district} AND provider = ${DISTRICT_WIDE}`;
  await sql`DELETE FROM figures_monthly WHERE ${where}`.execute(db);
  await sql`DELETE FROM figures_monthly_slices WHERE ${where}`.execute(db);
  await sql`DELETE FROM district_distinct_days WHERE district_key = ${district}`.execute(db);
  const { rows: ranges } = await sql<{ first: string | null; last: string | null }>`
    SELECT date_trunc('month', min(c.started_on))::date::text AS first,
      date_trunc('month', (
        SELECT max(i.as_of) FROM imports i
        WHERE i.district_key = ${district} AND i.status = 'imported'
      ))::date::text AS last
    FROM cases c WHERE c.district_key = ${district}`.execute(db);
  const range = ranges[0];
  if (!range?.first || !range.last || DISTRICT_MEASURES.size === 0) {
    await markEmpty(db, district, DISTRICT_WIDE);
    return;
  }
  const lastDay = endOfMonth(range.last);
  const keys = sql.join(
    [...DISTRICT_MEASURES].map(
      ([
        alias,
        column,
      ]) => sql`SELECT ${alias}::text COLLATE "C" AS measure, ${sql.ref(`c.${column}`)}::text COLLATE "C" AS key,
        ${sql.ref(`c.${DISTINCT_KEY_COLUMN[column]}`)} AS cell_key,
        c.started_on AS starts, c.ended_on AS ends
      FROM cases c WHERE c.district_key = ${district}`,
    ),
    sql` UNION ALL `,
  );
  const columns = sql.join(
    [...DISTRICT_MEASURES.keys()].flatMap((alias) => [sql.id(alias), sql.id(keyAlias(alias))]),
  );
  // Every day on which a count changes: per manager (or town), the active cases counted in at
  // their start and out at their end; one is counted while that number is above zero. A
  // manager's (or town's) key is the same on every case, so the key sum of those counted
  // moves by that key whenever one is counted in or out. Ids are sorted by their bytes
  // (COLLATE "C"): the same partitions, without the collation's cost.
  await sql`
    WITH cases_by_key AS (${keys}),
    events AS (
      SELECT measure, key, cell_key, starts AS on_date, 1 AS delta FROM cases_by_key
      UNION ALL
      SELECT measure, key, cell_key, ends, -1 FROM cases_by_key WHERE ends IS NOT NULL
    ),
    running AS (
      SELECT measure, key, min(cell_key) AS cell_key, on_date,
        sum(sum(delta)) OVER (PARTITION BY measure, key ORDER BY on_date) AS active
      FROM events GROUP BY measure, key, on_date
    ),
    switches AS (
      SELECT measure, on_date, cell_key,
        (active > 0)::int
          - (coalesce(lag(active) OVER (PARTITION BY measure, key ORDER BY on_date), 0) > 0)::int
          AS delta
      FROM running
    ),
    changed AS (SELECT * FROM switches WHERE delta <> 0 AND on_date <= ${lastDay}::date),
    every_date AS (
      SELECT measure, on_date, delta, delta * cell_key::float8 AS key_delta FROM changed
      UNION ALL
      SELECT m.measure, d.on_date, 0, 0
      FROM (SELECT DISTINCT measure FROM events) m
      CROSS JOIN (SELECT DISTINCT on_date FROM changed) d
    ),
    counted AS (
      SELECT measure, on_date,
        (sum(sum(delta)) OVER (PARTITION BY measure ORDER BY on_date))::int AS value,
        (sum(sum(key_delta)) OVER (PARTITION BY measure ORDER BY on_date))::float8 AS key_sum
      FROM every_date GROUP BY measure, on_date
    )
    INSERT INTO district_distinct_days (district_key, on_date, ${columns})
    SELECT ${district}, on_date,
      ${sql.join(
        [...DISTRICT_MEASURES.keys()].flatMap((alias) => [
          sql`coalesce(max(value) FILTER (WHERE measure = ${alias}), 0)::integer`,
          sql`coalesce(max(key_sum) FILTER (WHERE measure = ${alias}), 0)::bigint`,
        ]),
      )}
    FROM counted
    GROUP BY on_date
    ORDER BY on_date`.execute(db);
  // The first and last day of every month: the counts of the latest day on or before it.
  await sql`
    WITH months AS (
      SELECT m::date AS first_day, (m + interval '1 month' - interval '1 day')::date AS last_day
      FROM generate_series(${range.first}::date, ${range.last}::date, interval '1 month') m
    ),
    dates AS (SELECT first_day AS on_date FROM months UNION SELECT last_day FROM months)
    INSERT INTO figures_monthly (district_key, provider, on_date, dimension, category, ${columns})
    SELECT ${district}, ${DISTRICT_WIDE}, d.on_date, 'total', '', ${sql.join(
      [...DISTRICT_MEASURES.keys()].flatMap((alias) => [
        storedValue(alias, sql`x.${sql.id(alias)}`),
        storedValue(keyAlias(alias), sql`x.${sql.id(keyAlias(alias))}`),
      ]),
    )}
    FROM dates d
    CROSS JOIN LATERAL (
      SELECT * FROM district_distinct_days x
      WHERE x.district_key = ${district} AND x.on_date <= d.on_date
      ORDER BY x.on_date DESC LIMIT 1
    ) x
    WHERE ${sql.join(
      [...DISTRICT_MEASURES.keys()].map((alias) => sql`x.${sql.id(alias)} <> 0`),
      sql` OR `,
    )}
    ORDER BY d.on_date`.execute(db);
  await db
    .insertInto('figures_monthly_slices')
    .values({
      district_key: district,
      provider: DISTRICT_WIDE,
      first_date: range.first,
      last_date: lastDay,
      version: monthlyVersion(db),
    })
    .execute();
}

/** Held until the transaction ends; taken again by the same transaction, it just passes. */
async function lockDistrictTotals(db: Kysely<Database>, district: string) {
  await sql`SELECT pg_advisory_xact_lock(${DISTRICT_TOTALS_LOCK}::int, hashtext(${district}))`.execute(
    db,
  );
}

/** Whether a provider's (or the district's) rows were made by these definitions. */
async function sliceCurrent(db: Kysely<Database>, district: string, provider: string) {
  const row = await db
    .selectFrom('figures_monthly_slices')
    .select('provider')
    .where('district_key', '=', district)
    .where('provider', '=', provider)
    .where('version', '=', monthlyVersion(db))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The providers whose rows are missing or were made by other definitions, and the districts
 * whose distinct counts are (provider ''), providers first.
 */
export async function staleMonthlySlices(
  db: Kysely<Database>,
): Promise<{ district: string; provider: string }[]> {
  const { rows } = await sql<{ district_key: string; provider: string }>`
    WITH needed AS (
      SELECT DISTINCT district_key, provider FROM imports WHERE status = 'imported'
    )
    SELECT n.district_key, n.provider FROM (
      SELECT district_key, provider FROM needed
      UNION SELECT DISTINCT district_key, ${DISTRICT_WIDE} FROM needed
    ) n
    LEFT JOIN figures_monthly_slices s
      ON s.district_key = n.district_key AND s.provider = n.provider AND s.version = ${monthlyVersion(db)}
    WHERE s.provider IS NULL
    ORDER BY n.provider = ${DISTRICT_WIDE}, 1, 2`.execute(db);
  return rows.map((row) => ({ district: row.district_key, provider: row.provider }));
}

export interface RefreshOptions {
  /** Called before each provider's rebuild (and awaited), outside any transaction. */
  onSlice?: (slice: { district: string; provider: string }) => void | Promise<void>;
  /** Asked before each step: true ends the loop early (what is done stays done). */
  stopped?: () => boolean;
}

/**
 * Refreshes every provider whose rows are missing or were made by other definitions, one
 * transaction per provider. Until a provider's transaction commits, its slice stays stale
 * and its figures come from the case rows, so readers never see a half-built provider.
 */
export async function refreshStaleMonthlyFigures(
  db: Kysely<Database>,
  options: RefreshOptions | RefreshOptions['onSlice'] = {},
): Promise<number> {
  const { onSlice, stopped } = typeof options === 'function' ? { onSlice: options } : options;
  const slices = await staleMonthlySlices(db);
  // Each provider's rows, then each district's distinct counts once (not once per provider).
  const districts = new Set<string>();
  let done = 0;
  for (const slice of slices) {
    if (stopped?.()) break;
    if (slice.provider === DISTRICT_WIDE) districts.add(slice.district);
    else {
      await onSlice?.(slice);
      if (stopped?.()) break;
      await db.transaction().execute(async (trx) => {
        // The provider's imports hold this lock too: a rebuild never interleaves with one.
        await trx
          .selectFrom('providers')
          .select('code')
          .where('district_key', '=', slice.district)
          .where('code', '=', slice.provider)
          .forUpdate()
          .execute();
        // Another server on the same database, or an import of the provider, may have made
        // it current while this one waited for the lock.
        if (await sliceCurrent(trx, slice.district, slice.provider)) return;
        await refreshProviderFigures(trx, slice.district, slice.provider);
      });
      // A district whose provider changed counts its distinct values again too.
      districts.add(slice.district);
      done += 1;
    }
  }
  for (const district of districts) {
    if (stopped?.()) break;
    await onSlice?.({ district, provider: DISTRICT_WIDE });
    if (stopped?.()) break;
    await db.transaction().execute(async (trx) => {
      await lockDistrictTotals(trx, district);
      if (await sliceCurrent(trx, district, DISTRICT_WIDE)) return;
      await refreshDistrictTotals(trx, district);
    });
  }
  return done;
}

export interface MonthlyScope {
  district: string | undefined;
  provider?: string | undefined;
  municipality?: string | undefined;
}

/**
 * Whether the table holds figures for every provider in the scope on every one of these
 * dates, by the current definitions (and, with `districtWide`, the districts' distinct
 * counts). Before a provider's first month every count is zero, which the table says by
 * holding no row.
 */
export async function monthlyCovers(
  db: Kysely<Database>,
  scope: MonthlyScope,
  dates: readonly string[],
  { districtWide = false } = {},
): Promise<boolean> {
  if (dates.length === 0 || !dates.every(isMonthlyDate)) return false;
  const latest = [...dates].sort().at(-1) as string;
  const { rows } = await sql<{ missing: number }>`
    WITH needed AS (
      SELECT DISTINCT i.district_key, i.provider FROM imports i
      WHERE i.status = 'imported'
        ${scope.district === undefined ? sql`` : sql`AND i.district_key = ${scope.district}`}
        ${scope.provider ? sql`AND i.provider = ${scope.provider}` : sql``}
    )
    SELECT count(*)::int AS missing FROM (
      SELECT district_key, provider FROM needed
      ${districtWide ? sql`UNION SELECT DISTINCT district_key, ${DISTRICT_WIDE} FROM needed` : sql``}
    ) p
    LEFT JOIN figures_monthly_slices s
      ON s.district_key = p.district_key AND s.provider = p.provider
      AND s.version = ${monthlyVersion(db)} AND s.last_date >= ${latest}::date
    WHERE s.provider IS NULL`.execute(db);
  return rows[0]?.missing === 0;
}

/**
 * The last date up to which the table holds figures for every provider in the scope by the
 * current definitions (and, with `districtWide`, the districts' distinct counts): every
 * date up to it is covered (monthlyCovers). Null when a provider's figures are missing or
 * stale; a scope without providers is covered on every date.
 */
export async function monthlyCoverage(
  db: Kysely<Database>,
  scope: MonthlyScope,
  { districtWide = false } = {},
): Promise<string | null> {
  const { rows } = await sql<{ missing: number; until: string | null }>`
    WITH needed AS (
      SELECT DISTINCT i.district_key, i.provider FROM imports i
      WHERE i.status = 'imported'
        ${scope.district === undefined ? sql`` : sql`AND i.district_key = ${scope.district}`}
        ${scope.provider ? sql`AND i.provider = ${scope.provider}` : sql``}
    )
    SELECT count(*) FILTER (WHERE s.provider IS NULL)::int AS missing,
      min(s.last_date)::text AS until
    FROM (
      SELECT district_key, provider FROM needed
      ${districtWide ? sql`UNION SELECT DISTINCT district_key, ${DISTRICT_WIDE} FROM needed` : sql``}
    ) p
    LEFT JOIN figures_monthly_slices s
      ON s.district_key = p.district_key AND s.provider = p.provider
      AND s.version = ${monthlyVersion(db)}`.execute(db);
  const row = rows[0];
  if (!row || row.missing > 0) return null;
  return row.until ?? '9999-12-31';
}

/**
 * The summed measures (`aliases`) per date and category: `by` a dimension, by provider, or
 * the totals ('' as the category). A municipality in the scope reads that municipality's row.
 */
export async function monthlyMeasures(
  db: Kysely<Database>,
  scope: MonthlyScope,
  dates: readonly string[],
  by: DimensionId | undefined,
  aliases: readonly string[],
): Promise<Map<string, Map<string, Record<string, number>>>> {
  if (scope.municipality && by !== undefined)
    throw new Error('A breakdown within one municipality is not in the monthly figures.');
  const dimension = scope.municipality ? 'municipality' : by && by !== 'provider' ? by : 'total';
  const category = by === 'provider' ? sql`f.provider` : by ? sql`f.category` : sql`''`;
  const districtWide = aliases.some((alias) => DISTRICT_MEASURES.has(countAlias(alias)));
  const sums = sql.join(
    aliases.map((alias, i) => {
      if (!MEASURE_COLUMN_SET.has(alias))
        throw new Error(`${alias} is not a column of the monthly figures.`);
      return sql`coalesce(sum(${sql.ref(`f.${alias}`)}), 0)::float8 AS ${sql.id(`m${i}`)}`;
    }),
  );
  const { rows } = await sql<Record<string, number> & { on_date: string; category: string }>`
    SELECT f.on_date::text AS on_date, ${category} AS category, ${sums}
    FROM figures_monthly f
    WHERE f.dimension = ${dimension}
      AND f.on_date = ANY(${sql.val(dates)}::date[])
      ${scope.district === undefined ? sql`` : sql`AND f.district_key = ${scope.district}`}
      ${scope.provider ? sql`AND f.provider = ${scope.provider}` : sql``}
      ${districtWide ? sql`` : sql`AND f.provider <> ${DISTRICT_WIDE}`}
      ${scope.municipality ? sql`AND f.category = ${scope.municipality}` : sql``}
    GROUP BY 1, 2`.execute(db);
  const result = new Map<string, Map<string, Record<string, number>>>();
  for (const { on_date, category: key, ...sumsOf } of rows) {
    const byCategory = result.get(on_date) ?? new Map<string, Record<string, number>>();
    result.set(on_date, byCategory);
    byCategory.set(
      key,
      Object.fromEntries(aliases.map((alias, i) => [alias, sumsOf[`m${i}`] ?? 0])),
    );
  }
  return result;
}
