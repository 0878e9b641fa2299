// Figures as JSON, as CSV for German Excel, or as Apache Arrow IPC: chosen by `?format=`
// or else by the Accept header.
import { Float64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Format = 'json' | 'csv' | 'arrow';
export const FORMATS: readonly Format[] = ['json', 'csv', 'arrow'];

const ARROW_TYPE = 'application/vnd.apache.arrow.stream';

export function negotiateFormat(request: FastifyRequest, requested: Format | undefined): Format {
  if (requested) return requested;
  const accept = request.headers.accept ?? '';
  if (accept.includes(ARROW_TYPE)) return 'arrow';
  if (accept.includes('text/csv')) return 'csv';
  return 'json';
}

export interface TableColumn<Row> {
  /** Column name in Arrow and the key in rows. */
  key: string;
  /** Column header in the CSV, in German. */
  header: string;
  value: (row: Row) => string | number | null;
  /** The value in Arrow, where a machine reads it, if not `value` (a code rather than a label). */
  arrowValue?: (row: Row) => string | number | null;
  /** A cell that is hidden by disclosure control: "." in the CSV. */
  suppressed?: (row: Row) => boolean;
  /** The Arrow type; by default a number column when a value is a number, else text. */
  type?: 'number' | 'text';
}

const decimalFormat = new Intl.NumberFormat('de-DE', {
  useGrouping: false,
  maximumFractionDigits: 10,
});

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  // A text cell that starts like a formula is kept as text by Excel (CSV injection).
  const text =
    typeof value === 'number'
      ? decimalFormat.format(value)
      : /^[=+\-@\t\r]/.test(value)
        ? `'${value}`
        : value;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `;`-separated, decimal comma, UTF-8 with BOM, CRLF: German Excel opens it as it is. */
export function toCsv<Row>(columns: readonly TableColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((column) => csvCell(column.header)).join(';')];
  for (const row of rows) {
    lines.push(
      columns
        .map((column) => (column.suppressed?.(row) ? '.' : csvCell(column.value(row))))
        .join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function toArrow<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
): Uint8Array {
  // Typed column by column, so that a column of nulls (all withheld) keeps its type.
  const vectors = Object.fromEntries(
    columns.map((column) => {
      const values = rows.map((row) => (column.arrowValue ?? column.value)(row));
      const numeric =
        column.type === 'number' ||
        (column.type === undefined && values.some((value) => typeof value === 'number'));
      return [
        column.key,
        numeric
          ? vectorFromArray(
              values.map((value) => (value === null ? null : Number(value))),
              new Float64(),
            )
          : vectorFromArray(
              values.map((value) => (value === null ? null : String(value))),
              new Utf8(),
            ),
      ];
    }),
  );
  return tableToIPC(new Table(vectors), 'stream');
}

export function sendTable<Row>(
  reply: FastifyReply,
  format: Exclude<Format, 'json'>,
  fileName: string,
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
) {
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}.csv"`)
      .send(toCsv(columns, rows));
  }
  return reply
    .type(ARROW_TYPE)
    .header('content-disposition', `attachment; filename="${fileName}.arrow"`)
    .send(Buffer.from(toArrow(columns, rows)));
}
