// Trends (Verlauf): one indicator over time since the programme began, by month, quarter
// or year, for the district or one provider or one town. The choice lives in the address,
// which the server renders complete (server/routes/pages.ts, with drawTrends below):
// /verlauf?kennzahl=clients_active&intervall=quartal&von=2018-01&bis=2022-12&traeger=AWO
// (the old #verlauf?… addresses are sent there by main.ts).
import {
  type DefinitionsResponse,
  fetchSeriesResponse,
  type IndicatorDefinition,
  type Interval,
  type SeriesFilter,
  type SeriesResponse,
  seriesUrl,
} from '../api.ts';
import { lineChart } from '../charts/line-chart.ts';
import { byId, element, field } from '../dom.ts';
import type { DownloadTable } from '../downloads/index.ts';
import {
  formatCount,
  formatDate,
  formatDecimal,
  formatMonth,
  formatPercent,
  lastMonthCovered,
  NO_VALUE,
} from '../format.ts';
import type { PageRoute } from '../main.ts';
import { newestRequest } from '../newest.ts';
import { submitInBrowser } from './choice-hydrate.ts';
import {
  choiceFrame,
  choiceResult,
  hasLayout,
  loadDefinitions,
  NARROW_CHART_WIDTH,
  select,
} from './choice-page.ts';

const INTERVALS: Record<string, { interval: Interval; label: string; adjective: string }> = {
  monat: { interval: 'month', label: 'Monat', adjective: 'Monatsende' },
  quartal: { interval: 'quarter', label: 'Quartal', adjective: 'Quartalsende' },
  jahr: { interval: 'year', label: 'Jahr', adjective: 'Jahresende' },
};

/**
 * The programme began in January 2018; the funding period ends with 2022. Without `bis` in
 * the address, the series ends with the last month the providers' exports cover.
 */
export const TRENDS_DEFAULTS = {
  kennzahl: 'clients_active',
  intervall: 'monat',
  von: '2018-01',
  bis: '2022-12',
} as const;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface TrendsChoice {
  kennzahl: string;
  intervall: keyof typeof INTERVALS;
  von: string;
  bis: string;
  /** A provider code or a municipality key; at most one of them. */
  traeger: string;
  gemeinde: string;
}

/**
 * The address's parameters with the form's one filter field (`filter=traeger:AWO`, as the
 * form sends it without the script) as `traeger` or `gemeinde`.
 */
export function trendsParams(params: URLSearchParams): URLSearchParams {
  if (!params.has('filter')) return params;
  const next = new URLSearchParams(params);
  next.delete('filter');
  const [kind = '', key = ''] = (params.get('filter') ?? '').split(':');
  if ((kind === 'traeger' || kind === 'gemeinde') && key) next.set(kind, key);
  return next;
}

/** The choice in the address; unknown values fall back to the defaults. */
export function trendsChoice(
  address: URLSearchParams,
  definitions: DefinitionsResponse,
): TrendsChoice {
  const params = trendsParams(address);
  const read = (name: string) => params.get(name) ?? '';
  const categories = (id: string) =>
    definitions.dimensions.find((d) => d.id === id)?.categories.map((c) => c.key) ?? [];
  const kennzahl = read('kennzahl');
  const intervall = read('intervall');
  let von = MONTH.test(read('von')) && read('von') >= '2015-01' ? read('von') : TRENDS_DEFAULTS.von;
  let bis = MONTH.test(read('bis')) ? read('bis') : TRENDS_DEFAULTS.bis;
  if (von > bis) [von, bis] = [bis, von];
  const traeger = categories('provider').includes(read('traeger')) ? read('traeger') : '';
  const gemeinde =
    !traeger && categories('municipality').includes(read('gemeinde')) ? read('gemeinde') : '';
  return {
    kennzahl: definitions.indicators.some((i) => i.id === kennzahl)
      ? kennzahl
      : TRENDS_DEFAULTS.kennzahl,
    intervall: intervall in INTERVALS ? intervall : TRENDS_DEFAULTS.intervall,
    von,
    bis,
    traeger,
    gemeinde,
  };
}

export const TRENDS_PATH = '/verlauf';

export function trendsHash(choice: TrendsChoice) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(choice)) if (value) params.set(name, value);
  return `${TRENDS_PATH}?${params}`;
}

/**
 * What is wrong with the choice in the address, in German, one sentence a parameter: a
 * value given but unknown or malformed (a missing one takes the default; `von` after `bis`
 * is taken the other way round; other parameters are ignored). The server answers such an
 * address with 400 (server/routes/pages.ts).
 */
