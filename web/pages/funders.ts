// The funders' page (Förderzeitraum): outcomes of the state-funded counselling per year of a
// period and per provider, as charts and as the full table. The choice lives in the address:
// #foerderung?von=2018&bis=2022&traeger=AWO (without traeger: all providers).
import {
  type Audience,
  type Figure,
  type FundingQuery,
  type FundingResponse,
  type FundingRow,
  fetchFunding,
  fundingUrl,
} from '../api.ts';
import { dotPlot } from '../charts/dot-plot.ts';
import { type GroupedBar, groupedBarChart } from '../charts/grouped-bar-chart.ts';
import { byId, dataLinks, element, field, tableFrame, withAttributes } from '../dom.ts';
import {
  chartDownloads,
  type DownloadTable,
  PERTURBED_NOTE,
  tableDownloads,
} from '../downloads/index.ts';
import {
  formatCount,
  formatDate,
  formatDecimal,
  formatPercent,
  protectionNote,
  SUPPRESSED,
} from '../format.ts';
import type { PageRoute } from '../main.ts';
import { navigate } from '../navigate.ts';
import { newestRequest } from '../newest.ts';

/** The funding period of the Integrationsmanagement. */
export const FUNDERS_DEFAULTS = { von: 2018, bis: 2022 } as const;
/** Figures begin in 2015 (the API refuses earlier years). */
const FIRST_YEAR = 2015;
/** Shown where a year lies after the data: nothing is known yet. */
export const NO_DATA = '–';
/** A share of closed cases by reason is drawn only on this many closed cases. */
const MIN_CLOSED_FOR_SHARES = 20;

export interface FundersChoice {
  von: number;
  bis: number;
  /** A provider's code, or '' for all providers. */
  traeger: string;
}

const lastYear = () => Math.max(FUNDERS_DEFAULTS.bis, new Date().getFullYear());

/** The choice in the address, with the funding period for what is missing or invalid. */
export function fundersChoice(params: URLSearchParams, last = lastYear()): FundersChoice {
  const year = (name: string) => {
    const value = params.get(name) ?? '';
    const number = Number(value);
    return /^\d{4}$/.test(value) && number >= FIRST_YEAR && number <= last ? number : undefined;
  };
  const von = year('von');
  const bis = year('bis');
  const traeger = params.get('traeger') ?? '';
  const period =
    von !== undefined && bis !== undefined && von <= bis && bis - von < 20
      ? { von, bis }
      : { ...FUNDERS_DEFAULTS };
  return { ...period, traeger: /^[A-Z0-9_]{2,16}$/.test(traeger) ? traeger : '' };
}

export function fundersHash({ von, bis, traeger }: FundersChoice): string {
  const params = new URLSearchParams({ von: String(von), bis: String(bis) });
  if (traeger) params.set('traeger', traeger);
  return `#foerderung?${params}`;
}

const queryOf = (choice: FundersChoice): FundingQuery => ({
  from: choice.von,
  to: choice.bis,
  provider: choice.traeger || undefined,
});

/** A figure as the table shows it: "." withheld, "–" no data yet. */
export function showFigure(kind: 'count' | 'share' | 'ratio', figure: Figure | undefined) {
  if (!figure) return NO_DATA;
  if (figure.suppressed) return SUPPRESSED;
  if (figure.value === null) return NO_DATA;
  if (kind === 'share') return formatPercent(figure.value);
  if (kind === 'ratio') return formatDecimal(figure.value);
  return formatCount(figure.value);
}

/** "im Jahr 2020", or for a year the data do not cover to its end "01.01.–01.03.2021". */
export function periodText(row: Pick<FundingRow, 'year' | 'from' | 'to' | 'complete'>): string {
  if (row.from === null || row.to === null) return `${row.year}: keine Daten`;
  if (row.complete) return `im Jahr ${row.year}`;
  return `${formatDate(row.from).slice(0, 6)}–${formatDate(row.to)}`;
}

