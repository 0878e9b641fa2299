// The frame of a page that shows figures for a choice kept in the address (Erkunden,
// Verlauf): the definitions it chooses from, a form that stays while the choice changes (so
// focus stays where the reader left it), a status line, and the result: a wide chart, the
// definition, the table, downloads, data links and the note on withheld values.
import { type DefinitionsResponse, definitionsOnce, type Figure, type Rules } from '../api.ts';
import { type DataLinks, dataLinks, element, tableFrame } from '../dom.ts';
import {
  anyWithheld,
  chartDownloads,
  type DownloadTable,
  PERTURBED_NOTE,
  tableDownloads,
} from '../downloads/index.ts';
import { type FigureTableOptions, figureTable } from '../figure-table.ts';
import { NO_VALUE, protectionNote } from '../format.ts';
import { definitionHash } from './definitions.ts';

export function select(
  id: string,
  name: string,
  options: { value: string; label: string }[],
  value: string,
) {
  return element(
    'select',
    { id, name },
    ...options.map((option) =>
      element('option', {
        value: option.value,
        textContent: option.label,
        // The attribute, not only the state: the server's HTML carries the choice.
        defaultSelected: option.value === value,
      }),
    ),
  );
}

/** The definitions, or null after saying on the page that they could not be loaded. */
export async function loadDefinitions(
  container: HTMLElement,
  title: string,
): Promise<DefinitionsResponse | null> {
  try {
    return await definitionsOnce();
  } catch (error) {
    container.replaceChildren(
      element('h2', { textContent: title, tabIndex: -1 }),
      element('p', {
        className: 'status error',
        textContent: `Die Kennzahlen konnten nicht geladen werden: ${(error as Error).message}`,
      }),
    );
    return null;
  }
}

export interface ChoiceFrame {
  /** Prefix of the status line's and the result's ids: `${id}-status`, `${id}-result`. */
  id: string;
  title: string;
  lead: string;
  form: () => HTMLFormElement;
  /** The form's fields as the address names them. */
  values: Record<string, string>;
  focus: boolean;
  loading: string;
}

/** Builds the page once, or sets its form to the address's choice; returns the status line. */
export function choiceFrame(container: HTMLElement, frame: ChoiceFrame): HTMLElement {
  const controls = container.querySelector<HTMLFormElement>('form.choice');
  if (controls) {
    for (const [name, value] of Object.entries(frame.values))
      (controls.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value = value;
  } else {
    container.replaceChildren(
      element('h2', { textContent: frame.title, tabIndex: -1 }),
      element('p', { className: 'lead', textContent: frame.lead }),
      frame.form(),
      element('p', { id: `${frame.id}-status`, className: 'status', role: 'status' }),
      element('div', { id: `${frame.id}-result` }),
    );
  }
  if (frame.focus) container.querySelector('h2')?.focus();
  const status = container.querySelector(`#${frame.id}-status`) as HTMLElement;
  status.className = 'status';
  status.textContent = frame.loading;
  return status;
}

/** The width of the chart a narrow screen shows of a page the server drew (style.css). */
export const NARROW_CHART_WIDTH = 320;

/**
 * Whether the page is laid out: not on the server (jsdom), which cannot know the reader's
 * screen and so draws the chart twice, wide and narrow, for the stylesheet to choose.
 */
export const hasLayout = (container: HTMLElement) => container.clientWidth > 0;

export interface ChoiceResult {
  title: string;
  stand: string;
  fileName: string;
  chart: Element;
  /** The same chart drawn narrow, shown instead on narrow screens (server-drawn pages). */
  narrowChart?: Element;
  /** Notes between the chart and the definition (a period, the reach of the data). */
  notes: HTMLElement[];
  /** The definition's text as this page puts it, and the indicator it links to. */
  definition: { text: string; id: string };
  table: DownloadTable;
  tableCaption: string;
  tableOptions: FigureTableOptions;
  links: DataLinks;
  rules: Rules | null;
  /** The figures shown, for the note on which rules protected them. */
  figures: Figure[];
}

/** The result's elements: chart, notes, definition, table, downloads, links, footnote. */
export function choiceResult(result: ChoiceResult): HTMLElement[] {
  const { title, stand, fileName, table } = result;
  const values = table.rows.flatMap((row) =>
    row.filter((_, i) => table.columns[i]?.kind !== 'text'),
  );
  const noValue = values.includes(NO_VALUE);
  const perturbed = result.figures.some((figure) => figure.protection === 'perturbed');
  const notes = result.rules && perturbed ? [PERTURBED_NOTE] : [];
  // The chart labels a withheld value "." (or leaves a gap): its files explain that, as the table's do.
  const withheld = anyWithheld(table);
  const figure = element(
    'figure',
    { className: 'chart wide' },
    element('figcaption', {}, title, element('span', { className: 'stand', textContent: stand })),
    result.chart,
    ...(result.narrowChart ? [result.narrowChart] : []),
    chartDownloads(result.chart, { title, stand, fileName, notes, withheld }),
  );
  if (result.narrowChart) {
    result.chart.classList.add('chart-wide');
    result.narrowChart.classList.add('chart-narrow');
  }
  // What the downloads need, for the script to add them to a result the server drew
  // (choice-hydrate.ts).
  figure.dataset.download = JSON.stringify({
    chart: { title, stand, fileName, notes, withheld },
    table: { title, stand, fileName, notes },
    rows: table,
  });
  return [
    figure,
    ...result.notes,
    element(
      'p',
      { className: 'hint' },
      result.definition.text,
      ' ',
      element('a', {
        href: definitionHash(result.definition.id),
        textContent: 'Mehr zur Definition',
      }),
    ),
    tableFrame(`Tabelle: ${title}`, figureTable(result.tableCaption, table, result.tableOptions)),
    tableDownloads(table, { title, stand, fileName, notes }),
    dataLinks(result.links),
    ...(result.rules
      ? [
          element('p', {
            className: 'footnote',
            textContent: `${protectionNote(result.rules, result.figures)}${noValue ? ` ${NO_VALUE} = kein Wert: niemand im Nenner.` : ''}`,
          }),
        ]
      : []),
  ];
}
