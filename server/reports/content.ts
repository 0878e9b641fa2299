// What a published report holds: the figures of the interim report as disclosed to the
// public, with their definitions and rules, and, kept apart and never sent, each figure per
// provider. The same function computes them at publication and again today, so that the two
// can be compared figure by figure.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import {
  BREAKDOWN_CHARTS,
  sectionIndicators,
  TREND,
  trendWindow,
} from '../../contract/interim-report.ts';
import type { Database } from '../db/types.ts';
import { closingsWithheld } from '../disclosure/closings-floor.ts';
import type { DisclosedFigure, DisclosureRules } from '../disclosure/disclose.ts';
import { auditedHeadline } from '../disclosure/headline-audit.ts';
import { yearEarlier } from '../import/validate.ts';
import { type FactsScope, factColumns } from '../indicators/case-facts.ts';
import {
  type Category,
  DIMENSIONS,
  type DimensionId,
  type DirectoryCategories,
  directoryCategories,
} from '../indicators/dimensions.ts';
import {
  type DisclosedIndicator,
  type Disclosure,
  discloseBreakdown,
  discloseIndicators,
  discloseSeries,
} from '../indicators/disclosed.ts';
import {
  countsOn,
  crossTableOn,
  figureOf,
  type Point,
  type RawFigure,
} from '../indicators/figures.ts';
import { findIndicator, type Indicator, type IndicatorId } from '../indicators/registry.ts';

/** An id that contract/interim-report.ts declares, checked against the registry at load. */
function registered(id: string): IndicatorId {
  const found = findIndicator(id);
  if (!found)
    throw new Error(
      `contract/interim-report.ts names the indicator "${id}", which server/indicators/registry.ts does not define.`,
    );
  return found.id;
}
function dimension(id: string): DimensionId {
  if (!(id in DIMENSIONS))
    throw new Error(`contract/interim-report.ts charts by "${id}", which is no dimension.`);
  return id as DimensionId;
}

/** The caseload figures of the interim report (contract/interim-report.ts)… */
export const CASELOAD_INDICATORS: readonly IndicatorId[] =
  sectionIndicators('caseload').map(registered);
/** …and the cases closed up to the second date. */
export const CLOSED_INDICATORS: readonly IndicatorId[] =
  sectionIndicators('closed').map(registered);
/** The headline figures: released exactly where the audit allows (docs/disclosure.md). */
export const HEADLINE_INDICATORS: readonly IndicatorId[] = [
  ...CASELOAD_INDICATORS,
  ...CLOSED_INDICATORS,
];
/** The breakdowns the report charts, with the charts' titles. */
export const REPORT_BREAKDOWNS: readonly {
  indicator: IndicatorId;
  by: DimensionId;
  title: string;
}[] = BREAKDOWN_CHARTS.map(({ indicator, by, title }) => ({
  indicator: registered(indicator),
  by: dimension(by),
  title,
}));
const TREND_INDICATOR = registered(TREND.indicator);
const TREND_TITLE = TREND.title;

export interface PublishedBreakdown {
  indicator: IndicatorId;
  label: string;
  by: DimensionId;
  by_label: string;
  title: string;
  date: string;
  rows: (Category & DisclosedFigure)[];
  total: DisclosedFigure;
}

export interface PublishedTrend {
  indicator: IndicatorId;
  label: string;
  title: string;
  /** First and last month, YYYY-MM. */
  from: string;
  to: string;
  points: ({ period: string; date: string } & DisclosedFigure)[];
}

export interface PublishedDefinition {
  id: IndicatorId;
  label: string;
  definition: string;
  population: string;
}

export interface PublishedImport {
  id: string;
  provider: string;
  as_of: string;
  checksum: string;
  file_name: string | null;
  created_at: string;
}

