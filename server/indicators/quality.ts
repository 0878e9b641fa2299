// Data quality for the district office and the providers: how complete the stored exports
// are, how much of the status on a date is unknown, how many cases run past the maximum
// duration, and whose snapshot is overdue. Aggregates by provider only, never a case.
//
// It lives beside the indicators because it is computed the same way: over the case facts
// of case-facts.ts (status on a date), and with the registry's own `cases_over_max_duration`,
// so a change to either definition changes these figures with it.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { COLUMNS, type ColumnName } from '../import/format.ts';
import { caseFilter, factColumns } from './case-facts.ts';
import { germanCollator } from './names.ts';
import { type CountIndicator, findIndicator } from './registry.ts';

export interface QualityScope {
  district: string;
  /** One provider only (a provider's own account); otherwise every provider of the district. */
  provider?: string | undefined;
}

export interface ProviderEntry {
  code: string;
  name: string;
}

/** A count of cases out of a population; `share` is null when the population is empty. */
export interface Part {
  cases: number;
  count: number;
  share: number | null;
}

const part = (count: number, cases: number): Part => ({
  cases,
  count,
  share: cases === 0 ? null : count / cases,
});

/** The providers in scope, in the order of their names. */
export async function providersInScope(
  db: Kysely<Database>,
  scope: QualityScope,
): Promise<ProviderEntry[]> {
  let query = db
    .selectFrom('providers')
    .select(['code', 'name'])
    .where('district_key', '=', scope.district)
    .orderBy('code');
  if (scope.provider) query = query.where('code', '=', scope.provider);
  // By name with German collation (names.ts).
  return (await query.execute()).sort(
    (a, b) => germanCollator.compare(a.name, b.name) || germanCollator.compare(a.code, b.code),
  );
}

// ---------------------------------------------------------------------------------------
// (a) Completeness of each column of the export format.

/**
 * `required`: the import refuses a row without it; `conditional`: required when another
 * column is set (so the import refuses a gap there too); `optional`: may be empty.
 */
export type CompletenessRule = 'required' | 'conditional' | 'optional';

interface ColumnCheck {
  /** The column's name for readers. */
  label: string;
  rule: CompletenessRule;
  /** Whose cases form the denominator, in German. */
  population: string;
  /** SQL condition for the cases in the population (over `c`, `k`, `h` below). */
  expected: RawBuilder<boolean>;
  /** SQL condition for a value that is present and known. */
  present: RawBuilder<boolean>;
}

const ALL = 'alle gespeicherten Fälle';
const every = sql<boolean>`true`;
const stored = (column: string) => sql<boolean>`${sql.ref(`c.${column}`)} IS NOT NULL`;

/**
 * What each column's completeness means. A status counts as known when any imported
 * snapshot stated it; a code that means "not known" (sex `x`) counts as missing. Columns
 * where an empty cell is a valid answer are measured against the cases that need a value:
 * an end date where an end reason is given, a lease date where the housing is a private
 * lease.
 */
