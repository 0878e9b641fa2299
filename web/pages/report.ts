// The interim-report page (Zwischenbilanz): caseload on one reporting date, closed cases
// up to a second, as tiles and charts, and the caseload's trend up to the first date. Both
// dates live in the URL.
import {
  AGE_CHART,
  BREAKDOWN_CHARTS,
  type BreakdownChart,
  LEASE_CHART,
  PART_TITLES,
  REPORT_NAME,
  SECTION_IDS,
  SECTIONS,
  type SectionId,
  TREND,
} from '../../contract/interim-report.ts';
import { DIMENSION_LABELS } from '../../contract/vocabulary.ts';
import {
  type Audience,
  type BreakdownTable,
  breakdownUrl,
  type Figure,
  fetchJson,
  type Indicator,
  type InterimReportAnswer,
  indicatorsUrl,
  type Rules,
  type SeriesPoint,
  seriesUrl,
} from '../api.ts';
import { type Bar, barChart } from '../charts/bar-chart.ts';
import { lineChart } from '../charts/line-chart.ts';
import { copyOnClick } from '../copy.ts';
import { byId, type DataLinks, dataLinks, element } from '../dom.ts';
import {
  chartDownloads,
  type DownloadMeta,
  type DownloadTable,
  downloadFileName,
  PERTURBED_NOTE,
  tableDownloads,
} from '../downloads/index.ts';
import { embedControl } from '../embed-button.ts';
import {
  formatCount,
  formatDate,
  formatDecimal,
  formatMonth,
  formatPercent,
  protectionLabel,
  protectionNote,
  SUPPRESSED,
} from '../format.ts';
import { type PressSentence, pressFiguresPerturbed, pressSentences } from '../press.ts';
import { setPrintHead } from '../print.ts';
import { currentSession, loadSession } from '../session.ts';
import { definitionHash } from './definitions.ts';
import { DEFAULTS, datesFromUrl, forgetShown, isShown, markShown } from './report-state.ts';

export { DEFAULTS };

function formatValue(indicator: Indicator): string {
  if (indicator.suppressed || indicator.value === null) return SUPPRESSED;
  if (indicator.kind === 'share') return formatPercent(indicator.value);
  if (indicator.kind === 'ratio') return formatDecimal(indicator.value);
  return formatCount(indicator.value);
}

/** The same figure a year earlier, and the change: for shares in percentage points. */
export interface Previous {
  date: string;
  indicator: Indicator | undefined;
}

/**
 * "Vorjahr (01.01.2020): 2.310, +159". The change of a share is the difference of the two
 * whole percentages shown, so that the numbers on the page add up for the reader.
 */
export function previousYearText(current: Indicator, previous: Previous): string {
  const before = previous.indicator;
  const head = `Vorjahr (${formatDate(previous.date)}): `;
  if (!before || before.suppressed || before.value === null) return `${head}${SUPPRESSED}`;
  const shownBefore = formatValue(before);
  if (current.suppressed || current.value === null) return `${head}${shownBefore}`;
  const change =
    current.kind === 'share'
      ? roundPercent(current.value) - roundPercent(before.value)
      : current.kind === 'ratio'
        ? Math.round(current.value * 10) / 10 - Math.round(before.value * 10) / 10
        : current.value - before.value;
  const unit =
    current.kind === 'share' ? (Math.abs(change) === 1 ? ' Prozentpunkt' : ' Prozentpunkte') : '';
  const amount =
    current.kind === 'ratio' ? formatDecimal(Math.abs(change)) : formatCount(Math.abs(change));
  const signed = change === 0 ? 'unverändert' : `${change > 0 ? '+' : '\u2212'}${amount}${unit}`;
  return `${head}${shownBefore}, ${signed}`;
}

const roundPercent = (share: number) => Math.floor(share * 100 + 0.5 + 1e-9);

/**
 * Whether a figure for `date` is provisional: it lies after the day the providers' exports
 * reach (`dataAsOf`; null: no export yet), so cases whose end was not reported count as open.
 */
export const isProvisional = (dataAsOf: string | null, date: string) =>
  dataAsOf === null || date > dataAsOf;

/** "Stand 01.01.2021", or "Stand 30.06.2021, vorläufig": on screen, in print and in files. */
export const standText = (date: string, provisional = false) =>
  `Stand ${formatDate(date)}${provisional ? ', vorläufig' : ''}`;

