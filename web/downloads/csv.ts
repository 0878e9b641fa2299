// A table as CSV for German Excel: UTF-8 with BOM (else Excel reads Windows-1252), ";" as
// delimiter, CRLF, decimal comma, no thousands separator (Excel would read "2.469" as a
// date or as 2,469). Title and Stand come first, the source line last.

import {
  anyWithheld,
  type DownloadColumn,
  type DownloadMeta,
  type DownloadTable,
  footLines,
  isWithheld,
  shownDate,
  shownNumber,
  sourceOf,
  WITHHELD,
  wholePercent,
} from './meta.ts';

const BOM = '\uFEFF';
const CRLF = '\r\n';
const NEEDS_QUOTES = /[;"\r\n]|^\s|\s$/;
/** Text Excel would run as a formula (OWASP, CSV injection): shown as text with a leading '. */
const FORMULA_START = /^[=+\-@\t\r]/;

function field(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function textCell(text: string): string {
  return field(FORMULA_START.test(text) ? `'${text}` : text);
}

function valueCell(column: DownloadColumn | undefined, value: string | number | null): string {
  if (isWithheld(column, value)) return WITHHELD;
  if (value === null) return '';
  // Days as German Excel reads them (TT.MM.JJJJ), months and moments as the page shows them.
  const date = shownDate(column, value);
  if (date !== null) return textCell(date);
  if (typeof value === 'string') return textCell(value);
  if (column?.kind === 'share') return String(wholePercent(value));
  // Rounded as the page shows it: a ratio to one decimal.
  return String(shownNumber(value)).replace('.', ',');
}

const headerOf = (column: DownloadColumn) =>
  column.kind === 'share' ? `${column.label} in %` : column.label;

/** The CSV file's text, BOM included; a Blob of it is UTF-8. */
export function csvText(table: DownloadTable, meta: DownloadMeta): string {
  const lines = [
    textCell(meta.title),
    textCell(meta.stand),
    '',
    table.columns.map((column) => textCell(headerOf(column))).join(';'),
    ...table.rows.map((row) => row.map((value, c) => valueCell(table.columns[c], value)).join(';')),
    '',
    textCell(sourceOf(meta)),
    ...footLines(meta, anyWithheld(table)).map(textCell),
  ];
  return BOM + lines.join(CRLF) + CRLF;
}
