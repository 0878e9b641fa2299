// A table of figures as the pages show it: the same rows that are downloaded, in German
// notation, "." for a withheld value, the first column as row headers.
import { element } from './dom.ts';
import type { DownloadTable } from './downloads/index.ts';
import { shownDate } from './downloads/meta.ts';
import { formatCount, formatDecimal, formatPercent, SUPPRESSED } from './format.ts';

export interface FigureTableOptions {
  /** Columns holding a ratio (one decimal) rather than a count. */
  ratioColumns?: number[];
  /** The last row is a total (bold, with a rule above). */
  totalRow?: boolean;
}

export function figureTable(
  caption: string,
  table: DownloadTable,
  { ratioColumns = [], totalRow = false }: FigureTableOptions = {},
) {
  const show = (value: string | number | null, column: number) => {
    const kind = table.columns[column]?.kind ?? 'text';
    if (kind === 'text' || kind === 'year') return String(value ?? '');
    const date = shownDate(table.columns[column], value);
    if (date !== null) return date;
    if (kind === 'date' || kind === 'month' || kind === 'datetime') return String(value ?? '');
    if (value === null) return SUPPRESSED;
    if (typeof value === 'string') return value;
    if (kind === 'share') return formatPercent(value);
    return ratioColumns.includes(column) ? formatDecimal(value) : formatCount(value);
  };
  const numeric = (column: number) =>
    table.columns[column]?.kind === 'number' || table.columns[column]?.kind === 'share';
  return element(
    'table',
    { className: 'figures' },
    element('caption', { textContent: caption }),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        ...table.columns.map((column, i) =>
          element('th', {
            scope: 'col',
            textContent: column.label,
            className: numeric(i) ? 'number' : '',
          }),
        ),
      ),
    ),
    element(
      'tbody',
      {},
      ...table.rows.map((row, r) =>
        element(
          'tr',
          totalRow && r === table.rows.length - 1 ? { className: 'total' } : {},
          ...row.map((value, column) =>
            column === 0
              ? element('th', { scope: 'row', textContent: show(value, 0) })
              : element('td', {
                  className: numeric(column) ? 'number' : '',
                  textContent: show(value, column),
                }),
          ),
        ),
      ),
    ),
  );
}