/** The Stand line of a tile or chart, with "vorläufig" set off where it applies. */
export function standLine(date: string, provisional: boolean) {
  return element(
    'span',
    { className: 'stand' },
    `Stand ${formatDate(date)}`,
    ...(provisional
      ? [', ', element('strong', { className: 'provisional-mark', textContent: 'vorläufig' })]
      : []),
  );
}

export function tile(
  indicator: Indicator,
  date: string,
  denominatorName?: string,
  previous?: Previous,
  provisional = false,
) {
  const detail =
    indicator.kind === 'share' &&
    !indicator.suppressed &&
    indicator.numerator !== null &&
    indicator.denominator !== null
      ? `${formatCount(indicator.numerator)} von ${formatCount(indicator.denominator)} ${denominatorName ?? ''}`.trim()
      : '';
  return element(
    'article',
    { className: 'tile' },
    element('h3', { textContent: indicator.label }),
    element('p', { className: 'value', textContent: formatValue(indicator) }),
    ...(detail ? [element('p', { className: 'detail', textContent: detail })] : []),
    element(
      'p',
      { className: 'stand' },
      ...standLine(date, provisional).childNodes,
      ...(protectionLabel(indicator) ? [` · ${protectionLabel(indicator)}`] : []),
    ),
    ...(previous
      ? [
          element('p', {
            className: 'previous',
            textContent: previousYearText(indicator, previous),
          }),
        ]
      : []),
    element(
      'details',
      {},
      element('summary', { textContent: 'Definition' }),
      indicator.definition,
      ' ',
      element('a', {
        href: definitionHash(indicator.id),
        textContent: 'Mehr zur Definition',
      }),
    ),
  );
}

/**
 * A section's tiles as contract/interim-report.ts declares them, from the indicators on its
 * date, each with its figure a year earlier where known. A declared tile whose figure is not
 * among `indicators` (a report frozen before the tile was declared) is left out.
 */
export function sectionTiles(
  section: SectionId,
  indicators: readonly Indicator[],
  date: string,
  earlier: (id: string) => Previous | undefined,
  provisional: boolean,
): HTMLElement[] {
  return SECTIONS[section].tiles.flatMap(({ id, denominator }) => {
    const indicator = indicators.find((i) => i.id === id);
    return indicator ? [tile(indicator, date, denominator, earlier(id), provisional)] : [];
  });
}

function dataTable(caption: string, header: string, bars: readonly Bar[]) {
  const rows = bars.map((bar) =>
    element(
      'tr',
      {},
      element('td', { textContent: bar.label }),
      element('td', {
        className: 'number',
        textContent: bar.value === null ? SUPPRESSED : formatCount(bar.value),
      }),
    ),
  );
  return element(
    'details',
    {},
    element('summary', { textContent: 'Tabelle' }),
    element(
      'table',
      {},
      element('caption', { className: 'visually-hidden', textContent: caption }),
      element(
        'thead',
        {},
        element(
          'tr',
          {},
          element('th', { textContent: header }),
          element('th', { textContent: 'Anzahl' }),
        ),
      ),
      element('tbody', {}, ...rows),
    ),
  );
}

/** The figure's table as a download: the same rows and header as on screen. */
const downloadTable = (header: string, bars: readonly Bar[]): DownloadTable => ({
  columns: [
    { label: header, kind: 'text' },
    { label: 'Anzahl', kind: 'number' },
  ],
  rows: bars.map((bar) => [bar.label, bar.value]),
});

function figureFrame(
  className: string,
  title: string,
  stand: HTMLElement,
  chart: Element,
  table: HTMLElement,
  links: DataLinks,
  download: { meta: DownloadMeta; table: DownloadTable },
) {
  const figure = element('figure', { className });
  // What the downloads need, for the script to add them to a figure the server drew.
  figure.dataset.download = JSON.stringify(download);
  figure.append(
    element('figcaption', {}, title, stand),
    chart,
    table,
    chartDownloads(chart, download.meta),
    tableDownloads(download.table, download.meta),
    dataLinks(links),
  );
  return figure;
}

const chartWidth = () => Math.max(280, Math.min(520, (byId('charts').clientWidth || 520) - 40));

export interface FigureOptions {
  color?: string;
  width?: number;
  /** The figures are for a day after the exports: marked "vorläufig" on screen and in files. */
  provisional?: boolean;
}

