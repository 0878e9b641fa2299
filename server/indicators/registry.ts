// The indicator registry: every figure of docs/indicators.md defined once. Counts
// are SQL aggregates over the case facts on the reporting date (see case-facts.ts);
// shares and ratios are built from two counts.
import { type RawBuilder, sql } from 'kysely';

export type IndicatorId =
  | 'clients_active'
  | 'clients_minor'
  | 'clients_adult'
  | 'language_b1_plus_share'
  | 'employment_sv_share'
  | 'training_share'
  | 'private_lease_share'
  | 'cases_closed'
  | 'cases_closed_with_lease'
  | 'cases_closed_with_lease_share'
  | 'plan_coverage_share'
  | 'managers_active'
  | 'caseload_per_manager'
  | 'municipalities_active'
  | 'cases_started_in_period'
  | 'cases_closed_in_period'
  | 'cases_over_max_duration';

interface Described {
  id: IndicatorId;
  label: string;
  definition: string;
  /** Who or what is counted (for a share or ratio: its denominator), for readers. */
  population: string;
  /**
   * Counts closed cases: withheld from the public and funders on the days before the
   * district's first few closings add up to the minimum (server/disclosure/closings-floor.ts).
   */
  closings?: true;
}

/** A number of cases (or distinct managers, municipalities) on the reporting date. */
export interface CountIndicator extends Described {
  kind: 'count';
  /** SQL aggregate over the rows of `facts`. */
  aggregate: RawBuilder<number>;
  /**
   * The sum of the record keys of what `aggregate` counts: the cell key from which the Cell
   * Key Method draws a count's perturbation (server/disclosure/cell-key.ts).
   */
  keyAggregate: RawBuilder<number>;
  /** For a count of cases: the condition on a fact row that the count counts. */
  condition?: RawBuilder<boolean>;
  /** The days on which what it counts can change for a case (Condition.changesOn). */
  changesOn?: readonly RawBuilder<unknown>[];
  /** The ages at which what it counts can change for a case (Condition.atAges). */
  atAges?: readonly number[];
  /** For a count of cases: see CaseCount. */
  monotone?: boolean;
  /** Whether it counts cases, so that it can be broken down by a case attribute. */
  countsCases: boolean;
  /** Counted over a period ending on the reporting date rather than on the date itself. */
  period?: true;
  /**
   * Whether the monthly figures (figures-monthly.ts) hold it: true for counts of cases
   * (`count(*) FILTER (WHERE …)`), which add up over cases and providers. Not for period
   * counts, whose period is chosen per request, nor for distinct counts.
   */
  precomputed: boolean;
  /**
   * For a period count: the same count over everything up to the reporting date (a stock),
   * so that the count for a period is its value at the end minus its value on the day before
   * the start. The monthly figures hold this form.
   */
  cumulative?: CaseCount;
  /**
   * For a distinct count of active cases' attribute (`count(DISTINCT (district_key, X))
   * FILTER (WHERE active)`): X, so that the monthly figures can hold the district's total.
   */
  distinctActive?: 'manager_id' | 'municipality';
}

/** numerator / denominator, both counts of cases; the numerator is a subset. */
export interface ShareIndicator extends Described {
  kind: 'share';
  numerator: CaseCount;
  /** What the numerator counts, for readers. */
  numeratorLabel: string;
  denominator: IndicatorId;
}

/** numerator / denominator of two count indicators that are not subsets (a rate). */
export interface RatioIndicator extends Described {
  kind: 'ratio';
  numerator: IndicatorId;
  denominator: IndicatorId;
}

export type Indicator = CountIndicator | ShareIndicator | RatioIndicator;

/**
 * A condition on a fact row (server/indicators/case-facts.ts), named once here and used by
 * the indicators and the funding figures alike. `changesOn` are the days (SQL over a row of
 * `cases`) on which it can turn for a case, besides the case's status records and
 * birthdays, which the monthly sweep always takes (the dimensions change on them too): the
 * sweep (figures-monthly.ts) derives its change points from these lists, so a condition
 * with a new kind of date is one entry here.
 */
export interface Condition {
  where: RawBuilder<boolean>;
  changesOn: readonly RawBuilder<unknown>[];
  /**
   * The ages at which it can turn, for a condition on the fact `age` (`age < 18` turns at
   * 18): the sweep takes birthdays at these ages as change points, and refuses at start a
   * condition that uses `age` without naming them (figures-monthly.ts, ageThresholds).
   */
  atAges?: readonly number[];
}

export const condition = (
  where: RawBuilder<boolean>,
  changesOn: readonly RawBuilder<unknown>[] = [],
  atAges: readonly number[] = [],
): Condition => ({ where, changesOn, atAges });

