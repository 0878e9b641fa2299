// The data page, part 2: the import log, newest first.
import { fetchImports, type ImportLogEntry, importsUrl } from '../../api.ts';
import { cell, element, withAttributes } from '../../dom.ts';
import { formatCount, formatDate, formatDateTime } from '../../format.ts';
import { signedIn } from '../../session.ts';
import {
  dash,
  FORMAT_LABELS,
  formatBytes,
  headerRow,
  numberCell,
  plural,
  withDetail,
} from './shared.ts';

const IMPORT_STATUS: Record<ImportLogEntry['status'], string> = {
  imported: 'gespeichert',
  unchanged: 'unverändert (schon gespeichert)',
  rejected: 'abgelehnt',
};

// ---------------------------------------------------------------------------------------
// (2) The import log.

export function importLog(current: () => boolean) {
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