export function chartFigure(
  title: string,
  date: string,
  header: string,
  bars: Bar[],
  links: DataLinks,
  { color, width = chartWidth(), provisional = false }: FigureOptions = {},
) {
  const stand = standText(date, provisional);
  const description = `${title}, ${stand}: ${bars.map((bar) => `${bar.label} ${bar.value === null ? 'gesperrt' : formatCount(bar.value)}`).join(', ')}.`;
  return figureFrame(
    'chart',
    title,
    standLine(date, provisional),
    barChart(bars, {
      width,
      label: `${title}, ${stand}`,
      description,
      ...(color ? { color } : {}),
    }),
    dataTable(title, header, bars),
    links,
    {
      meta: {
        title,
        stand,
        fileName: downloadFileName(title, date),
        withheld: bars.some((bar) => bar.value === null),
        notes: bars.some((bar) => bar.perturbed) ? [PERTURBED_NOTE] : [],
      },
      table: downloadTable(header, bars),
    },
  );
}

const shownValue = (indicator: Indicator | undefined) =>
  !indicator || indicator.suppressed ? null : indicator.value;

/** Minors and adults on the Stichtag, from the indicators on that day. */
export function ageFigure(
  stichtag: string,
  caseload: readonly Indicator[],
  links: DataLinks,
  options: FigureOptions = {},
) {
  const bars = AGE_CHART.bars.map(({ label, id }) => {
    const indicator = caseload.find((i) => i.id === id);
    return {
      label,
      value: shownValue(indicator),
      perturbed: indicator?.protection === 'perturbed',
    };
  });
  return chartFigure(AGE_CHART.title, stichtag, AGE_CHART.header, bars, links, options);
}

/** Cases closed by a day with and without a lease; "without" only where both are shown. */
export function leaseFigure(
  beendetBis: string,
  closed: readonly Indicator[],
  links: DataLinks,
  options: FigureOptions = {},
) {
  const allCases = closed.find((i) => i.id === LEASE_CHART.whole);
  const leases = closed.find((i) => i.id === LEASE_CHART.part.id);
  const all = shownValue(allCases);
  const withLease = shownValue(leases);
  // The difference of two perturbed counts is no count the rules protect: it is not drawn.
  const perturbed = allCases?.protection === 'perturbed' || leases?.protection === 'perturbed';
  return chartFigure(
    LEASE_CHART.title,
    beendetBis,
    LEASE_CHART.header,
    [
      { label: LEASE_CHART.part.label, value: withLease, perturbed },
      {
        label: LEASE_CHART.restLabel,
        value: all === null || withLease === null || perturbed ? null : all - withLease,
        perturbed,
      },
    ],
    links,
    { color: LEASE_CHART.color, ...options },
  );
}

/**
 * The caseload at the month ends up to the Stichtag. `dataAsOf` (how far the exports reach)
 * marks the month ends after it as provisional; undefined where it is not known.
 */
