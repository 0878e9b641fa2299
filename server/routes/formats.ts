// Figures as JSON, as CSV, as an Excel workbook or as Apache Arrow (an IPC file, or an IPC
// stream): chosen by `?format=` or else by the Accept header.
//
// Every table names its columns once, with their type: Arrow then types them (counts
// Int32, shares and ratios Float64, days Date32, months as their first day Date32, years
// Int32, flags Bool, moments Timestamp), the workbook writes real Excel dates and numbers
// and keeps keys as text, and the CSV stays plain and machine-readable (ISO dates, keys as
// they are, a decimal comma, "." for a withheld value). Arrow carries the title, the Stand,
// the source and the notes as schema metadata, the workbook as lines above and below the
// table.
import {
  Bool,
  type DataType,
  DateDay,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csvText } from '../../contract/csv.ts';
import {
  DEFAULT_SOURCE,
  type DownloadColumn,
  PERTURBED_NOTE,
  WITHHELD,
  WITHHELD_NOTE,
} from '../../web/downloads/meta.ts';
import { type TypedValue, xlsxBytes } from '../../web/downloads/xlsx.ts';
import { formatDateDe } from '../import/validate.ts';

export type Format = 'json' | 'csv' | 'xlsx' | 'arrow' | 'arrows';
export const FORMATS: readonly Format[] = ['json', 'csv', 'xlsx', 'arrow', 'arrows'];

/** Media types: an Arrow IPC file (`.arrow`) and an IPC stream (`.arrows`), as IANA registers them. */
export const MEDIA_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.file',
  arrows: 'application/vnd.apache.arrow.stream',
} as const;

const EXTENSIONS = { csv: 'csv', xlsx: 'xlsx', arrow: 'arrow', arrows: 'arrows' } as const;

export function negotiateFormat(request: FastifyRequest, requested: Format | undefined): Format {
  if (requested) return requested;
  const accept = request.headers.accept ?? '';
  if (accept.includes(MEDIA_TYPES.arrows)) return 'arrows';
  if (accept.includes(MEDIA_TYPES.arrow)) return 'arrow';
  if (accept.includes(MEDIA_TYPES.xlsx)) return 'xlsx';
  if (accept.includes('text/csv')) return 'csv';
  return 'json';
}

/**
 * What a column holds:
 * - `text`: text (keys too: "08118001" stays text everywhere);
 * - `int`: a count (Arrow Int32); `float`: a ratio (Float64); `share`: a fraction 0..1
 *   (Float64; "0 %" in the workbook);
 * - `date`: a day, YYYY-MM-DD (Date32); `month`: YYYY-MM or its first day (Date32 of the
 *   first day); `year`: a year (Int32);
 * - `bool`: a flag (Bool; "ja"/"nein" in CSV and workbook);
 * - `timestamp`: a moment, ISO 8601 (Timestamp in milliseconds, UTC).
 */
export type ColumnType =
  | 'text'
  | 'int'
  | 'float'
  | 'share'
  | 'date'
  | 'month'
  | 'year'
  | 'bool'
  | 'timestamp';

export type CellValue = string | number | boolean | null;

export interface TableColumn<Row> {
  /** Column name in Arrow. */
  key: string;
  /** Column header in the CSV and the workbook, in German. */
  header: string;
  /** Defaults to `text`. */
  type?: ColumnType;
  /** The workbook's format of one cell, where a column holds figures of several kinds. */
  cellType?: (row: Row) => ColumnType;
  value: (row: Row) => CellValue;
  /** The value in Arrow, where a machine reads it, if not `value` (a code rather than a label). */
  arrowValue?: (row: Row) => CellValue;
  /** A cell that is hidden by disclosure control: "." in the CSV and the workbook, null in Arrow. */
  suppressed?: (row: Row) => boolean;
  /** Only in Arrow (a machine's column, such as a kind or a flag the others show otherwise). */
  arrowOnly?: boolean;
}

/** What a table says about itself: in Arrow's schema metadata and around the workbook's table. */
export interface TableMeta {
  title: string;
  /** "Stand 01.01.2021", with ", vorläufig" where the figures are provisional. */
  stand: string;
  /** The reporting date (YYYY-MM-DD) where there is one. */
  date?: string | undefined;
  /** Figures for a day after the exports' reach (data_as_of). */
  provisional?: boolean;
  source?: string;
  /** Further lines: perturbed values, what "." means. */
  notes?: string[];
}

/** "Stand 01.01.2021", or "Stand 30.06.2021, vorläufig" for a day after the exports' reach. */
export function standOf(date: string, dataAsOf: string | null): string {
  return `Stand ${formatDateDe(date)}${isAfter(date, dataAsOf) ? ', vorläufig' : ''}`;
}

/** A day after the exports' reach: its figures count as open what is not reported yet. */
export const isAfter = (date: string, dataAsOf: string | null) =>
  dataAsOf !== null && date > dataAsOf;

/** The notes a table of figures carries: perturbed values, withheld ones. */
export function figureNotes(
  figures: readonly { suppressed: boolean; protection?: string | undefined }[],
): string[] {
  return [
    ...(figures.some((figure) => figure.protection === 'perturbed') ? [PERTURBED_NOTE] : []),
    ...(figures.some((figure) => figure.suppressed) ? [WITHHELD_NOTE] : []),
  ];
}

/** `;`-separated, decimal comma, UTF-8 with BOM, CRLF, ISO dates: plain and machine-readable. */
export function toCsv<Row>(columns: readonly TableColumn<Row>[], rows: readonly Row[]): string {
  const shown = columns.filter((column) => !column.arrowOnly);
  return csvText([
    shown.map((column) => column.header),
    ...rows.map((row) =>
      shown.map((column) => (column.suppressed?.(row) ? { written: WITHHELD } : column.value(row))),
    ),
  ]);
}

