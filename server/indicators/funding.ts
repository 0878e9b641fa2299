// The figures of the funding period (Förderzeitraum) for the funders: for each year and
// provider, the cases begun and closed, the closed ones by reason and by their situation on
// the day of closing, and the caseload per manager at the end of the year. Each figure is
// defined once here (FUNDING_FIGURES); those that are indicators come from the registry.
import { type Kysely, sql } from 'kysely';
import { END_REASONS } from '../../contract/vocabulary.ts';
import type { Database } from '../db/types.ts';
import {
  belowClosingsFloor,
  closingsWithheld,
  type WithheldDays,
} from '../disclosure/closings-floor.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  perturbedCount,
  quotientFigure,
} from '../disclosure/disclose.ts';
import { caseFilter, dataAsOf, type FactsScope, factColumns } from './case-facts.ts';
import type { Category } from './dimensions.ts';
import { countsOn, type Point } from './figures.ts';
import { keyAlias } from './figures-monthly.ts';
import { byLabel } from './names.ts';
import {
  ADULT,
  allOf,
  B1_OR_HIGHER,
  type CaseCount,
  cases,
  condition,
  findIndicator,
  type Indicator,
  LEASE_BY_END,
  SV_EMPLOYMENT,
} from './registry.ts';

export type FundingScope = Omit<FactsScope, 'date' | 'periodFrom'>;

/** A count of cases, or of managers, in a row. */
interface FundingCount {
  id: string;
  kind: 'count';
  label: string;
  definition: string;
}

/** A share or a ratio of two counts of the same row. */
interface FundingQuotient {
  id: string;
  kind: 'share' | 'ratio';
  label: string;
  definition: string;
  numerator: string;
  denominator: string;
}

export type FundingFigure = FundingCount | FundingQuotient;

const YEAR_END_NOTE =
  ' Stichtag ist der 31.12. des Jahres; reichen die Daten noch nicht so weit, der Stand der Daten.';
const PERIOD_NOTE =
  ' Zeitraum ist das Kalenderjahr; reichen die Daten noch nicht bis zu seinem Ende, bis zum Stand der Daten.';

/** An indicator of the registry, taken on the last day of each year. */
function atYearEnd(id: 'clients_active' | 'managers_active'): FundingCount {
  const indicator = findIndicator(id) as Indicator;
  return {
    id,
    kind: 'count',
    label: `${indicator.label} am Jahresende`,
    definition: indicator.definition + YEAR_END_NOTE,
  };
}

const caseload = findIndicator('caseload_per_manager') as Indicator;

export const REASON_PREFIX = 'closed_reason_';

