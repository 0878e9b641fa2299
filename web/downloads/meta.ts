// What every downloaded file says about itself, and the table a page hands over for CSV and
// XLSX, with the rules both formats share.
import { asciiWords } from '../../contract/words.ts';
import { formatDate, formatDateTime, formatMonth } from '../format.ts';

/** What every downloaded file says about itself. */
export interface DownloadMeta {
  /** The chart's or table's title, as on the page. */
  title: string;
  /** "Stand 01.01.2021", or a period ("Stand 31.12.2022, Monatsenden 2018 bis 2022"). */
  stand: string;
  /** Defaults to the site's source line (Fallexporte der Träger …). */
  source?: string;
  /** File name without extension, e.g. "sprachniveau-2021-01-01". */
  fileName: string;
  /** The XLSX sheet's name; defaults to the title, shortened to Excel's 31 characters. */
  sheetName?: string;
  /** The chart shows a withheld value ("."): its image explains the sign, as CSV and XLSX do. */
  withheld?: boolean;
  /** Further lines every file carries under the source, e.g. that the values are perturbed. */
  notes?: readonly string[];
}

export interface DownloadColumn {
  label: string;
  /**
   * number: a count or ratio; share: a fraction 0..1 (CSV: whole percent, XLSX: 0 %);
   * date: a day (YYYY-MM-DD), month: a month (YYYY-MM), year: a year (a number), datetime:
   * a moment (ISO 8601): in XLSX real Excel dates with German formats, never text.
   */
  kind: 'text' | 'number' | 'share' | 'date' | 'month' | 'year' | 'datetime';
  /** For a date column: days after this one (YYYY-MM-DD) are provisional, "(vorläufig)". */
  provisionalAfter?: string | null;
}

/** The mark beside a provisional day, on screen and in every file. */
export const PROVISIONAL_MARK = ' (vorläufig)';

/** Whether a date cell of this column is provisional. */
export const isProvisionalDay = (column: DownloadColumn | undefined, value: unknown) =>
  column?.kind === 'date' &&
  typeof value === 'string' &&
  !!column.provisionalAfter &&
  value > column.provisionalAfter;

/** A day, month or moment as the page shows it; null where the cell holds none. */
export function shownDate(column: DownloadColumn | undefined, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (column?.kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return `${formatDate(value)}${isProvisionalDay(column, value) ? PROVISIONAL_MARK : ''}`;
  if (column?.kind === 'month' && /^\d{4}-\d{2}/.test(value)) return formatMonth(value);
  if (column?.kind === 'datetime' && !Number.isNaN(Date.parse(value))) return formatDateTime(value);
  return null;
}

/** A ratio as the page shows it: one decimal; counts stay whole. */
export const shownNumber = (value: number) =>
  Number.isInteger(value) ? value : Math.round(value * 10) / 10;

/** A table as the page shows it; `null` in a number or share column is a withheld value ("."). */
export interface DownloadTable {
  columns: DownloadColumn[];
  rows: (string | number | null)[][];
}

export const DEFAULT_SOURCE =
  'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)';

/** The sign for a withheld value, as on screen, and the line that explains it. */
export const WITHHELD = '.';
export const WITHHELD_NOTE = '. = Wert gesperrt (Schutz kleiner Fallzahlen)';
/** The line every download of perturbed figures carries (docs/disclosure.md). */
export const PERTURBED_NOTE =
  'Werte zum Schutz kleiner Fallzahlen leicht verändert (Cell-Key-Verfahren)';

export const sourceOf = (meta: DownloadMeta) => meta.source ?? DEFAULT_SOURCE;

/** The lines under the source: the meta's notes, then what "." means if anything is withheld. */
export const footLines = (meta: DownloadMeta, withheld: boolean) => [
  ...(meta.notes ?? []),
  ...(withheld ? [WITHHELD_NOTE] : []),
];

/** A share as the whole percentage the page shows, rounded half up as formatPercent does. */
export const wholePercent = (share: number) => Math.floor(share * 100 + 0.5 + 1e-9);

/** Whether a cell is a withheld figure: nothing where a number or share belongs. */
export const isWithheld = (column: DownloadColumn | undefined, value: unknown) =>
  value === null && (column?.kind === 'number' || column?.kind === 'share');

export const anyWithheld = (table: {
  columns: readonly DownloadColumn[];
  rows: readonly (readonly unknown[])[];
}) =>
  table.rows.some((row) =>
    row.some((cell, c) =>
      cell !== null && typeof cell === 'object'
        ? isWithheld(
            { label: '', kind: (cell as { kind: DownloadColumn['kind'] }).kind },
            (cell as { value: unknown }).value,
          )
        : isWithheld(table.columns[c], cell),
    ),
  );

/** "Sprachniveau der betreuten Erwachsenen", "2021-01-01" -> "sprachniveau-der-betreuten-erwachsenen-2021-01-01". */
export function downloadFileName(title: string, date: string): string {
  return [asciiWords(title), date].filter(Boolean).join('-');
}
