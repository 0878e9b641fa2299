// The interim report (Zwischenbilanz), declared once: its sections and tiles, its charts and
// its trend window. Read by the server when it computes and freezes a published report
// (server/reports/content.ts) and answers the page in one request (server/routes/
// interim-report.ts), and by the live and the published page (web/pages/report.ts,
// published.ts). A new tile is one line here (and its indicator in the registry).
// No imports: the server reads this file without the browser's libraries.

/** A tile: an indicator's figure; shares name what their denominator counts. */
export interface TileDeclaration {
  id: string;
  /** "von 1.234 Erwachsenen": the denominator in the dative, for shares. */
  denominator?: string;
}

/** The tiles about the caseload on the Stichtag… */
export const CASELOAD_TILES: readonly TileDeclaration[] = [
  { id: 'clients_active' },
  { id: 'clients_minor' },
  { id: 'language_b1_plus_share', denominator: 'Erwachsenen' },
  { id: 'employment_sv_share', denominator: 'Erwachsenen' },
  { id: 'training_share', denominator: 'Erwachsenen' },
];
/** …and about the cases closed up to the second date. */
export const CLOSED_TILES: readonly TileDeclaration[] = [
  { id: 'cases_closed' },
  { id: 'cases_closed_with_lease' },
  { id: 'cases_closed_with_lease_share', denominator: 'beendeten Fällen' },
];

/**
 * The caseload figures the report reads: the tiles' and those the charts and the press
 * sentences take besides (adults for the age chart).
 */
export const CASELOAD_INDICATORS: readonly string[] = [
  'clients_active',
  'clients_minor',
  'clients_adult',
  'language_b1_plus_share',
  'employment_sv_share',
  'training_share',
];
export const CLOSED_INDICATORS: readonly string[] = CLOSED_TILES.map((tile) => tile.id);

/** The breakdowns the report charts, in the order shown after the age chart and the trend. */
export const BREAKDOWN_CHARTS: readonly {
  indicator: string;
  by: string;
  title: string;
  /** The table's first column. */
  header: string;
  color: string;
}[] = [
  {
    indicator: 'clients_adult',
    by: 'language_level',
    title: 'Sprachniveau der betreuten Erwachsenen',
    header: 'Sprachniveau',
    color: '#2b7a4b',
  },
  {
    indicator: 'clients_adult',
    by: 'employment',
    title: 'Beschäftigung der betreuten Erwachsenen',
    header: 'Beschäftigung',
    color: '#8a4f9e',
  },
];

/** The caseload at the month ends before the Stichtag. */
export const TREND = {
  indicator: 'clients_active',
  title: 'Verlauf: betreute Personen am Monatsende',
  months: 24,
  /** The series start in January 2015 (GET /api/v1/indicators/{id}/series). */
  firstMonth: '2015-01',
} as const;

/** The dates a report shows when its address names none. */
export const DEFAULT_DATES = { stichtag: '2021-01-01', beendet_bis: '2021-03-01' } as const;