/** Every figure of a row, in the order of the table. */
export const FUNDING_FIGURES: readonly FundingFigure[] = [
  {
    id: 'cases_started_in_year',
    kind: 'count',
    label: 'Begonnene Fälle im Jahr',
    definition: `Fälle, deren Beratung im Jahr begonnen hat.${PERIOD_NOTE}`,
  },
  {
    id: 'cases_closed_in_year',
    kind: 'count',
    label: 'Beendete Fälle im Jahr',
    definition: `Fälle, deren Beratung im Jahr beendet wurde. Die Beendigungsgründe zusammen ergeben diese Zahl.${PERIOD_NOTE}`,
  },
  ...END_REASONS.map(
    ({ code, label }): FundingCount => ({
      id: `${REASON_PREFIX}${code}`,
      kind: 'count',
      label: `Beendet: ${label}`,
      definition: `Im Jahr beendete Fälle mit dem Beendigungsgrund „${label}“.`,
    }),
  ),
  {
    id: 'closed_with_lease',
    kind: 'count',
    label: 'Beendet mit eigenem Mietvertrag',
    definition:
      'Im Jahr beendete Fälle, in denen bis zum Ende der Beratung ein erster privater Mietvertrag unterschrieben wurde.',
  },
  {
    id: 'closed_with_lease_share',
    kind: 'share',
    label: 'Anteil mit eigenem Mietvertrag',
    definition:
      'Anteil der im Jahr beendeten Fälle, in denen bis zum Ende der Beratung ein privater Mietvertrag unterschrieben wurde.',
    numerator: 'closed_with_lease',
    denominator: 'cases_closed_in_year',
  },
  {
    id: 'closed_adults',
    kind: 'count',
    label: 'Beendet: Erwachsene',
    definition:
      'Im Jahr beendete Fälle von Personen, die am Tag der Beendigung 18 Jahre oder älter waren (gerechnet ab dem Ersten des Geburtsmonats). Nenner der Anteile zu Sprache und Beschäftigung, wie bei den Kennzahlen zum Stichtag.',
  },
  {
    id: 'closed_b1_plus',
    kind: 'count',
    label: 'Erwachsene mit B1 oder höher bei Beendigung',
    definition:
      'Im Jahr beendete Fälle Erwachsener, deren Deutschkenntnisse am Tag der Beendigung B1, B2, C1 oder C2 erreichten: die letzte Angabe mit Datum bis zu diesem Tag. Ohne Angabe zählt als nicht erreicht.',
  },
  {
    id: 'closed_b1_plus_share',
    kind: 'share',
    label: 'Anteil B1 oder höher bei Beendigung',
    definition:
      'Anteil der im Jahr beendeten Fälle Erwachsener mit Sprachniveau B1 oder höher am Tag der Beendigung. Erwachsene ohne Angabe zählen im Nenner mit.',
    numerator: 'closed_b1_plus',
    denominator: 'closed_adults',
  },
  {
    id: 'closed_sv_employment',
    kind: 'count',
    label: 'Erwachsene sozialversicherungspflichtig beschäftigt bei Beendigung',
    definition:
      'Im Jahr beendete Fälle Erwachsener, die am Tag der Beendigung sozialversicherungspflichtig beschäftigt waren (ohne Ausbildung): die letzte Angabe mit Datum bis zu diesem Tag.',
  },
  {
    id: 'closed_sv_employment_share',
    kind: 'share',
    label: 'Anteil sozialversicherungspflichtig beschäftigt bei Beendigung',
    definition:
      'Anteil der im Jahr beendeten Fälle Erwachsener, die am Tag der Beendigung sozialversicherungspflichtig beschäftigt waren. Erwachsene ohne Angabe zählen im Nenner mit.',
    numerator: 'closed_sv_employment',
    denominator: 'closed_adults',
  },
  atYearEnd('clients_active'),
  atYearEnd('managers_active'),
  {
    id: 'caseload_per_manager',
    kind: 'ratio',
    label: `${caseload.label} am Jahresende`,
    definition: caseload.definition + YEAR_END_NOTE,
    numerator: 'clients_active',
    denominator: 'managers_active',
  },
];

/** The figures as readers get them: label, definition and, for a quotient, its two counts. */
export function fundingDefinitions() {
  const part = (id: string) => ({
    id,
    label: FUNDING_FIGURES.find((other) => other.id === id)?.label ?? id,
  });
  return FUNDING_FIGURES.map((figure) => ({
    id: figure.id,
    label: figure.label,
    definition: figure.definition,
    kind: figure.kind,
    numerator: figure.kind === 'count' ? null : part(figure.numerator),
    denominator: figure.kind === 'count' ? null : part(figure.denominator),
  }));
}

/** Whether a figure counts closed cases (the year's closings, by reason, and what they had). */
const countsClosings = (figure: FundingFigure): boolean =>
  figure.id === 'cases_closed_in_year' ||
  figure.id.startsWith('closed_') ||
  figure.id.startsWith(REASON_PREFIX);

const COUNTS = FUNDING_FIGURES.filter((figure): figure is FundingCount => figure.kind === 'count');

/** A year of the period and the days of it that the data cover. */
export interface FundingYear {
  year: number;
  /** First and last day counted; null when the data end before the year begins. */
  from: string | null;
  to: string | null;
  /** Whether the data cover the whole year. */
  complete: boolean;
}

/** The years from `from` to `to`, each cut at the date the data reach. */
export function fundingYears(from: number, to: number, asOf: string | null): FundingYear[] {
  const years: FundingYear[] = [];
  for (let year = from; year <= to; year++) {
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    if (asOf === null || asOf < first) {
      years.push({ year, from: null, to: null, complete: false });
      continue;
    }
    years.push({ year, from: first, to: asOf < last ? asOf : last, complete: asOf >= last });
  }
  return years;
}

/** One line of the table: a year and a provider, or (provider null) all providers. */
export interface FundingRowKey {
  year: FundingYear;
  provider: Category | null;
}

export interface RawFundingRow extends FundingRowKey {
  /** Counts by FundingCount id; empty for a year without data. */
  counts: Record<string, number>;
  /** The key sum of each count (for the Cell Key Method). */
  keys: Record<string, number>;
}

type CountRow = Record<string, number> & { year: number; provider: string | null };

