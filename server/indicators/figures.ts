// Computes indicators on reporting dates, whole or broken down by a dimension: read from the
// monthly figures where they hold the date and the measure, otherwise one aggregate query
// over the case facts. Both evaluate the registry's own aggregates.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { addDays } from '../../contract/dates.ts';
import { compileOnly } from '../db/compile-only.ts';
import type { Database } from '../db/types.ts';
import { keySumResidue } from '../disclosure/cell-key.ts';
import { caseFilter, type FactsScope, factColumns } from './case-facts.ts';
import {
  type Category,
  categoryLabel,
  DIMENSIONS,
  type DimensionId,
  type DirectoryCategories,
} from './dimensions.ts';
import {
  countAlias,
  countedBitOfCondition,
  cumulativeAlias,
  DISTRICT_MEASURES,
  distinctOf,
  isKeyAlias,
  isMonthlyDate,
  keyAlias,
  MONTHLY_MEASURES,
  monthlyCoverage,
  monthlyCovers,
  monthlyMeasures,
  STRETCH_DISTINCT,
  STRETCH_VALUES,
  stretchActive,
  stretchFlags,
} from './figures-monthly.ts';
import { byLabel } from './names.ts';
import { findIndicator, INDICATORS, type Indicator, type IndicatorId } from './registry.ts';

/** A figure before disclosure control: exact counts, shares as fractions. */
export interface RawFigure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /**
   * The cell keys of the counts behind the figure (the sums of their record keys, for the
   * Cell Key Method): of the value for a count, of numerator and denominator otherwise.
   */
  keys?: FigureKeys;
}

export interface FigureKeys {
  value?: number;
  numerator?: number;
  denominator?: number;
}

/** The SQL aggregates an indicator needs, by column alias: each count and its key sum. */
function aggregatesOf(indicator: Indicator): [string, RawBuilder<number>][] {
  switch (indicator.kind) {
    case 'count':
      return [
        [indicator.id, indicator.aggregate],
        [keyAlias(indicator.id), indicator.keyAggregate],
      ];
    case 'share':
      return [
        [`${indicator.id}__numerator`, indicator.numerator.aggregate],
        [keyAlias(`${indicator.id}__numerator`), indicator.numerator.keyAggregate],
        ...aggregatesOf(findIndicator(indicator.denominator) as Indicator),
      ];
    case 'ratio':
      return [
        ...aggregatesOf(findIndicator(indicator.numerator) as Indicator),
        ...aggregatesOf(findIndicator(indicator.denominator) as Indicator),
      ];
  }
}

export function figureOf(indicator: Indicator, row: Record<string, number>): RawFigure {
  const count = (id: IndicatorId) => row[id] ?? 0;
  const key = (alias: string) => row[keyAlias(alias)] ?? 0;
  switch (indicator.kind) {
    case 'count':
      return {
        value: count(indicator.id),
        numerator: null,
        denominator: null,
        keys: { value: key(indicator.id) },
      };
    case 'share':
    case 'ratio': {
      const numeratorAlias =
        indicator.kind === 'share' ? `${indicator.id}__numerator` : indicator.numerator;
      const numerator = row[numeratorAlias] ?? 0;
      const denominator = count(indicator.denominator);
      return {
        value: denominator === 0 ? null : numerator / denominator,
        numerator,
        denominator,
        keys: { numerator: key(numeratorAlias), denominator: key(indicator.denominator) },
      };
    }
  }
}

/** A reporting date and the start of its period (for the `*_in_period` counts). */
export interface Point {
  date: string;
  periodFrom: string;
}

type Counts = Map<string, Map<string, Record<string, number>>>;

/** Dimensions in which a case stays in one category for good. */
const TIMELESS_DIMENSIONS = new Set<DimensionId>([
  'provider',
  'municipality',
  'sex',
  'country',
  'start_year',
]);

/** The fact columns of a case's status on a date (case-facts.ts), the costly ones. */
const STATUS_COLUMNS = /\b(language_level|employment|housing)\b/;
const compiler = compileOnly;
const statusUse = new WeakMap<RawBuilder<unknown>, boolean>();
/**
 * Whether any of these SQL fragments (aggregates, a dimension's key) reads a status column:
 * only then are the fact rows made with the status on the date (three index lookups per
 * case). Told from their SQL, so a new indicator on a status needs nothing here.
 */
function usesStatus(fragments: readonly RawBuilder<unknown>[]): boolean {
  return fragments.some((fragment) => {
    let uses = statusUse.get(fragment);
    if (uses === undefined) {
      uses = STATUS_COLUMNS.test(fragment.compile(compiler).sql);
      statusUse.set(fragment, uses);
    }
    return uses;
  });
}

/** The stretches `s` that run on a day (`on`): begun by it and not yet ended. */
const runsOn = (on: RawBuilder<unknown>) =>
  sql`s.from_date <= ${on} AND (s.to_date IS NULL OR s.to_date > ${on})`;