/** The reference date of the caseload: "Stand 31.12.2020". */
export const standText = (row: Pick<FundingRow, 'to'>) =>
  row.to === null ? 'keine Daten' : `Stand ${formatDate(row.to)}`;

interface Column {
  id: string;
  kind: 'count' | 'share' | 'ratio';
  /** The column's own header; its group's header stands above it. */
  label: string;
  /** A share of this count, shown in brackets in the same cell (its own column in a download). */
  share?: string;
}

interface ColumnGroup {
  label: string;
  columns: Column[];
}

const OUTCOME_GROUPS: ColumnGroup[] = [
  {
    label: 'im Jahr',
    columns: [
      { id: 'cases_started_in_year', kind: 'count', label: 'begonnen' },
      { id: 'cases_closed_in_year', kind: 'count', label: 'beendet' },
    ],
  },
  {
    label: 'bei Beendigung',
    columns: [
      {
        id: 'closed_with_lease',
        kind: 'count',
        label: 'mit eigenem Mietvertrag (Anteil)',
        share: 'closed_with_lease_share',
      },
      { id: 'closed_adults', kind: 'count', label: 'Erwachsene' },
      {
        id: 'closed_b1_plus',
        kind: 'count',
        label: 'davon B1 oder höher (Anteil)',
        share: 'closed_b1_plus_share',
      },
      {
        id: 'closed_sv_employment',
        kind: 'count',
        label: 'davon sv-pflichtig beschäftigt (Anteil)',
        share: 'closed_sv_employment_share',
      },
    ],
  },
  {
    label: 'am Stichtag',
    columns: [
      { id: 'clients_active', kind: 'count', label: 'Betreute Personen' },
      { id: 'managers_active', kind: 'count', label: 'IM mit Fällen' },
      { id: 'caseload_per_manager', kind: 'ratio', label: 'Fälle je IM' },
    ],
  },
];

/** A cell: the figure, and the share of it in brackets where the column has one. */
function cellText(column: Column, row: FundingRow) {
  const count = showFigure(column.kind, row.figures[column.id]);
  const share = column.share ? row.figures[column.share] : undefined;
  // A share on too few cases is withheld as "." beside its count, so the footnote on "."
  // always has something to explain; one without a base is left out.
  if (!share) return count;
  if (share.suppressed) return `${count} (${SUPPRESSED})`;
  if (share.value === null) return count;
  return `${count} (${formatPercent(share.value)})`;
}

function reasonGroups(response: FundingResponse): ColumnGroup[] {
  return [
    {
      label: 'Beendet im Jahr nach Grund',
      columns: response.end_reasons.map((reason) => ({
        id: `closed_reason_${reason.key}`,
        kind: 'count' as const,
        label: reason.label,
      })),
    },
    {
      label: 'zusammen',
      columns: [{ id: 'cases_closed_in_year', kind: 'count', label: 'beendet' }],
    },
  ];
}

/** The line that opens a year: the year, and how far it was counted. */
function yearLine(row: FundingRow, span: number, asOf: string | null) {
  const counted =
    row.from === null
      ? ` – keine Daten: ${asOf ? `Die Exporte der Träger reichen bis ${formatDate(asOf)}.` : 'Es ist noch kein Export eingelesen.'}`
      : row.complete
        ? ''
        : ` – gezählt bis ${formatDate(row.to as string)}`;
  return element(
    'tr',
    { className: row.from === null ? 'year no-data' : 'year' },
    element(
      'th',
      { scope: 'rowgroup', colSpan: span },
      // Stays in view while a narrow screen scrolls the table sideways.
      element(
        'span',
        { className: 'year-text' },
        String(row.year),
        ...(counted ? [element('span', { className: 'stand', textContent: counted })] : []),
      ),
    ),
  );
}

/**
 * The table as the page shows it: a body per year that opens with the year, a line per
 * provider, columns in groups.
 */
