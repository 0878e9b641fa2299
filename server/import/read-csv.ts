// Streams the rows of a CSV export: RFC 4180 quoting (delimiters, quotes and line breaks
// inside quotes), `;` or `,` as detected from the header, CRLF or LF, UTF-8 with or without
// BOM or Windows-1252 as the caller detected it. Bounded memory: at most one record plus one
// read chunk is held, and a record longer than the limit refuses the file at once.
import { createReadStream } from 'node:fs';
import { ImportRefused } from './issues.ts';
import {
  BATCH_ROWS,
  DEFAULT_LIMITS,
  type OnBytes,
  type ReadLimits,
  type RowBatches,
  type SourceRow,
} from './rows.ts';

export type TextEncoding = 'UTF-8' | 'Windows-1252';
export type Delimiter = ';' | ',';

const READ_CHUNK = 1024 * 1024;

/** Counts a character in the first record, outside quotes. */
export function detectDelimiter(head: string): Delimiter {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ',') commas++;
    else if (c === ';') semicolons++;
  }
  return commas > semicolons ? ',' : ';';
}

const tooLong = (row: number, limits: ReadLimits) =>
  new ImportRefused([
    {
      row,
      column: null,
      message: `Zeile ${row} ist länger als ${Math.round(limits.maxRecordChars / 1024)} KiB Text: so lange Zeilen kommen in einem Fallexport nicht vor. Vermutlich fehlt ein schließendes Anführungszeichen oder die Datei ist keine CSV-Datei.`,
    },
  ]);

const tooWide = (row: number, count: number, limits: ReadLimits) =>
  new ImportRefused([
    {
      row,
      column: null,
      message: `Zeile ${row} hat ${count.toLocaleString('de-DE')} Spalten; erlaubt sind höchstens ${limits.maxColumns}. Bitte prüfen, ob das Trennzeichen stimmt (Semikolon oder Komma).`,
    },
  ]);

/**
 * Splits decoded text into records. Returns how far it got: a record cut off by the end
 * of `text` stays for the next call unless `final`.
 */
class CsvSplitter {
  row = 0;
  constructor(
    private readonly delimiter: Delimiter,
    private readonly limits: ReadLimits,
  ) {}

  /** Parses whole records from `text`, pushing them to `out`; returns the offset consumed. */
  split(text: string, final: boolean, out: SourceRow[]): number {
    const { delimiter, limits } = this;
    const length = text.length;
    let position = 0;
    // The next quote in the text, searched once and again only when passed: searching
    // from every line would scan the rest of the chunk for each line.
    let quote = -2;
    while (position < length) {
      const newline = text.indexOf('\n', position);
      if (newline === -1 && !final) break;
      const end = newline === -1 ? length : newline;
      if (quote !== -1 && quote < position) quote = text.indexOf('"', position);
      if (quote === -1 || quote >= end) {
        // The common case: no quotes in this line.
        if (end - position > limits.maxRecordChars) throw tooLong(this.row + 1, limits);
        const lineEnd = end > position && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        const cells = text.slice(position, lineEnd).split(delimiter);
        this.row++;
        if (cells.length > limits.maxColumns) throw tooWide(this.row, cells.length, limits);
        out.push({ row: this.row, cells });
        position = end + 1;
        continue;
      }
      const next = this.quotedRecord(text, position, final, out);
      if (next === -1) break;
      position = next;
    }
    return Math.min(position, length);
  }

  /** A record with quotes, character by character; -1 when it runs past the text's end. */
  private quotedRecord(text: string, start: number, final: boolean, out: SourceRow[]): number {
    const { delimiter, limits } = this;
    const length = text.length;
    const cells: string[] = [];
    let cell = '';
    let position = start;
    let fieldStart = true;
    while (true) {
      if (position - start > limits.maxRecordChars) throw tooLong(this.row + 1, limits);
      if (position >= length) {
        if (!final) return -1;
        cells.push(cell);
        break;
      }
      const c = text[position] as string;
      if (fieldStart && c === '"') {
        // A quoted field: runs to the next quote not doubled.
        position++;
        while (true) {
          const quote = text.indexOf('"', position);
          if (quote === -1 || quote + 1 >= length) {
            if (!final) return -1;
            if (quote === -1) throw this.unclosedQuote();
            cell += text.slice(position, quote);
            position = quote + 1;
            break;
          }
          if (quote - start > limits.maxRecordChars) throw tooLong(this.row + 1, limits);
          cell += text.slice(position, quote);
          if (text[quote + 1] === '"') {
            cell += '"';
            position = quote + 2;
          } else {
            position = quote + 1;
            break;
          }
        }
        fieldStart = false;
        continue;
      }
      fieldStart = false;
      if (c === delimiter) {
        cells.push(cell);
        cell = '';
        fieldStart = true;
        position++;
        if (cells.length > limits.maxColumns) throw tooWide(this.row + 1, cells.length, limits);
      } else if (c === '\n' || (c === '\r' && text[position + 1] === '\n')) {
        cells.push(cell);
        position += c === '\r' ? 2 : 1;
        break;
      } else if (c === '\r' && position + 1 >= length && !final) {
        return -1;
      } else {
        // Text after a closing quote, or a stray quote inside an unquoted field: kept as is.
        cell += c;
        position++;
      }
    }
    this.row++;
    out.push({ row: this.row, cells });
    return position;
  }

  private unclosedQuote() {
    return new ImportRefused([
      {
        row: this.row + 1,
        column: null,
        message: `Ab Zeile ${this.row + 1} fehlt ein schließendes Anführungszeichen: der Rest der Datei wäre ein einziges Feld. Bitte die Datei erneut als CSV speichern.`,
      },
    ]);
  }
}

export interface CsvOptions {
  encoding: TextEncoding;
  limits?: ReadLimits;
  onBytes?: OnBytes;
}

/** Rows of a CSV file, header first; completely empty lines are skipped but counted. */
export async function* readCsv(path: string, options: CsvOptions): RowBatches {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const decoder = new TextDecoder(options.encoding === 'UTF-8' ? 'utf-8' : 'windows-1252', {
    ignoreBOM: false,
  });
  let splitter: CsvSplitter | undefined;
  let pending = '';
  let bytesRead = 0;
  let batch: SourceRow[] = [];
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      pending += decoder.decode(chunk, { stream: true });
      splitter ??= new CsvSplitter(detectDelimiter(pending), limits);
      const consumed = splitter.split(pending, false, batch);
      pending = consumed === 0 ? pending : pending.slice(consumed);
      if (pending.length > limits.maxRecordChars) throw tooLong(splitter.row + 1, limits);
      if (batch.length >= BATCH_ROWS) {
        yield withoutEmpty(batch);
        batch = [];
        options.onBytes?.(bytesRead);
      }
    }
    pending += decoder.decode();
    splitter ??= new CsvSplitter(detectDelimiter(pending), limits);
    splitter.split(pending, true, batch);
    if (batch.length > 0) yield withoutEmpty(batch);
    options.onBytes?.(bytesRead);
  } finally {
    stream.destroy();
  }
}

/** Lines with nothing in them (often at the end of a file) are no rows. */
function withoutEmpty(batch: SourceRow[]): SourceRow[] {
  return batch.filter(({ cells }) => cells.length > 1 || (cells[0] ?? '').trim() !== '');
}