/**
 * How the case facts on these days get their status (factColumns' `status`): not at all
 * where none of the fragments needs it; from the stored stretch that runs on the day where
 * the monthly figures, written with the stretches, hold the days' months (`covered` when the
 * caller knows it already); else by lookups in the status history. Never from the stretches
 * for `source: 'direct'`, the comparison the tests make.
 */
async function factStatus(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  fragments: readonly RawBuilder<unknown>[],
  options: CountOptions,
  covered?: boolean,
): Promise<boolean | 'stretch'> {
  if (!usesStatus(fragments)) return false;
  if (options.source === 'direct') return true;
  const held =
    covered ??
    (await covers(db, scope, dates.map(monthStartOf), false, options.coverage, options.lookups));
  return held ? 'stretch' : true;
}

/**
 * The case rows `c` of a scope that had begun by a day (`on`): what follows FROM, and the
 * condition. With the status from the stretches, each case is joined with `s`, its stretch
 * that runs on the day: one join instead of a status lookup per case and kind.
 */
function caseRowsOn(
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  on: RawBuilder<unknown>,
  status: boolean | 'stretch',
): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  return status === 'stretch'
    ? {
        from: sql`case_stretches s
      JOIN cases c ON c.district_key = s.district_key AND c.provider = s.provider
        AND c.case_id = s.case_id`,
        where: sql`${stretchScope(scope)} AND ${runsOn(on)}`,
      }
    : { from: sql`cases c`, where: sql`${caseFilter(scope)} AND c.started_on <= ${on}` };
}

/**
 * Counts by date and category ('' for the totals) straight from the case rows, with the
 * status from the stored stretches where `options` allow (factStatus).
 */
async function directCounts(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  points: readonly Point[],
  aggregates: readonly [string, RawBuilder<number>][],
  by: DimensionId | undefined,
  options: CountOptions = { source: 'direct' },
): Promise<Counts> {
  const result: Counts = new Map();
  if (aggregates.length === 0) return result;
  const fragments = [
    ...aggregates.map(([, aggregate]) => aggregate),
    ...(by ? [DIMENSIONS[by].key] : []),
  ];
  const on = sql`p.on_date`;
  const status = await factStatus(
    db,
    scope,
    points.map((p) => p.date),
    fragments,
    options,
  );
  const cases = caseRowsOn(scope, on, status);
  const select = sql.join(
    aggregates.map(([alias, aggregate]) => sql`${aggregate} AS ${sql.id(alias)}`),
  );
  const category = by ? sql`${DIMENSIONS[by].key}::text` : sql`''`;
  const values = sql.join(points.map((p) => sql`(${p.date}::date, ${p.periodFrom}::date)`));
  const { rows } = await sql<Record<string, number> & { on_date: string; category: string }>`
    WITH points (on_date, period_from) AS (VALUES ${values}),
    facts AS (
      SELECT ${factColumns(on, { status })}, p.period_from
      FROM points p CROSS JOIN ${cases.from}
      WHERE ${cases.where}
    )
    SELECT reporting_date::text AS on_date, ${category} AS category, ${select}
    FROM facts GROUP BY 1, 2`.execute(db);
  for (const point of points) result.set(point.date, new Map());
  for (const { on_date, category: key, ...row } of rows) {
    result.get(on_date)?.set(key, row as Record<string, number>);
  }
  return result;
}

/** `direct` computes from the case rows even where the monthly figures hold the answer. */
export interface CountOptions {
  source?: 'direct';
  /**
   * Whether the monthly figures cover a date, shared by the counts of one answer (a
   * breakdown's cells and its total ask once) or of every answer on one state of the data
   * (the figure cache keeps one per data version): by scope and the latest date asked for.
   */
  coverage?: Map<string, Promise<string | null>>;
  /**
   * The database to ask for a coverage that `coverage` keeps for other answers too: one not
   * stopped with this answer's request (plugins/database.ts). By default the answer's own.
   */
  lookups?: Kysely<Database>;
  /**
   * The changes on days within months, shared by the counts of one answer: a breakdown's
   * cells read the changing stretches once, by category and in total (deltaCounts), and its
   * total reads the latter.
   */
  changes?: Map<string, DeltaEntry>;
}

/** Changes on days within months, by category (or in total), for some measures. */
interface DeltaEntry {
  aliases: ReadonlySet<string>;
  counts: Promise<Counts>;
}

/**
 * Whether the monthly figures hold `dates` for the scope. Slices hold every date up to their
 * last, so the latest date decides; with a memo, how far the scope is covered is asked once
 * (with the district-wide counts where the scope has them) and serves every date and count
 * of a request, or of every request on one state of the data.
 */