export function trendFigure(
  stichtag: string,
  points: SeriesPoint[],
  links: DataLinks,
  { width = chartWidth(), dataAsOf }: { width?: number; dataAsOf?: string | null } = {},
) {
  const first = points[0];
  const last = points.at(-1);
  const title = TREND.title;
  const span = first && last ? `${formatMonth(first.date)} bis ${formatMonth(last.date)}` : '';
  const values = points.map((point) => ({
    date: point.date,
    value: point.suppressed ? null : point.value,
  }));
  const shown = values.flatMap((point) => (point.value === null ? [] : [point.value]));
  const withheld = values.length - shown.length;
  const provisional = (date: string) => dataAsOf !== undefined && isProvisional(dataAsOf, date);
  const anyProvisional = points.some((point) => provisional(point.date));
  const provisionalNote = anyProvisional
    ? `, vorläufig ${dataAsOf ? `nach dem ${formatDate(dataAsOf)}` : 'alle Werte'}`
    : '';
  const monthEnds = values.map((point) => ({
    label: `${formatDate(point.date)}${provisional(point.date) ? ' (vorläufig)' : ''}`,
    value: point.value,
  }));
  const description =
    shown.length === 0
      ? 'Alle Werte gesperrt.'
      : `Von ${formatCount(shown[0] as number)} auf ${formatCount(shown.at(-1) as number)}${withheld > 0 ? `; ${withheld} ${withheld === 1 ? 'Monat' : 'Monate'} gesperrt` : ''}. Alle Werte in der Tabelle unter der Grafik.`;
  return figureFrame(
    'chart trend',
    title,
    element(
      'span',
      { className: 'stand' },
      `${span}, Stichtag ${formatDate(stichtag)}`,
      ...(anyProvisional
        ? [
            ', ',
            element('strong', {
              className: 'provisional-mark',
              textContent: provisionalNote.slice(2),
            }),
          ]
        : []),
    ),
    lineChart(values, {
      width,
      label: `Betreute Personen am Monatsende, ${span}, bis zum Stichtag ${formatDate(stichtag)}`,
      description,
    }),
    dataTable(title, 'Monatsende', monthEnds),
    links,
    {
      meta: {
        title,
        stand: `Stand ${formatDate(stichtag)}${span ? `, Monatsenden ${span}` : ''}${provisionalNote}`,
        fileName: downloadFileName(title, stichtag),
        withheld: withheld > 0,
        notes: points.some((point) => point.protection === 'perturbed') ? [PERTURBED_NOTE] : [],
      },
      // Month ends as days (Excel dates in the workbook), the provisional ones marked.
      table: {
        columns: [
          {
            label: 'Monatsende',
            kind: 'date',
            provisionalAfter: dataAsOf === undefined ? null : (dataAsOf ?? '0000-01-01'),
          },
          { label: 'Anzahl', kind: 'number' },
        ],
        rows: values.map((point) => [point.date, point.value]),
      },
    },
  );
}

/** What the report's charts are drawn from, live or as published. */
export interface ReportChartsInput {
  stichtag: string;
  beendetBis: string;
  caseload: readonly Indicator[];
  closed: readonly Indicator[];
  /** The breakdowns in the order declared, each with its title, header and colour. */
  breakdowns: readonly {
    chart: Pick<BreakdownChart, 'title'> & { header: string; color?: string | undefined };
    date: string;
    bars: Bar[];
    links: DataLinks;
  }[];
  trend: { points: SeriesPoint[]; links: DataLinks } | null;
  /** How far the exports reach(ed): later days' figures are provisional. */
  dataAsOf: string | null;
  /** The links to the figures of a day, under the age and the lease chart. */
  figureLinks: (date: string) => DataLinks;
  width?: number;
}

/**
 * The report's charts in the order shown (age, trend, the breakdowns, leases), each drawn only
 * when its function is called: an embed page draws its one chart, not all of them.
 */
export function reportChartDrawers(input: ReportChartsInput): (() => HTMLElement)[] {
  const { stichtag, beendetBis, dataAsOf, figureLinks } = input;
  const sized = input.width === undefined ? {} : { width: input.width };
  const provisional = (date: string) => isProvisional(dataAsOf, date);
  const trend = input.trend;
  return [
    () =>
      ageFigure(stichtag, input.caseload, figureLinks(stichtag), {
        ...sized,
        provisional: provisional(stichtag),
      }),
    ...(trend
      ? [() => trendFigure(stichtag, trend.points, trend.links, { ...sized, dataAsOf })]
      : []),
    ...input.breakdowns.map(
      ({ chart, date, bars, links }) =>
        () =>
          chartFigure(chart.title, date, chart.header, bars, links, {
            ...(chart.color ? { color: chart.color } : {}),
            ...sized,
            provisional: provisional(date),
          }),
    ),
    () =>
      leaseFigure(beendetBis, input.closed, figureLinks(beendetBis), {
        ...sized,
        provisional: provisional(beendetBis),
      }),
  ];
}

/** The report's charts in the order shown: age, trend, the breakdowns, leases. */
export const reportCharts = (input: ReportChartsInput): HTMLElement[] =>
  reportChartDrawers(input).map((draw) => draw());

export const barsOf = (breakdown: Pick<BreakdownTable, 'rows'>): Bar[] =>
  breakdown.rows
    .filter((row) => row.suppressed || (row.value ?? 0) > 0)
    .map((row) => ({
      label: row.label,
      value: row.suppressed ? null : row.value,
      perturbed: row.protection === 'perturbed',
    }));

function footnote(rules: Rules | null, figures: readonly Figure[]) {
  const note = byId('footnote');
  note.hidden = !rules;
  if (rules) note.textContent = protectionNote(rules, figures);
}

