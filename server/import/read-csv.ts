// Turns the bytes of a CSV export into a header and rows: detects the encoding (UTF-8
// with or without BOM, else Windows-1252) and the delimiter (`;` or `,`).
import { parse } from 'csv-parse/sync';
import { type ImportIssue, ImportRefused } from './issues.ts';

export interface Table {
  header: string[];
  /** Data rows; `row` is the row number a spreadsheet shows (the header is row 1). */
  rows: { row: number; cells: string[] }[];
  encoding: 'UTF-8' | 'Windows-1252';
  delimiter: ';' | ',';
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function decodeText(bytes: Uint8Array): { text: string; encoding: Table['encoding'] } {
  const hasBom = UTF8_BOM.every((byte, index) => bytes[index] === byte);
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'UTF-8' };
  } catch {
    // Not valid UTF-8: what German Excel writes as "CSV (Trennzeichen-getrennt)".
    return { text: new TextDecoder('windows-1252').decode(body), encoding: 'Windows-1252' };
  }
}

/** Counts a character in the first record, outside quotes. */
function countInHeader(text: string, char: string): number {
  let count = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === char) count++;
  }
  return count;
}

export function readCsv(bytes: Uint8Array): Table {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') {
    throw new ImportRefused([{ row: null, column: null, message: 'Die Datei ist leer.' }]);
  }
  const delimiter = countInHeader(text, ',') > countInHeader(text, ';') ? ',' : ';';
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const issue: ImportIssue = {
      row: null,
      column: null,
      message: `Die Datei ist kein gültiges CSV${line ? ` (ab Zeile ${line})` : ''}: vermutlich fehlt ein schließendes Anführungszeichen. Bitte die Datei erneut als CSV speichern.`,
    };
    throw new ImportRefused([issue]);
  }
  const [header = [], ...body] = records;
  const rows = body
    .map((cells, index) => ({ row: index + 2, cells }))
    .filter(({ cells }) => cells.some((cell) => cell !== ''));
  return { header, rows, encoding, delimiter };
}