async function covers(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  districtWide: boolean,
  memo: Map<string, Promise<string | null>> | undefined,
  lookups: Kysely<Database> = db,
): Promise<boolean> {
  if (!memo || !dates.every(isMonthlyDate))
    return monthlyCovers(db, scope, dates, { districtWide });
  const wide = districtWide || (!scope.provider && !scope.municipality);
  const latest = [...dates].sort().at(-1) as string;
  const key = JSON.stringify([scope.district, scope.provider, scope.municipality, wide]);
  let known = memo.get(key);
  if (!known) {
    const asked = monthlyCoverage(lookups, scope, { districtWide: wide });
    known = asked;
    memo.set(key, asked);
    // Only a coverage is kept: stale figures become current in the background (without a
    // new import), and figures once current stay so until the data changes.
    const forget = () => {
      if (memo.get(key) === asked) memo.delete(key);
    };
    asked.then((until) => {
      if (until === null) forget();
    }, forget);
  }
  const until = await known;
  return until !== null && latest <= until;
}

/**
 * Counts for the indicators on each point, by category of `by` (or '' for the totals).
 * The monthly figures give what they hold; the rest comes from the case rows. Cases that
 * had not begun by a date take no part in any figure on it.
 */
export async function countsOn(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  points: readonly Point[],
  indicators: readonly Indicator[],
  by: DimensionId | undefined,
  options: CountOptions = {},
): Promise<Counts> {
  const aggregates = [...new Map(indicators.flatMap(aggregatesOf))];
  const direct = async () =>
    keySumsModulo(await directCounts(db, scope, points, aggregates, by, options));
  if (options.source === 'direct' || (scope.municipality && by)) return direct();

  // Which counts the monthly figures give: as they are, as the district's distinct counts,
  // or (period counts) as the difference of a cumulative count at the period's two ends.
  // A date within a month is read from the month's first day, plus what the stretches that
  // begin or end in between add (deltaCounts); the district-wide distinct counts do not add
  // up that way and are read on the day itself (distinctCountsOn).
  const districtWide = by === undefined && !scope.provider && !scope.municipality;
  // A difference of two stocks is the flow only where a case keeps its category over time.
  const periodsFit =
    (by === undefined || TIMELESS_DIMENSIONS.has(by)) &&
    points.every((p) => isMonthlyDate(dayBefore(p.periodFrom)));
  const read: string[] = [];
  const derived: string[] = [];
  // Distinct counts by category, of a provider or a municipality: from the stored stretches
  // that run on the day (they carry the manager, sql/019), without the case rows.
  const distinct: string[] = [];
  const rest: [string, RawBuilder<number>][] = [];
  for (const [alias, aggregate] of aggregates) {
    if (MONTHLY_MEASURES.has(alias) || (districtWide && DISTRICT_MEASURES.has(countAlias(alias))))
      read.push(alias);
    else if (periodsFit && MONTHLY_MEASURES.has(cumulativeAlias(alias))) derived.push(alias);
    else if (distinctOf(alias)) distinct.push(alias);
    else rest.push([alias, aggregate]);
  }
  if (read.length + derived.length + distinct.length === 0) return direct();
  const dates = [
    ...new Set([
      ...points.map((p) => monthStartOf(p.date)),
      ...(derived.length > 0 ? points.map((p) => dayBefore(p.periodFrom)) : []),
    ]),
  ];
  const covered = await covers(
    db,
    scope,
    dates,
    read.some((alias) => DISTRICT_MEASURES.has(countAlias(alias))),
    options.coverage,
    options.lookups,
  );
  if (!covered) return direct();

  const measures = [...read, ...derived.map(cumulativeAlias)];
  const districtCount = (alias: string) => DISTRICT_MEASURES.has(countAlias(alias));
  const withinMonths = points.map((p) => p.date).filter((date) => !isMonthlyDate(date));
  const [table, fromCases, changes, days, fromStretches] = await Promise.all([
    measures.length > 0
      ? monthlyMeasures(db, scope, dates, by, measures)
      : new Map<string, Map<string, Record<string, number>>>(),
    directCounts(db, scope, points, rest, by, options),
    deltaCounts(
      db,
      scope,
      withinMonths,
      measures.filter((alias) => !districtCount(alias)),
      by,
      options.changes,
    ),
    distinctCountsOn(db, scope, withinMonths, read.filter(districtCount)),
    distinctOnStretches(
      db,
      scope,
      points.map((p) => p.date),
      distinct,
      { category: by ? stretchCategory(by) : sql`''` },
      [['category']],
    ),
  ]);
  const stretchRows: Counts = new Map();
  for (const row of fromStretches) {
    const byCategory = stretchRows.get(row.on_date) ?? new Map<string, Record<string, number>>();
    stretchRows.set(row.on_date, byCategory);
    byCategory.set(String(row.category), row as unknown as Record<string, number>);
  }
  const result: Counts = new Map();
  for (const point of points) {
    const atEnd = table.get(monthStartOf(point.date)) ?? new Map<string, Record<string, number>>();
    const change = changes.get(point.date);
    const beforeStart = table.get(dayBefore(point.periodFrom));
    const categories = new Set([
      ...atEnd.keys(),
      ...(change?.keys() ?? []),
      ...(fromCases.get(point.date)?.keys() ?? []),
      ...(stretchRows.get(point.date)?.keys() ?? []),
    ]);
    const rows = new Map<string, Record<string, number>>();
    for (const key of categories) {
      const end = atEnd.get(key) ?? {};
      const delta = change?.get(key) ?? {};
      const start = beforeStart?.get(key) ?? {};
      const onDay = days.get(point.date);
      const at = (alias: string) =>
        onDay && districtCount(alias)
          ? (onDay[alias] ?? 0)
          : (end[alias] ?? 0) + (delta[alias] ?? 0);
      const row: Record<string, number> = {};
      for (const alias of read) row[alias] = at(alias);
      for (const alias of derived) {
        const cumulative = cumulativeAlias(alias);
        row[alias] = at(cumulative) - (start[cumulative] ?? 0);
      }
      Object.assign(row, fromCases.get(point.date)?.get(key));
      for (const alias of distinct)
        row[alias] = stretchRows.get(point.date)?.get(key)?.[alias] ?? 0;
      rows.set(key, row);
    }
    result.set(point.date, rows);
  }
  return keySumsModulo(result);
}

