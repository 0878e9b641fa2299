// A table of the page as CSV for German Excel, written by the one CSV writer
// (contract/csv.ts): figures rounded as the page shows them, days as TT.MM.JJJJ. Title and
// Stand come first, the source line last.
import { type CsvValue, csvText as fileText } from '../../contract/csv.ts';

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

function valueCell(
  column: DownloadColumn | undefined,
  value: string | number | null,
): CsvValue | { written: string } {
  if (isWithheld(column, value)) return { written: WITHHELD };
  if (value === null) return null;
  // Days as German Excel reads them (TT.MM.JJJJ), months and moments as the page shows them.
  const date = shownDate(column, value);
  if (date !== null) return date;
  if (typeof value === 'string') return value;
  if (column?.kind === 'share') return wholePercent(value);
  // Rounded as the page shows it: a ratio to one decimal.
  return shownNumber(value);
}

const headerOf = (column: DownloadColumn) =>
  column.kind === 'share' ? `${column.label} in %` : column.label;

/** The CSV file's text, BOM included; a Blob of it is UTF-8. */
export function csvText(table: DownloadTable, meta: DownloadMeta): string {
  return fileText([
    [meta.title],
    [meta.stand],
    [],
    table.columns.map(headerOf),
    ...table.rows.map((row) => row.map((value, c) => valueCell(table.columns[c], value))),
    [],
    [sourceOf(meta)],
    ...footLines(meta, anyWithheld(table)).map((line) => [line]),
  ]);
}
