// The data page, part 3: the data-quality figures on a Stichtag kept in the address.
import {
  type ColumnCompleteness,
  fetchQuality,
  type QualityPart,
  type QualityResponse,
  type QualityTable,
  qualityUrl,
  type SnapshotDelivery,
  type StatusUnknown,
} from '../../api.ts';
import { cell, element, field, withAttributes } from '../../dom.ts';
import {
  type DownloadColumn,
  type DownloadMeta,
  type DownloadTable,
  downloadFileName,
  tableDownloads,
} from '../../downloads/index.ts';
import { formatCount, formatDate, formatDateTime, formatPercent, todayIso } from '../../format.ts';
import { newestRequest } from '../../newest.ts';
import { signedIn } from '../../session.ts';
import { dash, ISO_DATE, numberCell, recordsTable, withDetail } from './shared.ts';

/**
 * The Stichtag of the quality figures from the address; without one, the server's default
 * (the day the exports reach) is shown.
 */
export function qualityDate(params: URLSearchParams): string | undefined {
  const value = params.get('stichtag') ?? '';
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

export const dataHash = (date: string) => `#daten?stichtag=${date}`;

/**
 * A quality share in whole percent, as every figure is shown; but never "100 %" for a gap
 * or "0 %" for a few: a value that rounds to the edge says "> 99 %" or "< 1 %".
 */
export function formatQualityShare(part: QualityPart): string {
  if (part.share === null) return dash;
  if (part.count > 0 && part.share < 0.005) return '< 1 %';
  if (part.count < part.cases && part.share >= 0.995) return '> 99 %';
  return formatPercent(part.share);
}

export function deliveryLabel(snapshot: SnapshotDelivery): string {
  switch (snapshot.state) {
    case 'none':
      return 'kein Export gespeichert';
    case 'current':
      return 'aktuell';
    case 'overdue':
      return `überfällig seit ${formatCount(snapshot.days_overdue)} ${snapshot.days_overdue === 1 ? 'Tag' : 'Tagen'}`;
  }
}

// ---------------------------------------------------------------------------------------
// (3) Data quality on a Stichtag.

export function qualitySection(initialDate: string | undefined, current: () => boolean) {
  let date = initialDate;
  const input = element('input', {
    id: 'quality-date',
    type: 'date',
    name: 'stichtag',
    required: true,
    min: '2018-01-01',
    value: date ?? '',
  });
  const error = withAttributes(element('p', { className: 'form-error' }), { role: 'alert' });
  const form = element(
    'form',
    { className: 'filters', noValidate: true },
    field('Stichtag', input),
    element('button', { type: 'submit', className: 'button', textContent: 'Anzeigen' }),
    error,
  );
  withAttributes(form, { 'aria-label': 'Stichtag der Datenqualität' });
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const figures = element('div', { className: 'quality' });
  const section = element(
    'section',
    { className: 'data-section' },
    element('h3', { id: 'quality-title', textContent: 'Datenqualität' }),
    element('p', {
      className: 'hint',
      textContent:
        'Interne Prüfzahlen für die Koordination und die Träger: nicht gesperrt, aber nur Summen je Träger, nie einzelne Fälle.',
    }),
    form,
    status,
    figures,
  );
  withAttributes(section, { 'aria-labelledby': 'quality-title' });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!ISO_DATE.test(input.value)) {
      error.textContent = 'Bitte einen Stichtag angeben.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    date = input.value;
    // A new entry in the history without a new page: the form keeps focus.
    window.history.pushState(null, '', dataHash(date));
    void reload();
  });

  const requests = newestRequest();
  async function reload() {
    const signal = requests.start();
    status.className = 'status';
    status.textContent = date
      ? `Datenqualität am ${formatDate(date)} wird berechnet …`
      : 'Datenqualität am Stand der Exporte wird berechnet …';
    withAttributes(figures, { 'aria-busy': 'true' });
    try {
      const quality = await signedIn(() => fetchQuality(date, signal));
      if (!current() || signal.aborted) return;
      figures.replaceChildren(...qualityViews(quality));
      // The server's default day, shown in the field, so the form starts from it.
      date = quality.date;
      input.value = quality.date;
      status.textContent = `Stand ${formatDate(quality.date)}.`;
    } catch (cause) {
      if (!current() || signal.aborted) return;
      figures.replaceChildren();
      status.className = 'status error';
      status.textContent = `Die Datenqualität konnte nicht berechnet werden: ${(cause as Error).message}`;
    } finally {
      if (!signal.aborted) figures.removeAttribute('aria-busy');
    }
  }
  void reload();
  return { section, reload };
}