/**
 * Every key sum of `counts` as its residue modulo 2^32 (keySumResidue): all that the cell key
 * reads of it, and all that the monthly figures keep (sql/017). So the same cases give the
 * same key sum whichever way they were counted.
 */
function keySumsModulo(counts: Counts): Counts {
  for (const rows of counts.values())
    for (const row of rows.values())
      for (const [alias, value] of Object.entries(row))
        if (isKeyAlias(alias)) row[alias] = keySumResidue(value);
  return counts;
}

/**
 * The district-wide distinct counts (`aliases`, with their key sums) on days within months:
 * each district's from the latest day on or before the date on which they changed
 * (district_distinct_days, sql/015), summed over the districts of the scope.
 */
async function distinctCountsOn(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  aliases: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const result = new Map<string, Record<string, number>>();
  if (dates.length === 0 || aliases.length === 0) return result;
  const { rows } = await sql<Record<string, number> & { on_date: string }>`
    SELECT d.on_date::text AS on_date, ${sql.join(
      aliases.map((alias) => sql`coalesce(sum(x.${sql.id(alias)}), 0)::float8 AS ${sql.id(alias)}`),
    )}
    FROM unnest(${sql.val([...new Set(dates)])}::date[]) d(on_date)
    CROSS JOIN ${
      scope.district === undefined
        ? sql`districts k`
        : sql`(SELECT ${scope.district}::text AS district_key) k`
    }
    LEFT JOIN LATERAL (
      SELECT * FROM district_distinct_days x
      WHERE x.district_key = k.district_key AND x.on_date <= d.on_date
      ORDER BY x.on_date DESC LIMIT 1
    ) x ON true
    GROUP BY d.on_date`.execute(db);
  for (const { on_date, ...sums } of rows)
    result.set(on_date, Object.fromEntries(aliases.map((alias) => [alias, Number(sums[alias])])));
  return result;
}

/**
 * Distinct counts and their key sums (`aliases`, each a DISTRICT_MEASURES count or its key
 * sum) by categories of the stored stretches that run on each of `dates` (sql/019): rows of
 * `on_date`, the named `keys`, `level` (GROUPING of the keys, bit set where a set leaves a key
 * out) and the aliases, one row per date and grouping set of `sets`. Each date's categories,
 * active flag and counted value (a manager, a municipality) are made distinct first, so the
 * distinct aggregates sort a few rows per value instead of every stretch. The stretches of
 * cases not active on the day keep their categories in the result, counted as zero, as the
 * case rows do. Only for dates the monthly figures cover.
 */