const CHECKS: Record<ColumnName, ColumnCheck> = {
  case_id: {
    label: 'Fall-ID',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('case_id'),
  },
  provider: {
    label: 'Träger',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('provider'),
  },
  municipality: {
    label: 'Gemeinde',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('municipality'),
  },
  manager_id: {
    label: 'IM-Kennung',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('manager_id'),
  },
  household_id: {
    label: 'Haushalt-ID',
    rule: 'optional',
    population: ALL,
    expected: every,
    present: stored('household_id'),
  },
  sex: {
    label: 'Geschlecht',
    rule: 'optional',
    population: `${ALL} (Geschlecht „unbekannt“ zählt als fehlend)`,
    expected: every,
    present: sql`c.sex IN ('f', 'm', 'd')`,
  },
  birth_month: {
    label: 'Geburtsmonat',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('birth_month'),
  },
  country_of_origin: {
    label: 'Herkunftsland',
    rule: 'optional',
    population: ALL,
    expected: every,
    present: stored('country'),
  },
  started_on: {
    label: 'Beginn',
    rule: 'required',
    population: ALL,
    expected: every,
    present: stored('started_on'),
  },
  ended_on: {
    label: 'Ende',
    rule: 'conditional',
    population: 'Fälle mit Beendigungsgrund (leer heißt sonst: Beratung läuft)',
    expected: stored('end_reason'),
    present: stored('ended_on'),
  },
  end_reason: {
    label: 'Beendigungsgrund',
    rule: 'conditional',
    population: 'beendete Fälle',
    expected: stored('ended_on'),
    present: stored('end_reason'),
  },
  plan_created_on: {
    label: 'Integrationsplan seit',
    rule: 'optional',
    population: `${ALL} (leer: kein Integrationsplan vereinbart oder nicht erfasst)`,
    expected: every,
    present: stored('plan_created_on'),
  },
  language_level: {
    label: 'Sprachniveau',
    rule: 'optional',
    population: ALL,
    expected: every,
    present: sql`k.language_level`,
  },
  language_level_since: {
    label: 'Sprachniveau seit',
    rule: 'conditional',
    population: 'Fälle mit Sprachniveau',
    expected: sql`k.language_level`,
    present: sql`k.language_level_dated`,
  },
  employment: {
    label: 'Beschäftigung',
    rule: 'optional',
    population: ALL,
    expected: every,
    present: sql`k.employment`,
  },
  employment_since: {
    label: 'Beschäftigung seit',
    rule: 'conditional',
    population: 'Fälle mit Beschäftigung',
    expected: sql`k.employment`,
    present: sql`k.employment_dated`,
  },
  housing: {
    label: 'Wohnsituation',
    rule: 'optional',
    population: ALL,
    expected: every,
    present: sql`k.housing`,
  },
  lease_signed_on: {
    label: 'Mietvertrag seit',
    rule: 'optional',
    population: 'Fälle, deren letzte Wohnsituation ein eigener Mietvertrag ist',
    expected: sql`h.value = 'private_lease'`,
    present: stored('lease_signed_on'),
  },
};

export interface CompletenessRow extends Part {
  /** The canonical column name of the export format, and its German alias. */
  column: ColumnName;
  alias: string;
  label: string;
  rule: CompletenessRule;
  population: string;
  /** null: all providers in scope together. */
  provider: string | null;
}

/**
 * (a) For every column of the export format and every provider (and, for more than one
 * provider, all together): the cases that need a value and those that have one. Over all
 * stored cases, open and closed, as their provider's newest snapshot states them.
 */
export async function columnCompleteness(
  db: Kysely<Database>,
  scope: QualityScope,
): Promise<CompletenessRow[]> {
  const providers = await providersInScope(db, scope);
  const counts = sql.join(
    COLUMNS.flatMap(({ name }) => {
      const check = CHECKS[name];
      return [
        sql`count(*) FILTER (WHERE ${check.expected})::int AS ${sql.id(`${name}__cases`)}`,
        sql`count(*) FILTER (WHERE ${check.expected} AND ${check.present})::int AS ${sql.id(`${name}__count`)}`,
      ];
    }),
  );
  const ownProvider = scope.provider ? sql`AND provider = ${scope.provider}` : sql``;
  const { rows } = await sql<Record<string, number> & { provider: string | null }>`
    WITH known AS (
      -- Per case and kind, whether any snapshot stated the status, and always with its date.
      SELECT provider, case_id,
        bool_or(kind = 'language_level') AS language_level,
        coalesce(bool_and(since IS NOT NULL) FILTER (WHERE kind = 'language_level'), false)
          AS language_level_dated,
        bool_or(kind = 'employment') AS employment,
        coalesce(bool_and(since IS NOT NULL) FILTER (WHERE kind = 'employment'), false)
          AS employment_dated,
        bool_or(kind = 'housing') AS housing
      FROM case_status
      WHERE district_key = ${scope.district} ${ownProvider}
      GROUP BY provider, case_id
    ),
    housing_now AS (
      SELECT DISTINCT ON (provider, case_id) provider, case_id, value
      FROM case_status
      WHERE district_key = ${scope.district} AND kind = 'housing' ${ownProvider}
      ORDER BY provider, case_id, since DESC
    )
    SELECT CASE WHEN grouping(c.provider) = 0 THEN c.provider END AS provider, ${counts}
    FROM cases c
    LEFT JOIN known k ON k.provider = c.provider AND k.case_id = c.case_id
    LEFT JOIN housing_now h ON h.provider = c.provider AND h.case_id = c.case_id
    WHERE ${caseFilter({ district: scope.district, provider: scope.provider })}
    GROUP BY GROUPING SETS ((c.provider), ())`.execute(db);

  const byProvider = new Map(rows.map((row) => [row.provider, row]));
  const groups: (string | null)[] = [
    ...providers.map((p) => p.code),
    ...(providers.length > 1 ? [null] : []),
  ];
  return COLUMNS.flatMap(({ name, alias }) => {
    const check = CHECKS[name];
    return groups.map((provider) => {
      const row = byProvider.get(provider);
      return {
        column: name,
        alias,
        label: check.label,
        rule: check.rule,
        population: check.population,
        provider,
        ...part(row?.[`${name}__count`] ?? 0, row?.[`${name}__cases`] ?? 0),
      };
    });
  });
}

