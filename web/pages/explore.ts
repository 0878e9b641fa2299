// Explore (Erkunden): any indicator broken down by any characteristic on a chosen date, as
// a chart and as a table. The choice lives in the address, which the server renders
// complete (server/routes/pages.ts, with drawExplore below):
// /erkunden?kennzahl=language_b1_plus_share&nach=provider&stichtag=2021-01-01
// (the old #erkunden?… addresses are sent there by main.ts).
import {
  type BreakdownResponse,
  breakdownUrl,
  type DefinitionsResponse,
  fetchBreakdown,
  type IndicatorDefinition,
} from '../api.ts';
import { barChart } from '../charts/bar-chart.ts';
import { byId, element, field } from '../dom.ts';
import type { DownloadTable } from '../downloads/index.ts';
import { formatCount, formatDate, formatDecimal, formatPercent, NO_VALUE } from '../format.ts';
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
import { dataNoteText, isProvisional, standText } from './report.ts';

export const EXPLORE_DEFAULTS = {
  kennzahl: 'clients_active',
  nach: 'provider',
  stichtag: '2021-01-01',
} as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ExploreChoice {
  kennzahl: string;
  nach: string;
  stichtag: string;
}

/** The choice in the address, with defaults for what is missing or unknown. */
export function exploreChoice(
  params: URLSearchParams,
  definitions: DefinitionsResponse,
): ExploreChoice {
  const kennzahl = params.get('kennzahl') ?? '';
  const nach = params.get('nach') ?? '';
  const stichtag = params.get('stichtag') ?? '';
  return {
    kennzahl: definitions.indicators.some((i) => i.id === kennzahl)
      ? kennzahl
      : EXPLORE_DEFAULTS.kennzahl,
    nach: definitions.dimensions.some((d) => d.id === nach) ? nach : EXPLORE_DEFAULTS.nach,
    stichtag:
      ISO_DATE.test(stichtag) && stichtag >= '2015-01-01' ? stichtag : EXPLORE_DEFAULTS.stichtag,
  };
}

export const EXPLORE_PATH = '/erkunden';

/**
 * What is wrong with the choice in the address, in German, one sentence a parameter: a
 * value given but unknown or malformed (a missing one takes the default; other parameters
 * are ignored). The server answers such an address with 400 (server/routes/pages.ts).
 */
export function exploreProblems(params: URLSearchParams, definitions: DefinitionsResponse) {
  const problems: string[] = [];
  const kennzahl = params.get('kennzahl');
  if (kennzahl !== null && !definitions.indicators.some((i) => i.id === kennzahl))
    problems.push(`Die Kennzahl „${kennzahl}“ gibt es nicht.`);
  const nach = params.get('nach');
  if (nach !== null && !definitions.dimensions.some((d) => d.id === nach))
    problems.push(`Das Merkmal „${nach}“ gibt es nicht.`);
  const stichtag = params.get('stichtag');
  if (stichtag !== null && !(ISO_DATE.test(stichtag) && validDay(stichtag)))
    problems.push(`Der Stichtag „${stichtag}“ ist kein Datum der Form JJJJ-MM-TT.`);
  else if (stichtag !== null && stichtag < '2015-01-01')
    problems.push('Der Stichtag liegt vor dem 01.01.2015.');
  return problems;
}

/** A real day of the calendar (not 2021-02-30). */
export const validDay = (iso: string) => {
  const time = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === iso;
};

export const exploreHash = (choice: ExploreChoice) =>
  `${EXPLORE_PATH}?${new URLSearchParams({ ...choice })}`;

const requests = newestRequest();

function form(definitions: DefinitionsResponse, choice: ExploreChoice) {
  const date = element('input', {
    id: 'explore-date',
    name: 'stichtag',
    type: 'date',
    required: true,
    min: '2015-01-01',
    defaultValue: choice.stichtag,
  });
  // An ordinary GET form: without the script, the server renders the choice.
  const controls = element(
    'form',
    { className: 'panel choice', action: EXPLORE_PATH, method: 'get' },
    field(
      'Kennzahl',
      select(
        'explore-indicator',
        'kennzahl',
        definitions.indicators.map((i) => ({ value: i.id, label: i.label })),
        choice.kennzahl,
      ),
    ),
    field(
      'Aufgegliedert nach',
      select(
        'explore-dimension',
        'nach',
        definitions.dimensions.map((d) => ({ value: d.id, label: d.label })),
        choice.nach,
      ),
    ),
    field('Stichtag', date),
    element('button', { type: 'submit', className: 'button', textContent: 'Anzeigen' }),
  );
  controls.setAttribute('aria-label', 'Kennzahl, Merkmal und Stichtag wählen');
  submitInBrowser(controls);
  return controls;
}