export function trendsProblems(address: URLSearchParams, definitions: DefinitionsResponse) {
  const params = trendsParams(address);
  const problems: string[] = [];
  const categories = (id: string) =>
    definitions.dimensions.find((d) => d.id === id)?.categories.map((c) => c.key) ?? [];
  const kennzahl = params.get('kennzahl');
  if (kennzahl !== null && !definitions.indicators.some((i) => i.id === kennzahl))
    problems.push(`Die Kennzahl „${kennzahl}“ gibt es nicht.`);
  const intervall = params.get('intervall');
  if (intervall !== null && !(intervall in INTERVALS))
    problems.push(`Das Intervall „${intervall}“ gibt es nicht: monat, quartal oder jahr.`);
  for (const name of ['von', 'bis']) {
    const month = params.get(name);
    if (month !== null && !MONTH.test(month))
      problems.push(`„${name}“ ist kein Monat der Form JJJJ-MM: „${month}“.`);
    else if (month !== null && month < '2015-01') problems.push(`„${name}“ liegt vor Januar 2015.`);
  }
  const traeger = params.get('traeger');
  if (traeger !== null && !categories('provider').includes(traeger))
    problems.push(`Den Träger „${traeger}“ gibt es nicht.`);
  const gemeinde = params.get('gemeinde');
  if (gemeinde !== null && !categories('municipality').includes(gemeinde))
    problems.push(`Die Gemeinde „${gemeinde}“ gibt es nicht.`);
  if (traeger !== null && gemeinde !== null)
    problems.push('Ein Träger oder eine Gemeinde, nicht beides.');
  return problems;
}

/** "2021-01" -> "Januar 2021", "2021-Q1" -> "1. Quartal 2021", "2021" -> "2021". */
export function periodLabel(period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `${quarter[2]}. Quartal ${quarter[1]}`;
  if (MONTH.test(period)) return formatMonth(`${period}-01`);
  return period;
}

function monthInput(id: string, name: string, value: string) {
  // type=month is not offered by every browser; the pattern says what to type where it is not.
  return element('input', {
    id,
    name,
    type: 'month',
    required: true,
    min: '2015-01',
    pattern: '\\d{4}-\\d{2}',
    placeholder: 'JJJJ-MM',
    defaultValue: value,
  });
}

function form(definitions: DefinitionsResponse, choice: TrendsChoice) {
  const categories = (id: string) =>
    definitions.dimensions.find((d) => d.id === id)?.categories ?? [];
  // One filter for both: a provider or a town, since the two together are mostly too small.
  const filter = select(
    'trends-filter',
    'filter',
    [
      { value: '', label: 'Landkreis insgesamt' },
      ...categories('provider').map((c) => ({
        value: `traeger:${c.key}`,
        label: `Träger: ${c.label}`,
      })),
      ...categories('municipality').map((c) => ({
        value: `gemeinde:${c.key}`,
        label: `Gemeinde: ${c.label}`,
      })),
    ],
    choice.traeger
      ? `traeger:${choice.traeger}`
      : choice.gemeinde
        ? `gemeinde:${choice.gemeinde}`
        : '',
  );
  // An ordinary GET form: without the script, the server renders the choice.
  const controls = element(
    'form',
    { className: 'panel choice', action: TRENDS_PATH, method: 'get' },
    field(
      'Kennzahl',
      select(
        'trends-indicator',
        'kennzahl',
        definitions.indicators.map((i) => ({ value: i.id, label: i.label })),
        choice.kennzahl,
      ),
    ),
    field(
      'Je',
      select(
        'trends-interval',
        'intervall',
        Object.entries(INTERVALS).map(([value, { label }]) => ({ value, label })),
        choice.intervall,
      ),
    ),
    field('Von (Monat)', monthInput('trends-from', 'von', choice.von)),
    field('Bis (Monat)', monthInput('trends-to', 'bis', choice.bis)),
    field('Für', filter),
    element('button', { type: 'submit', className: 'button', textContent: 'Anzeigen' }),
  );
  controls.setAttribute('aria-label', 'Kennzahl, Zeitraum und Auswahl wählen');
  submitInBrowser(controls);
  return controls;
}

/** The series as the page shows it, and as it is downloaded. */
/** A value for a day after the providers' exports: provisional. */
const afterExports = (series: Pick<SeriesResponse, 'data_as_of'>, date: string) =>
  series.data_as_of !== null && date > series.data_as_of;

