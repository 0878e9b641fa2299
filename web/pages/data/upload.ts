// The data page, part 1: uploading a provider's export, a dry run first, then the same file stored.
import {
  type ExportUpload,
  fetchProviders,
  type ImportIssue,
  type ImportSummary,
  uploadExport,
} from '../../api.ts';
import { cell, element, field, withAttributes } from '../../dom.ts';
import { formatCount, formatDate, todayIso } from '../../format.ts';
import { signedIn } from '../../session.ts';
import { dash, FORMAT_LABELS, formatBytes, ISO_DATE, plural, recordsTable } from './shared.ts';

/** The server tells the kind of file from its content; these only guide the file picker. */
const ACCEPT = '.csv,.txt,.xlsx,.arrow,.arrows,.feather,.ipc';

// ---------------------------------------------------------------------------------------
// (1) Upload: a dry run, and only then storing the same file.

export function uploadSection(
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
  return recordsTable(
    caption,
    className,
    ['Zeile', 'Spalte', 'Wert', 'Meldung'],
    issues.map((issue) =>
      element(
        'tr',
        {},
        cell('Zeile', issue.row === null ? 'ganze Datei' : formatCount(issue.row)),
        cell('Spalte', issue.column ?? dash),
        cell('Wert', ...(issue.value ? [element('code', { textContent: issue.value })] : [])),
        cell('Meldung', issueMessage(issue, upload)),
      ),
    ),
  );
}
