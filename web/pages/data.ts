// The data page (#daten) for the district office and the providers: upload an export (a
// dry run first, then store the same file), the import log, and the data-quality figures
// on a Stichtag kept in the address (#daten?stichtag=…). A provider's account sees and
// uploads its own provider only; the server enforces that, the page only follows it.
import {
  type ColumnCompleteness,
  type ExportUpload,
  fetchImports,
  fetchProviders,
  fetchQuality,
  type ImportIssue,
  type ImportLogEntry,
  type ImportSummary,
  importsUrl,
  type QualityPart,
  type QualityResponse,
  type QualityTable,
  qualityUrl,
  type SnapshotDelivery,
  type StatusUnknown,
  uploadExport,
} from '../api.ts';
import { cell, element, field, withAttributes } from '../dom.ts';
import {
  type DownloadColumn,
  type DownloadMeta,
  type DownloadTable,
  downloadFileName,
  tableDownloads,
} from '../downloads/index.ts';
import { formatCount, formatDate, formatDateTime, formatPercent, todayIso } from '../format.ts';
import type { PageRoute } from '../main.ts';
import { currentSession, signedIn } from '../session.ts';
import { onlyFor } from './admin-only.ts';

const TITLE = 'Daten';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const dash = '–';
/** The server tells the kind of file from its content; these only guide the file picker. */
const ACCEPT = '.csv,.txt,.xlsx,.arrow,.arrows,.feather,.ipc';

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