function fundingTable(caption: string, response: FundingResponse, groups: ColumnGroup[]) {
  const columns = groups.flatMap((group) => group.columns);
  const head = element(
    'thead',
    {},
    element(
      'tr',
      {},
      element('td'),
      ...groups.map((group) =>
        element('th', {
          scope: 'colgroup',
          colSpan: group.columns.length,
          className: 'group',
          textContent: group.label,
        }),
      ),
    ),
    element(
      'tr',
      {},
      element('th', { scope: 'col', textContent: 'Jahr, Träger' }),
      ...columns.map((column) =>
        element('th', { scope: 'col', className: 'number', textContent: column.label }),
      ),
    ),
  );
  const years = [...new Set(response.rows.map((row) => row.year))];
  const bodies = years.map((year) => {
    const rows = response.rows.filter((row) => row.year === year);
    const first = rows[0] as FundingRow;
    // A year after the data: its line says so, instead of a line of dashes per provider.
    if (first.from === null)
      return element('tbody', {}, yearLine(first, columns.length + 1, response.as_of));
    return element(
      'tbody',
      {},
      yearLine(first, columns.length + 1, response.as_of),
      ...rows.map((row) =>
        element(
          'tr',
          row.provider === null ? { className: 'total' } : {},
          element('th', { scope: 'row', textContent: row.provider_label }),
          ...columns.map((column) =>
            element('td', { className: 'number', textContent: cellText(column, row) }),
          ),
        ),
      ),
    );
  });
  return element(
    'table',
    { className: 'figures funding-table' },
    element('caption', { className: 'visually-hidden', textContent: caption }),
    head,
    ...bodies,
  );
}

/**
 * A wide table in its scrolling frame, under a title that stays in view when the frame
 * scrolls (the caption, for screen readers, scrolls with the table).
 */
function framedTable(title: string, stand: string, table: HTMLTableElement) {
  return [
    withAttributes(
      element(
        'p',
        { className: 'table-title' },
        title,
        element('span', { className: 'stand', textContent: stand }),
      ),
      { 'aria-hidden': 'true' },
    ),
    tableFrame(`Tabelle: ${title}`, table),
  ];
}

/** The same table for download: one line per year and provider with data. */
export function fundingDownload(response: FundingResponse, groups: ColumnGroup[]): DownloadTable {
  const columns = groups.flatMap((group) =>
    group.columns.flatMap((column) => {
      const label = `${group.label}: ${column.label.replace(' (Anteil)', '').replaceAll('\u00ad', '')}`;
      return [
        { id: column.id, kind: column.kind, label },
        ...(column.share
          ? [{ id: column.share, kind: 'share' as const, label: `${label}, Anteil` }]
          : []),
      ];
    }),
  );
  return {
    columns: [
      { label: 'Jahr', kind: 'year' },
      { label: 'Von', kind: 'date' },
      { label: 'Bis', kind: 'date' },
      { label: 'Träger', kind: 'text' },
      ...columns.map((column) => ({
        label: column.label,
        kind: column.kind === 'share' ? ('share' as const) : ('number' as const),
      })),
    ],
    rows: response.rows
      .filter((row) => row.from !== null)
      .map((row) => [
        row.year,
        row.from,
        row.to,
        row.provider_label,
        ...columns.map((column) => {
          const figure = row.figures[column.id];
          return !figure || figure.suppressed ? null : figure.value;
        }),
      ]),
  };
}

/** The rows the charts show: all providers, or the one chosen. */
const chartRows = (response: FundingResponse) =>
  response.rows.filter((row) => row.provider === response.provider && row.from !== null);

const shownValue = (figure: Figure | undefined) =>
  !figure || figure.suppressed ? null : figure.value;