const providerLabel = (provider: string | null) => provider ?? 'Insgesamt';

/** A share with its count and population beneath: "75 %" over "3 von 4". */
function shareCell(label: string, part: QualityPart) {
  return numberCell(
    label,
    withDetail(
      element('span', { className: 'share', textContent: formatQualityShare(part) }),
      `${formatCount(part.count)} von ${formatCount(part.cases)}`,
    ),
  );
}

/** The API's own CSV of a table: every column of the answer, for further processing. */
function apiCsvLink(date: string, table: QualityTable, what: string) {
  return element(
    'p',
    { className: 'links' },
    element('a', {
      href: qualityUrl(date, table, 'csv'),
      textContent: `${what}: Rohdaten (API) als CSV`,
    }),
  );
}

/** A quality table as the download buttons write it: its figures and what the file says. */
export interface QualityDownload {
  table: DownloadTable;
  meta: DownloadMeta;
}

const SNAPSHOTS_TITLE = 'Neuester gespeicherter Stand je Träger';
const COMPLETENESS_TITLE = 'Vollständigkeit der freiwilligen Angaben je Träger';
const STATUS_TITLE = 'Unbekannter Status je Träger';
const DURATION_TITLE = 'Laufende Fälle über der Höchstdauer je Träger';

const standOn = (date: string) => `Stand ${formatDate(date)}`;

function qualityMeta(title: string, sheetName: string, stand: string, date: string) {
  return {
    title,
    stand,
    sheetName,
    fileName: downloadFileName(`Datenqualität ${sheetName}`, date),
  } satisfies DownloadMeta;
}

const text = (label: string): DownloadColumn => ({ label, kind: 'text' });
const count = (label: string): DownloadColumn => ({ label, kind: 'number' });

/** A part as the share the page shows and the count beneath it; the population has its own column. */
const partColumns = (label: string): DownloadColumn[] => [
  { label, kind: 'share' },
  count(`${label} (Anzahl)`),
];
/** Without a population the share is the page's dash: null would be written as withheld ("."). */
const partValues = (part: QualityPart) => [part.share ?? dash, part.count];

/** The rows of a per-provider table in the page's order: the providers, then all together. */
function inGroupOrder<Row extends { provider: string | null }>(
  quality: QualityResponse,
  rows: Row[],
): Row[] {
  const byProvider = new Map(rows.map((row) => [row.provider, row]));
  return groupsOf(quality).flatMap((group) => byProvider.get(group) ?? []);
}

/** The four quality tables of one answer, each with its heading, explanation and downloads. */
export function qualityViews(quality: QualityResponse, today = todayIso()): HTMLElement[] {
  const stand = standOn(quality.date);
  return [
    snapshotsView(quality, stand),
    completenessView(quality, today),
    statusView(quality, stand),
    durationView(quality, stand),
  ];
}

function qualityPart(
  heading: string,
  explanation: string,
  table: HTMLElement,
  download: QualityDownload,
  ...after: HTMLElement[]
) {
  return element(
    'section',
    { className: 'quality-part' },
    element('h4', { textContent: heading }),
    element('p', { className: 'hint', textContent: explanation }),
    table,
    tableDownloads(download.table, download.meta),
    ...after,
  );
}

const snapshotCells = (s: SnapshotDelivery) =>
  [
    `${s.provider} – ${s.name}`,
    s.latest_as_of ? formatDate(s.latest_as_of) : dash,
    s.imported_at ? formatDateTime(s.imported_at) : dash,
    s.next_due ? formatDate(s.next_due) : dash,
  ] as const;

const SNAPSHOT_HEADERS = ['Träger', 'Neuester Stand', 'Eingegangen', 'Fällig bis', 'Lieferung'];

/** Days as days and the moment of arrival as a moment: Excel dates in the workbook. */
export function snapshotsDownload(quality: QualityResponse): QualityDownload {
  return {
    table: {
      columns: [
        text('Träger'),
        { label: 'Neuester Stand', kind: 'date' },
        { label: 'Eingegangen', kind: 'datetime' },
        { label: 'Fällig bis', kind: 'date' },
        text('Lieferung'),
      ],
      rows: quality.snapshots.map((s) => [
        `${s.provider} – ${s.name}`,
        s.latest_as_of ?? dash,
        s.imported_at ?? dash,
        s.next_due ?? dash,
        deliveryLabel(s),
      ]),
    },
    meta: qualityMeta(SNAPSHOTS_TITLE, 'Lieferung', standOn(quality.date), quality.date),
  };
}

