// An audit entry's details as a German sentence, as the Protokoll page and its CSV show
// them; the JSON keeps the raw details for scripts. Entries written by older versions may
// lack fields: a sentence then says less, never something wrong.

import type { AuditAction } from '../../contract/labels.ts';
import { ROLE_LABELS } from '../../contract/labels.ts';
import type { Role } from '../db/types.ts';

type Detail = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  csv: 'CSV',
  xlsx: 'XLSX',
  'arrow-file': 'Arrow',
  'arrow-stream': 'Arrow',
};

const count = new Intl.NumberFormat('de-DE');
const number = (value: unknown) => (typeof value === 'number' ? value : 0);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
const berlinDay = new Intl.DateTimeFormat('de-DE', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'Europe/Berlin',
});
/** A day (YYYY-MM-DD) or a moment (ISO timestamp, as the day in Germany) as DD.MM.YYYY. */
const dateDe = (value: unknown) => {
  const iso = text(value);
  if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return null;
  if (iso.length === 10) return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? null : berlinDay.format(moment);
};
/** "1 Fall", "3 Fälle". */
const many = (value: unknown, one: string, more: string) =>
  `${count.format(number(value))} ${number(value) === 1 ? one : more}`;
const roleText = (detail: Detail) => {
  const role = text(detail.role);
  const label = role ? (ROLE_LABELS[role as Role] ?? role) : null;
  const provider = text(detail.provider);
  return label ? `${label}${provider ? ` (${provider})` : ''}` : null;
};

/** "Datei awo.csv (CSV, 12 KB)". */
function fileText(detail: Detail): string {
  const name = text(detail.file_name);
  const format = text(detail.format);
  const bytes = number(detail.bytes);
  const size =
    bytes >= 1024 * 1024
      ? `${count.format(Math.round(bytes / 1024 / 102.4) / 10)} MB`
      : `${count.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
  const about = [format ? (FORMATS[format] ?? format) : null, bytes > 0 ? size : null].filter(
    Boolean,
  );
  return `Datei ${name ? `„${name}“` : 'ohne Namen'}${about.length > 0 ? ` (${about.join(', ')})` : ''}`;
}

function importText(detail: Detail, dryRun: boolean): string {
  const file = fileText(detail);
  const rows = many(detail.rows, 'Zeile', 'Zeilen');
  const warnings =
    number(detail.warning_count) > 0
      ? `, ${many(detail.warning_count, 'Warnung', 'Warnungen')}`
      : '';
  const errors = many(detail.error_count, 'Fehler', 'Fehler');
  const changes = `${many(detail.new, 'Fall', 'Fälle')} neu, ${count.format(number(detail.changed))} geändert${number(detail.missing) > 0 ? `, ${count.format(number(detail.missing))} fehlen im Export` : ''}`;
  if (dryRun)
    return number(detail.error_count) > 0
      ? `Probelauf mit ${file}: ${rows} geprüft, ${errors}; die Datei würde abgelehnt. Nichts wurde gespeichert.`
      : `Probelauf mit ${file}: ${rows} geprüft, ohne Fehler${warnings}. Ein Import ergäbe ${changes}. Nichts wurde gespeichert.`;
  switch (detail.status) {
    case 'imported':
      return `${file} gespeichert: ${rows} gelesen, ${changes}${warnings}.`;
    case 'unchanged':
      return `${file}: Dieser Stand war schon gespeichert; nichts hat sich geändert.`;
    case 'rejected':
      return `${file} abgelehnt wegen ${errors}: Nichts wurde gespeichert.`;
    default:
      return `${file}: ${rows}.`;
  }
}

function reportText(detail: Detail): string {
  const title = text(detail.title);
  const stichtag = dateDe(detail.stichtag);
  const closed = dateDe(detail.beendet_bis);
  const provisional = Array.isArray(detail.provisional_dates)
    ? detail.provisional_dates.map(dateDe).filter(Boolean)
    : [];
  const supersedes = text(detail.supersedes);
  return [
    `${title ? `„${title}“` : 'Bericht'}${stichtag && closed ? `: Stichtag ${stichtag}, beendete Fälle bis ${closed}` : ''}.`,
    provisional.length > 0
      ? `Als vorläufig veröffentlicht (Zahlen für ${provisional.join(' und ')} nach dem Stand der Exporte).`
      : '',
    supersedes ? `Ersetzt den Bericht ${supersedes}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The details of one entry in German sentences; empty when there is nothing to add. */
export function auditDetailText(action: string, detail: Detail | null): string {
  if (!detail) return '';
  const reason = text(detail.reason);
  switch (action as AuditAction) {
    case 'login_failed':
      return reason ? `Abgewiesen: ${reason}.` : '';
    case 'import':
      return importText(detail, false);
    case 'import_dry_run':
      return importText(detail, true);
    case 'user_added': {
      const role = roleText(detail);
      return `${detail.demo === true ? 'Demo-Zugang' : 'Konto'}${role ? ` mit der Rolle ${role}` : ''} angelegt.`;
    }
    case 'token_created': {
      const role = roleText(detail);
      const until = dateDe(detail.expires_at);
      return `${role ? `Rolle ${role}, ` : ''}${until ? `gültig bis ${until}` : 'ohne Ablaufdatum'}.`;
    }
    case 'report_published':
      return reportText(detail);
    case 'report_withdrawn':
      return `${text(detail.title) ? `„${text(detail.title)}“ zurückgezogen. ` : ''}${reason ? `Begründung: ${reason}` : ''}`.trim();
    case 'report_superseded': {
      const successor = text(detail.successor);
      return `${successor ? `Ersetzt durch den Bericht ${successor}. ` : ''}${reason ? `Begründung: ${reason}` : ''}`.trim();
    }
    default:
      return '';
  }
}
