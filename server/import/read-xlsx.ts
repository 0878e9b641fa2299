// Reads the first worksheet of an XLSX file as rows of cell texts, streaming: the zip is
// opened with yauzl, the sheet XML is inflated and parsed with saxes chunk by chunk, and
// rows are handed on in batches. Cell values come out as a user sees them: shared and
// inline strings, the cached values of formulas, and numbers in a date format as
// calendar dates ('YYYY-MM-DD', or 'YYYY-MM' for a format showing month and year only).
//
// Before anything is inflated, the declared sizes in the central directory are checked
// against the limits (zip bombs); yauzl checks while inflating that no entry expands
// beyond its declared size, so a lying header fails too.
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { type ImportIssue, ImportRefused } from './issues.ts';
import {
  BATCH_ROWS,
  DEFAULT_LIMITS,
  type OnBytes,
  type ReadLimits,
  type RowBatches,
  type SourceRow,
} from './rows.ts';

const SAVE_AS_XLSX = 'Bitte in Excel oder LibreOffice als „Excel-Arbeitsmappe (.xlsx)“ speichern.';
const SAVE_AGAIN = 'Bitte die Datei neu speichern oder als CSV exportieren.';
/** The expansion ratio is only checked for entries bigger than this: small XML compresses well. */
const RATIO_MIN_BYTES = 1024 * 1024;

/** How a cell's number format shows a number: as a number, or as a date down to the day,
 * the month or the year. */
export const Shown = { Number: 0, Day: 1, Month: 2, Year: 3 } as const;
export type Shown = (typeof Shown)[keyof typeof Shown];

export async function* readXlsx(
  path: string,
  limits: ReadLimits = DEFAULT_LIMITS,
  onBytes?: OnBytes,
): RowBatches {
  const zip = await openZip(path);
  try {
    const entries = await listEntries(zip, limits);
    const book = await readWorkbook(zip, entries, limits);
    yield* readSheet(zip, book, limits, onBytes);
  } catch (error) {
    throw asRefused(error);
  } finally {
    zip.close();
  }
}

// ---------------------------------------------------------------------------------------
// Refusals

function refused(message: string, row: number | null = null, column: string | null = null) {
  return new ImportRefused([{ row, column, message }]);
}

/**
 * An OpenDocument spreadsheet: told from its first bytes when it names itself there,
 * else from its parts.
 */
export function odsRefused(): ImportRefused {
  return new ImportRefused(
    [
      {
        row: null,
        column: null,
        message:
          'Die Datei ist eine OpenDocument-Tabelle (.ods). Bitte in LibreOffice über Datei → Speichern unter als „Excel 2007-365 (.xlsx)“ oder als „Text CSV (.csv)“ speichern.',
      },
    ],
    'ods',
  );
}

function unreadable(reason: string, cause?: unknown): ImportRefused {
  const error = refused(`Die Datei ist keine lesbare XLSX-Datei: ${reason}. ${SAVE_AS_XLSX}`);
  if (cause !== undefined) error.cause = cause;
  return error;
}

function megabytes(bytes: number): string {
  const options = bytes < 1e6 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 1 };
  return (bytes / 1e6).toLocaleString('de-DE', options);
}

function bomb(expanded: number, compressed: number): ImportRefused {
  return refused(
    `Die XLSX-Datei entpackt sich auf ein Vielfaches ihrer Größe (${megabytes(expanded)} MB aus ${megabytes(compressed)} MB) und wird abgewiesen. ${SAVE_AGAIN}`,
  );
}

/** Turns whatever went wrong below (yauzl, zlib, saxes) into a refusal of the file. */
function asRefused(error: unknown): ImportRefused {
  if (error instanceof ImportRefused) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('too many bytes in the stream')) {
    const issue: ImportIssue = {
      row: null,
      column: null,
      message: `Die XLSX-Datei entpackt sich auf mehr als die in ihr angegebene Größe und wird abgewiesen. ${SAVE_AGAIN}`,
    };
    return Object.assign(new ImportRefused([issue]), { cause: error });
  }
  return unreadable('sie ist beschädigt', error);
}