/** All of the conditions: each in parentheses, joined by AND; changes on any one's days. */
export const allOf = (...conditions: readonly Condition[]): Condition => ({
  where: sql<boolean>`${sql.join(
    conditions.map((c) => sql`(${c.where})`),
    sql` AND `,
  )}`,
  changesOn: conditions.flatMap((c) => c.changesOn),
  atAges: conditions.flatMap((c) => c.atAges ?? []),
});

/** A count of cases: its condition, the count, and the sum of the cases' record keys. */
export interface CaseCount {
  condition: RawBuilder<boolean>;
  /** The days on which the condition can change for a case (Condition.changesOn). */
  changesOn: readonly RawBuilder<unknown>[];
  /** The ages at which the condition can change for a case (Condition.atAges). */
  atAges?: readonly number[];
  aggregate: RawBuilder<number>;
  keyAggregate: RawBuilder<number>;
  /**
   * Whether a case counted on a date is counted on every later date too (cases closed so
   * far): a fact of the definition that every reader knows, and the disclosure audit uses.
   */
  monotone: boolean;
}

/**
 * The count of the fact rows meeting `where`, with the sum of their record keys (as float8:
 * exact up to 2^53, far above a million keys of 32 bits, and read by pg as a number).
 */
export const cases = (where: Condition, { monotone = false } = {}): CaseCount => ({
  condition: where.where,
  changesOn: where.changesOn,
  atAges: where.atAges ?? [],
  monotone,
  aggregate: sql<number>`count(*) FILTER (WHERE ${where.where})::int`,
  keyAggregate: sql<number>`coalesce(sum(record_key) FILTER (WHERE ${where.where}), 0)::float8`,
});

/** The key sum of distinct values of a fact column (managers, municipalities). */
const distinctKeys = (column: 'manager_key' | 'municipality_key') =>
  sql<number>`coalesce(sum(DISTINCT ${sql.ref(column)}) FILTER (WHERE ${ACTIVE.where}), 0)::float8`;

// The named conditions. Age and status (language, employment, housing) change on birthdays
// and status records; the rest on the case's own days.
const STARTED_ON = sql`started_on`;
const ENDED_ON = sql`ended_on`;

/** Counselling runs on the date: begun on or before it, not ended on or before it. */
export const ACTIVE = condition(sql`active`, [STARTED_ON, ENDED_ON]);
/** Ended on or before the date. */
export const CLOSED = condition(sql`closed`, [ENDED_ON]);
export const MINOR = condition(sql`age < 18`, [], [18]);
export const ADULT = condition(sql`age >= 18`, [], [18]);
/** A language level of B1 or higher (on the date of the facts). */
export const B1_OR_HIGHER = condition(sql`language_level IN ('B1', 'B2', 'C1', 'C2')`);
/** Employed subject to social insurance (without vocational training). */
export const SV_EMPLOYMENT = condition(sql`employment = 'sv_employment'`);
export const IN_TRAINING = condition(
  sql`employment IN ('vocational_training', 'internship', 'studies')`,
);
/** A closed case whose first private lease was signed by the end of counselling. */
export const LEASE_BY_END = condition(sql`lease_signed_on <= ended_on`);
/** An integration plan agreed by the date. */
export const PLAN_BY_DATE = condition(sql`plan_created_on <= reporting_date`, [
  sql`plan_created_on`,
]);
// Three years after the start, counted forwards: a case begun on 28.02.2021 is over from
// 29.02.2024. (Counting back from the date, 29.02.2024 - 3 years is 28.02.2021 too, so that
// day would not count, and the figure would change on another day than the one it names.)
export const OVER_THREE_YEARS = condition(
  sql`(started_on + interval '3 years')::date < reporting_date`,
  [sql`(started_on + interval '3 years' + interval '1 day')::date`],
);
const STARTED_IN_PERIOD = condition(sql`started_on BETWEEN period_from AND reporting_date`, [
  STARTED_ON,
]);
const STARTED_BY_DATE = condition(sql`started_on <= reporting_date`, [STARTED_ON]);
const ENDED_IN_PERIOD = condition(sql`ended_on BETWEEN period_from AND reporting_date`, [ENDED_ON]);
const ENDED_BY_DATE = condition(sql`ended_on <= reporting_date`, [ENDED_ON]);

const ACTIVE_ADULT = allOf(ACTIVE, ADULT);

