// What kind of file an upload is, told from its content (never from its name), and the rows
// it holds. One pass over the file computes the checksum and, for text, whether it is
// UTF-8; the readers then stream the rows in a second pass.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileFormat, RefusedKind } from '../../contract/api.ts';
import { ImportRefused } from './issues.ts';
import { readArrow } from './read-arrow.ts';
import { readCsv, type TextEncoding } from './read-csv.ts';
import { odsRefused, readXlsx } from './read-xlsx.ts';
import { DEFAULT_LIMITS, type OnBytes, type ReadLimits, type RowBatches } from './rows.ts';

export type { FileFormat, RefusedKind };
export type FileKind = FileFormat | RefusedKind;

export interface Inspection {
  format: FileFormat;
  /** For CSV: the detected text encoding. */
  encoding: TextEncoding | null;
  size: number;
  /** SHA-256 of the file's bytes, hex. */
  checksum: string;
}

/** Enough of the file's start to tell its kind: an OpenDocument zip names it at byte 38. */
const HEAD_BYTES = 128;
const startsWith = (head: Uint8Array, ...bytes: number[]) =>
  bytes.every((byte, index) => head[index] === byte);
const refuse = (message: string, kind?: RefusedKind) =>
  new ImportRefused([{ row: null, column: null, message }], kind);

/**
 * An OpenDocument file is a zip whose first entry, stored uncompressed, is `mimetype`
 * holding the document's media type (OpenDocument 1.2, part 3, section 3.3).
 */
const ODS_HEAD = Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet', 'latin1');

function formatOf(head: Buffer): FileFormat {
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) {
    if (head.subarray(30, 30 + ODS_HEAD.length).equals(ODS_HEAD)) throw odsRefused();
    return 'xlsx';
  }
  if (startsWith(head, 0x41, 0x52, 0x52, 0x4f, 0x57, 0x31)) return 'arrow-file';
  if (startsWith(head, 0xff, 0xff, 0xff, 0xff)) return 'arrow-stream';
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw refuse(
      'Die Datei ist im alten Excel-Format (.xls). Bitte in Excel oder LibreOffice als „Excel-Arbeitsmappe (.xlsx)“ oder als CSV speichern.',
      'xls',
    );
  }
  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff)) {
    throw refuse(
      'Die Datei ist als UTF-16 („Unicode-Text“) gespeichert. Bitte als „CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“ speichern.',
      'utf-16',
    );
  }
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) {
    throw refuse(
      'Die Datei ist ein PDF. Bitte den Export als CSV, XLSX oder Arrow hochladen.',
      'pdf',
    );
  }
  if (startsWith(head, 0x1f, 0x8b)) {
    throw refuse(
      'Die Datei ist gepackt (gzip). Bitte entpackt als CSV, XLSX oder Arrow hochladen.',
      'gzip',
    );
  }
  return 'csv';
}

/** Reads the file once: checksum, size, format and, for text, its encoding. */
export async function inspectFile(path: string): Promise<Inspection> {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let isUtf8 = true;
  let size = 0;
  let format: FileFormat | undefined;
  let head: Buffer = Buffer.alloc(0);
  const settle = () => {
    format = formatOf(head);
    if (format === 'csv' && head.subarray(0, 4096).includes(0)) {
      throw refuse(
        'Die Datei ist weder CSV noch XLSX noch Arrow (sie enthält Binärdaten). Bitte den Export als CSV, XLSX oder Arrow hochladen.',
      );
    }
    return head;
  };
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    let bytes = chunk;
    if (!format) {
      head = Buffer.concat([head, chunk]);
      if (head.length < HEAD_BYTES) continue;
      bytes = settle();
    }
    if (format === 'csv' && isUtf8) isUtf8 = decodes(utf8, bytes);
  }
  if (!format) {
    if (head.toString('latin1').trim() === '') throw refuse('Die Datei ist leer.');
    if (settle() && format === 'csv') isUtf8 = decodes(utf8, head);
  }
  if (format === 'csv' && isUtf8) {
    try {
      utf8.decode();
    } catch {
      isUtf8 = false;
    }
  }
  const found = format as FileFormat;
  return {
    format: found,
    encoding: found === 'csv' ? (isUtf8 ? 'UTF-8' : 'Windows-1252') : null,
    size,
    checksum: hash.digest('hex'),
  };
}

function decodes(decoder: TextDecoder, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The file's rows, header first, by the reader its format needs. */
export function readRows(
  path: string,
  inspection: Inspection,
  limits: ReadLimits = DEFAULT_LIMITS,
  onBytes?: OnBytes,
): RowBatches {
  switch (inspection.format) {
    case 'csv':
      return readCsv(path, { encoding: inspection.encoding ?? 'UTF-8', limits, onBytes });
    case 'xlsx':
      return readXlsx(path, limits, onBytes);
    case 'arrow-file':
      return readArrow(path, 'file', limits, onBytes);
    case 'arrow-stream':
      return readArrow(path, 'stream', limits, onBytes);
  }
}

export const FORMAT_LABELS: Record<FileKind, string> = {
  csv: 'CSV',
  xlsx: 'XLSX',
  'arrow-file': 'Arrow (Datei)',
  'arrow-stream': 'Arrow (Stream)',
  ods: 'ODS (OpenDocument)',
  xls: 'XLS (altes Excel-Format)',
  'utf-16': 'Text in UTF-16',
  pdf: 'PDF',
  gzip: 'gzip',
};
