// Pieces the three parts of the data page share: number cells, headers, counts in words.
import { cell, element } from '../../dom.ts';
import { formatCount } from '../../format.ts';

export const dash = '–';
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const plural = (count: number, one: string, many: string) =>
  `${formatCount(count)} ${count === 1 ? one : many}`;

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

export const FORMAT_LABELS: Record<string, string> = {
  csv: 'CSV',
  xlsx: 'XLSX',
  'arrow-file': 'Arrow',
  'arrow-stream': 'Arrow',
};

/** Column headers; those in `numbers` head columns of numbers (right-aligned). */
export function headerRow(headers: string[], numbers: readonly string[] = []) {
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
export function withDetail(value: HTMLElement, detail: string) {
  return element(
    'span',
    { className: 'with-detail' },
    value,
    ...(detail ? [' ', element('span', { className: 'detail', textContent: detail })] : []),
  );
}

/** A cell of a number column. */
export function numberCell(label: string, ...children: (Node | string)[]) {
  const td = cell(label, ...children);
  td.className = 'number';
  return td;
}

/** A table of records in its frame: caption, head row (numbers right-aligned) and rows. */
export function recordsTable(
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