/** The figures of a report as the public sees them. */
export interface ReportFigures {
  district: string;
  stichtag: string;
  beendet_bis: string;
  audience: 'public';
  rules: DisclosureRules;
  caseload: DisclosedIndicator[];
  closed: DisclosedIndicator[];
  breakdowns: PublishedBreakdown[];
  /** The caseload at the last 24 month ends up to the Stichtag; null before 2015. */
  trend: PublishedTrend | null;
  definitions: PublishedDefinition[];
  /** A hash of the SQL that computes the figures: differs once a definition has changed. */
  calculation: string;
}

/** Everything a report's page shows: its figures and the imports they came from. */
export interface ReportContent extends ReportFigures {
  imports: PublishedImport[];
  /** How far the providers' exports reached at publication (dataAsOf); null without any. */
  data_as_of: string | null;
  /**
   * The report's dates after data_as_of, oldest first: its figures for them count as open
   * what was not reported yet, so they are provisional ("vorläufig"), for good.
   */
  provisional_dates: string[];
  /** The tiles' figures a year earlier, for the comparison on the tiles; null before kept. */
  previous_year: PreviousYearFigures | null;
}

/** The same figures on the same days a year earlier, as disclosed to the public. */
export interface PreviousYearFigures {
  stichtag: string;
  beendet_bis: string;
  caseload: DisclosedIndicator[];
  closed: DisclosedIndicator[];
}

/** Each published figure by key (figureKeys), unsuppressed, per provider code. */
export type ProviderValues = Record<string, Record<string, RawFigure>>;

export type FigureSection = 'caseload' | 'closed' | 'breakdown' | 'trend';

/** One figure of a report, by the key that names it in ProviderValues and in changes. */
export interface KeyedFigure {
  key: string;
  section: FigureSection;
  /**
   * The figures whose suppression depends on each other (one disclosed table): a figure can
   * change its suppression because another one of its table changed.
   */
  table: string;
  label: string;
  date: string;
  kind: Indicator['kind'];
  figure: DisclosedFigure;
}

const figureOnly = ({
  value,
  numerator,
  denominator,
  suppressed,
  protection,
}: DisclosedFigure): DisclosedFigure => ({
  value,
  numerator,
  denominator,
  suppressed,
  protection,
});

/** Every figure of a report with its key, in the order the page shows them. */
export function keyedFigures(figures: ReportFigures): KeyedFigure[] {
  const indicators = (section: 'caseload' | 'closed', date: string, list: DisclosedIndicator[]) =>
    list.map((indicator) => ({
      key: `${section}:${indicator.id}`,
      section,
      table: section,
      label: indicator.label,
      date,
      kind: indicator.kind,
      figure: figureOnly(indicator),
    }));
  return [
    ...indicators('caseload', figures.stichtag, figures.caseload),
    ...indicators('closed', figures.beendet_bis, figures.closed),
    ...figures.breakdowns.flatMap((breakdown) =>
      breakdown.rows.map((row) => ({
        key: `breakdown:${breakdown.indicator}:${breakdown.by}:${row.key}`,
        section: 'breakdown' as const,
        table: `breakdown:${breakdown.indicator}:${breakdown.by}`,
        label: `${breakdown.title}: ${row.label}`,
        date: breakdown.date,
        kind: 'count' as const,
        figure: figureOnly(row),
      })),
    ),
    ...(figures.trend?.points ?? []).map((point) => ({
      key: `trend:${figures.trend?.indicator}:${point.date}`,
      section: 'trend' as const,
      table: `trend:${point.date}`,
      label: figures.trend?.label as string,
      date: point.date,
      kind: 'count' as const,
      figure: figureOnly(point),
    })),
  ];
}

/**
 * The month ends of the trend on or before the Stichtag (contract/interim-report.ts
 * trendWindow), each with its month's first day.
 */
export function trendPoints(stichtag: string): (Point & { period: string })[] {
  return trendWindow(stichtag).map(({ period, date }) => ({
    period,
    date,
    periodFrom: `${period}-01`,
  }));
}

const indicator = (id: IndicatorId) => findIndicator(id) as Indicator;