// ---------------------------------------------------------------------------------------
// The zip

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true },
      (error, zip) => {
        if (error || !zip) {
          notAZip(path, error).then(reject, reject);
          return;
        }
        // Errors after the entries are listed (closing the file) must not crash the process.
        zip.on('error', () => {});
        resolve(zip);
      },
    );
  });
}

async function notAZip(path: string, cause: unknown): Promise<ImportRefused> {
  const head = Buffer.alloc(8);
  try {
    const file = await openFile(path, 'r');
    try {
      await file.read(head, 0, 8, 0);
    } finally {
      await file.close();
    }
  } catch {
    // Not even readable: refused below like any other file that is not a zip.
  }
  // The compound file format: an old .xls, or an .xlsx encrypted with a password.
  if (head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1) {
    return unreadable(
      'sie ist im alten Excel-Format (.xls) gespeichert oder mit einem Kennwort geschützt',
      cause,
    );
  }
  return unreadable('sie ist kein ZIP-Archiv oder unvollständig', cause);
}

/** All entries by lower-case name, checked for zip bombs before anything is inflated. */
async function listEntries(zip: ZipFile, limits: ReadLimits): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let total = 0;
  for await (const entry of zip.eachEntry()) {
    const size = entry.uncompressedSize;
    const compressed = entry.compressedSize;
    total += size;
    // The sum includes this entry: a single entry too big is caught here as well.
    if (total > limits.maxExpandedBytes) throw bomb(total, zip.fileSize);
    if (size > RATIO_MIN_BYTES && size / Math.max(compressed, 1) > limits.maxExpansionRatio) {
      throw bomb(size, compressed);
    }
    entries.set(entry.fileName.replaceAll('\\', '/').toLowerCase(), entry);
  }
  return entries;
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

function xmlParser(): SaxesParser {
  return new SaxesParser({ xmlns: false, position: false });
}

/** Element name without a namespace prefix (`x:row` → `row`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Streams a (small) XML part through a parser set up by the caller. */
async function parsePart(zip: ZipFile, entry: Entry, parser: SaxesParser): Promise<void> {
  const stream = await openEntry(zip, entry);
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      writeXml(parser, decoder.write(chunk), entry);
    }
    writeXml(parser, decoder.end(), entry, true);
  } finally {
    stream.destroy();
  }
}

/**
 * Feeds text to the parser. The handlers throw only ImportRefused; anything else thrown
 * here is saxes finding the XML not well-formed.
 */
function writeXml(parser: SaxesParser, text: string, entry: Entry, last = false): void {
  try {
    parser.write(text);
    if (last) parser.close();
  } catch (error) {
    if (error instanceof ImportRefused) throw error;
    throw unreadable(`${entry.fileName} ist kein gültiges XML`, error);
  }
}

// ---------------------------------------------------------------------------------------
// Workbook, relationships, styles, shared strings

interface Workbook {
  sheet: Entry;
  date1904: boolean;
  /** How each cell style (index of cellXfs) shows a number. */
  styles: Uint8Array;
  sharedStrings: string[] | null;
}

interface Relationship {
  target: string;
  type: string;
}