export function trendsTable(
  indicator: IndicatorDefinition,
  series: SeriesResponse,
  adjective: string,
): DownloadTable {
  const isShare = indicator.kind === 'share';
  // Months and years typed (an Excel date, a number in XLSX); quarters as their name.
  const period = (code: string): string | number =>
    MONTH.test(code) ? code : /^\d{4}$/.test(code) ? Number(code) : periodLabel(code);
  const first = series.points[0]?.period ?? '';
  const periodKind = MONTH.test(first) ? 'month' : /^\d{4}$/.test(first) ? 'year' : 'text';
  return {
    columns: [
      { label: 'Zeitraum', kind: periodKind },
      {
        label: indicator.period ? 'Bis' : adjective,
        kind: 'date',
        provisionalAfter: series.data_as_of,
      },
      { label: indicator.label, kind: isShare ? 'share' : 'number' },
      ...(isShare
        ? [
            { label: 'Zähler', kind: 'number' as const },
            { label: 'Nenner', kind: 'number' as const },
          ]
        : []),
    ],
    rows: series.points.map((point) => [
      period(point.period),
      point.date,
      point.suppressed ? null : (point.value ?? NO_VALUE),
      ...(isShare
        ? [point.suppressed ? null : point.numerator, point.suppressed ? null : point.denominator]
        : []),
    ]),
  };
}

const chartWidth = (container: HTMLElement) =>
  Math.max(280, Math.min(900, (container.clientWidth || 900) - 40));

/** Ticks about 80 px apart, on whole quarters or years. */
function tickInterval(months: number, width: number) {
  const room = Math.max(2, Math.floor(width / 80));
  for (const step of [1, 3, 6, 12, 24]) if (months / step <= room) return `${step} months`;
  return '5 years';
}

const yearOnly = new Intl.DateTimeFormat('de-DE', { year: 'numeric', timeZone: 'UTC' });

function render(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: TrendsChoice,
  series: SeriesResponse,
) {
  const indicator = definitions.indicators.find(
    (i) => i.id === choice.kennzahl,
  ) as IndicatorDefinition;
  const { interval, adjective } = INTERVALS[choice.intervall] as (typeof INTERVALS)[string];
  const category = (id: string, key: string) =>
    definitions.dimensions.find((d) => d.id === id)?.categories.find((c) => c.key === key)?.label;
  const scope = choice.traeger
    ? `Träger ${category('provider', choice.traeger)}`
    : choice.gemeinde
      ? `Gemeinde ${category('municipality', choice.gemeinde)}`
      : 'Landkreis Ludwigsburg';
  const first = series.points[0];
  const last = series.points.at(-1);
  const span = first && last ? `${periodLabel(first.period)} bis ${periodLabel(last.period)}` : '';
  const title = `${indicator.label} je ${INTERVALS[choice.intervall]?.label}, ${scope}`;
  const provisional = series.points.some((point) => afterExports(series, point.date));
  const stand = `${last ? `Stand ${formatDate(last.date)}; ${span}` : span}${provisional && series.data_as_of ? `; vorläufig nach dem ${formatDate(series.data_as_of)}` : ''}`;
  const fileName = `${indicator.id}-${interval}-${choice.von}-${choice.bis}${choice.traeger ? `-${choice.traeger}` : ''}${choice.gemeinde ? `-${choice.gemeinde}` : ''}`;
  const table = trendsTable(indicator, series, adjective);
  const format =
    indicator.kind === 'share'
      ? formatPercent
      : indicator.kind === 'ratio'
        ? formatDecimal
        : formatCount;
  const values = series.points.map((point) => ({
    date: point.date,
    value: point.suppressed ? null : point.value,
  }));
  const shown = values.flatMap((point) => (point.value === null ? [] : [point.value]));
  const withheld = values.length - shown.length;
  const description =
    shown.length === 0
      ? 'Alle Werte gesperrt.'
      : `Von ${format(shown[0] as number)} auf ${format(shown.at(-1) as number)}; höchster Wert ${format(Math.max(...shown))}${withheld > 0 ? `; ${withheld} Werte gesperrt` : ''}. Alle Werte in der Tabelle unter der Grafik.`;
  const width = chartWidth(container);
  const months = first && last ? monthsBetween(first.date, last.date) : 12;
  // A year's value holds on its last day: its tick sits there and says the year.
  const yearly = interval === 'year';
  const draw = (width: number) =>
    lineChart(values, {
      width,
      label: `${title}, ${span}`,
      description,
      format,
      ticks: yearly ? values.map((point) => point.date) : tickInterval(months, width),
      ...(yearly ? { timeFormat: (date: Date) => yearOnly.format(date) } : {}),
    });
  const chart = draw(width);
  const filters: SeriesFilter = {
    ...(choice.traeger ? { provider: choice.traeger } : {}),
    ...(choice.gemeinde ? { municipality: choice.gemeinde } : {}),
  };
  const url = (format?: 'csv' | 'arrow') =>
    seriesUrl(choice.kennzahl, choice.von, choice.bis, interval, format, filters);

  byId('trends-result').replaceChildren(
    ...choiceResult({
      title,
      stand,
      fileName,
      chart,
      ...(hasLayout(container) ? {} : { narrowChart: draw(NARROW_CHART_WIDTH) }),
      notes:
        provisional && series.data_as_of
          ? [
              element('p', {
                className: 'data-note',
                textContent: `Die Exporte der Träger reichen bis ${formatDate(series.data_as_of)}. Werte danach zählen Fälle als laufend, deren Ende noch nicht gemeldet ist: Sie sind vorläufig und als „vorläufig“ gekennzeichnet.`,
              }),
            ]
          : [],
      definition: {
        text: indicator.period
          ? `Gezählt werden die Fälle im jeweiligen Zeitraum. ${indicator.definition}`
          : `Wert am ${adjective}. ${indicator.definition}`,
        id: indicator.id,
      },
      table,
      tableCaption: `${title}, ${span}`,
      tableOptions: indicator.kind === 'ratio' ? { ratioColumns: [2] } : {},
      links: { json: url(), csv: url('csv'), arrow: url('arrow') },
      rules: series.rules,
      figures: series.points,
    }),
  );
}