/** The indicators a report shows, and those their shares and ratios are built from. */
function reportIndicators(): Indicator[] {
  const ids = new Set<IndicatorId>([
    ...CASELOAD_INDICATORS,
    ...CLOSED_INDICATORS,
    ...REPORT_BREAKDOWNS.map((b) => b.indicator),
    TREND_INDICATOR,
  ]);
  for (const id of [...ids]) {
    const found = indicator(id);
    if (found.kind !== 'count') ids.add(found.denominator);
    if (found.kind === 'ratio') ids.add(found.numerator);
  }
  return [...ids].sort().map(indicator);
}

let calculationHash: string | undefined;
/**
 * Changes whenever the SQL of an indicator the report shows, of the case facts or of a
 * breakdown it charts changes; indicators added to the registry leave it as it is.
 */
export function calculationVersion(db: Kysely<Database>): string {
  if (calculationHash) return calculationHash;
  const hash = createHash('sha256');
  for (const shown of reportIndicators()) {
    const parts =
      shown.kind === 'count'
        ? [shown.aggregate.compile(db).sql]
        : shown.kind === 'share'
          ? [shown.numerator.aggregate.compile(db).sql, shown.denominator]
          : [shown.numerator, shown.denominator];
    hash.update(`${shown.id}=${parts.join('/')};`);
  }
  hash.update(factColumns(sql`d`).compile(db).sql);
  for (const { by } of REPORT_BREAKDOWNS)
    hash.update(`${by}=${DIMENSIONS[by].key.compile(db).sql};`);
  calculationHash = hash.digest('hex').slice(0, 16);
  return calculationHash;
}

/** Per provider code, one indicator's figure from rows of counts by provider. */
function byProvider(indicatorOf: Indicator, rows: Map<string, Record<string, number>> | undefined) {
  const result: Record<string, RawFigure> = {};
  for (const [provider, row] of rows ?? []) result[provider] = figureOf(indicatorOf, row);
  return result;
}

export interface ReportDates {
  district: string;
  stichtag: string;
  beendetBis: string;
  rules: DisclosureRules;
}

/**
 * The report's figures for the public under `rules`, and each of them per provider. Runs
 * several queries: give it a transaction to see one state of the data.
 */
export async function computeReportFigures(
  db: Kysely<Database>,
  { district, stichtag, beendetBis, rules }: ReportDates,
): Promise<{ figures: ReportFigures; providerValues: ProviderValues }> {
  const scopeOn = (date: string): FactsScope => ({
    district,
    date,
    periodFrom: `${date.slice(0, 4)}-01-01`,
  });
  const directory = await directoryCategories(db, district);
  const disclosure: Disclosure = {
    audience: 'public',
    rules,
    headline: await auditedHeadline(db, district, HEADLINE_INDICATORS, rules),
    closingsWithheld: await closingsWithheld(db, district, rules.minDenominator),
  };
  const caseloadAll = await discloseIndicators(db, scopeOn(stichtag), disclosure);
  const closedAll = await discloseIndicators(db, scopeOn(beendetBis), disclosure);
  const pick = (all: DisclosedIndicator[], ids: readonly IndicatorId[]) =>
    ids.map((id) => all.find((reported) => reported.id === id) as DisclosedIndicator);

  const breakdowns: PublishedBreakdown[] = [];
  for (const { indicator: id, by, title } of REPORT_BREAKDOWNS) {
    const report = await discloseBreakdown(
      db,
      scopeOn(stichtag),
      indicator(id),
      by,
      directory,
      disclosure,
    );
    breakdowns.push({
      indicator: id,
      label: indicator(id).label,
      by,
      by_label: DIMENSIONS[by].label,
      title,
      date: stichtag,
      rows: report.rows,
      total: report.total,
    });
  }

  const points = trendPoints(stichtag);
  const trend: PublishedTrend | null =
    points.length === 0
      ? null
      : {
          indicator: TREND_INDICATOR,
          label: indicator(TREND_INDICATOR).label,
          title: TREND_TITLE,
          from: points[0]?.period as string,
          to: points.at(-1)?.period as string,
          points: (
            await discloseSeries(db, { district }, indicator(TREND_INDICATOR), points, disclosure)
          ).map((point, i) => ({ period: points[i]?.period as string, ...point })),
        };

  const usedIds = [...new Set([...CASELOAD_INDICATORS, ...CLOSED_INDICATORS])];
  const figures: ReportFigures = {
    district,
    stichtag,
    beendet_bis: beendetBis,
    audience: 'public',
    rules,
    caseload: pick(caseloadAll, CASELOAD_INDICATORS),
    closed: pick(closedAll, CLOSED_INDICATORS),
    breakdowns,
    trend,
    definitions: usedIds.map((id) => {
      const { label, definition, population } = indicator(id);
      return { id, label, definition, population };
    }),
    calculation: calculationVersion(db),
  };
  return { figures, providerValues: await providerValuesOf(db, figures, points, directory) };
}