async function readWorkbook(
  zip: ZipFile,
  entries: Map<string, Entry>,
  limits: ReadLimits,
): Promise<Workbook> {
  const find = (name: string) => entries.get(name.toLowerCase());

  let workbookName = 'xl/workbook.xml';
  const rootRels = find('_rels/.rels');
  if (rootRels) {
    const rels = await readRelationships(zip, rootRels, '');
    for (const rel of rels.values()) {
      if (rel.type.endsWith('/officeDocument') && find(rel.target)) workbookName = rel.target;
    }
  }
  const workbookEntry = find(workbookName);
  if (!workbookEntry) {
    if (find('content.xml') && find('mimetype')) throw odsRefused();
    throw unreadable('sie enthält keine Arbeitsmappe');
  }

  const { sheetIds, date1904 } = await readWorkbookPart(zip, workbookEntry);
  const slash = workbookName.lastIndexOf('/');
  const baseDir = workbookName.slice(0, slash + 1);
  const relsEntry = find(`${baseDir}_rels/${workbookName.slice(slash + 1)}.rels`);
  const rels = relsEntry
    ? await readRelationships(zip, relsEntry, baseDir)
    : new Map<string, Relationship>();

  let sheet: Entry | undefined;
  for (const id of sheetIds) {
    const rel = rels.get(id);
    if (rel?.type.endsWith('/worksheet')) {
      sheet = find(rel.target);
      if (sheet) break;
    }
  }
  if (!sheet) throw unreadable('sie enthält keine Tabelle');

  let stylesEntry = find(`${baseDir}styles.xml`);
  let sharedEntry = find(`${baseDir}sharedStrings.xml`);
  for (const rel of rels.values()) {
    if (rel.type.endsWith('/styles')) stylesEntry = find(rel.target) ?? stylesEntry;
    if (rel.type.endsWith('/sharedStrings')) sharedEntry = find(rel.target) ?? sharedEntry;
  }
  const styles = stylesEntry ? await readStyles(zip, stylesEntry) : new Uint8Array(0);
  const sharedStrings = sharedEntry ? await readSharedStrings(zip, sharedEntry, limits) : null;
  return { sheet, date1904, styles, sharedStrings };
}

async function readWorkbookPart(
  zip: ZipFile,
  entry: Entry,
): Promise<{ sheetIds: string[]; date1904: boolean }> {
  const sheetIds: string[] = [];
  let date1904 = false;
  const parser = xmlParser();
  parser.on('opentag', (node: SaxesTagPlain) => {
    const name = local(node.name);
    if (name === 'workbookPr') {
      const value = node.attributes.date1904;
      date1904 = value === '1' || value === 'true';
    } else if (name === 'sheet') {
      // The relationship id is namespaced (`r:id`, whatever the prefix).
      for (const [attribute, value] of Object.entries(node.attributes)) {
        if (attribute.endsWith(':id')) sheetIds.push(value);
      }
    }
  });
  await parsePart(zip, entry, parser);
  return { sheetIds, date1904 };
}

async function readRelationships(
  zip: ZipFile,
  entry: Entry,
  baseDir: string,
): Promise<Map<string, Relationship>> {
  const rels = new Map<string, Relationship>();
  const parser = xmlParser();
  parser.on('opentag', (node: SaxesTagPlain) => {
    if (local(node.name) !== 'Relationship') return;
    const { Id: id, Target: target, Type: type, TargetMode: mode } = node.attributes;
    if (id === undefined || target === undefined || mode === 'External') return;
    rels.set(id, { target: resolvePart(baseDir, target), type: type ?? '' });
  });
  await parsePart(zip, entry, parser);
  return rels;
}