function startedClosedChart(response: FundingResponse, width: number, who: string) {
  const rows = chartRows(response);
  const bars: GroupedBar[] = rows.flatMap((row) => [
    {
      group: String(row.year),
      series: 'begonnen',
      value: shownValue(row.figures.cases_started_in_year),
    },
    {
      group: String(row.year),
      series: 'beendet',
      value: shownValue(row.figures.cases_closed_in_year),
    },
  ]);
  const say = (value: number | null) => (value === null ? 'gesperrt' : formatCount(value));
  const description = `${rows
    .map(
      (row) =>
        `${periodText(row)}: ${say(shownValue(row.figures.cases_started_in_year))} begonnen, ${say(shownValue(row.figures.cases_closed_in_year))} beendet`,
    )
    .join('; ')}. Alle Werte in der Tabelle unten.`;
  return groupedBarChart(bars, {
    width,
    label: `Begonnene und beendete Fälle je Jahr, ${who}`,
    description,
    series: ['begonnen', 'beendet'],
  });
}

function reasonsChart(response: FundingResponse, width: number, who: string) {
  const rows = chartRows(response).filter((row) => {
    const closed = shownValue(row.figures.cases_closed_in_year);
    return closed !== null && closed >= MIN_CLOSED_FOR_SHARES;
  });
  const dots = rows.flatMap((row) => {
    const closed = shownValue(row.figures.cases_closed_in_year) as number;
    return response.end_reasons.map((reason) => {
      const count = shownValue(row.figures[`closed_reason_${reason.key}`]);
      return {
        category: reason.label,
        series: String(row.year),
        value: count === null ? null : (count / closed) * 100,
      };
    });
  });
  const largest = (row: FundingRow) => {
    const closed = shownValue(row.figures.cases_closed_in_year) as number;
    const [top] = response.end_reasons
      .map((reason) => ({
        label: reason.label,
        count: shownValue(row.figures[`closed_reason_${reason.key}`]) ?? -1,
      }))
      .sort((a, b) => b.count - a.count);
    return top && top.count >= 0
      ? `${row.year}: am häufigsten ${top.label} (${formatPercent(top.count / closed)})`
      : `${row.year}: gesperrt`;
  };
  const chart = dotPlot(dots, {
    width,
    label: `Beendete Fälle nach Grund, Anteil an den im Jahr beendeten Fällen, ${who}`,
    description: `${rows.map(largest).join('; ')}. Alle Werte in der Tabelle unten.`,
    categories: response.end_reasons.map((reason) => reason.label),
    series: rows.map((row) => String(row.year)),
    format: (value) => `${formatCount(value)} %`,
  });
  return { chart, years: rows.length };
}

const fundingLinks = (choice: FundersChoice) => {
  const query = queryOf(choice);
  return dataLinks({
    json: fundingUrl(query),
    csv: fundingUrl(query, 'csv'),
    arrow: fundingUrl(query, 'arrow'),
  });
};

function section(id: string, title: string, ...children: (Node | string)[]) {
  return withAttributes(
    element(
      'section',
      { className: 'funding-section' },
      element('h3', { id, textContent: title }),
      ...children,
    ),
    { 'aria-labelledby': id },
  );
}

function audienceText(audience: Audience, rulesApplied: boolean) {
  if (!rulesApplied && audience !== 'public')
    return 'Sie sehen alle Werte dieser Auswahl so, wie sie berechnet sind.';
  if (audience === 'provider')
    return 'Die Zahlen Ihres Trägers sehen Sie exakt, wenn Sie ihn auswählen; hier sind sie zum Schutz kleiner Fallzahlen leicht verändert.';
  return '';
}

const chartWidth = (container: HTMLElement) =>
  Math.max(280, Math.min(760, (container.clientWidth || 760) - 40));