async function distinctOnStretches(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  aliases: readonly string[],
  keys: Readonly<Record<string, RawBuilder<unknown>>>,
  sets: readonly (readonly string[])[],
): Promise<StretchDistinctRow[]> {
  if (aliases.length === 0 || dates.length === 0) return [];
  const names = Object.keys(keys);
  const byValue = new Map<'manager_id' | 'municipality', string[]>();
  for (const alias of aliases) {
    const of = distinctOf(alias)?.of;
    if (!of) throw new Error(`${alias} is not a distinct count.`);
    byValue.set(of, [...(byValue.get(of) ?? []), alias]);
  }
  const results = await Promise.all(
    [...byValue].map(async ([of, wanted]) => {
      const { columns, count, keySum } = STRETCH_DISTINCT[of];
      const { rows } = await sql<StretchDistinctRow>`
        SELECT x.on_date::text AS on_date, ${sql.join(names.map((name) => sql.ref(`x.${name}`)))},
          GROUPING(${sql.join(names.map((name) => sql.ref(`x.${name}`)))}) AS level,
          ${sql.join(
            wanted.map(
              (alias) =>
                sql`(${distinctOf(alias)?.key ? keySum : count})::float8 AS ${sql.id(alias)}`,
            ),
          )}
        FROM unnest(${sql.val([...new Set(dates)])}::date[]) p(on_date)
        CROSS JOIN ${
          scope.district === undefined
            ? sql`districts k`
            : sql`(SELECT ${scope.district}::text AS district_key) k`
        }
        -- Lateral: each date's and district's index range of the stretches begun by then (not
        -- all of them), made distinct in memory one district at a time (a manager or a town is
        -- one district's; the counts below are distinct over all districts' rows anyway).
        CROSS JOIN LATERAL (
          SELECT DISTINCT p.on_date, ${sql.join(
            names.map((name) => sql`${keys[name]}::text AS ${sql.id(name)}`),
          )}, ${stretchActive} AS active, ${sql.join(
            columns.map(
              (column) =>
                sql`CASE WHEN ${stretchActive} THEN ${sql.ref(`s.${column}`)} END AS ${sql.id(column)}`,
            ),
          )}
          FROM case_stretches s
          WHERE ${stretchScope(scope, sql`k.district_key`)} AND ${runsOn(sql`p.on_date`)}
        ) x
        GROUP BY GROUPING SETS (${sql.join(
          sets.map(
            (set) =>
              sql`(${sql.join([sql`x.on_date`, ...set.map((name) => sql.ref(`x.${name}`))])})`,
          ),
        )})`.execute(db);
      return rows;
    }),
  );
  // One row per date and grouping set, with every alias: the groups' rows side by side.
  const merged = new Map<string, Record<string, unknown>>();
  for (const rows of results)
    for (const row of rows) {
      const id = JSON.stringify([row.on_date, row.level, ...names.map((name) => row[name])]);
      merged.set(id, { ...(merged.get(id) ?? {}), ...row });
    }
  return [...merged.values()] as StretchDistinctRow[];
}

/** A row of distinctOnStretches: the date, the keys and `level`, and the counts. */
type StretchDistinctRow = Record<string, unknown> & { on_date: string; level: number };

/** The date itself when the monthly figures can hold it, else the first day of its month. */
function monthStartOf(date: string): string {
  return isMonthlyDate(date) ? date : `${date.slice(0, 7)}-01`;
}

/**
 * For dates within a month: what the monthly measures (`aliases`) on each date differ from
 * those on the first of its month, by category, from the stretches stored with the monthly
 * figures (sql/014): a case counts the same on every day of a stretch, so only the stretches
 * that begin or end between the two days make a difference (figures-monthly.test.ts).
 */
async function deltaCounts(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  aliases: readonly string[],
  by: DimensionId | undefined,
  memo?: Map<string, DeltaEntry>,
): Promise<Counts> {
  if (dates.length === 0 || aliases.length === 0) return new Map();
  const key = (of: DimensionId | undefined) =>
    JSON.stringify([scope.district, scope.provider, scope.municipality, [...dates].sort(), of]);
  const known = memo?.get(key(by));
  if (known && aliases.every((alias) => known.aliases.has(alias))) return known.counts;
  const both = evaluateChanges(db, scope, dates, aliases, by);
  const counts = both.then(([byCategory]) => byCategory);
  if (memo) {
    const held = new Set(aliases);
    memo.set(key(by), { aliases: held, counts });
    if (by !== undefined) {
      const total = both.then(([, whole]) => whole);
      // The total may not be asked for (other measures): its failure is the cells' to report.
      total.catch(() => {});
      memo.set(key(undefined), { aliases: held, counts: total });
    }
  }
  return counts;
}

/**
 * The stretches of a scope (case_stretches, sql/014) as `s`, by the indexes that lead with
 * the district: for the whole state one range per district.
 */
function stretchScope(
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  district: RawBuilder<unknown> | string | undefined = scope.district,
): RawBuilder<unknown> {
  return sql.join(
    [
      district === undefined
        ? sql`s.district_key = ANY(ARRAY(SELECT district_key FROM districts))`
        : sql`s.district_key = ${district}`,
      scope.provider ? sql`s.provider = ${scope.provider}` : sql`true`,
      scope.municipality ? sql`s.d_municipality = ${scope.municipality}` : sql`true`,
    ],
    sql` AND `,
  );
}

/** A stretch's category in a dimension. */
const stretchCategory = (by: DimensionId) =>
  by === 'provider' ? sql.ref('s.provider') : sql.ref(`s.d_${by}`);