/** A relationship target as a zip entry name: absolute (`/xl/…`) or relative to baseDir. */
export function resolvePart(baseDir: string, target: string): string {
  const path = target.replaceAll('\\', '/');
  const joined = path.startsWith('/') ? path.slice(1) : baseDir + path;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

async function readStyles(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  const formats = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  const parser = xmlParser();
  parser.on('opentag', (node: SaxesTagPlain) => {
    const name = local(node.name);
    if (name === 'numFmt') {
      const id = Number(node.attributes.numFmtId);
      const code = node.attributes.formatCode;
      if (Number.isInteger(id) && code !== undefined) formats.set(id, code);
    } else if (name === 'cellXfs') {
      inCellXfs = true;
    } else if (name === 'xf' && inCellXfs) {
      xfs.push(Number(node.attributes.numFmtId ?? 0) || 0);
    }
  });
  parser.on('closetag', (node: SaxesTagPlain) => {
    if (local(node.name) === 'cellXfs') inCellXfs = false;
  });
  await parsePart(zip, entry, parser);
  const shown = new Uint8Array(xfs.length);
  const byFormat = new Map<number, Shown>();
  for (const [index, id] of xfs.entries()) {
    let kind = byFormat.get(id);
    if (kind === undefined) {
      const code = formats.get(id);
      kind = code === undefined ? builtInFormat(id) : classifyFormat(code);
      byFormat.set(id, kind);
    }
    shown[index] = kind;
  }
  return shown;
}

/** Built-in number formats (ECMA-376 18.8.30) that show a date. Times are plain numbers. */
function builtInFormat(id: number): Shown {
  if (id === 17) return Shown.Month; // mmm-yy
  if ((id >= 14 && id <= 16) || id === 22) return Shown.Day;
  // East Asian date formats: taken as showing the day.
  if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return Shown.Day;
  return Shown.Number;
}

/**
 * How a custom format code shows a number. Quoted literals, escaped characters, fill and
 * padding characters and bracketed sections (locale, colour, elapsed time) are dropped;
 * only the first section counts. What remains shows a date if it has a day (d; German
 * T) or a year (y; German J); a bare m is minutes or a month without a year, not a date.
 */
export function classifyFormat(code: string): Shown {
  let rest = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '"') {
      const end = code.indexOf('"', i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === '\\' || c === '_' || c === '*') {
      i++;
    } else if (c === '[') {
      const end = code.indexOf(']', i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === ';') {
      break;
    } else if (c === '@') {
      return Shown.Number;
    } else {
      rest += c.toLowerCase();
    }
  }
  rest = rest.trim();
  if (rest === 'general' || rest === 'standard') return Shown.Number;
  rest = rest.replaceAll('am/pm', '').replaceAll('a/p', '');
  const month = rest.includes('m');
  const day = rest.includes('d') || (month && rest.includes('t'));
  const year = rest.includes('y') || (month && rest.includes('j'));
  if (day) return Shown.Day;
  if (year) return month ? Shown.Month : Shown.Year;
  return Shown.Number;
}

async function readSharedStrings(
  zip: ZipFile,
  entry: Entry,
  limits: ReadLimits,
): Promise<string[]> {
  // A string longer than a record may be is cut to one character more than allowed: a cell
  // using it is then refused as too long, and it never holds more memory than that.
  const cap = limits.maxRecordChars + 1;
  const strings: string[] = [];
  let inSi = false;
  let inT = false;
  let phonetic = 0;
  let text = '';
  const parser = xmlParser();
  parser.on('opentag', (node: SaxesTagPlain) => {
    const name = local(node.name);
    if (name === 'si') {
      inSi = true;
      text = '';
    } else if (name === 't') {
      inT = inSi && phonetic === 0;
    } else if (name === 'rPh') {
      phonetic++;
    }
  });
  const onText = (chunk: string) => {
    if (inT && text.length < cap) {
      text += chunk;
      // A copy, not a slice: a slice would keep the whole text alive.
      if (text.length > cap) text = Buffer.from(text.slice(0, cap)).toString();
    }
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (node: SaxesTagPlain) => {
    const name = local(node.name);
    if (name === 't') inT = false;
    else if (name === 'rPh') phonetic--;
    else if (name === 'si' && inSi) {
      strings.push(unescapeOoxml(text));
      inSi = false;
      text = '';
    }
  });
  await parsePart(zip, entry, parser);
  return strings;
}

/** Excel writes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return). */
function unescapeOoxml(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

// ---------------------------------------------------------------------------------------
// The sheet

async function* readSheet(
  zip: ZipFile,
  book: Workbook,
  limits: ReadLimits,
  onBytes: OnBytes | undefined,
): RowBatches {
  const { sheet, styles, sharedStrings, date1904 } = book;
  const maxColumns = limits.maxColumns;
  const maxChars = limits.maxRecordChars;

  let pending: SourceRow[] = [];
  let header: string[] | null = null;
  let headerLength = 0;

  // The row being read.
  let rowNumber = 0;
  let cells: string[] = [];
  let rowChars = 0;
  let rowHasContent = false;
  let lastColumn = -1;

  // The cell being read.
  let column = 0;
  let type = '';
  let style = 0;
  let value = '';
  let inline = '';
  let inValue = false;
  let inText = false;
  let inInline = false;
  let phonetic = 0;

  const columnName = (index: number) => {
    const name = header?.[index];
    return name ? name : null;
  };

  const endCell = () => {
    let text: string;
    switch (type) {
      case 's': {
        if (value === '') return;
        const index = Number(value);
        const shared = sharedStrings?.[index];
        if (shared === undefined) {
          throw unreadable(
            `Zelle ${columnLetters(column)}${rowNumber} verweist auf einen Text, den die Datei nicht enthält`,
          );
        }
        text = shared;
        break;
      }
      case 'inlineStr':
        text = unescapeOoxml(inline !== '' ? inline : value);
        break;
      case 'str':
        text = unescapeOoxml(value);
        break;
      case 'b':
        text = value === '' ? '' : value === '1' || value === 'true' ? 'TRUE' : 'FALSE';
        break;
      case 'e':
        text = value;
        break;
      case 'd':
        text = isoDate(value, (styles[style] ?? Shown.Number) as Shown);
        break;
      default: {
        if (value === '') return;
        const shown = (styles[style] ?? Shown.Number) as Shown;
        text = shown === Shown.Number ? numberText(value) : serialDate(value, shown, date1904);
      }
    }
    if (text === '') return;
    if (column >= maxColumns) {
      throw refused(
        `Zeile ${rowNumber} hat mindestens ${column + 1} Spalten; erlaubt sind höchstens ${maxColumns}. Bitte nur die Spalten des Exportformats in die erste Tabelle der Datei stellen.`,
        rowNumber,
      );
    }
    if (text.length > maxChars) {
      throw refused(
        `Zeile ${rowNumber}, Spalte ${columnLetters(column)}: Die Zelle hat mehr als ${maxChars} Zeichen und wird abgewiesen.`,
        rowNumber,
        columnName(column),
      );
    }
    rowChars += text.length;
    if (rowChars > maxChars) {
      throw refused(
        `Zeile ${rowNumber} hat mehr als ${maxChars} Zeichen und wird abgewiesen.`,
        rowNumber,
      );
    }
    if (column >= cells.length) {
      while (cells.length < column) cells.push('');
      cells.push(text);
    } else {
      cells[column] = text;
    }
    if (!rowHasContent) rowHasContent = hasContent(text);
  };

  // Names are compared without a namespace prefix; most files have none (checked once, on
  // the root element, to spare the lookup per element).
  let prefixed: boolean | undefined;
  const parser = xmlParser();
  parser.on('opentag', (node: SaxesTagPlain) => {
    prefixed ??= node.name.includes(':');
    const name = prefixed ? local(node.name) : node.name;
    switch (name) {
      case 'c': {
        const attributes = node.attributes;
        const ref = attributes.r;
        column = ref === undefined ? -1 : columnIndex(ref);
        if (column < 0) column = lastColumn + 1;
        lastColumn = column;
        type = attributes.t ?? '';
        const s = attributes.s;
        style = s === undefined ? 0 : Number(s) || 0;
        value = '';
        inline = '';
        break;
      }
      case 'v':
        inValue = true;
        break;
      case 't':
        inText = inInline && phonetic === 0;
        break;
      case 'is':
        inInline = true;
        break;
      case 'rPh':
        phonetic++;
        break;
      case 'row': {
        const r = node.attributes.r;
        const n = r === undefined ? Number.NaN : Number(r);
        rowNumber = Number.isInteger(n) && n > 0 ? n : rowNumber + 1;
        cells = [];
        rowChars = 0;
        rowHasContent = false;
        lastColumn = -1;
        break;
      }
    }
  });
  const onText = (text: string) => {
    if (inValue) value += text;
    else if (inText) inline += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  // saxes also reports the end of a self-closing element (`<c r="B2" s="1"/>`).
  parser.on('closetag', (node: SaxesTagPlain) => {
    switch (prefixed ? local(node.name) : node.name) {
      case 'v':
        inValue = false;
        break;
      case 't':
        inText = false;
        break;
      case 'is':
        inInline = false;
        break;
      case 'rPh':
        phonetic--;
        break;
      case 'c':
        endCell();
        break;
      case 'row':
        if (!rowHasContent) break;
        if (header === null) {
          header = cells;
          headerLength = cells.length;
        } else {
          while (cells.length < headerLength) cells.push('');
        }
        pending.push({ row: rowNumber, cells });
        break;
    }
  });

  const stream = await openEntry(zip, sheet);
  const decoder = new StringDecoder('utf8');
  const offset = sheet.relativeOffsetOfLocalHeader;
  const perByte = sheet.compressedSize / Math.max(sheet.uncompressedSize, 1);
  let inflated = 0;
  const report = () => onBytes?.(offset + Math.round(inflated * perByte));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      writeXml(parser, decoder.write(chunk), sheet);
      if (pending.length >= BATCH_ROWS) {
        const batch = pending;
        pending = [];
        report();
        yield batch;
      }
    }
    writeXml(parser, decoder.end(), sheet, true);
    if (header === null) {
      throw refused('Die Datei ist leer: ihre erste Tabelle enthält keine Zeilen.');
    }
    if (pending.length > 0) {
      report();
      yield pending;
    }
  } finally {
    stream.destroy();
  }
}

/** Whether a cell text has anything but white space. */
function hasContent(text: string): boolean {
  return text.charCodeAt(0) > 32 || text.charCodeAt(text.length - 1) > 32 || text.trim() !== '';
}

/** Zero-based column of a cell reference (`C7` → 2); -1 when it has no letters. */
export function columnIndex(ref: string): number {
  let column = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) column = column * 26 + c - 64;
    else if (c >= 97 && c <= 122) column = column * 26 + c - 96;
    else break;
  }
  return i === 0 ? -1 : column - 1;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** A number as text: integers without decimals, others as JavaScript writes them. */