/** 1234 -> "1,2 kB". */
export function formatBytes(bytes: number): string {
  const units = ['Byte', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${value.toLocaleString('de-DE', { maximumFractionDigits: digits })} ${units[unit]}`;
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

const IMPORT_STATUS: Record<ImportLogEntry['status'], string> = {
  imported: 'gespeichert',
  unchanged: 'unverändert (schon gespeichert)',
  rejected: 'abgelehnt',
};

const FORMAT_LABELS: Record<string, string> = {
  csv: 'CSV',
  xlsx: 'XLSX',
  'arrow-file': 'Arrow',
  'arrow-stream': 'Arrow',
};

const plural = (count: number, one: string, many: string) =>
  `${formatCount(count)} ${count === 1 ? one : many}`;

let latest = 0;

export function showData(container: HTMLElement, { params, focus }: PageRoute) {
  const run = ++latest;
  const allowed = onlyFor(
    container,
    TITLE,
    ['admin', 'provider'],
    'die Koordination im Landratsamt und die Träger',
  );
  if (!allowed) {
    if (focus) container.querySelector('h2')?.focus();
    return;
  }
  const { user } = currentSession();
  const ownProvider = user?.role === 'provider' ? user.provider : null;
  const current = () => run === latest;

  const log = importLog(current);
  const quality = qualitySection(qualityDate(params), current);
  const upload = uploadSection(ownProvider, current, () => {
    void log.reload();
    void quality.reload();
  });

  const heading = element('h2', { textContent: TITLE, tabIndex: -1 });
  container.replaceChildren(
    heading,
    element('p', {
      className: 'lead',
      textContent: ownProvider
        ? `Exporte des Trägers ${ownProvider} hochladen, das Importprotokoll und die Datenqualität der eigenen Fälle.`
        : 'Exporte der Träger hochladen, das Importprotokoll und die Datenqualität je Träger.',
    }),
    upload,
    log.section,
    quality.section,
  );
  if (focus) heading.focus();
}

// ---------------------------------------------------------------------------------------
// (1) Upload: a dry run, and only then storing the same file.

function uploadSection(
  ownProvider: string | null,
  current: () => boolean,
  onStored: () => void,
): HTMLElement {
  const file = element('input', { id: 'upload-file', type: 'file', name: 'file', accept: ACCEPT });
  const fileHint = element('p', {
    id: 'upload-file-hint',
    className: 'hint',
    textContent:
      'CSV, XLSX oder Apache Arrow; die Art erkennt der Server am Inhalt, nicht am Namen.',
  });
  withAttributes(file, { 'aria-describedby': fileHint.id });
  const provider = element('select', { id: 'upload-provider', name: 'provider', required: true });
  if (ownProvider) {
    provider.append(element('option', { value: ownProvider, textContent: ownProvider }));
  } else {
    provider.append(element('option', { value: '', textContent: 'Träger wählen …' }));
  }
  const asOf = element('input', {
    id: 'upload-as-of',
    type: 'date',
    name: 'as_of',
    required: true,
    min: '2015-01-01',
    max: todayIso(),
  });
  const force = element('input', { id: 'upload-force', type: 'checkbox', name: 'force' });
  const forceHint = element('p', {
    id: 'upload-force-hint',
    className: 'hint',
    textContent: 'Nur zum Nachtragen eines älteren Stands, wenn schon ein neuerer gespeichert ist.',
  });
  withAttributes(force, { 'aria-describedby': forceHint.id });
  const forceField = element(
    'div',
    { className: 'check-field' },
    force,
    element('label', { htmlFor: force.id, textContent: FORCE_LABEL }),
    forceHint,
  );
  const error = withAttributes(element('p', { className: 'form-error' }), { role: 'alert' });
  const dryRun = element('button', {
    type: 'submit',
    className: 'button',
    textContent: 'Probelauf',
  });
  const progress = element('progress', { id: 'upload-progress', max: 1, value: 0 });
  const progressField = element(
    'div',
    { className: 'upload-progress', hidden: true },
    element('label', { htmlFor: progress.id, textContent: 'Übertragung' }),
    progress,
  );
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const result = element('div', { className: 'upload-result' });

  const form = element(
    'form',
    { className: 'panel upload-form', noValidate: true },
    field('Exportdatei', file, fileHint),
    field(
      'Träger',
      provider,
      ...(ownProvider
        ? [
            element('p', {
              className: 'hint',
              textContent: 'Ihr Konto lädt nur für diesen Träger hoch.',
            }),
          ]
        : []),
    ),
    field('Stichtag des Exports (Stand)', asOf),
    forceField,
    error,
    element('div', { className: 'actions' }, dryRun, progressField),
  );
  withAttributes(form, { 'aria-label': 'Export hochladen' });

  const section = element(
    'section',
    { className: 'data-section' },
    element('h3', { id: 'upload-title', textContent: 'Export hochladen' }),
    element('p', {
      className: 'hint',
      textContent:
        'Zuerst prüft ein Probelauf die Datei und zeigt, was sich ändern würde; gespeichert wird erst mit „Speichern“. Eine Datei mit Fehlern wird ganz abgelehnt.',
    }),
    form,
    status,
    result,
  );
  withAttributes(section, { 'aria-labelledby': 'upload-title' });

  if (!ownProvider) {
    fetchProviders(todayIso())
      .then((providers) => {
        if (!current()) return;
        provider.append(
          ...providers.map((p) =>
            element('option', { value: p.code, textContent: `${p.code} – ${p.name}` }),
          ),
        );
      })
      .catch((cause: Error) => {
        if (current())
          error.textContent = `Die Träger konnten nicht geladen werden: ${cause.message}`;
      });
  }

  /** The upload the shown dry run was for; storing sends exactly this again. */
  let checked: ExportUpload | null = null;
  let busy = false;

  const fail = (message: string, control?: HTMLElement) => {
    error.textContent = message;
    control?.setAttribute('aria-invalid', 'true');
    control?.focus();
  };

  async function send(upload: ExportUpload): Promise<ImportSummary | null> {
    busy = true;
    dryRun.disabled = true;
    for (const button of result.querySelectorAll('button')) button.disabled = true;
    withAttributes(section, { 'aria-busy': 'true' });
    status.className = 'status';
    status.textContent = `${upload.file.name} wird hochgeladen …`;
    progress.value = 0;
    progressField.hidden = false;
    try {
      return await signedIn((csrf) =>
        uploadExport(upload, csrf, (step) => {
          if (step.phase === 'upload') {
            progress.value = step.total === 0 ? 1 : step.loaded / step.total;
          } else {
            progress.value = 1;
            status.textContent = upload.dryRun
              ? 'Übertragen. Der Server prüft die Datei (Probelauf) …'
              : 'Übertragen. Der Server prüft und speichert die Datei …';
          }
        }),
      );
    } catch (cause) {
      status.className = 'status error';
      status.textContent = `${upload.dryRun ? 'Der Probelauf' : 'Das Speichern'} ist gescheitert: ${(cause as Error).message}`;
      return null;
    } finally {
      busy = false;
      dryRun.disabled = false;
      for (const button of result.querySelectorAll('button')) button.disabled = false;
      section.removeAttribute('aria-busy');
      progressField.hidden = true;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    error.textContent = '';
    for (const control of [file, provider, asOf]) control.removeAttribute('aria-invalid');
    const chosen = file.files?.[0];
    if (!chosen) return fail('Bitte eine Exportdatei wählen.', file);
    if (!provider.value)
      return fail('Bitte den Träger wählen, von dem der Export stammt.', provider);
    if (!ISO_DATE.test(asOf.value))
      return fail('Bitte den Stichtag des Exports angeben (das Datum seines Stands).', asOf);
    if (asOf.value > todayIso())
      return fail('Der Stichtag des Exports liegt in der Zukunft.', asOf);
    checked = null;
    result.replaceChildren();
    const upload: ExportUpload = {
      file: chosen,
      provider: provider.value,
      asOf: asOf.value,
      dryRun: true,
      force: force.checked,
    };
    const summary = await send(upload);
    if (!summary || !current()) return;
    const clean = summary.status === 'dry_run' && summary.error_count === 0;
    checked = clean ? upload : null;
    showResult(summary, upload);
  });

  // Another file, provider or date makes the shown dry run stale.
  form.addEventListener('change', () => {
    if (!checked) return;
    checked = null;
    result.querySelector('.save-actions')?.replaceChildren(
      element('p', {
        className: 'hint',
        textContent: 'Die Auswahl hat sich geändert: bitte erneut einen Probelauf starten.',
      }),
    );
  });

  async function store() {
    if (!checked || busy) return;
    const upload = { ...checked, dryRun: false };
    const summary = await send(upload);
    if (!summary || !current()) return;
    checked = null;
    showResult(summary, upload);
    if (summary.status === 'imported' || summary.status === 'unchanged') {
      form.reset();
      onStored();
    }
  }

  function showResult(summary: ImportSummary, upload: ExportUpload) {
    const rejected = summary.status === 'rejected';
    status.className = rejected ? 'status error' : 'status';
    status.textContent = resultMessage(summary, upload);
    const saveActions = element('div', { className: 'actions save-actions' });
    if (summary.status === 'dry_run' && checked) {
      saveActions.append(
        element('button', {
          type: 'button',
          className: 'button',
          textContent: 'Speichern',
          onclick: () => void store(),
        }),
        element('button', {
          type: 'button',
          className: 'button secondary',
          textContent: 'Verwerfen',
          onclick: () => {
            checked = null;
            result.replaceChildren();
            status.textContent = 'Probelauf verworfen; nichts wurde gespeichert.';
          },
        }),
      );
    }
    result.replaceChildren(summaryView(summary, upload, saveActions));
  }

  return section;
}

/** The page's checkbox that sends force=true. */
const FORCE_LABEL = 'Ältere Lieferung trotzdem einspielen';

/** Why an older Stand is refused, and what to do about it on this page. */
export function olderSnapshotText(upload: Pick<ExportUpload, 'provider' | 'asOf'>): string {
  return `Für ${upload.provider} ist schon ein neuerer Stand als der ${formatDate(upload.asOf)} gespeichert. Um diese ältere Lieferung nachzutragen, „${FORCE_LABEL}“ ankreuzen und den Probelauf erneut starten.`;
}

/** An issue in the page's words: the server's, except where the page offers the remedy. */
const issueMessage = (issue: ImportIssue, upload: ExportUpload) =>
  issue.code === 'older_snapshot' ? olderSnapshotText(upload) : issue.message;

export function resultMessage(summary: ImportSummary, upload: ExportUpload): string {
  const errors = plural(summary.error_count, 'Fehler', 'Fehler');
  // Refused only for its Stand, not for its content: nothing in the file needs changing.
  if (summary.error_count === 1 && summary.errors[0]?.code === 'older_snapshot')
    return `${upload.dryRun ? 'Probelauf: Die Datei würde abgelehnt. ' : 'Nicht gespeichert. '}${olderSnapshotText(upload)}`;
  switch (summary.status) {
    case 'dry_run':
      return summary.error_count === 0
        ? `Probelauf ohne Fehler (${plural(summary.warning_count, 'Warnung', 'Warnungen')}). Noch ist nichts gespeichert: zum Übernehmen „Speichern“ wählen.`
        : `Probelauf mit ${errors}: Die Datei würde abgelehnt. Nichts wurde gespeichert.`;
    case 'rejected':
      return `Abgelehnt wegen ${errors}: Nichts wurde gespeichert. Bitte die Datei berichtigen und erneut prüfen.`;
    case 'imported':
      return `Gespeichert: ${plural(summary.new, 'Fall', 'Fälle')} neu, ${formatCount(summary.changed)} geändert, ${formatCount(summary.unchanged)} unverändert.${summary.missing > 0 ? ` ${plural(summary.missing, 'Fall fehlt', 'Fälle fehlen')} im Export und ${summary.missing === 1 ? 'bleibt' : 'bleiben'} gespeichert.` : ''}`;
    case 'unchanged':
      return 'Dieser Stand ist schon gespeichert: Nichts hat sich geändert.';
  }
}

const SUMMARY_TITLES: Record<ImportSummary['status'], string> = {
  dry_run: 'Ergebnis des Probelaufs',
  rejected: 'Abgelehnt',
  imported: 'Gespeichert',
  unchanged: 'Unverändert',
};

/** Errors are listed at once; many warnings wait behind a disclosure, below the actions. */
const WARNINGS_SHOWN_OPEN = 5;

function summaryView(
  summary: ImportSummary,
  upload: ExportUpload,
  actions: HTMLElement,
): HTMLElement {
  const format = summary.format ? (FORMAT_LABELS[summary.format] ?? summary.format) : null;
  const figures: [string, number][] = [
    ['Zeilen', summary.rows],
    ['Neu', summary.new],
    ['Geändert', summary.changed],
    ['Unverändert', summary.unchanged],
    ['Fehlen im Export', summary.missing],
    ['Warnungen', summary.warning_count],
    ['Fehler', summary.error_count],
  ];
  return element(
    'div',
    { className: `summary ${summary.status}` },
    element('h4', { textContent: SUMMARY_TITLES[summary.status] }),
    element('p', {
      className: 'hint',
      textContent: [
        upload.file.name,
        format && `${format}, ${formatBytes(summary.bytes)}`,
        `Träger ${summary.provider}`,
        `Stand ${formatDate(summary.as_of)}`,
      ]
        .filter(Boolean)
        .join(' · '),
    }),
    element(
      'dl',
      { className: 'summary-figures' },
      ...figures.map(([label, value]) =>
        element(
          'div',
          { className: label === 'Fehler' && value > 0 ? 'has-errors' : '' },
          element('dt', { textContent: label }),
          element('dd', { textContent: formatCount(value) }),
        ),
      ),
    ),
    actions,
    ...(summary.error_count > 0
      ? [issueTable('Fehler', summary.errors, summary.error_count, 'issues errors', upload)]
      : []),
    ...(summary.warning_count > 0
      ? [
          element(
            'details',
            { className: 'issues-details', open: summary.warning_count <= WARNINGS_SHOWN_OPEN },
            element('summary', {
              textContent: `${plural(summary.warning_count, 'Warnung', 'Warnungen')} anzeigen`,
            }),
            issueTable(
              'Warnungen',
              summary.warnings,
              summary.warning_count,
              'issues warnings',
              upload,
            ),
          ),
        ]
      : []),
  );
}

function issueTable(
  title: string,
  issues: ImportIssue[],
  total: number,
  className: string,
  upload: ExportUpload,
) {
  const caption =
    total > issues.length
      ? `${title}: die ersten ${formatCount(issues.length)} von ${formatCount(total)}, nach Zeilen geordnet`
      : `${title} (${formatCount(total)})`;
  return element(
    'div',
    { className: 'table-frame' },
    element(
      'table',
      { className: `records ${className}` },
      element('caption', { textContent: caption }),
      headerRow(['Zeile', 'Spalte', 'Wert', 'Meldung']),
      element(
        'tbody',
        {},
        ...issues.map((issue) =>
          element(
            'tr',
            {},
            cell('Zeile', issue.row === null ? 'ganze Datei' : formatCount(issue.row)),
            cell('Spalte', issue.column ?? dash),
            cell('Wert', ...(issue.value ? [element('code', { textContent: issue.value })] : [])),
            cell('Meldung', issueMessage(issue, upload)),
          ),
        ),
      ),
    ),
  );
}

/** Column headers; those in `numbers` head columns of numbers (right-aligned). */
function headerRow(headers: string[], numbers: readonly string[] = []) {
  return element(
    'thead',
    {},
    element(
      'tr',
      {},
      ...headers.map((header) =>
        element('th', {
          scope: 'col',
          textContent: header,
          className: numbers.includes(header) ? 'number' : '',
        }),
      ),
    ),
  );
}

/**
 * A value with a small line beneath, as one child of its cell, so that a phone's card keeps
 * both in the value column.
 */
function withDetail(value: HTMLElement, detail: string) {
  return element(
    'span',
    { className: 'with-detail' },
    value,
    ...(detail ? [' ', element('span', { className: 'detail', textContent: detail })] : []),
  );
}

/** A cell of a number column. */
function numberCell(label: string, ...children: (Node | string)[]) {
  const td = cell(label, ...children);
  td.className = 'number';
  return td;
}

// ---------------------------------------------------------------------------------------
// (2) The import log.

function importLog(current: () => boolean) {
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const rows = element('tbody');
  const frame = element(
    'div',
    { className: 'table-frame', hidden: true },
    element(
      'table',
      { className: 'records imports' },
      element('caption', {
        className: 'visually-hidden',
        textContent: 'Importprotokoll, neueste zuerst',
      }),
      headerRow(
        ['Eingegangen', 'Träger', 'Stand', 'Datei', 'Ergebnis', 'Zeilen', 'Fälle', 'Hinweise'],
        ['Zeilen'],
      ),
      rows,
    ),
  );
  const section = element(
    'section',
    { className: 'data-section' },
    element('h3', { id: 'log-title', textContent: 'Importprotokoll' }),
    element(
      'p',
      { className: 'hint' },
      'Jeder Import, gespeichert, unverändert oder abgelehnt, die neuesten zuerst; Probeläufe stehen nicht darin. ',
      element('a', { href: importsUrl, textContent: 'Als JSON' }),
    ),
    status,
    frame,
  );
  withAttributes(section, { 'aria-labelledby': 'log-title' });

  async function reload() {
    status.className = 'status';
    status.textContent = 'Importprotokoll wird geladen …';
    try {
      const { imports } = await signedIn(() => fetchImports());
      if (!current()) return;
      rows.replaceChildren(...imports.map(logRow));
      frame.hidden = imports.length === 0;
      status.textContent =
        imports.length === 0
          ? 'Noch kein Import.'
          : `${plural(imports.length, 'Import', 'Importe')}, davon ${formatCount(imports.filter((i) => i.status === 'rejected').length)} abgelehnt.`;
    } catch (cause) {
      if (!current()) return;
      status.className = 'status error';
      status.textContent = `Das Importprotokoll konnte nicht geladen werden: ${(cause as Error).message}`;
    }
  }
  void reload();
  return { section, reload };
}

/** What an import did to the cases, naming only what happened: "2 neu · 643 fehlen". */
export function caseCounts(
  entry: Pick<ImportLogEntry, 'new' | 'changed' | 'unchanged' | 'missing'>,
) {
  const parts = [
    [entry.new, 'neu'],
    [entry.changed, 'geändert'],
    [entry.unchanged, 'unverändert'],
    [entry.missing, 'fehlen im Export'],
  ] as const;
  const named = parts.filter(([count]) => count > 0);
  return named.length === 0
    ? dash
    : named.map(([count, what]) => `${formatCount(count)} ${what}`).join(' · ');
}

export function issueCounts(entry: Pick<ImportLogEntry, 'error_count' | 'warning_count'>) {
  const named = [
    entry.error_count > 0 ? plural(entry.error_count, 'Fehler', 'Fehler') : null,
    entry.warning_count > 0 ? plural(entry.warning_count, 'Warnung', 'Warnungen') : null,
  ].filter(Boolean);
  return named.length === 0 ? dash : named.join(' · ');
}

function logRow(entry: ImportLogEntry) {
  const format = entry.format ? (FORMAT_LABELS[entry.format] ?? entry.format) : null;
  const about = [
    format,
    entry.bytes === null ? null : formatBytes(entry.bytes),
    entry.forced ? 'älterer Stand nachgetragen' : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return element(
    'tr',
    {},
    cell(
      'Eingegangen',
      element('time', {
        dateTime: entry.created_at,
        textContent: formatDateTime(entry.created_at),
      }),
    ),
    cell('Träger', entry.provider),
    cell('Stand', element('time', { dateTime: entry.as_of, textContent: formatDate(entry.as_of) })),
    cell(
      'Datei',
      withDetail(
        element('span', { className: 'file-name', textContent: entry.file_name ?? dash }),
        about,
      ),
    ),
    cell(
      'Ergebnis',
      element('span', {
        className: `import-state ${entry.status}`,
        textContent: IMPORT_STATUS[entry.status] ?? entry.status,
      }),
    ),
    numberCell('Zeilen', formatCount(entry.rows)),
    cell('Fälle', caseCounts(entry)),
    cell('Hinweise', issueCounts(entry)),
  );
}

// ---------------------------------------------------------------------------------------
// (3) Data quality on a Stichtag.

function qualitySection(initialDate: string | undefined, current: () => boolean) {
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

  let loads = 0;
  async function reload() {
    const load = ++loads;
    status.className = 'status';
    status.textContent = date
      ? `Datenqualität am ${formatDate(date)} wird berechnet …`
      : 'Datenqualität am Stand der Exporte wird berechnet …';
    withAttributes(figures, { 'aria-busy': 'true' });
    try {
      const quality = await signedIn(() => fetchQuality(date));
      if (!current() || load !== loads) return;
      figures.replaceChildren(...qualityViews(quality));
      // The server's default day, shown in the field, so the form starts from it.
      date = quality.date;
      input.value = quality.date;
      status.textContent = `Stand ${formatDate(quality.date)}.`;
    } catch (cause) {
      if (!current() || load !== loads) return;
      figures.replaceChildren();
      status.className = 'status error';
      status.textContent = `Die Datenqualität konnte nicht berechnet werden: ${(cause as Error).message}`;
    } finally {
      if (load === loads) figures.removeAttribute('aria-busy');
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

function qualityTable(
  caption: string,
  className: string,
  headers: string[],
  rows: HTMLTableRowElement[],
  /** The first column that holds numbers; all after it do too. */
  numbersFrom = headers.length,
) {
  return element(
    'div',
    { className: 'table-frame' },
    element(
      'table',
      { className: `records ${className}` },
      element('caption', { textContent: caption }),
      headerRow(headers, headers.slice(numbersFrom)),
      element('tbody', {}, ...rows),
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
    qualityTable(
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
    qualityTable(
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
    qualityTable(
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
    qualityTable(
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