/** The definitions of the tiles' indicators, each once, for the printed report. */
function printedDefinitions(indicators: readonly Indicator[]) {
  const shownIds = new Set(SECTION_IDS.flatMap((id) => SECTIONS[id].tiles.map((tile) => tile.id)));
  const once = new Map(
    indicators.filter((indicator) => shownIds.has(indicator.id)).map((i) => [i.id, i]),
  );
  byId('report-definitions-list').replaceChildren(
    ...[...once.values()].map((indicator) =>
      element(
        'div',
        {},
        element('dt', { textContent: indicator.label }),
        element('dd', { textContent: indicator.definition }),
      ),
    ),
  );
}

/**
 * A warning when a chosen date lies after the providers' newest exports: cases whose end
 * was not reported yet still count as open, so the figures are provisional.
 */
export function dataNoteText(
  dataAsOf: string | null,
  dates: string[],
  { press = true }: { press?: boolean } = {},
): string {
  if (dataAsOf === null) return 'Es sind noch keine Exporte der Träger eingespielt.';
  const later = dates.filter((date) => date > dataAsOf);
  if (later.length === 0) return '';
  return `Die Exporte der Träger reichen bis ${formatDate(dataAsOf)}. Für Tage danach (${later.map(formatDate).join(', ')}) zählen Fälle als laufend, deren Ende noch nicht gemeldet ist: Die Zahlen sind vorläufig${press ? ', und für diese Tage gibt es keine Sätze für die Presse' : ''}.`;
}

function dataNote(dataAsOf: string | null, dates: string[]) {
  const note = byId('data-note');
  note.textContent = dataNoteText(dataAsOf, [...new Set(dates)]);
  note.hidden = !note.textContent;
}

/** What the signed-in reader sees, from the audience the server applied to these figures. */
function audienceNote(audience: Audience) {
  const note = byId('audience-note');
  const text =
    audience === 'internal'
      ? 'Sie sehen alle Werte so, wie sie berechnet sind.'
      : audience === 'provider'
        ? 'Die Zahlen Ihres Trägers sehen Sie exakt; die kreisweiten Zahlen hier sehen Sie wie die Öffentlichkeit.'
        : '';
  note.hidden = !text;
  note.textContent = text;
}

/**
 * Why press sentences are missing, and what to do about it on this page: a date after the
 * exports gives none (its figures are provisional); nor do figures perturbed for the public
 * (not the first of a month: docs/disclosure.md); otherwise only withheld values do.
 */
export function pressGapText(
  dataAsOf: string | null,
  dates: readonly string[],
  sentenceCount: number,
  page: 'live' | 'published' = 'live',
  perturbed = false,
): string {
  if (dataAsOf === null)
    return page === 'live'
      ? 'Es sind noch keine Exporte der Träger eingespielt: Ohne sie gibt es keine Sätze für die Presse.'
      : 'Bei der Veröffentlichung war noch kein Export der Träger eingespielt: Für vorläufige Zahlen gibt es keine Sätze für die Presse.';
  const provisional = [...new Set(dates)].filter((date) => isProvisional(dataAsOf, date));
  if (provisional.length > 0) {
    const days = provisional.map((date) => `den ${formatDate(date)}`).join(' und ');
    return page === 'live'
      ? `Für ${days} gibt es keine Sätze für die Presse: Die Exporte der Träger reichen bis ${formatDate(dataAsOf)}, die Zahlen danach sind vorläufig. Für fertige Sätze oben Stichtage bis ${formatDate(dataAsOf)} wählen und „Anzeigen“.`
      : `Für ${days} gibt es keine Sätze für die Presse: Bei der Veröffentlichung reichten die Exporte der Träger bis ${formatDate(dataAsOf)}, die Zahlen danach sind vorläufig.`;
  }
  if (perturbed)
    return page === 'live'
      ? 'Sätze für die Presse nennen exakte Zahlen. Exakt veröffentlicht werden die Eckwerte des Kreises zum Ersten eines Monats; für fertige Sätze oben als Stichtag und „beendet bis“ Monatserste wählen und „Anzeigen“.'
      : 'Sätze für die Presse nennen exakte Zahlen; die Zahlen dieses Berichts sind zum Schutz kleiner Fallzahlen leicht verändert, weil seine Stichtage keine Monatsersten sind.';
  return sentenceCount === 0
    ? 'Für diese Stichtage lässt sich kein Satz bilden: Die Werte sind zum Schutz kleiner Fallzahlen gesperrt.'
    : '';
}

