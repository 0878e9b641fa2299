// A table as an Excel workbook (Office Open XML), written in the browser and by the server
// (`format=xlsx`): one sheet with title, Stand, the header, typed cells (counts as numbers,
// shares as numbers shown "0 %", days and months as Excel dates shown TT.MM.JJJJ and
// MMM JJJJ, years as numbers, keys as text, withheld values as the text "."), the source
// line and notes, and column widths. Strings are inline (no shared-strings part): Excel and
// LibreOffice read both. Figures are rounded as the page shows them.
import {
  anyWithheld,
  type DownloadColumn,
  type DownloadMeta,
  type DownloadTable,
  footLines,
  isProvisionalDay,
  isWithheld,
  shownNumber,
  sourceOf,
  WITHHELD,
  wholePercent,
} from './meta.ts';
import { storedZip } from './zip.ts';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Indexes into cellXfs of STYLES. */
const Style = {
  Plain: 0,
  Title: 1,
  Header: 2,
  Count: 3,
  Percent: 4,
  Withheld: 5,
  Decimal: 6,
  HeaderRight: 7,
  Date: 8,
  Month: 9,
  Year: 10,
  DateTime: 11,
  DateProvisional: 12,
} as const;

// Fills 0 and 1 (none, gray125) are the two Excel expects in every workbook.
const STYLES = `${XML_HEAD}<styleSheet xmlns="${MAIN}"><numFmts count="6"><numFmt numFmtId="164" formatCode="0 %"/><numFmt numFmtId="165" formatCode="#,##0.0"/><numFmt numFmtId="166" formatCode="dd.mm.yyyy"/><numFmt numFmtId="167" formatCode="mmm yyyy"/><numFmt numFmtId="168" formatCode="dd.mm.yyyy hh:mm:ss"/><numFmt numFmtId="169" formatCode="dd.mm.yyyy&quot; (vorläufig)&quot;"/></numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="13"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="right"/></xf><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="right"/></xf><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Standard" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const CONTENT_TYPES = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${SHEET_TYPE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${SHEET_TYPE}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="${SHEET_TYPE}.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`;

const ROOT_RELS = `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`;

const WORKBOOK_RELS = `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`;

// Characters XML 1.0 does not allow at all; they cannot come from the page, but must not
// make the file unreadable if they do.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to drop.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

const FORBIDDEN_IN_SHEET_NAME = /[[\]:*?/\\]/g;
const SHEET_NAME_MAX = 31;

/**
 * A sheet name Excel accepts: at most 31 characters, none of []:*?/\, not beginning or
 * ending with an apostrophe. A longer title is cut at a word where that keeps most of it.
 */
export function sheetName(title: string): string {
  const name = title
    .replace(FORBIDDEN_IN_SHEET_NAME, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s']+|[\s']+$/g, '');
  if (name.length <= SHEET_NAME_MAX) return name || 'Tabelle';
  const cut = name.slice(0, SHEET_NAME_MAX + 1);
  const space = cut.lastIndexOf(' ');
  const short = space >= 16 ? cut.slice(0, space) : name.slice(0, SHEET_NAME_MAX);
  return short.replace(/[\s']+$/, '');
}

function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

type Cell =
  | { text: string; style: number }
  | { number: number; style: number; shown?: number }
  | null;

/** A cell whose kind differs from its column's (a table of indicators of every kind). */
export interface TypedValue {
  kind: DownloadColumn['kind'];
  value: string | number | null;
}

/** A table for the workbook: the page's table, or cells typed one by one. */
export interface XlsxTable {
  columns: DownloadColumn[];
  rows: (string | number | null | TypedValue)[][];
}

const textCell = (text: string, style: number = Style.Plain): Cell => ({ text, style });

const DAY_MS = 86_400_000;
/** Excel's day 0 (its serial 1 is 01.01.1900, counting the 29.02.1900 that never was). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** "2021-01-31" (or "2021-01", its first day) as Excel's date serial, or null. */
export function excelSerial(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso);
  if (!match) return null;
  const [, year, month, day = '01'] = match;
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day));
  return Number.isNaN(time) ? null : (time - EXCEL_EPOCH) / DAY_MS;
}

const berlinParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A moment (ISO 8601) as Excel's serial of its wall-clock time in Germany. */
export function excelDateTime(iso: string): number | null {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return null;
  const part = (type: string) =>
    Number(berlinParts.formatToParts(moment).find((p) => p.type === type)?.value);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return (local - EXCEL_EPOCH) / DAY_MS;
}