const DAY_MS = 86_400_000;

/** "2021-01-31", "2021-01" (its first day) as milliseconds since 1970 at midnight UTC. */
function dayMs(value: CellValue): number | null {
  if (value === null) return null;
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(String(value));
  if (!match) throw new Error(`Kein Datum: ${String(value)}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? '1'));
}

function arrowVector(type: ColumnType, values: CellValue[]): Vector {
  const numbers = () => values.map((value) => (value === null ? null : Number(value)));
  const vector = (array: unknown[], dataType: DataType) =>
    vectorFromArray(array as never[], dataType as never) as Vector;
  switch (type) {
    case 'int':
    case 'year':
      return vector(numbers(), new Int32());
    case 'float':
    case 'share':
      return vector(numbers(), new Float64());
    case 'date':
    case 'month':
      return vector(
        values.map((value) => {
          const ms = dayMs(value);
          return ms === null ? null : Math.round(ms / DAY_MS) * DAY_MS;
        }),
        new DateDay(),
      );
    case 'bool':
      return vector(
        values.map((value) => (value === null ? null : value === true)),
        new Bool(),
      );
    case 'timestamp':
      return vector(
        values.map((value) => (value === null ? null : new Date(String(value)).getTime())),
        new TimestampMillisecond('UTC'),
      );
    default:
      return vector(
        values.map((value) => (value === null ? null : String(value))),
        new Utf8(),
      );
  }
}

/** The schema metadata every Arrow answer carries. */
function arrowMetadata(meta: TableMeta): Map<string, string> {
  const entries: [string, string][] = [
    ['title', meta.title],
    ['stand', meta.stand],
    ...(meta.date ? [['date', meta.date] as [string, string]] : []),
    ['provisional', meta.provisional ? 'true' : 'false'],
    ['source', meta.source ?? DEFAULT_SOURCE],
    ...(meta.notes?.length ? [['note', meta.notes.join('\n')] as [string, string]] : []),
  ];
  return new Map(entries);
}

/**
 * The table as Arrow: typed column by column (so a column of nulls, all withheld, keeps its
 * type), `is_total` where the table has a total row, the meta as schema metadata.
 */
export function toArrowTable<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
  meta: TableMeta,
  isTotal?: (row: Row) => boolean,
): Table {
  const vectors: Record<string, Vector> = Object.fromEntries(
    columns.map((column) => [
      column.key,
      arrowVector(
        column.type ?? 'text',
        rows.map((row) =>
          column.suppressed?.(row) ? null : (column.arrowValue ?? column.value)(row),
        ),
      ),
    ]),
  );
  if (isTotal)
    vectors.is_total = arrowVector(
      'bool',
      rows.map((row) => isTotal(row)),
    );
  const plain = new Table(vectors);
  const schema = new Schema(plain.schema.fields, arrowMetadata(meta));
  return new Table(
    schema,
    plain.batches.map((batch) => new RecordBatch(schema, batch.data)),
  );
}

const KINDS: Record<ColumnType, DownloadColumn['kind']> = {
  text: 'text',
  int: 'number',
  float: 'number',
  share: 'share',
  date: 'date',
  month: 'month',
  year: 'year',
  bool: 'text',
  timestamp: 'datetime',
};

/** The table as an Excel workbook: the page's writer (web/downloads/xlsx.ts), typed cells. */
export function toXlsx<Row>(
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
  meta: TableMeta,
): Uint8Array {
  const shown = columns.filter((column) => !column.arrowOnly);
  return xlsxBytes(
    {
      columns: shown.map((column) => ({
        label: column.header,
        kind: KINDS[column.type ?? 'text'],
      })),
      rows: rows.map((row) =>
        shown.map((column): TypedValue => {
          const kind = KINDS[column.cellType?.(row) ?? column.type ?? 'text'];
          if (column.suppressed?.(row))
            return { kind: kind === 'text' ? 'number' : kind, value: null };
          const value = column.value(row);
          // No value without a withholding (a count's numerator): an empty cell, not ".".
          if (value === null) return { kind: 'text', value: null };
          return {
            kind,
            value: typeof value === 'boolean' ? (value ? 'ja' : 'nein') : value,
          };
        }),
      ),
    },
    {
      title: meta.title,
      stand: meta.stand,
      fileName: '',
      ...(meta.source ? { source: meta.source } : {}),
      // The writer adds what "." means where a cell is withheld.
      notes: (meta.notes ?? []).filter((note) => note !== WITHHELD_NOTE),
    },
  );
}

export interface SendOptions<Row> {
  meta: TableMeta;
  /** Marks the total row(s): a Bool column `is_total` in Arrow. */
  isTotal?: (row: Row) => boolean;
}

export function sendTable<Row>(
  reply: FastifyReply,
  format: Exclude<Format, 'json'>,
  fileName: string,
  columns: readonly TableColumn<Row>[],
  rows: readonly Row[],
  { meta, isTotal }: SendOptions<Row>,
) {
  reply
    .type(MEDIA_TYPES[format])
    .header('content-disposition', `attachment; filename="${fileName}.${EXTENSIONS[format]}"`);
  if (format === 'csv') return reply.send(toCsv(columns, rows));
  if (format === 'xlsx') return reply.send(Buffer.from(toXlsx(columns, rows, meta)));
  const table = toArrowTable(columns, rows, meta, isTotal);
  return reply.send(Buffer.from(tableToIPC(table, format === 'arrow' ? 'file' : 'stream')));
}