/** The table of the breakdown as the page shows it, and as it is downloaded. */
export function exploreTable(
  indicator: IndicatorDefinition,
  breakdown: BreakdownResponse,
): DownloadTable {
  const isShare = indicator.kind === 'share';
  const valueKind = isShare ? 'share' : 'number';
  const rows = [...breakdown.rows, { key: 'total', label: 'Insgesamt', ...breakdown.total }];
  return {
    columns: [
      { label: breakdown.by_label, kind: 'text' },
      { label: indicator.label, kind: valueKind },
      ...(isShare
        ? [
            { label: 'Zähler', kind: 'number' as const },
            { label: 'Nenner', kind: 'number' as const },
          ]
        : []),
    ],
    rows: rows.map((row) => {
      const withheld = row.suppressed;
      return [
        row.label,
        // A share of nobody has no value: "–", not the "." of a withheld one.
        withheld ? null : (row.value ?? NO_VALUE),
        ...(isShare ? [withheld ? null : row.numerator, withheld ? null : row.denominator] : []),
      ];
    }),
  };
}

const chartWidth = (container: HTMLElement) =>
  Math.max(280, Math.min(760, (container.clientWidth || 760) - 40));

function render(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: ExploreChoice,
  breakdown: BreakdownResponse,
) {
  const indicator = definitions.indicators.find(
    (i) => i.id === choice.kennzahl,
  ) as IndicatorDefinition;
  const provisional = isProvisional(breakdown.data_as_of, choice.stichtag);
  const stand = standText(choice.stichtag, provisional);
  const title = `${indicator.label} nach ${breakdown.by_label}`;
  const fileName = `${indicator.id}-nach-${breakdown.by}-${choice.stichtag}`;
  const table = exploreTable(indicator, breakdown);
  const bars = breakdown.rows
    .filter((row) => row.suppressed || row.value !== null)
    .map((row) => ({
      label: row.label,
      value: row.suppressed ? null : row.value,
    }));
  const format =
    indicator.kind === 'share'
      ? formatPercent
      : indicator.kind === 'ratio'
        ? formatDecimal
        : formatCount;
  const described = bars
    .map((bar) => `${bar.label} ${bar.value === null ? 'gesperrt' : format(bar.value)}`)
    .join(', ');
  const draw = (width: number) =>
    barChart(bars, {
      width,
      label: `${title}, ${stand}`,
      description: `${described}. Alle Werte in der Tabelle unter der Grafik.`,
      format,
    });
  const chart = draw(chartWidth(container));
  const notes = [
    ...(indicator.period
      ? [
          element('p', {
            className: 'hint',
            textContent: `Gezählt vom 01.01.${choice.stichtag.slice(0, 4)} bis zum Stichtag.`,
          }),
        ]
      : []),
    ...(provisional
      ? [
          element('p', {
            className: 'data-note',
            textContent: dataNoteText(breakdown.data_as_of, [choice.stichtag], { press: false }),
          }),
        ]
      : []),
  ];
  byId('explore-result').replaceChildren(
    ...choiceResult({
      title,
      stand,
      fileName,
      chart,
      ...(hasLayout(container) ? {} : { narrowChart: draw(NARROW_CHART_WIDTH) }),
      notes,
      definition: { text: indicator.definition, id: indicator.id },
      table,
      tableCaption: `${title}, ${stand}`,
      tableOptions: {
        totalRow: true,
        ...(indicator.kind === 'ratio' ? { ratioColumns: [1] } : {}),
      },
      links: {
        json: breakdownUrl(choice.kennzahl, choice.stichtag, choice.nach),
        csv: breakdownUrl(choice.kennzahl, choice.stichtag, choice.nach, 'csv'),
        arrow: breakdownUrl(choice.kennzahl, choice.stichtag, choice.nach, 'arrow'),
      },
      rules: breakdown.rules,
      figures: [...breakdown.rows, breakdown.total],
    }),
  );
}

function frame(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: ExploreChoice,
  focus: boolean,
) {
  return choiceFrame(container, {
    id: 'explore',
    title: 'Erkunden',
    lead: 'Jede Kennzahl nach jedem Merkmal, als Grafik und als Tabelle.',
    form: () => form(definitions, choice),
    values: { ...choice },
    focus,
    loading: 'Aufgliederung wird geladen …',
  });
}

/**
 * Draws the page for a choice and its breakdown, at once: the browser after its request,
 * and the server for the page's address (server/routes/pages.ts), so both show the same.
 */
export function drawExplore(
  container: HTMLElement,
  definitions: DefinitionsResponse,
  choice: ExploreChoice,
  breakdown: BreakdownResponse,
  focus = false,
) {
  const status = frame(container, definitions, choice, focus);
  render(container, definitions, choice, breakdown);
  status.textContent = `${breakdown.label} nach ${breakdown.by_label}, Stand ${formatDate(choice.stichtag)}.`;
}

/** Shows the breakdown the address names; the form changes the address. */
export async function showExplore(container: HTMLElement, { params, focus }: PageRoute) {
  const signal = requests.start();
  const definitions = await loadDefinitions(container, 'Erkunden');
  if (!definitions || signal.aborted) return;
  const choice = exploreChoice(params, definitions);
  const status = frame(container, definitions, choice, focus);
  try {
    const breakdown = await fetchBreakdown(choice.kennzahl, choice.stichtag, choice.nach, signal);
    if (signal.aborted) return;
    drawExplore(container, definitions, choice, breakdown);
  } catch (error) {
    if (signal.aborted) return;
    status.className = 'status error';
    status.textContent = `Die Aufgliederung konnte nicht geladen werden: ${(error as Error).message}`;
  }
}