/**
 * The counts on the day of closing, by id: each one of the registry's named conditions on
 * the case's facts on that day.
 */
const CLOSING_COUNTS: readonly (readonly [string, CaseCount])[] = [
  ['cases_closed_in_year', cases(condition(sql`true`))],
  ...END_REASONS.map(
    ({ code }) => [`${REASON_PREFIX}${code}`, cases(condition(sql`end_reason = ${code}`))] as const,
  ),
  ['closed_with_lease', cases(LEASE_BY_END)],
  ['closed_adults', cases(ADULT)],
  ['closed_b1_plus', cases(allOf(ADULT, B1_OR_HIGHER))],
  ['closed_sv_employment', cases(allOf(ADULT, SV_EMPLOYMENT))],
];

/** The counts on the day of closing, with their key sums, per year and provider and per year for all. */
async function closingCounts(
  db: Kysely<Database>,
  scope: FundingScope,
  from: string,
  to: string,
): Promise<CountRow[]> {
  const counts = sql.join(
    CLOSING_COUNTS.flatMap(([id, count]) => [
      sql`${count.aggregate} AS ${sql.id(id)}`,
      sql`${count.keyAggregate} AS ${sql.id(keyAlias(id))}`,
    ]),
  );
  // The facts of each case on its own last day: age and status as of `ended_on`.
  const { rows } = await sql<CountRow>`
    WITH closing AS (
      SELECT ${factColumns(sql`c.ended_on`)}, c.end_reason,
        extract(year FROM c.ended_on)::int AS year
      FROM cases c
      WHERE ${caseFilter(scope)} AND c.ended_on BETWEEN ${from}::date AND ${to}::date
    )
    SELECT year, CASE WHEN GROUPING(provider) = 0 THEN provider END AS provider, ${counts}
    FROM closing
    GROUP BY GROUPING SETS ((year, provider), (year))`.execute(db);
  return rows;
}

/**
 * The counts of every row, exact. With a provider filter there is one row per year for that
 * provider; otherwise one per year and provider (those of `providers`, then any other found)
 * and one per year for all.
 */
export async function fundingCounts(
  db: Kysely<Database>,
  scope: FundingScope,
  years: readonly FundingYear[],
  providers: readonly Category[],
): Promise<RawFundingRow[]> {
  const covered = years.filter((year) => year.from !== null);
  const first = covered[0];
  const last = covered.at(-1);
  const byKey = new Map<string, Record<string, number>>();
  const keysByKey = new Map<string, Record<string, number>>();
  const key = (year: number, provider: string | null) => `${year}|${provider ?? ''}`;
  if (first?.from && last?.to) {
    const points: Point[] = covered.map((year) => ({
      date: year.to as string,
      periodFrom: year.from as string,
    }));
    // Begun cases and the caseload are the registry's indicators on the year's last day.
    const indicators = ['cases_started_in_period', 'caseload_per_manager'].map(
      (id) => findIndicator(id) as Indicator,
    );
    const [closing, perProvider, all] = await Promise.all([
      closingCounts(db, scope, first.from, last.to),
      countsOn(db, scope, points, indicators, 'provider'),
      // Filtered to one provider, its row is the only one.
      scope.provider ? undefined : countsOn(db, scope, points, indicators, undefined),
    ]);
    for (const year of covered) {
      const yearEnd = year.to as string;
      const counted = [
        ...[...(perProvider.get(yearEnd) ?? new Map())].map(
          ([code, row]) => [code as string, row] as const,
        ),
        ...[...(all?.get(yearEnd) ?? new Map())].map(([, row]) => [null, row] as const),
      ];
      for (const [provider, row] of counted) {
        const counts = byKey.get(key(year.year, provider)) ?? {};
        const keys = keysByKey.get(key(year.year, provider)) ?? {};
        for (const [id, from] of [
          ['cases_started_in_year', 'cases_started_in_period'],
          ['clients_active', 'clients_active'],
          ['managers_active', 'managers_active'],
        ] as const) {
          counts[id] = row[from] ?? 0;
          keys[id] = row[keyAlias(from)] ?? 0;
        }
        byKey.set(key(year.year, provider), counts);
        keysByKey.set(key(year.year, provider), keys);
      }
    }
    for (const row of closing) {
      const counts = byKey.get(key(row.year, row.provider)) ?? {};
      const keys = keysByKey.get(key(row.year, row.provider)) ?? {};
      for (const [id] of CLOSING_COUNTS) {
        counts[id] = row[id] ?? 0;
        keys[id] = row[keyAlias(id)] ?? 0;
      }
      byKey.set(key(row.year, row.provider), counts);
      keysByKey.set(key(row.year, row.provider), keys);
    }
  }

  const listed = new Set(providers.map((provider) => provider.key));
  const found = [...byKey.keys()]
    .map((k) => k.split('|')[1] as string)
    .filter((code) => code !== '' && !listed.has(code));
  const rowProviders: (Category | null)[] = scope.provider
    ? [
        providers.find((p) => p.key === scope.provider) ?? {
          key: scope.provider,
          label: scope.provider,
        },
      ]
    : [
        ...providers,
        ...byLabel([...new Set(found)].map((code) => ({ key: code, label: code }))),
        null,
      ];
  return years.flatMap((year) =>
    rowProviders.map((provider) => {
      const counted = byKey.get(key(year.year, provider?.key ?? null)) ?? {};
      const keyed = keysByKey.get(key(year.year, provider?.key ?? null)) ?? {};
      const counts: Record<string, number> = {};
      const keys: Record<string, number> = {};
      if (year.from !== null)
        for (const count of COUNTS) {
          counts[count.id] = counted[count.id] ?? 0;
          keys[count.id] = keyed[count.id] ?? 0;
        }
      return { year, provider, counts, keys };
    }),
  );
}

