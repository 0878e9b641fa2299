// A small XLSX writer for tests and benchmarks: one worksheet of strings, numbers and dates,
// written as shared or inline strings, optionally as formulas with cached values. Node
// built-ins only. `writeZip` writes any zip, and can declare sizes that are not true, to
// build the broken and malicious files a reader must refuse.
import { crc32, deflateRawSync, constants as zlib } from 'node:zlib';

export interface XlsxCell {
  value: string | number | null;
  /** Written as a date serial with the style 'DD.MM.YYYY' (day) or 'MM.YYYY' (month). */
  date?: 'day' | 'month';
}

export type XlsxValue = string | number | null | XlsxCell;

export interface XlsxOptions {
  /** Strings in xl/sharedStrings.xml (as Excel and LibreOffice write them); else inline. */
  sharedStrings?: boolean;
  /** Every value as a formula with its cached value (`<f>…</f><v>…</v>`). */
  formulas?: boolean;
}

export interface ZipEntry {
  name: string;
  /** The content; several buffers are deflated one after the other without joining them. */
  data: Buffer | Buffer[];
  /** Stored uncompressed instead of deflated. */
  store?: boolean;
  /** Uncompressed size to declare instead of the true one (zip64 above 4 GiB). */
  declaredSize?: number;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Style indexes in cellXfs. */
const DAY_STYLE = 1;
const MONTH_STYLE = 2;

export const CONTENT_TYPES = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;

export const ROOT_RELS = `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

export const WORKBOOK = `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Tabelle1" sheetId="1" r:id="rId1"/></sheets></workbook>`;

export function workbookRels(sharedStrings: boolean): string {
  const shared = sharedStrings
    ? `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`
    : '';
  return `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>${shared}</Relationships>`;
}

export const STYLES = `${XML_HEAD}<styleSheet xmlns="${MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/><numFmt numFmtId="165" formatCode="MM.YYYY"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>`;
const SHEET_TAIL = '</sheetData></worksheet>';

/** Rows per piece of the sheet XML: keeps a million-row sheet out of a single string. */
const ROWS_PER_PIECE = 5000;

export function writeXlsx(rows: XlsxValue[][], options: XlsxOptions = {}): Buffer {
  const useShared = options.sharedStrings ?? false;
  const formulas = options.formulas ?? false;
  const shared = new Map<string, number>();
  let sharedCount = 0;
  const sharedIndex = (text: string) => {
    sharedCount++;
    let index = shared.get(text);
    if (index === undefined) {
      index = shared.size;
      shared.set(text, index);
    }
    return index;
  };

  const pieces: Buffer[] = [Buffer.from(SHEET_HEAD)];
  const letters: string[] = [];
  let xml = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as XlsxValue[];
    const rowNumber = r + 1;
    xml += `<row r="${rowNumber}">`;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (cell === null || cell === undefined) continue;
      let value: string | number | null;
      let style = '';
      if (typeof cell === 'object') {
        value = cell.value;
        if (cell.date === 'day') style = ` s="${DAY_STYLE}"`;
        else if (cell.date === 'month') style = ` s="${MONTH_STYLE}"`;
      } else {
        value = cell;
      }
      if (value === null) continue;
      if (letters.length <= c) letters.push(...columnRange(letters.length, c + 1));
      const ref = `${letters[c]}${rowNumber}`;
      if (style !== '' || typeof value === 'number') {
        const serial = typeof value === 'number' ? value : dateSerial(value);
        const formula = formulas ? `<f>${serial}+0</f>` : '';
        xml += `<c r="${ref}"${style}>${formula}<v>${serial}</v></c>`;
      } else if (formulas) {
        const literal = escapeXml(value.replaceAll('"', '""'));
        xml += `<c r="${ref}" t="str"><f>"${literal}"&amp;""</f><v>${escapeXml(value)}</v></c>`;
      } else if (useShared) {
        xml += `<c r="${ref}" t="s"><v>${sharedIndex(value)}</v></c>`;
      } else {
        xml += `<c r="${ref}" t="inlineStr"><is>${textElement(value)}</is></c>`;
      }
    }
    xml += '</row>';
    if (rowNumber % ROWS_PER_PIECE === 0) {
      pieces.push(Buffer.from(xml));
      xml = '';
    }
  }
  pieces.push(Buffer.from(xml + SHEET_TAIL));

  const entries: ZipEntry[] = [
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(workbookRels(useShared)) },
    { name: 'xl/styles.xml', data: Buffer.from(STYLES) },
    { name: 'xl/worksheets/sheet1.xml', data: pieces },
  ];
  if (useShared) {
    const strings: Buffer[] = [
      Buffer.from(
        `${XML_HEAD}<sst xmlns="${MAIN}" count="${sharedCount}" uniqueCount="${shared.size}">`,
      ),
    ];
    let part = '';
    let n = 0;
    for (const text of shared.keys()) {
      part += `<si>${textElement(text)}</si>`;
      if (++n % 20_000 === 0) {
        strings.push(Buffer.from(part));
        part = '';
      }
    }
    strings.push(Buffer.from(`${part}</sst>`));
    entries.push({ name: 'xl/sharedStrings.xml', data: strings });
  }
  return writeZip(entries);
}