/**
 * The press sentences, each with a button that copies it, and one for all of them; `gap`
 * says why sentences are missing.
 */
export function pressKit(sentences: PressSentence[], gap: string): HTMLElement[] {
  const status = element('p', { className: 'copy-status', role: 'status' });
  const copyButton = (text: string, label: string, visible: string) => {
    const button = element('button', {
      type: 'button',
      className: 'button secondary',
      textContent: visible,
    });
    button.setAttribute('aria-label', label);
    copyOnClick(button, () => text, status);
    return button;
  };
  const items = sentences.map((sentence) =>
    element(
      'li',
      {},
      element('p', { className: 'sentence', textContent: sentence.text }),
      copyButton(sentence.text, `Satz „${sentence.topic}“ kopieren`, 'Kopieren'),
    ),
  );
  return [
    ...(gap ? [element('p', { className: 'press-gap', textContent: gap })] : []),
    ...(sentences.length === 0
      ? []
      : [
          element('ul', { className: 'sentences' }, ...items),
          copyButton(
            sentences.map((sentence) => sentence.text).join(' '),
            'Alle Sätze kopieren',
            'Alle Sätze kopieren',
          ),
        ]),
    status,
  ];
}

const PRINT_HEAD = REPORT_NAME;

/** The interim report's figures in one answer (GET /api/v1/interim-report): the contract's. */
export type InterimReportResponse = InterimReportAnswer;

export const interimReportUrl = (stichtag: string, beendetBis: string) =>
  `/api/v1/interim-report?${new URLSearchParams({ stichtag, beendet_bis: beendetBis })}`;

/** The live report's charts, as reportCharts draws them from the report's one answer. */
export function reportChartsInput(report: InterimReportResponse): ReportChartsInput {
  const { stichtag, beendet_bis, data_as_of: dataAsOf, trend } = report;
  return {
    stichtag,
    beendetBis: beendet_bis,
    caseload: report.caseload.indicators,
    closed: report.closed.indicators,
    breakdowns: BREAKDOWN_CHARTS.map((chart, i) => ({
      chart: { ...chart, header: DIMENSION_LABELS[chart.by] },
      date: stichtag,
      bars: barsOf(report.breakdowns[i] as InterimReportResponse['breakdowns'][number]),
      links: {
        json: breakdownUrl(chart.indicator, stichtag, chart.by),
        csv: breakdownUrl(chart.indicator, stichtag, chart.by, 'csv'),
        arrow: breakdownUrl(chart.indicator, stichtag, chart.by, 'arrow'),
      },
    })),
    trend: trend && {
      points: trend.points,
      links: {
        json: seriesUrl(trend.indicator, trend.from, trend.to, 'month'),
        csv: seriesUrl(trend.indicator, trend.from, trend.to, 'month', 'csv'),
        arrow: seriesUrl(trend.indicator, trend.from, trend.to, 'month', 'arrow'),
      },
    },
    dataAsOf,
    figureLinks: (date) => ({
      json: indicatorsUrl(date),
      csv: indicatorsUrl(date, 'csv'),
      arrow: indicatorsUrl(date, 'arrow'),
    }),
  };
}

/** The embed names of the live report's charts (/einbetten/<id>), in reportCharts' order. */
export const liveChartIds = (withTrend: boolean): string[] => [
  AGE_CHART.id,
  ...(withTrend ? [TREND.id] : []),
  ...BREAKDOWN_CHARTS.map((chart) => chart.id),
  LEASE_CHART.id,
];

/**
 * Draws the whole report into the page from one answer: tiles, charts with their tables,
 * press sentences, notes and titles. The browser draws with it, and the server renders the
 * page's HTML with it (server/routes/report-page.ts), so both show the same.
 */