/** What a stretch adds to a monthly measure (figures-monthly.ts STRETCH_VALUES). */
function stretchValue(alias: string): RawBuilder<number> {
  const value = STRETCH_VALUES.get(alias);
  if (!value) throw new Error(`${alias} is not a monthly measure.`);
  return value;
}

/**
 * deltaCounts' query: the changes by category of `by` and, with `by`, also in total. The
 * counts on a day differ from those on the first of its month by the stretches that begin
 * after the first and up to the day (counted in) and those that end so (counted out): two
 * short ranges of the stored stretches' indexes, whatever the number of cases.
 */
async function evaluateChanges(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  dates: readonly string[],
  aliases: readonly string[],
  by: DimensionId | undefined,
): Promise<[Counts, Counts]> {
  const result: Counts = new Map();
  const total: Counts = new Map();
  const select = sql.join(
    aliases.map((alias) => sql`sum(s.sign * ${stretchValue(alias)}) AS ${sql.id(alias)}`),
  );
  const category = by ? sql`${stretchCategory(by)}::text` : sql`''`;
  const pairs = sql.join(
    [...new Set(dates)].map((date) => sql`(${date}::date, ${monthStartOf(date)}::date)`),
  );
  const { rows } = await sql<
    Record<string, number> & { on_date: string; category: string; whole: number }
  >`
    WITH pairs (on_date, base_date) AS (VALUES ${pairs})
    SELECT p.on_date::text AS on_date, s.category_key AS category,
      GROUPING(s.category_key) AS whole, ${select}
    FROM pairs p
    CROSS JOIN LATERAL (
      SELECT 1 AS sign, ${category} AS category_key, s.* FROM case_stretches s
      WHERE ${stretchScope(scope)} AND s.from_date > p.base_date AND s.from_date <= p.on_date
      UNION ALL
      SELECT -1, ${category}, s.* FROM case_stretches s
      WHERE ${stretchScope(scope)} AND s.to_date > p.base_date AND s.to_date <= p.on_date
    ) s
    GROUP BY GROUPING SETS ((p.on_date, s.category_key)${by ? sql`, (p.on_date)` : sql``})`.execute(
    db,
  );
  for (const { on_date, category: found, whole, ...sums } of rows) {
    const into = Number(whole) === 1 ? total : result;
    const key = Number(whole) === 1 ? '' : found;
    const byCategory = into.get(on_date) ?? new Map<string, Record<string, number>>();
    into.set(on_date, byCategory);
    const row = byCategory.get(key) ?? {};
    byCategory.set(key, row);
    for (const alias of aliases) row[alias] = (row[alias] ?? 0) + Number(sums[alias] ?? 0);
  }
  return [result, total];
}

/** The day before a date (`YYYY-MM-DD`). */
const dayBefore = (date: string) => addDays(date, -1);

export async function indicatorsOn(
  db: Kysely<Database>,
  scope: FactsScope,
  indicators: readonly Indicator[] = INDICATORS,
  options: CountOptions = {},
): Promise<{ indicator: Indicator; figure: RawFigure }[]> {
  const point = { date: scope.date, periodFrom: scope.periodFrom };
  const counts = await countsOn(db, scope, [point], indicators, undefined, options);
  const row = counts.get(scope.date)?.get('') ?? {};
  return indicators.map((indicator) => ({ indicator, figure: figureOf(indicator, row) }));
}

/** The same figure on several points (a series). */
export async function seriesOn(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  indicator: Indicator,
  points: readonly Point[],
  options: CountOptions = {},
): Promise<{ point: Point; figure: RawFigure }[]> {
  const counts = await countsOn(db, scope, points, [indicator], undefined, options);
  return points.map((point) => ({
    point,
    figure: figureOf(indicator, counts.get(point.date)?.get('') ?? {}),
  }));
}

export interface BreakdownRow extends Category {
  figure: RawFigure;
}

export async function breakdownOn(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  by: DimensionId,
  directory: DirectoryCategories,
  options: CountOptions = {},
): Promise<{ rows: BreakdownRow[]; total: RawFigure }> {
  const point = [{ date: scope.date, periodFrom: scope.periodFrom }];
  const shared = { ...options, coverage: options.coverage ?? new Map(), changes: new Map() };
  const [cells, totals] = await Promise.all([
    countsOn(db, scope, point, [indicator], by, shared),
    countsOn(db, scope, point, [indicator], undefined, shared),
  ]);
  const found = cells.get(scope.date) ?? new Map<string, Record<string, number>>();
  return {
    rows: categoriesOf(by, directory, found.keys()).map((category) => ({
      ...category,
      figure: figureOf(indicator, found.get(category.key) ?? {}),
    })),
    total: figureOf(indicator, totals.get(scope.date)?.get('') ?? {}),
  };
}