// ---------------------------------------------------------------------------------------
// (b) Unknown status and (c) cases over the maximum duration, on a reporting date.

export const STATUS_KINDS = ['language_level', 'employment', 'housing'] as const;
export type StatusKind = (typeof STATUS_KINDS)[number];

export interface StatusUnknownRow {
  /** null: all providers in scope together. */
  provider: string | null;
  /** Of the active cases: how many have no known status of each kind on the date. */
  active: Record<StatusKind, Part>;
  /**
   * Of the active adults, the denominator of the language and employment shares: the same
   * for those two kinds (young children have neither, and would make the gap look larger).
   */
  adult: Record<Exclude<StatusKind, 'housing'>, Part>;
}

export interface DurationRow {
  provider: string | null;
  /** Active cases on the date, the denominator. */
  active: number;
  /** The registry's `cases_over_max_duration`: running for more than three years. */
  over_three_years: Part;
  /** Running for more than four years: past the maximum even with a reason. */
  over_four_years: Part;
}

const ACTIVE = sql<boolean>`active`;
const ADULT = sql<boolean>`active AND age >= 18`;
const OVER_MAX_DURATION = findIndicator('cases_over_max_duration') as CountIndicator;
const overFourYears = sql<number>`count(*) FILTER (WHERE active AND (started_on + interval '4 years')::date < reporting_date)::int`;

/** (b) and (c) in one pass over the case facts on `date`. */
export async function qualityOnDate(
  db: Kysely<Database>,
  scope: QualityScope,
  date: string,
): Promise<{ statusUnknown: StatusUnknownRow[]; duration: DurationRow[] }> {
  const providers = await providersInScope(db, scope);
  const unknown = (kind: StatusKind, among: 'active' | 'adult') =>
    sql`count(*) FILTER (WHERE ${among === 'adult' ? ADULT : ACTIVE} AND ${sql.ref(kind)} = 'unknown')::int AS ${sql.id(`${kind}__${among}`)}`;
  const { rows } = await sql<Record<string, number> & { provider: string | null }>`
    WITH facts AS (
      SELECT ${factColumns(sql`${date}::date`)}
      FROM cases c
      WHERE ${caseFilter({ district: scope.district, provider: scope.provider })}
        AND c.started_on <= ${date}::date
    )
    SELECT CASE WHEN grouping(provider) = 0 THEN provider END AS provider,
      count(*) FILTER (WHERE active)::int AS active,
      count(*) FILTER (WHERE ${ADULT})::int AS adult,
      ${sql.join(STATUS_KINDS.map((kind) => unknown(kind, 'active')))},
      ${unknown('language_level', 'adult')},
      ${unknown('employment', 'adult')},
      ${OVER_MAX_DURATION.aggregate} AS over_three_years,
      ${overFourYears} AS over_four_years
    FROM facts
    GROUP BY GROUPING SETS ((provider), ())`.execute(db);

  const byProvider = new Map(rows.map((row) => [row.provider, row]));
  const groups: (string | null)[] = [
    ...providers.map((p) => p.code),
    ...(providers.length > 1 ? [null] : []),
  ];
  const statusUnknown: StatusUnknownRow[] = [];
  const duration: DurationRow[] = [];
  for (const provider of groups) {
    const row = byProvider.get(provider);
    const n = (alias: string) => row?.[alias] ?? 0;
    statusUnknown.push({
      provider,
      active: {
        language_level: part(n('language_level__active'), n('active')),
        employment: part(n('employment__active'), n('active')),
        housing: part(n('housing__active'), n('active')),
      },
      adult: {
        language_level: part(n('language_level__adult'), n('adult')),
        employment: part(n('employment__adult'), n('adult')),
      },
    });
    duration.push({
      provider,
      active: n('active'),
      over_three_years: part(n('over_three_years'), n('active')),
      over_four_years: part(n('over_four_years'), n('active')),
    });
  }
  return { statusUnknown, duration };
}

