// Streams the rows of an Apache Arrow IPC export (file or stream format) as text cells, as
// the CSV reader hands them on: the field names are the header, dates become YYYY-MM-DD.
// The file's framing and metadata are checked first (arrow-layout.ts), then apache-arrow
// decodes it: a file batch by batch through a file handle, a stream straight from the file
// stream. Whatever goes wrong in a damaged file ends in the same refusal.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  type DataType,
  type RecordBatch,
  RecordBatchReader,
  type Schema,
  Type,
  type Vector,
} from 'apache-arrow';
import { ArrowDamage, type ArrowLayout, arrowLayout } from './arrow-layout.ts';
import { ImportRefused } from './issues.ts';
import {
  BATCH_ROWS,
  DEFAULT_LIMITS,
  type OnBytes,
  type ReadLimits,
  type RowBatches,
  type SourceRow,
} from './rows.ts';

/** What is used of apache-arrow's readers, which come in sync and async kinds. */
type BatchReader = AsyncIterable<RecordBatch> & {
  open(): Promise<unknown>;
  cancel(): Promise<void>;
  readonly schema: Schema;
};

/** The refusal of a damaged Arrow file, whatever found the damage. */
function unreadable(reason: string, cause?: unknown): ImportRefused {
  const error = new ImportRefused([
    {
      row: null,
      column: null,
      message: `Die Datei ist keine lesbare Arrow-Datei: ${reason}. Bitte den Export erneut als Arrow-Datei speichern oder als CSV exportieren.`,
    },
  ]);
  if (cause !== undefined) error.cause = cause;
  return error;
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (ms: number) => {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
};

/** Turns one column's values into the text a CSV export would hold. */
function textOf(type: DataType): (value: unknown) => string {
  switch (type.typeId) {
    case Type.Date:
    case Type.Timestamp:
      return (value) => isoDate(Number(value));
    case Type.Bool:
      return (value) => (value ? 'TRUE' : 'FALSE');
    case Type.Dictionary:
      return textOf((type as unknown as { dictionary: DataType }).dictionary);
    default:
      return (value) => String(value);
  }
}

export async function* readArrow(
  path: string,
  format: 'file' | 'stream',
  limits: ReadLimits = DEFAULT_LIMITS,
  onBytes?: OnBytes,
): RowBatches {
  let layout: ArrowLayout;
  try {
    layout = await arrowLayout(path, format);
  } catch (error) {
    if (error instanceof ArrowDamage) throw unreadable(error.message, error);
    throw error;
  }
  if (layout.columns > limits.maxColumns) {
    throw new ImportRefused([
      {
        row: 1,
        column: null,
        message: `Die Datei hat ${layout.columns.toLocaleString('de-DE')} Spalten; erlaubt sind höchstens ${limits.maxColumns}.`,
      },
    ]);
  }
  const handle = format === 'file' ? await open(path) : undefined;
  const stream = format === 'stream' ? createReadStream(path) : undefined;
  let reader: BatchReader | undefined;
  try {
    reader = (await RecordBatchReader.from((handle ?? stream) as never)) as unknown as BatchReader;
    await reader.open();
    yield* rowsOf(reader, layout, limits, onBytes);
  } catch (error) {
    if (error instanceof ImportRefused) throw error;
    throw unreadable('sie ist beschädigt', error);
  } finally {
    await reader?.cancel().catch(() => {});
    stream?.destroy();
    await handle?.close().catch(() => {});
  }
}

async function* rowsOf(
  reader: BatchReader,
  layout: ArrowLayout,
  limits: ReadLimits,
  onBytes: OnBytes | undefined,
): RowBatches {
  const fields = reader.schema.fields;
  // A damaged schema can leave a field without a name (null despite the type): an empty
  // header cell, which the header check reports, not a crash.
  yield [{ row: 1, cells: fields.map((field) => (field.name as string | null) ?? '') }];
  const converters = fields.map((field) => textOf(field.type));
  let row = 1;
  let batches = 0;
  for await (const batch of reader) {
    const columns = fields.map((_, index) => batch.getChildAt(index) as Vector);
    let out: SourceRow[] = [];
    for (let index = 0; index < batch.numRows; index++) {
      row++;
      let chars = 0;
      const cells = columns.map((column, position) => {
        const value = column.get(index);
        if (value === null || value === undefined) return '';
        const text = (converters[position] as (value: unknown) => string)(value);
        chars += text.length;
        return text;
      });
      if (chars > limits.maxRecordChars) {
        throw new ImportRefused([
          {
            row,
            column: null,
            message: `Zeile ${row} ist länger als ${Math.round(limits.maxRecordChars / 1024)} KiB Text: so lange Zeilen kommen in einem Fallexport nicht vor.`,
          },
        ]);
      }
      out.push({ row, cells });
      if (out.length >= BATCH_ROWS) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
    const end = layout.batchEnds[batches++];
    if (end !== undefined) onBytes?.(end);
  }
  // The rows the metadata declares, all of them, or the file is not what it says.
  if (row - 1 !== layout.rows) throw unreadable('sie ist beschädigt');
}