export interface CrossTableFigures {
  rows: Category[];
  columns: Category[];
  cells: RawFigure[][];
  rowTotals: RawFigure[];
  columnTotals: RawFigure[];
  total: RawFigure;
}

/** Lists a dimension's categories: the directory's or fixed ones, then any others found. */
function categoriesOf(by: DimensionId, directory: DirectoryCategories, found: Iterable<string>) {
  const listed = DIMENSIONS[by].categories?.(directory) ?? [];
  const listedKeys = new Set(listed.map((category) => category.key));
  const extra = [...new Set(found)]
    .filter((key) => !listedKeys.has(key))
    .map((key) => ({ key, label: categoryLabel(by, key) }));
  return [...listed, ...byLabel(extra)];
}

/**
 * A figure by two dimensions with row and column totals, in one query (grouping sets: cells,
 * rows, columns, total): over the stretches that run on the day where the monthly figures
 * hold its month and every count of the indicator is a monthly measure, else over the case
 * facts.
 */
export async function crossTableOn(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  rowsBy: DimensionId,
  columnsBy: DimensionId,
  directory: DirectoryCategories,
  options: CountOptions = {},
): Promise<CrossTableFigures> {
  const aggregates = [...new Map(aggregatesOf(indicator))];
  type Row = Record<string, number> & {
    row_key: string | null;
    column_key: string | null;
    level: number;
  };
  const fragments = [
    ...aggregates.map(([, aggregate]) => aggregate),
    DIMENSIONS[rowsBy].key,
    DIMENSIONS[columnsBy].key,
  ];
  // Whether the stretches hold the day's month, asked once for both uses below.
  const stretchCounts = aggregates.every(
    ([alias]) => STRETCH_VALUES.has(alias) || distinctOf(alias) !== undefined,
  );
  const covered =
    options.source !== 'direct' &&
    (stretchCounts || usesStatus(fragments)) &&
    (await covers(db, scope, [monthStartOf(scope.date)], false, options.coverage, options.lookups));
  const fromStretches = stretchCounts && covered;
  const on = sql`${scope.date}::date`;
  const status = fromStretches
    ? false
    : await factStatus(db, scope, [scope.date], fragments, options, covered);
  const cases = caseRowsOn(scope, on, status);
  const grouping = sql`GROUP BY GROUPING SETS ((row_key, column_key), (row_key), (column_key), ())`;
  const summed = aggregates.filter(([alias]) => STRETCH_VALUES.has(alias));
  const counted = aggregates.filter(([alias]) => distinctOf(alias)).map(([alias]) => alias);
  const { rows } = fromStretches
    ? await Promise.all([
        summed.length === 0
          ? { rows: [] as Row[] }
          : sql<Row>`
    SELECT row_key, column_key, GROUPING(row_key, column_key) AS level, ${sql.join(
      summed.map(([alias]) => sql`sum(${stretchValue(alias)})::float8 AS ${sql.id(alias)}`),
    )}
    FROM (
      SELECT ${stretchCategory(rowsBy)}::text AS row_key,
        ${stretchCategory(columnsBy)}::text AS column_key, s.counted, s.record_key
      FROM case_stretches s
      WHERE ${stretchScope(scope)} AND ${runsOn(on)}
    ) s
    ${grouping}`.execute(db),
        distinctOnStretches(
          db,
          scope,
          [scope.date],
          counted,
          { row_key: stretchCategory(rowsBy), column_key: stretchCategory(columnsBy) },
          [['row_key', 'column_key'], ['row_key'], ['column_key'], []],
        ),
      ]).then(([sums, distinct]) => {
        // The two queries' rows side by side, by level and categories.
        const id = (r: { level: unknown; row_key: unknown; column_key: unknown }) =>
          JSON.stringify([Number(r.level), r.row_key, r.column_key]);
        const merged = new Map<string, Row>(sums.rows.map((r) => [id(r), r]));
        for (const r of distinct) {
          const row = { ...r, level: Number(r.level) } as unknown as Row;
          merged.set(id(row), { ...(merged.get(id(row)) ?? {}), ...row });
        }
        return { rows: [...merged.values()] };
      })
    : await sql<Row>`
    WITH facts AS (
      SELECT ${factColumns(on, { status })}, ${scope.periodFrom}::date AS period_from
      FROM ${cases.from}
      WHERE ${cases.where}
    ),
    keyed AS (
      SELECT facts.*, ${DIMENSIONS[rowsBy].key}::text AS row_key,
        ${DIMENSIONS[columnsBy].key}::text AS column_key
      FROM facts
    )
    SELECT row_key, column_key, GROUPING(row_key, column_key) AS level, ${sql.join(
      aggregates.map(([alias, aggregate]) => sql`${aggregate} AS ${sql.id(alias)}`),
    )}
    FROM keyed
    ${grouping}`.execute(db);
  // By key, not by search: state-wide, a table by municipality has tens of thousands of cells.
  const keyOf = (level: number, row: string | null, column: string | null) =>
    JSON.stringify([level, row, column]);
  const byKey = new Map(rows.map((r) => [keyOf(Number(r.level), r.row_key, r.column_key), r]));
  const at = (level: number, row: string | null, column: string | null) =>
    byKey.get(keyOf(level, row, column)) ?? {};
  const rowCategories = categoriesOf(
    rowsBy,
    directory,
    rows.filter((r) => r.level === 1).map((r) => r.row_key as string),
  );
  const columnCategories = categoriesOf(
    columnsBy,
    directory,
    rows.filter((r) => r.level === 2).map((r) => r.column_key as string),
  );
  return {
    rows: rowCategories,
    columns: columnCategories,
    cells: rowCategories.map((r) =>
      columnCategories.map((c) => figureOf(indicator, at(0, r.key, c.key))),
    ),
    rowTotals: rowCategories.map((r) => figureOf(indicator, at(1, r.key, null))),
    columnTotals: columnCategories.map((c) => figureOf(indicator, at(2, null, c.key))),
    total: figureOf(indicator, at(3, null, null)),
  };
}