function snapshotsView(quality: QualityResponse, stand: string) {
  const overdue = quality.snapshots.filter((s) => s.state !== 'current').length;
  const rows = quality.snapshots.map((s) => {
    const [provider, latest, imported, due] = snapshotCells(s);
    return element(
      'tr',
      { className: s.state },
      cell('Träger', provider),
      cell('Neuester Stand', latest),
      cell('Eingegangen', imported),
      cell('Fällig bis', due),
      cell(
        'Lieferung',
        element('span', { className: `delivery ${s.state}`, textContent: deliveryLabel(s) }),
      ),
    );
  });
  return qualityPart(
    'Lieferung der Exporte',
    quality.delivery_rule.description,
    recordsTable(
      `${SNAPSHOTS_TITLE}, ${stand}: ${overdue === 0 ? 'alle aktuell' : `${formatCount(overdue)} nicht aktuell`}`,
      'snapshots',
      SNAPSHOT_HEADERS,
      rows,
    ),
    snapshotsDownload(quality),
    apiCsvLink(quality.date, 'snapshots', 'Lieferung'),
  );
}

function groupsOf(quality: QualityResponse): (string | null)[] {
  const codes = quality.providers.map((p) => p.code);
  return codes.length > 1 ? [...codes, null] : codes;
}

/** The columns of the export by their rule, and each column's figures by provider. */
function completenessOf(quality: QualityResponse) {
  const byColumn = new Map<string, ColumnCompleteness[]>();
  for (const row of quality.completeness) {
    byColumn.set(row.column, [...(byColumn.get(row.column) ?? []), row]);
  }
  const columns = [...byColumn.values()].map((rows) => rows[0] as ColumnCompleteness);
  const partOf = (column: ColumnCompleteness, group: string | null) =>
    byColumn.get(column.column)?.find((row) => row.provider === group);
  return {
    groups: groupsOf(quality),
    measured: columns.filter((c) => c.rule === 'optional'),
    guaranteed: columns.filter((c) => c.rule !== 'optional'),
    partOf,
  };
}

/**
 * Completeness is of all stored cases as the newest exports state them, whatever the
 * Stichtag: its Stand is the day the figures were computed, `today`.
 */
export function completenessDownload(
  quality: QualityResponse,
  today = todayIso(),
): QualityDownload {
  const { groups, measured, partOf } = completenessOf(quality);
  return {
    table: {
      columns: [
        text('Angabe'),
        text('Grundgesamtheit'),
        ...groups
          .map(providerLabel)
          .flatMap((label): DownloadColumn[] => [
            { label, kind: 'share' },
            count(`${label} (mit Angabe)`),
            count(`${label} (Fälle)`),
          ]),
      ],
      rows: measured.map((column) => [
        column.label,
        column.population,
        ...groups.flatMap((group) => {
          const part = partOf(column, group);
          return part ? [part.share ?? dash, part.count, part.cases] : [dash, dash, dash];
        }),
      ]),
    },
    meta: qualityMeta(
      COMPLETENESS_TITLE,
      'Vollständigkeit',
      `Stand der gespeicherten Exporte am ${formatDate(today)}, alle gespeicherten Fälle`,
      today,
    ),
  };
}

function completenessView(quality: QualityResponse, today: string) {
  const { groups, measured, guaranteed, partOf } = completenessOf(quality);
  const rows = measured.map((column) =>
    element(
      'tr',
      {},
      cell(
        'Angabe',
        withDetail(
          element('span', { className: 'column-label', textContent: column.label }),
          column.population,
        ),
      ),
      ...groups.map((group) => {
        const part = partOf(column, group);
        return part ? shareCell(providerLabel(group), part) : cell(providerLabel(group), dash);
      }),
    ),
  );
  return qualityPart(
    'Vollständigkeit der Angaben',
    'Anteil der gespeicherten Fälle (laufend und beendet, wie der neueste Export sie nennt), in denen die Angabe vorhanden und bekannt ist. Ein Status zählt als bekannt, wenn irgendein Export ihn genannt hat.',
    recordsTable(
      `${COMPLETENESS_TITLE}, alle gespeicherten Fälle`,
      'completeness',
      ['Angabe', ...groups.map(providerLabel)],
      rows,
      1,
    ),
    completenessDownload(quality, today),
    element('p', {
      className: 'hint',
      textContent: `Immer vollständig, weil der Import eine Lücke dort ablehnt: ${guaranteed.map((c) => c.label).join(', ')}.`,
    }),
    apiCsvLink(quality.date, 'completeness', 'Vollständigkeit'),
  );
}