export const INDICATORS: readonly Indicator[] = [
  {
    id: 'clients_active',
    kind: 'count',
    population: 'Fälle mit laufender Beratung am Stichtag',
    label: 'Betreute Personen',
    definition:
      'Personen, deren Beratung am Stichtag läuft: begonnen am oder vor dem Stichtag und nicht vor oder am Stichtag beendet.',
    ...cases(ACTIVE),
    countsCases: true,
    precomputed: true,
  },
  {
    id: 'clients_minor',
    kind: 'count',
    population: 'betreute Personen unter 18 Jahren',
    label: 'davon Minderjährige',
    definition:
      'Betreute Personen, die am Stichtag jünger als 18 Jahre sind (gerechnet ab dem Ersten des Geburtsmonats).',
    ...cases(allOf(ACTIVE, MINOR)),
    countsCases: true,
    precomputed: true,
  },
  {
    id: 'clients_adult',
    kind: 'count',
    population: 'betreute Personen ab 18 Jahren',
    label: 'davon Erwachsene',
    definition:
      'Betreute Personen, die am Stichtag 18 Jahre oder älter sind (gerechnet ab dem Ersten des Geburtsmonats).',
    ...cases(ACTIVE_ADULT),
    countsCases: true,
    precomputed: true,
  },
  {
    id: 'language_b1_plus_share',
    kind: 'share',
    population: 'betreute Erwachsene',
    numeratorLabel: 'betreute Erwachsene mit Sprachniveau B1, B2, C1 oder C2',
    label: 'Sprachniveau B1 oder höher',
    definition:
      'Anteil der betreuten Erwachsenen, deren Deutschkenntnisse am Stichtag B1, B2, C1 oder C2 erreichen. Erwachsene ohne Angabe zählen im Nenner mit.',
    numerator: cases(allOf(ACTIVE_ADULT, B1_OR_HIGHER)),
    denominator: 'clients_adult',
  },
  {
    id: 'employment_sv_share',
    kind: 'share',
    population: 'betreute Erwachsene',
    numeratorLabel: 'betreute Erwachsene in sozialversicherungspflichtiger Beschäftigung',
    label: 'Sozialversicherungspflichtig beschäftigt',
    definition:
      'Anteil der betreuten Erwachsenen, die am Stichtag sozialversicherungspflichtig beschäftigt sind (ohne Ausbildung). Erwachsene ohne Angabe zählen im Nenner mit.',
    numerator: cases(allOf(ACTIVE_ADULT, SV_EMPLOYMENT)),
    denominator: 'clients_adult',
  },
  {
    id: 'training_share',
    kind: 'share',
    population: 'betreute Erwachsene',
    numeratorLabel: 'betreute Erwachsene in Ausbildung, Praktikum oder Studium',
    label: 'In Ausbildung, Praktikum oder Studium',
    definition:
      'Anteil der betreuten Erwachsenen, die am Stichtag eine Ausbildung, ein Praktikum oder ein Studium machen. Erwachsene ohne Angabe zählen im Nenner mit.',
    numerator: cases(allOf(ACTIVE_ADULT, IN_TRAINING)),
    denominator: 'clients_adult',
  },
  {
    id: 'private_lease_share',
    kind: 'share',
    population: 'betreute Personen',
    numeratorLabel: 'betreute Personen, die am Stichtag mit eigenem Mietvertrag wohnen',
    label: 'Wohnen mit eigenem Mietvertrag',
    definition:
      'Anteil der betreuten Personen, die am Stichtag in einer Wohnung mit eigenem privatem Mietvertrag wohnen (Wohnsituation „eigener Mietvertrag“, ab dem Datum des Mietvertrags). Personen ohne Angabe zählen im Nenner mit.',
    numerator: cases(allOf(ACTIVE, condition(sql`housing = 'private_lease'`))),
    denominator: 'clients_active',
  },
  {
    id: 'cases_closed',
    closings: true,
    kind: 'count',
    population: 'seit 2018 bis zum Stichtag beendete Fälle',
    label: 'Beendete Fälle',
    definition:
      'Fälle, deren Beratung seit Programmbeginn (2018) bis einschließlich Stichtag beendet wurde.',
    ...cases(CLOSED, { monotone: true }),
    countsCases: true,
    precomputed: true,
  },
  {
    id: 'cases_closed_with_lease',
    closings: true,
    kind: 'count',
    population: 'beendete Fälle mit eigenem Mietvertrag',
    label: 'davon mit eigenem Mietvertrag',
    definition:
      'Beendete Fälle, in denen bis zum Ende der Beratung ein erster privater Mietvertrag unterschrieben wurde.',
    ...cases(allOf(CLOSED, LEASE_BY_END), { monotone: true }),
    countsCases: true,
    precomputed: true,
  },
  {
    id: 'cases_closed_with_lease_share',
    closings: true,
    kind: 'share',
    population: 'bis zum Stichtag beendete Fälle',
    numeratorLabel: 'beendete Fälle mit eigenem Mietvertrag bis zum Ende der Beratung',
    label: 'Anteil beendeter Fälle mit eigenem Mietvertrag',
    definition:
      'Anteil der bis zum Stichtag beendeten Fälle, in denen bis zum Ende der Beratung ein privater Mietvertrag unterschrieben wurde.',
    numerator: cases(allOf(CLOSED, LEASE_BY_END), { monotone: true }),
    denominator: 'cases_closed',
  },
  {
    id: 'plan_coverage_share',
    kind: 'share',
    population: 'am Stichtag laufende Fälle',
    numeratorLabel: 'laufende Fälle mit vereinbartem Integrationsplan',
    label: 'Fälle mit Integrationsplan',
    definition:
      'Anteil der am Stichtag laufenden Fälle, für die bis zum Stichtag ein Integrationsplan vereinbart wurde.',
    numerator: cases(allOf(ACTIVE, PLAN_BY_DATE)),
    denominator: 'clients_active',
  },
  {
    id: 'managers_active',
    kind: 'count',
    population: 'Integrationsmanager/innen mit mindestens einem laufenden Fall',
    label: 'Integrationsmanager/innen mit Fällen',
    definition:
      'Anzahl verschiedener Integrationsmanager/innen, die am Stichtag mindestens einen laufenden Fall betreuen.',
    // Ids are the district's: the same id in two districts (state-wide figures) is two people.
    aggregate: sql<number>`count(DISTINCT (district_key, manager_id)) FILTER (WHERE ${ACTIVE.where})::int`,
    changesOn: ACTIVE.changesOn,
    keyAggregate: distinctKeys('manager_key'),
    countsCases: false,
    precomputed: false,
    distinctActive: 'manager_id',
  },
  {
    id: 'caseload_per_manager',
    kind: 'ratio',
    population: 'Integrationsmanager/innen mit Fällen',
    label: 'Fälle je Integrationsmanager/in',
    definition:
      'Betreute Personen am Stichtag geteilt durch die Integrationsmanager/innen mit Fällen.',
    numerator: 'clients_active',
    denominator: 'managers_active',
  },
  {
    id: 'municipalities_active',
    kind: 'count',
    population: 'Gemeinden mit mindestens einem laufenden Fall',
    label: 'Gemeinden mit Fällen',
    definition: 'Anzahl der Gemeinden, in denen am Stichtag mindestens ein Fall läuft.',
    aggregate: sql<number>`count(DISTINCT municipality) FILTER (WHERE ${ACTIVE.where})::int`,
    changesOn: ACTIVE.changesOn,
    keyAggregate: distinctKeys('municipality_key'),
    countsCases: false,
    precomputed: false,
    distinctActive: 'municipality',
  },
  {
    id: 'cases_started_in_period',
    kind: 'count',
    population: 'Fälle, deren Beratung im Zeitraum begann',
    label: 'Begonnene Fälle im Zeitraum',
    definition:
      'Fälle, deren Beratung im Zeitraum begonnen hat (ohne Zeitraum: vom 1. Januar des Stichtagsjahres bis zum Stichtag).',
    ...cases(STARTED_IN_PERIOD),
    countsCases: true,
    precomputed: false,
    cumulative: cases(STARTED_BY_DATE),
    period: true,
  },
  {
    id: 'cases_closed_in_period',
    closings: true,
    kind: 'count',
    population: 'Fälle, deren Beratung im Zeitraum endete',
    label: 'Beendete Fälle im Zeitraum',
    definition:
      'Fälle, deren Beratung im Zeitraum beendet wurde (ohne Zeitraum: vom 1. Januar des Stichtagsjahres bis zum Stichtag).',
    ...cases(ENDED_IN_PERIOD),
    countsCases: true,
    precomputed: false,
    cumulative: cases(ENDED_BY_DATE),
    period: true,
  },
  {
    id: 'cases_over_max_duration',
    kind: 'count',
    population: 'am Stichtag laufende Fälle, die älter als drei Jahre sind',
    label: 'Fälle über der Höchstdauer',
    definition:
      'Datenqualität: am Stichtag laufende Fälle, die länger als drei Jahre laufen (die Beratung dauert höchstens drei, mit Begründung vier Jahre).',
    ...cases(allOf(ACTIVE, OVER_THREE_YEARS)),
    countsCases: true,
    precomputed: true,
  },
];

const BY_ID = new Map(INDICATORS.map((indicator) => [indicator.id, indicator]));

export function findIndicator(id: string): Indicator | undefined {
  return BY_ID.get(id as IndicatorId);
}