function valueCell(
  column: DownloadColumn | undefined,
  cell: string | number | null | TypedValue,
): Cell {
  const typed = cell !== null && typeof cell === 'object';
  const value = typed ? cell.value : cell;
  const kind = typed ? cell.kind : column?.kind;
  const as: DownloadColumn | undefined = kind ? { label: '', ...column, kind } : column;
  if (isWithheld(as, value)) return textCell(WITHHELD, Style.Withheld);
  if (value === null) return null;
  if (kind === 'date' || kind === 'month') {
    const serial = typeof value === 'string' ? excelSerial(value) : null;
    if (serial === null) return textCell(String(value));
    const style =
      kind === 'month'
        ? Style.Month
        : isProvisionalDay(as, value)
          ? Style.DateProvisional
          : Style.Date;
    return { number: serial, style, shown: 10 + (style === Style.DateProvisional ? 12 : 0) };
  }
  if (kind === 'datetime') {
    const serial = typeof value === 'string' ? excelDateTime(value) : null;
    return serial === null
      ? textCell(String(value))
      : { number: serial, style: Style.DateTime, shown: 19 };
  }
  if (kind === 'year') {
    const year = Number(value);
    return Number.isInteger(year)
      ? { number: year, style: Style.Year, shown: 4 }
      : textCell(String(value));
  }
  if (typeof value === 'string') return textCell(value);
  if (!Number.isFinite(value)) return null;
  // Rounded as the page shows them: shares in whole percent, ratios to one decimal.
  if (kind === 'share') return { number: wholePercent(value) / 100, style: Style.Percent };
  if (kind === 'number') {
    const shown = shownNumber(value);
    return { number: shown, style: Number.isInteger(shown) ? Style.Count : Style.Decimal };
  }
  return textCell(String(value));
}

function cellXml(cell: Cell, ref: string): string {
  if (cell === null) return '';
  const style = cell.style === Style.Plain ? '' : ` s="${cell.style}"`;
  if ('number' in cell) return `<c r="${ref}"${style}><v>${cell.number}</v></c>`;
  const space = /^\s|\s$/.test(cell.text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${style} t="inlineStr"><is><t${space}>${escapeXml(cell.text)}</t></is></c>`;
}

/** How many characters a cell shows, for the column width. */
function shownLength(cell: Cell): number {
  if (cell === null) return 0;
  if ('text' in cell) return cell.text.length;
  if (cell.shown !== undefined) return cell.shown;
  // "2.469", "24 %", "51,3": digits, separators and the sign.
  const digits = String(Math.round(Math.abs(cell.number))).length;
  return digits + Math.floor((digits - 1) / 3) + 3;
}

function sheetXml(table: XlsxTable, meta: DownloadMeta): string {
  const header = table.columns.map((column) =>
    textCell(column.label, column.kind === 'text' ? Style.Header : Style.HeaderRight),
  );
  const body = table.rows.map((row) => row.map((value, c) => valueCell(table.columns[c], value)));
  const rows: Cell[][] = [
    [textCell(meta.title, Style.Title)],
    [textCell(meta.stand)],
    [],
    header,
    ...body,
    [],
    [textCell(sourceOf(meta))],
    ...footLines(meta, anyWithheld(table)).map((line) => [textCell(line)]),
  ];
  // Title, Stand and source run over the empty cells beside them; only the table sets widths.
  const widths = table.columns.map((_, c) =>
    Math.min(60, Math.max(10, ...[header, ...body].map((row) => shownLength(row[c] ?? null) + 2))),
  );
  const cols = widths
    .map((width, c) => `<col min="${c + 1}" max="${c + 1}" width="${width}" customWidth="1"/>`)
    .join('');
  const data = rows
    .map((row, r) => {
      const cells = row.map((cell, c) => cellXml(cell, `${columnLetters(c)}${r + 1}`)).join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const last = `${columnLetters(Math.max(table.columns.length, 1) - 1)}${rows.length}`;
  return `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:${last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${data}</sheetData></worksheet>`;
}

function workbookXml(meta: DownloadMeta): string {
  const name = escapeXml(sheetName(meta.sheetName ?? meta.title));
  return `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
}

/** Title and description in the file's properties, as Excel's "Informationen" shows them. */
function coreXml(meta: DownloadMeta): string {
  return `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${escapeXml(meta.title)}</dc:title><dc:description>${escapeXml(`${meta.stand}. ${sourceOf(meta)}`)}</dc:description></cp:coreProperties>`;
}

/** The XLSX file's bytes. */
export function xlsxBytes(
  table: DownloadTable | XlsxTable,
  meta: DownloadMeta,
): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const part = (name: string, xml: string) => ({ name, data: encoder.encode(xml) });
  return storedZip([
    part('[Content_Types].xml', CONTENT_TYPES),
    part('_rels/.rels', ROOT_RELS),
    part('docProps/core.xml', coreXml(meta)),
    part('xl/workbook.xml', workbookXml(meta)),
    part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    part('xl/styles.xml', STYLES),
    part('xl/worksheets/sheet1.xml', sheetXml(table, meta)),
  ]);
}