export interface FundingRow extends FundingRowKey {
  figures: Record<string, DisclosedFigure>;
}

/**
 * Disclosure control for the table: as computed for the district office; for everyone else
 * every count perturbed by the Cell Key Method (each by the key of its own cases, so the
 * same cases read the same here as in any other table), and shares and ratios built from
 * the perturbed counts, a share withheld on a denominator below the minimum.
 */
export function discloseFunding(
  rows: readonly RawFundingRow[],
  audience: Audience,
  rules: DisclosureRules,
  closings: readonly WithheldDays[],
): FundingRow[] {
  return rows.map((row) => {
    const exact = audience === 'internal';
    const countOf = (id: string): number | null => {
      const count = row.counts[id];
      if (count === undefined) return null;
      return exact ? count : perturbedCount(count, row.keys[id], rules);
    };
    const protection = exact ? 'none' : 'perturbed';
    // The year's closings, as the indicators' cases closed in a period: withheld under the
    // floor under the district's first closings (server/disclosure/closings-floor.ts).
    const floored =
      !exact &&
      row.year.from !== null &&
      row.year.to !== null &&
      belowClosingsFloor({ date: row.year.to, periodFrom: row.year.from }, closings);
    const figures: Record<string, DisclosedFigure> = {};
    for (const figure of FUNDING_FIGURES) {
      if (floored && countsClosings(figure)) {
        figures[figure.id] = {
          value: null,
          numerator: null,
          denominator: null,
          suppressed: true,
          protection,
        };
        continue;
      }
      if (figure.kind === 'count') {
        figures[figure.id] = {
          value: countOf(figure.id),
          numerator: null,
          denominator: null,
          suppressed: false,
          protection,
        };
        continue;
      }
      const numerator = countOf(figure.numerator);
      const denominator = countOf(figure.denominator);
      figures[figure.id] =
        numerator === null || denominator === null
          ? { value: null, numerator: null, denominator: null, suppressed: false, protection }
          : exact
            ? {
                value: denominator === 0 ? null : numerator / denominator,
                numerator,
                denominator,
                suppressed: false,
                protection,
              }
            : quotientFigure(figure.kind, numerator, denominator, rules, protection);
    }
    return { year: row.year, provider: row.provider, figures };
  });
}

export interface FundingReport {
  /** The date up to which the data are complete (dataAsOf). */
  asOf: string | null;
  years: FundingYear[];
  rows: FundingRow[];
}

/** The figures of the years `from` to `to`, disclosed for `audience`. */
export async function fundingReport(
  db: Kysely<Database>,
  scope: FundingScope,
  period: { from: number; to: number },
  providers: readonly Category[],
  audience: Audience,
  rules: DisclosureRules,
): Promise<FundingReport> {
  const asOf = await dataAsOf(db, scope);
  const years = fundingYears(period.from, period.to, asOf);
  const counts = await fundingCounts(db, scope, years, providers);
  const closings =
    audience === 'internal' ? [] : await closingsWithheld(db, scope.district, rules.minDenominator);
  return { asOf, years, rows: discloseFunding(counts, audience, rules, closings) };
}