function monthsBetween(from: string, to: string) {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}

const requests = newestRequest();

function frame(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: TrendsChoice,
  focus: boolean,
) {
  return choiceFrame(container, {
    id: 'trends',
    title: 'Verlauf',
    lead: 'Jede Kennzahl seit Beginn des Programms 2018, je Monat, Quartal oder Jahr, für den Landkreis, einen Träger oder eine Gemeinde.',
    form: () => form(definitions, choice),
    values: {
      kennzahl: choice.kennzahl,
      intervall: choice.intervall,
      von: choice.von,
      bis: choice.bis,
      filter: choice.traeger
        ? `traeger:${choice.traeger}`
        : choice.gemeinde
          ? `gemeinde:${choice.gemeinde}`
          : '',
    },
    focus,
    loading: 'Reihe wird geladen …',
  });
}

/** The series' request for a choice: the indicator, months, interval and filter. */
export function trendsRequest(choice: TrendsChoice) {
  const { interval } = INTERVALS[choice.intervall] as (typeof INTERVALS)[string];
  const filter: SeriesFilter = {
    ...(choice.traeger ? { provider: choice.traeger } : {}),
    ...(choice.gemeinde ? { municipality: choice.gemeinde } : {}),
  };
  return {
    interval,
    filter,
    url: seriesUrl(choice.kennzahl, choice.von, choice.bis, interval, undefined, filter),
  };
}

/**
 * Without `bis` in the address, the series ends with the last month the exports cover: the
 * choice to ask for instead, or null when the answer already ends there.
 */
export function coveredChoice(
  params: URLSearchParams,
  choice: TrendsChoice,
  series: Pick<SeriesResponse, 'data_as_of'>,
): TrendsChoice | null {
  const covered = series.data_as_of ? lastMonthCovered(series.data_as_of) : null;
  if (!params.has('bis') && covered && covered < choice.bis && covered >= choice.von)
    return { ...choice, bis: covered };
  return null;
}

/**
 * Draws the page for a choice and its series, at once: the browser after its request, and
 * the server for the page's address (server/routes/pages.ts), so both show the same.
 */
export function drawTrends(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: TrendsChoice,
  series: SeriesResponse,
  focus = false,
) {
  const status = frame(container, definitions, choice, focus);
  render(container, definitions, choice, series);
  status.textContent = `${series.label}: ${series.points.length} Werte.`;
}

/** Shows the series the address names; the form changes the address. */
export async function showTrends(container: HTMLElement, { params, focus }: PageRoute) {
  const signal = requests.start();
  const definitions = await loadDefinitions(container, 'Verlauf');
  if (!definitions || signal.aborted) return;
  const choice = trendsChoice(params, definitions);
  const status = frame(container, definitions, choice, focus);
  const { interval, filter } = trendsRequest(choice);
  try {
    const series = await fetchSeriesResponse(
      choice.kennzahl,
      choice.von,
      choice.bis,
      interval,
      filter,
      signal,
    );
    if (signal.aborted) return;
    const covered = coveredChoice(params, choice, series);
    if (covered) {
      window.history.replaceState(null, '', trendsHash(covered));
      return showTrends(container, {
        target: '',
        params: new URLSearchParams(window.location.search),
        focus: false,
      });
    }
    drawTrends(container, definitions, choice, series);
  } catch (error) {
    if (signal.aborted) return;
    status.className = 'status error';
    status.textContent = `Die Reihe konnte nicht geladen werden: ${(error as Error).message}`;
  }
}