// ---------------------------------------------------------------------------------------
// (d) Overdue snapshots.

/**
 * The delivery rule (the export format names no cadence, see README "Data quality"): a
 * provider is expected to deliver a snapshot at least once a quarter, and a file may take
 * six weeks from its Stand to arrive. So on a date D the newest snapshot stored on or
 * before D is overdue once D is past its Stand + 3 months + 6 weeks.
 */
export const DELIVERY_INTERVAL = { months: 3, graceDays: 42 } as const;

export type SnapshotState = 'current' | 'overdue' | 'none';

export interface SnapshotRow {
  provider: string;
  name: string;
  /** The Stand of the newest stored snapshot on or before the date; null: none yet. */
  latest_as_of: string | null;
  /** When that snapshot was first stored. */
  imported_at: string | null;
  /** The date by which the next snapshot is expected to be stored. */
  next_due: string | null;
  state: SnapshotState;
  /** Days past `next_due` on the date (0 unless overdue). */
  days_overdue: number;
}

export async function snapshotDelivery(
  db: Kysely<Database>,
  scope: QualityScope,
  date: string,
): Promise<SnapshotRow[]> {
  const ownProvider = scope.provider ? sql`AND p.code = ${scope.provider}` : sql``;
  const { months, graceDays } = DELIVERY_INTERVAL;
  const { rows } = await sql<{
    provider: string;
    name: string;
    latest_as_of: string | null;
    imported_at: Date | null;
    next_due: string | null;
    days_overdue: number | null;
  }>`
    SELECT p.code AS provider, p.name, latest.as_of::text AS latest_as_of,
      latest.created_at AS imported_at, due.next_due::text AS next_due,
      ${date}::date - due.next_due AS days_overdue
    FROM providers p
    LEFT JOIN LATERAL (
      -- The first stored import of the newest Stand: when that snapshot arrived.
      SELECT i.as_of, i.created_at FROM imports i
      WHERE i.district_key = p.district_key AND i.provider = p.code
        AND i.status IN ('imported', 'unchanged') AND i.as_of <= ${date}::date
      ORDER BY i.as_of DESC, i.id ASC
      LIMIT 1
    ) latest ON true
    CROSS JOIN LATERAL (
      SELECT (latest.as_of + make_interval(months => ${months}) + make_interval(days => ${graceDays}))::date
        AS next_due
    ) due
    WHERE p.district_key = ${scope.district} ${ownProvider}
    ORDER BY p.code`.execute(db);
  rows.sort(
    (a, b) =>
      germanCollator.compare(a.name, b.name) || germanCollator.compare(a.provider, b.provider),
  );
  return rows.map((row) => {
    const late = row.days_overdue ?? 0;
    return {
      provider: row.provider,
      name: row.name,
      latest_as_of: row.latest_as_of,
      imported_at: row.imported_at === null ? null : new Date(row.imported_at).toISOString(),
      next_due: row.next_due,
      state: row.latest_as_of === null ? 'none' : late > 0 ? 'overdue' : 'current',
      days_overdue: Math.max(0, late),
    };
  });
}