export function drawReport(report: InterimReportResponse) {
  const { stichtag, beendet_bis, data_as_of: dataAsOf } = report;
  const form = byId('dates') as HTMLFormElement;
  (form.elements.namedItem('stichtag') as HTMLInputElement).value = stichtag;
  (form.elements.namedItem('beendet_bis') as HTMLInputElement).value = beendet_bis;
  // The value attribute too: the server's HTML carries it.
  (form.elements.namedItem('stichtag') as HTMLInputElement).setAttribute('value', stichtag);
  (form.elements.namedItem('beendet_bis') as HTMLInputElement).setAttribute('value', beendet_bis);
  for (const id of SECTION_IDS) {
    const response = report[id];
    byId(`${id}-title`).textContent = SECTIONS[id].title;
    const earlier = (indicator: string): Previous => ({
      date: response.comparison.date,
      indicator: response.comparison.indicators.find((i) => i.id === indicator),
    });
    byId(`${id}-tiles`).replaceChildren(
      ...sectionTiles(
        id,
        response.indicators,
        response.date,
        earlier,
        isProvisional(dataAsOf, response.date),
      ),
    );
  }
  byId('press-title').textContent = PART_TITLES.press;
  byId('charts-title').textContent = PART_TITLES.charts;
  const trend = report.trend;
  const charts = reportCharts(reportChartsInput(report));
  const ids = liveChartIds(trend !== null);
  charts.forEach((figure, i) => {
    const id = ids[i];
    const date = id === LEASE_CHART.id ? beendet_bis : stichtag;
    const rows = figure.querySelectorAll(':scope > .downloads');
    if (id) rows[rows.length - 1]?.after(embedControl(id, date, figure));
  });
  byId('charts').replaceChildren(...charts);

  const caseload = report.caseload.indicators;
  const closed = report.closed.indicators;
  const sentences = pressSentences(stichtag, caseload, beendet_bis, closed, dataAsOf);
  const perturbed = pressFiguresPerturbed([...caseload, ...closed]);
  byId('press-kit').replaceChildren(
    ...pressKit(
      sentences,
      pressGapText(dataAsOf, [stichtag, beendet_bis], sentences.length, 'live', perturbed),
    ),
  );
  dataNote(dataAsOf, [stichtag, beendet_bis]);
  footnote(report.rules, [
    ...caseload,
    ...closed,
    ...report.breakdowns.flatMap((breakdown) => breakdown.rows),
    ...(trend?.points ?? []),
  ]);
  printedDefinitions([...caseload, ...closed]);
  audienceNote(report.audience);
  (byId('api-json') as HTMLAnchorElement).href = indicatorsUrl(stichtag);
  (byId('api-csv') as HTMLAnchorElement).href = indicatorsUrl(stichtag, 'csv');
  document.title = `Zwischenbilanz ${formatDate(stichtag)} – Integrationsmanagement Landkreis Ludwigsburg`;
  // Every printed page says which report it belongs to, and whether it is provisional.
  const provisional = [stichtag, beendet_bis].some((date) => isProvisional(dataAsOf, date));
  const printHead = `${PRINT_HEAD} · Stand ${formatDate(stichtag)}, beendete Fälle bis ${formatDate(beendet_bis)}${provisional ? ' · vorläufig' : ''}`;
  setPrintHead(printHead);
  const status = byId('status');
  status.className = 'status';
  status.textContent = `Betreute Personen am ${formatDate(stichtag)}, beendete Fälle bis ${formatDate(beendet_bis)}.`;
  markShown(report, report.audience, document.title, printHead);
}

let latest = 0;

/**
 * Shows the report for the dates in the URL. Figures depend only on the dates and on who
 * asks, so a report on screen for both (drawn here, or by the server) is not asked for again.
 */
export async function showReport() {
  const page = byId('page-report');
  const shown = isShown(currentSession().audience);
  if (shown) {
    document.title = shown.title;
    setPrintHead(shown.printHead);
    return;
  }
  const run = ++latest;
  // Drawn here: every button is live already.
  page.dataset.hydrated = 'true';
  forgetShown();
  setPrintHead(PRINT_HEAD);
  const { stichtag, beendet_bis } = datesFromUrl();
  const status = byId('status');
  status.className = 'status';
  status.textContent = 'Kennzahlen werden geladen …';
  try {
    const report = await fetchJson<InterimReportResponse>(interimReportUrl(stichtag, beendet_bis));
    // A later call (other dates, a login) has taken over the page.
    if (run !== latest) return;
    drawReport(report);
    // Figures for another audience than the page believes in: the session has ended (or
    // begun in another tab). Asking again updates the header and, if needed, the figures.
    if (report.audience !== currentSession().audience) void loadSession().catch(() => {});
  } catch (error) {
    if (run !== latest) return;
    status.className = 'status error';
    status.textContent = `Die Kennzahlen konnten nicht geladen werden: ${(error as Error).message}`;
  }
}