function numberText(value: string): string {
  const n = Number(value);
  return Number.isNaN(n) ? value : String(n);
}

const MS_PER_DAY = 86_400_000;

/**
 * A date serial as 'YYYY-MM-DD' (or 'YYYY-MM', 'YYYY' as the format shows it); the time of
 * day is dropped. 1900 system with Lotus' leap day: serial 60 is 1900-02-29, which never
 * was. Serials outside what Excel shows as a date stay numbers.
 */
export function serialDate(value: string, shown: Shown, date1904: boolean): string {
  const serial = Number(value);
  if (!Number.isFinite(serial)) return value;
  // Round to the millisecond first, as Excel does, so 44196.99999999999 is still a day on.
  const days = Math.floor(Math.round(serial * MS_PER_DAY) / MS_PER_DAY);
  let epochDays: number;
  if (date1904) {
    if (days < 0) return numberText(value);
    epochDays = days - 24107;
  } else {
    if (days < 1) return numberText(value);
    if (days === 60) return formatDate(1900, 2, 29, shown);
    epochDays = days < 60 ? days - 25568 : days - 25569;
  }
  if (epochDays > 2932896) return numberText(value); // after 9999-12-31
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const z = epochDays + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate(year, month, day, shown);
}

function formatDate(year: number, month: number, day: number, shown: Shown): string {
  if (shown === Shown.Year) return String(year);
  const ym = `${year}-${month < 10 ? '0' : ''}${month}`;
  if (shown === Shown.Month) return ym;
  return `${ym}-${day < 10 ? '0' : ''}${day}`;
}

const ISO_DATE = /^\d{4}-\d\d-\d\d/;

/** A `t="d"` cell (ISO 8601) as its date part. */
function isoDate(value: string, shown: Shown): string {
  if (!ISO_DATE.test(value)) return value;
  if (shown === Shown.Month) return value.slice(0, 7);
  if (shown === Shown.Year) return value.slice(0, 4);
  return value.slice(0, 10);
}
