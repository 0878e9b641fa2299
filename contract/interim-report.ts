// The interim report (Zwischenbilanz), declared once: its sections and their tiles, its
// charts in the order shown, its trend window, the figures its press sentences are made of
// and the dates it shows by default. Read by the server when it answers the page in one
// request (server/routes/interim-report.ts), renders it (server/routes/report-page.ts) and
// freezes a published report (server/reports/content.ts), and by the live and the published
// page (web/pages/report.ts, published.ts) and the press sentences (web/press.ts).
//
// A new tile is one line in a section's `tiles` (and its indicator in
// server/indicators/registry.ts): the server computes, freezes and downloads what a section
// reads, and both pages draw its tiles from here. Indicator ids are checked against the
// registry when the server loads (server/reports/content.ts). Plain data and date arithmetic
// only: the browser bundles this file.
import { addMonths, lastMonthCovered, monthEnd } from './dates.ts';
import type { DimensionId } from './vocabulary.ts';

/** A tile: an indicator's figure; shares name what their denominator counts. */
export interface TileDeclaration {
  id: string;
  /** "von 1.234 Erwachsenen": the denominator in the dative, for shares. */
  denominator?: string;
}

/** The two dates of a report: people in counselling on the first, cases closed by the second. */
export type SectionId = 'caseload' | 'closed';

export interface SectionDeclaration {
  id: SectionId;
  /** The heading over its tiles, on the page, in print and in a published report. */
  title: string;
  tiles: readonly TileDeclaration[];
}

/** The report's sections of tiles, in the order shown. */
export const SECTIONS: Readonly<Record<SectionId, SectionDeclaration>> = {
  caseload: {
    id: 'caseload',
    title: 'Betreute Personen',
    tiles: [
      { id: 'clients_active' },
      { id: 'clients_minor' },
      { id: 'language_b1_plus_share', denominator: 'Erwachsenen' },
      { id: 'employment_sv_share', denominator: 'Erwachsenen' },
      { id: 'training_share', denominator: 'Erwachsenen' },
      { id: 'private_lease_share', denominator: 'betreuten Personen' },
    ],
  },
  closed: {
    id: 'closed',
    title: 'Beendete Fälle',
    tiles: [
      { id: 'cases_closed' },
      { id: 'cases_closed_with_lease' },
      { id: 'cases_closed_with_lease_share', denominator: 'beendeten Fällen' },
    ],
  },
};
export const SECTION_IDS: readonly SectionId[] = ['caseload', 'closed'];

/** The headings of the report's other parts. */
export const PART_TITLES = {
  press: 'Für die Presse',
  charts: 'Grafiken',
} as const;

/** A bar of a chart drawn from a section's indicators. */
export interface IndicatorBar {
  label: string;
  id: string;
}

/** Minors and adults on the Stichtag, from the caseload's indicators. */
export const AGE_CHART = {
  /** Its name in the embed address (/einbetten/alter); every chart has one. */
  id: 'alter',
  title: 'Betreute Personen nach Alter',
  header: 'Altersgruppe',
  bars: [
    { label: 'Minderjährige', id: 'clients_minor' },
    { label: 'Erwachsene', id: 'clients_adult' },
  ] satisfies IndicatorBar[],
} as const;

/** Closed cases with a lease, and the rest of the closed cases (where both are exact). */
export const LEASE_CHART = {
  id: 'mietvertrag',
  title: 'Beendete Fälle mit und ohne eigenen Mietvertrag',
  header: 'Fälle',
  color: '#b35c00',
  part: { label: 'mit Mietvertrag', id: 'cases_closed_with_lease' } satisfies IndicatorBar,
  whole: 'cases_closed',
  restLabel: 'ohne Mietvertrag',
} as const;

/** A breakdown of an indicator on the Stichtag by a dimension. */
export interface BreakdownChart {
  /** Its name in the embed address (/einbetten/<id>). */
  id: string;
  indicator: string;
  /** The dimension, whose name (DIMENSION_LABELS) heads the table's first column. */
  by: DimensionId;
  title: string;
  color: string;
}

/** The breakdowns the report charts, in the order shown after the age chart and the trend. */
export const BREAKDOWN_CHARTS: readonly BreakdownChart[] = [
  {
    id: 'sprachniveau',
    indicator: 'clients_adult',
    by: 'language_level',
    title: 'Sprachniveau der betreuten Erwachsenen',
    color: '#2b7a4b',
  },
  {
    id: 'beschaeftigung',
    indicator: 'clients_adult',
    by: 'employment',
    title: 'Beschäftigung der betreuten Erwachsenen',
    color: '#8a4f9e',
  },
];

/** The caseload at the month ends before the Stichtag. */
export const TREND = {
  id: 'verlauf',
  indicator: 'clients_active',
  title: 'Verlauf: betreute Personen am Monatsende',
  months: 24,
  /** The series start in January 2015 (GET /api/v1/indicators/{id}/series). */
  firstMonth: '2015-01',
} as const;

/**
 * The month ends of the trend: the last TREND.months months whose last day lies on or before
 * the Stichtag, none before TREND.firstMonth; empty when there is none.
 */
export function trendWindow(stichtag: string): { period: string; date: string }[] {
  const to = lastMonthCovered(stichtag);
  const months: { period: string; date: string }[] = [];
  for (let back = TREND.months - 1; back >= 0; back--) {
    const period = addMonths(to, -back);
    if (period >= TREND.firstMonth) months.push({ period, date: monthEnd(period) });
  }
  return months;
}

/** The figures the press sentences are made of (web/press.ts), by section. */
export const PRESS_INDICATORS: Readonly<Record<SectionId, readonly string[]>> = {
  caseload: [
    'clients_active',
    'clients_minor',
    'language_b1_plus_share',
    'employment_sv_share',
    'training_share',
  ],
  closed: ['cases_closed', 'cases_closed_with_lease'],
};

/**
 * Every indicator a section reads: its tiles', its charts' and its press sentences', each
 * once, tiles first. The server answers, freezes and downloads these.
 */
export function sectionIndicators(section: SectionId): string[] {
  const charts =
    section === 'caseload'
      ? AGE_CHART.bars.map((bar) => bar.id)
      : [LEASE_CHART.whole, LEASE_CHART.part.id];
  return [
    ...new Set([
      ...SECTIONS[section].tiles.map((tile) => tile.id),
      ...charts,
      ...PRESS_INDICATORS[section],
    ]),
  ];
}

/** The name of the report on every printed page and in the page's title. */
export const REPORT_NAME = 'Zwischenbilanz Integrationsmanagement Landkreis Ludwigsburg';

/** The dates a report shows when its address names none. */
export const DEFAULT_DATES = { stichtag: '2021-01-01', beendet_bis: '2021-03-01' } as const;