/** The definitions of the columns, the end reasons as one entry (they differ by the reason only). */
export function definitionEntries(response: Pick<FundingResponse, 'figures' | 'end_reasons'>) {
  const reasons = response.figures.filter((figure) => figure.id.startsWith('closed_reason_'));
  const entries = response.figures
    .filter((figure) => !reasons.includes(figure))
    .map(({ label, definition }) => ({ label, definition }));
  if (reasons.length > 0)
    entries.splice(2, 0, {
      label: 'Beendet nach Grund',
      definition: `Im Jahr beendete Fälle mit dem jeweiligen Beendigungsgrund der Exporte: ${response.end_reasons.map((reason) => reason.label).join('; ')}. Zusammen ergeben sie die beendeten Fälle.`,
    });
  return entries;
}

/** Whose figures: "alle Träger" or the provider's name. */
const whoOf = (response: FundingResponse) =>
  response.provider === null
    ? 'alle Träger'
    : (response.providers.find((p) => p.key === response.provider)?.label ?? response.provider);

function render(choice: FundersChoice, response: FundingResponse) {
  const who = whoOf(response);
  const covered = response.rows.filter((row) => row.from !== null);
  const years = `${choice.von} bis ${choice.bis}`;
  const stand = response.as_of
    ? `Jahre ${years}, Stand der Daten ${formatDate(response.as_of)}`
    : `Jahre ${years}, noch keine Daten`;
  const fileBase = `foerderzeitraum-${choice.von}-${choice.bis}${choice.traeger ? `-${choice.traeger}` : ''}`;
  const incomplete = covered.find((row) => !row.complete);
  const periodNote = [
    incomplete
      ? `${incomplete.year} ist gezählt bis zum Stand der Daten (${formatDate(incomplete.to as string)}), der Stichtag der Fallzahlen ist dann dieser Tag.`
      : '',
    covered.some((row) => Object.values(row.figures).some((f) => !f.suppressed && f.value === null))
      ? `${NO_DATA} = nicht zu berechnen: kein Fall im Nenner.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  const result = byId('funders-result');
  const width = chartWidth(result);
  const startedTitle = `Begonnene und beendete Fälle je Jahr – ${who}`;
  const started = startedClosedChart(response, width, who);
  const reasonsTitle = `Beendete Fälle nach Grund – ${who}`;
  const reasons = reasonsChart(response, width, who);
  const outcomeTitle = `Fälle und Lage bei Beendigung nach Jahr und Träger`;
  const reasonTitle = `Beendete Fälle nach Grund, Jahr und Träger`;
  const outcomes = fundingDownload(response, OUTCOME_GROUPS);
  const byReason = fundingDownload(response, reasonGroups(response));
  const shownFigures = response.rows.flatMap((row) => Object.values(row.figures));
  const downloadNotes =
    response.rules && shownFigures.some((figure) => figure.protection === 'perturbed')
      ? [PERTURBED_NOTE]
      : [];
  const note = audienceText(response.audience, response.rules !== null);

  result.replaceChildren(
    ...(note ? [element('p', { className: 'audience-note', textContent: note })] : []),
    section(
      'funders-flows',
      'Begonnene und beendete Fälle',
      element(
        'figure',
        { className: 'chart wide' },
        element(
          'figcaption',
          {},
          startedTitle,
          element('span', { className: 'stand', textContent: `Fälle im Jahr, ${stand}` }),
        ),
        started,
        chartDownloads(started, {
          title: startedTitle,
          stand,
          fileName: `${fileBase}-begonnen-beendet`,
          notes: downloadNotes,
          // Its bars label a withheld count ".": the image explains the sign.
          withheld: chartRows(response).some(
            (row) =>
              row.figures.cases_started_in_year?.suppressed === true ||
              row.figures.cases_closed_in_year?.suppressed === true,
          ),
        }),
      ),
    ),
    section(
      'funders-reasons',
      'Beendigungsgründe',
      reasons.years > 0
        ? element(
            'figure',
            { className: 'chart wide' },
            element(
              'figcaption',
              {},
              reasonsTitle,
              element('span', {
                className: 'stand',
                textContent: `Anteil an den im Jahr beendeten Fällen, ${stand}`,
              }),
            ),
            reasons.chart,
            chartDownloads(reasons.chart, {
              title: reasonsTitle,
              stand,
              fileName: `${fileBase}-beendigungsgruende`,
              notes: downloadNotes,
            }),
          )
        : element('p', {
            className: 'hint',
            textContent: 'Kein Jahr mit genug beendeten Fällen für eine Grafik.',
          }),
      element('p', {
        className: 'hint',
        textContent: `Eingezeichnet sind Jahre mit mindestens ${MIN_CLOSED_FOR_SHARES} beendeten Fällen; gesperrte Gründe fehlen.`,
      }),
    ),
    section(
      'funders-table',
      'Alle Zahlen nach Jahr und Träger',
      element('p', {
        className: 'hint',
        textContent: `Begonnene und beendete Fälle zählen im Jahr; Mietvertrag, Sprachniveau und Beschäftigung gelten am Tag der Beendigung, als Anteil in Klammern an den beendeten Fällen (Sprache und Beschäftigung: der Erwachsenen); betreute Personen und Integrationsmanager/innen (IM) am Stichtag 31.12. des Jahres.${response.rules ? ` Anteile erst ab ${response.rules.minDenominator} Fällen im Nenner.` : ''}`,
      }),
      ...framedTable(
        outcomeTitle,
        stand,
        fundingTable(`${outcomeTitle}, ${stand}`, response, OUTCOME_GROUPS),
      ),
      tableDownloads(outcomes, {
        title: outcomeTitle,
        stand,
        fileName: `${fileBase}-ergebnisse`,
        notes: downloadNotes,
      }),
      ...framedTable(
        reasonTitle,
        stand,
        fundingTable(`${reasonTitle}, ${stand}`, response, reasonGroups(response)),
      ),
      tableDownloads(byReason, {
        title: reasonTitle,
        stand,
        fileName: `${fileBase}-gruende`,
        notes: downloadNotes,
      }),
      fundingLinks(choice),
      ...(periodNote ? [element('p', { className: 'footnote', textContent: periodNote })] : []),
      ...(response.rules
        ? [
            element('p', {
              className: 'footnote',
              textContent: protectionNote(response.rules, shownFigures),
            }),
          ]
        : []),
    ),
    section(
      'funders-definitions',
      'Was die Zahlen zählen',
      element(
        'dl',
        { className: 'funding-definitions' },
        ...definitionEntries(response).map(({ label, definition }) =>
          element(
            'div',
            {},
            element('dt', { className: 'term', textContent: label }),
            element('dd', { className: 'meaning', textContent: definition }),
          ),
        ),
      ),
      element(
        'p',
        { className: 'hint' },
        'Die Kennzahlen zu einem Stichtag erklärt die Seite ',
        element('a', { href: '#definitionen', textContent: 'Definitionen' }),
        '. Die Zahlen beschreiben Lebenslagen der betreuten Personen, nicht die Wirkung der Beratung.',
      ),
    ),
  );
}

function yearSelect(id: string, name: string, value: number) {
  const years: number[] = [];
  for (let year = FIRST_YEAR; year <= lastYear(); year++) years.push(year);
  return element(
    'select',
    { id, name },
    ...years.map((year) =>
      element('option', {
        value: String(year),
        textContent: String(year),
        selected: year === value,
      }),
    ),
  );
}

function providerOptions(
  select: HTMLSelectElement,
  providers: { key: string; label: string }[],
  value: string,
) {
  const known = providers.some((provider) => provider.key === value) || value === '';
  select.replaceChildren(
    element('option', { value: '', textContent: 'Alle Träger' }),
    ...providers.map((provider) =>
      element('option', {
        value: provider.key,
        textContent: `${provider.label} (${provider.key})`,
      }),
    ),
    ...(known ? [] : [element('option', { value, textContent: value })]),
  );
  select.value = value;
}

function form(choice: FundersChoice) {
  const provider = element('select', { id: 'funders-provider', name: 'traeger' });
  providerOptions(provider, [], choice.traeger);
  const error = element('p', { id: 'funders-error', className: 'form-error' });
  const controls = element(
    'form',
    { className: 'panel choice funders-choice', noValidate: true },
    field('Von', yearSelect('funders-from', 'von', choice.von)),
    field('Bis', yearSelect('funders-to', 'bis', choice.bis)),
    field('Träger', provider),
    element('button', { type: 'submit', className: 'button', textContent: 'Anzeigen' }),
    error,
  );
  controls.setAttribute('aria-label', 'Jahre und Träger wählen');
  // Enter on a list applies the choice, as it does in a text field.
  controls.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target instanceof HTMLSelectElement) {
      event.preventDefault();
      controls.requestSubmit();
    }
  });
  controls.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(controls);
    const next: FundersChoice = {
      von: Number(data.get('von')),
      bis: Number(data.get('bis')),
      traeger: String(data.get('traeger') ?? ''),
    };
    const to = controls.elements.namedItem('bis') as HTMLSelectElement;
    if (next.von > next.bis) {
      error.textContent = '„Von“ muss vor „Bis“ liegen oder dasselbe Jahr sein.';
      to.setAttribute('aria-invalid', 'true');
      to.setAttribute('aria-describedby', error.id);
      to.focus();
      return;
    }
    error.textContent = '';
    to.removeAttribute('aria-invalid');
    navigate(fundersHash(next));
  });
  return controls;
}

const requests = newestRequest();

async function load(container: HTMLElement, choice: FundersChoice) {
  const signal = requests.start();
  const status = byId('funders-status');
  status.className = 'status';
  status.textContent = 'Zahlen werden geladen …';
  try {
    const response = await fetchFunding(queryOf(choice), signal);
    if (signal.aborted) return;
    const provider = container.querySelector<HTMLSelectElement>('#funders-provider');
    if (provider) providerOptions(provider, response.providers, choice.traeger);
    render(choice, response);
    status.textContent = `Förderzeitraum ${choice.von} bis ${choice.bis}, ${whoOf(response)}${response.as_of ? `, Stand der Daten ${formatDate(response.as_of)}` : ''}.`;
  } catch (error) {
    if (signal.aborted) return;
    byId('funders-result').replaceChildren();
    status.className = 'status error';
    status.textContent = `Die Zahlen konnten nicht geladen werden: ${(error as Error).message}`;
  }
}

/** Shows the period and provider the address names; the form changes the address. */
export async function showFunders(container: HTMLElement, { params, focus }: PageRoute) {
  const choice = fundersChoice(params);
  let controls = container.querySelector<HTMLFormElement>('form.funders-choice');
  if (controls) {
    (controls.elements.namedItem('von') as HTMLSelectElement).value = String(choice.von);
    (controls.elements.namedItem('bis') as HTMLSelectElement).value = String(choice.bis);
    const provider = controls.elements.namedItem('traeger') as HTMLSelectElement;
    if ([...provider.options].some((option) => option.value === choice.traeger))
      provider.value = choice.traeger;
  } else {
    controls = form(choice);
    container.replaceChildren(
      element('h2', { textContent: 'Förderzeitraum', tabIndex: -1 }),
      element('p', {
        className: 'lead',
        textContent:
          'Was aus der geförderten Beratung geworden ist, je Jahr und Träger: begonnene und beendete Fälle, die Gründe der Beendigung, Wohnung, Sprache und Arbeit am Tag der Beendigung und die Fälle je Integrationsmanager/in.',
      }),
      controls,
      withAttributes(element('p', { id: 'funders-status', className: 'status' }), {
        role: 'status',
      }),
      element('div', { id: 'funders-result' }),
    );
  }
  if (focus) container.querySelector('h2')?.focus();
  // The address names the choice as it is shown, defaults included.
  const hash = fundersHash(choice);
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  await load(container, choice);
}