const STATUS_ACTIVE: [string, (row: StatusUnknown) => QualityPart][] = [
  ['Sprachniveau unbekannt', (row) => row.active.language_level],
  ['Beschäftigung unbekannt', (row) => row.active.employment],
  ['Wohnsituation unbekannt', (row) => row.active.housing],
];
const STATUS_ADULT: [string, (row: StatusUnknown) => QualityPart][] = [
  ['Erwachsene: Sprachniveau unbekannt', (row) => row.adult.language_level],
  ['Erwachsene: Beschäftigung unbekannt', (row) => row.adult.employment],
];

export function statusDownload(quality: QualityResponse): QualityDownload {
  return {
    table: {
      columns: [
        text('Träger'),
        count('Laufende Fälle'),
        ...STATUS_ACTIVE.flatMap(([label]) => partColumns(label)),
        count('Erwachsene'),
        ...STATUS_ADULT.flatMap(([label]) => partColumns(label)),
      ],
      rows: inGroupOrder(quality, quality.status_unknown).map((row) => [
        providerLabel(row.provider),
        row.active.language_level.cases,
        ...STATUS_ACTIVE.flatMap(([, part]) => partValues(part(row))),
        row.adult.language_level.cases,
        ...STATUS_ADULT.flatMap(([, part]) => partValues(part(row))),
      ]),
    },
    meta: qualityMeta(STATUS_TITLE, 'Unbekannter Status', standOn(quality.date), quality.date),
  };
}

function statusView(quality: QualityResponse, stand: string) {
  const rows = inGroupOrder(quality, quality.status_unknown).map((row) =>
    element(
      'tr',
      { className: row.provider === null ? 'total' : '' },
      cell('Träger', providerLabel(row.provider)),
      numberCell('Laufende Fälle', formatCount(row.active.language_level.cases)),
      ...STATUS_ACTIVE.map(([label, part]) => shareCell(label, part(row))),
      numberCell('Erwachsene', formatCount(row.adult.language_level.cases)),
      ...STATUS_ADULT.map(([label, part]) => shareCell(label, part(row))),
    ),
  );
  return qualityPart(
    'Unbekannter Status am Stichtag',
    'Laufende Fälle, deren Sprachniveau, Beschäftigung oder Wohnsituation am Stichtag kein Export nennt. Bei Kindern fehlen Sprachniveau und Beschäftigung oft zu Recht; die Spalten für Erwachsene zeigen den Nenner der Kennzahlen. Eine Wohnsituation ohne Mietvertrag gilt erst ab dem Stand des Exports, der sie nennt.',
    recordsTable(
      `${STATUS_TITLE}, ${stand}`,
      'status-unknown',
      [
        'Träger',
        'Laufende Fälle',
        ...STATUS_ACTIVE.map(([label]) => label),
        'Erwachsene',
        ...STATUS_ADULT.map(([label]) => label),
      ],
      rows,
      1,
    ),
    statusDownload(quality),
    apiCsvLink(quality.date, 'status', 'Unbekannter Status'),
  );
}

export function durationDownload(quality: QualityResponse): QualityDownload {
  return {
    table: {
      columns: [
        text('Träger'),
        count('Laufende Fälle'),
        ...partColumns('über 3 Jahre'),
        ...partColumns('über 4 Jahre'),
      ],
      rows: inGroupOrder(quality, quality.duration).map((row) => [
        providerLabel(row.provider),
        row.active,
        ...partValues(row.over_three_years),
        ...partValues(row.over_four_years),
      ]),
    },
    meta: qualityMeta(DURATION_TITLE, 'Höchstdauer', standOn(quality.date), quality.date),
  };
}

function durationView(quality: QualityResponse, stand: string) {
  const rows = inGroupOrder(quality, quality.duration).map((row) =>
    element(
      'tr',
      { className: row.provider === null ? 'total' : '' },
      cell('Träger', providerLabel(row.provider)),
      numberCell('Laufende Fälle', formatCount(row.active)),
      shareCell('über 3 Jahre', row.over_three_years),
      shareCell('über 4 Jahre', row.over_four_years),
    ),
  );
  return qualityPart(
    'Fälle über der Höchstdauer',
    'Die Beratung dauert höchstens drei Jahre, mit Begründung vier. Der Export enthält keine Begründung: Fälle über drei Jahre sind zu prüfen, Fälle über vier Jahre laufen auch mit Begründung zu lang (oder ihr Ende fehlt im Export).',
    recordsTable(
      `${DURATION_TITLE}, ${stand}`,
      'duration',
      ['Träger', 'Laufende Fälle', 'über 3 Jahre', 'über 4 Jahre'],
      rows,
      1,
    ),
    durationDownload(quality),
    apiCsvLink(quality.date, 'duration', 'Höchstdauer'),
  );
}