function textElement(text: string): string {
  const last = text.length - 1;
  const space =
    text.charCodeAt(0) <= 32 || text.charCodeAt(last) <= 32 ? ' xml:space="preserve"' : '';
  return `<t${space}>${escapeXml(text)}</t>`;
}

const XML_SPECIAL = /[&<>]/;

export function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function columnRange(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => columnLetters(from + i));
}

function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/**
 * 'YYYY-MM-DD' or 'YYYY-MM' (the first of the month) as a serial of Excel's 1900 system,
 * which counts the 29.02.1900 that never was.
 */
export function dateSerial(iso: string): number {
  const match = /^(\d{4})-(\d\d)(?:-(\d\d))?$/.exec(iso);
  if (!match) throw new Error(`not an ISO date: ${iso}`);
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? 1));
  const days = Math.round((utc - Date.UTC(1899, 11, 30)) / 86_400_000);
  // Before 1900-03-01 Excel's serials are one less than the days since 1899-12-30.
  return days < 61 ? days - 1 : days;
}

// ---------------------------------------------------------------------------------------
// Zip

interface Packed {
  name: Buffer;
  chunks: Buffer[];
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  declaredSize: number;
  offset: number;
}

const DOS_TIME = 0;
const DOS_DATE = ((2021 - 1980) << 9) | (3 << 5) | 1; // 01.03.2021
const MAX32 = 0xffffffff;

function pack(entry: ZipEntry): Packed {
  const parts = Array.isArray(entry.data) ? entry.data : [entry.data];
  let crc = 0;
  let size = 0;
  for (const part of parts) {
    crc = crc32(part, crc);
    size += part.length;
  }
  let chunks: Buffer[];
  if (entry.store) {
    chunks = parts;
  } else {
    // Each part is deflated on its own and ended with a sync flush, so the pieces join into
    // one deflate stream; an empty final block closes it.
    chunks = parts.map((part) => deflateRawSync(part, { finishFlush: zlib.Z_SYNC_FLUSH }));
    chunks.push(deflateRawSync(Buffer.alloc(0)));
  }
  const compressedSize = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return {
    name: Buffer.from(entry.name),
    chunks,
    method: entry.store ? 0 : 8,
    crc,
    size,
    compressedSize,
    declaredSize: entry.declaredSize ?? size,
    offset: 0,
  };
}

/** A zip of the entries (deflated unless `store`), sizes as declared. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const packed = entries.map(pack);
  const out: Buffer[] = [];
  let offset = 0;
  for (const entry of packed) {
    entry.offset = offset;
    const zip64 = entry.declaredSize >= MAX32;
    // A zip64 local header carries both sizes in its extra field.
    const extra = Buffer.alloc(zip64 ? 20 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(entry.declaredSize), 4);
      extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12);
    }
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(0x0800, 6); // names in UTF-8
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(entry.crc >>> 0, 14);
    header.writeUInt32LE(zip64 ? MAX32 : entry.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX32 : entry.declaredSize, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    out.push(header, entry.name, extra, ...entry.chunks);
    offset += header.length + entry.name.length + extra.length + entry.compressedSize;
  }
  const directoryOffset = offset;
  for (const entry of packed) {
    const zip64 = entry.declaredSize >= MAX32;
    // In the central directory only the field set to 0xFFFFFFFF is in the extra field.
    const extra = Buffer.alloc(zip64 ? 12 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(entry.declaredSize), 4);
    }
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4); // made by
    header.writeUInt16LE(zip64 ? 45 : 20, 6); // needed
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.compressedSize, 20);
    header.writeUInt32LE(zip64 ? MAX32 : entry.declaredSize, 24);
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    // comment length, disk number, internal and external attributes stay 0
    header.writeUInt32LE(entry.offset, 42);
    out.push(header, entry.name, extra);
    offset += header.length + entry.name.length + extra.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(packed.length, 8);
  end.writeUInt16LE(packed.length, 10);
  end.writeUInt32LE(offset - directoryOffset, 12);
  end.writeUInt32LE(directoryOffset, 16);
  out.push(end);
  return Buffer.concat(out);
}