/** The tiles' figures on the same days a year earlier (29 February: the 28th), as published. */
export async function previousYearFigures(
  db: Kysely<Database>,
  { district, stichtag, beendetBis, rules }: ReportDates,
): Promise<PreviousYearFigures> {
  const disclosure: Disclosure = {
    audience: 'public',
    rules,
    headline: await auditedHeadline(db, district, HEADLINE_INDICATORS, rules),
    closingsWithheld: await closingsWithheld(db, district, rules.minDenominator),
  };
  const on = async (date: string, ids: readonly IndicatorId[]) => {
    const all = await discloseIndicators(
      db,
      { district, date, periodFrom: `${date.slice(0, 4)}-01-01` },
      disclosure,
    );
    return ids.map((id) => all.find((reported) => reported.id === id) as DisclosedIndicator);
  };
  const [caseloadOn, closedOn] = [yearEarlier(stichtag), yearEarlier(beendetBis)];
  return {
    stichtag: caseloadOn,
    beendet_bis: closedOn,
    caseload: await on(caseloadOn, CASELOAD_INDICATORS),
    closed: await on(closedOn, CLOSED_INDICATORS),
  };
}

/** Each figure of `figures` per provider, unsuppressed, keyed as keyedFigures names them. */
async function providerValuesOf(
  db: Kysely<Database>,
  figures: ReportFigures,
  points: readonly Point[],
  directory: DirectoryCategories,
): Promise<ProviderValues> {
  const { district, stichtag, beendet_bis } = figures;
  const values: ProviderValues = {};
  for (const [section, date, ids] of [
    ['caseload', stichtag, CASELOAD_INDICATORS],
    ['closed', beendet_bis, CLOSED_INDICATORS],
  ] as const) {
    const point = { date, periodFrom: `${date.slice(0, 4)}-01-01` };
    const counts = await countsOn(db, { district }, [point], ids.map(indicator), 'provider');
    for (const id of ids) values[`${section}:${id}`] = byProvider(indicator(id), counts.get(date));
  }
  for (const breakdown of figures.breakdowns) {
    const table = await crossTableOn(
      db,
      { district, date: stichtag, periodFrom: `${stichtag.slice(0, 4)}-01-01` },
      indicator(breakdown.indicator),
      breakdown.by,
      'provider',
      directory,
    );
    table.rows.forEach((row, r) => {
      const perProvider: Record<string, RawFigure> = {};
      table.columns.forEach((column, c) => {
        perProvider[column.key] = table.cells[r]?.[c] as RawFigure;
      });
      values[`breakdown:${breakdown.indicator}:${breakdown.by}:${row.key}`] = perProvider;
    });
  }
  if (figures.trend && points.length > 0) {
    const trendIndicator = indicator(figures.trend.indicator);
    const counts = await countsOn(db, { district }, points, [trendIndicator], 'provider');
    for (const point of points)
      values[`trend:${figures.trend.indicator}:${point.date}`] = byProvider(
        trendIndicator,
        counts.get(point.date),
      );
  }
  return values;
}