/** Cases alike for a table and the counts linked to it: their keys, which counts hold them. */
export interface TableClass {
  /** The case's category in each of the table's dimensions. */
  keys: (string | null)[];
  /** Bit j set: the case is counted by `counts[j]`. */
  flags: number;
  size: number;
}

/**
 * The cases of a scope on its date, grouped by their categories in `dimensions` and by which
 * of `counts` (conditions on a fact row) hold them; classes no count holds are left out.
 * The disclosure control uses it to link a table to the exact figures published beside it.
 */
export async function tableClassesOn(
  db: Kysely<Database>,
  scope: FactsScope,
  dimensions: readonly DimensionId[],
  counts: readonly RawBuilder<boolean>[],
  options: CountOptions = {},
): Promise<TableClass[]> {
  if (counts.length > 30) throw new Error('At most 30 counts can be linked to one table.');
  const group = sql.join([...dimensions.map((_, i) => sql.id(`k${i}`)), sql`flags`]);
  const classesOf = (rows: (Record<string, string | null> & { flags: number; size: number })[]) =>
    rows.map((row) => ({
      keys: dimensions.map((_, i) => row[`k${i}`] ?? null),
      flags: Number(row.flags),
      size: Number(row.size),
    }));
  // Where every condition is a monthly count's and the monthly figures cover the day: each
  // case's stretch that runs on it, its categories and counted bits (no case row read).
  const stretchBits = counts.map(countedBitOfCondition);
  if (
    options.source !== 'direct' &&
    stretchBits.every((bit) => bit !== undefined) &&
    (await covers(db, scope, [monthStartOf(scope.date)], false, options.coverage, options.lookups))
  ) {
    const { rows } = await sql<Record<string, string | null> & { flags: number; size: number }>`
      SELECT ${group}, count(*)::int AS size FROM (
        SELECT ${sql.join([
          ...dimensions.map((by, i) => sql`${stretchCategory(by)}::text AS ${sql.id(`k${i}`)}`),
          sql`${stretchFlags(stretchBits as number[])} AS flags`,
        ])}
        FROM case_stretches s
        WHERE ${stretchScope(scope)} AND ${runsOn(sql`${scope.date}::date`)}
      ) f
      WHERE flags <> 0
      GROUP BY ${group}`.execute(db);
    return classesOf(rows);
  }
  const bits = sql.join(
    counts.map((condition, j) => sql`(CASE WHEN ${condition} THEN ${2 ** j} ELSE 0 END)`),
    sql` + `,
  );
  const keys = dimensions.map((by, i) => sql`${DIMENSIONS[by].key}::text AS ${sql.id(`k${i}`)}`);
  // The status on the day from each case's stretch where the monthly figures cover it (one
  // join instead of three lookups per case: a release date's table of a large district).
  const on = sql`${scope.date}::date`;
  const status = await factStatus(
    db,
    scope,
    [scope.date],
    [...counts, ...dimensions.map((by) => DIMENSIONS[by].key)],
    options,
  );
  const cases = caseRowsOn(scope, on, status);
  const { rows } = await sql<Record<string, string | null> & { flags: number; size: number }>`
    WITH facts AS (
      SELECT ${factColumns(on, { status })}, ${scope.periodFrom}::date AS period_from
      FROM ${cases.from}
      WHERE ${cases.where}
    ),
    flagged AS (SELECT ${sql.join([...keys, sql`${bits} AS flags`])} FROM facts)
    SELECT *, count(*)::int AS size FROM flagged WHERE flags <> 0
    GROUP BY ${group}`.execute(db);
  return classesOf(rows);
}
