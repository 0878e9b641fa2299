// The streaming XLSX reader: values as a user sees them, rows as a spreadsheet numbers
// them, and refusal of files that are broken, too wide or too big when unpacked.
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportRefused } from './issues.ts';
import { classifyFormat, readXlsx, Shown } from './read-xlsx.ts';
import { BATCH_ROWS, DEFAULT_LIMITS, type ReadLimits, type SourceRow } from './rows.ts';
import {
  CONTENT_TYPES,
  ROOT_RELS,
  STYLES,
  workbookRels,
  writeXlsx,
  writeZip,
  type XlsxValue,
  type ZipEntry,
} from './xlsx-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'zb-read-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(bytes: Buffer | string): string {
  const path = join(dir, `file-${++fileCount}.xlsx`);
  writeFileSync(path, bytes);
  return path;
}

async function readAll(path: string, limits?: ReadLimits): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of readXlsx(path, limits)) rows.push(...batch);
  return rows;
}

async function cellsOf(bytes: Buffer, limits?: ReadLimits): Promise<string[][]> {
  return (await readAll(file(bytes), limits)).map((row) => row.cells);
}

async function refusal(path: string, limits?: ReadLimits): Promise<ImportRefused> {
  try {
    await readAll(path, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRefused);
    return error as ImportRefused;
  }
  throw new Error('the file was not refused');
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

interface Parts {
  /** The content of <sheetData>. */
  sheetData: string;
  /** The content of <sst>; written only when given. */
  sharedStrings?: string;
  /** <numFmts> and <cellXfs>; the writer's styles (1 = DD.MM.YYYY, 2 = MM.YYYY) if absent. */
  styles?: string;
  /** Attributes of <workbookPr>. */
  workbookPr?: string;
}

/** An XLSX with hand-written parts, for what writeXlsx does not write. */
function xlsx(parts: Parts): Buffer {
  const workbookPr = parts.workbookPr ? `<workbookPr ${parts.workbookPr}/>` : '';
  const styles = parts.styles
    ? `<?xml version="1.0"?><styleSheet xmlns="${MAIN}">${parts.styles}</styleSheet>`
    : STYLES;
  const entries: ZipEntry[] = [
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${workbookPr}<sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(workbookRels(parts.sharedStrings !== undefined)),
    },
    { name: 'xl/styles.xml', data: Buffer.from(styles) },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData>${parts.sheetData}</sheetData></worksheet>`,
      ),
    },
  ];
  if (parts.sharedStrings !== undefined) {
    entries.push({
      name: 'xl/sharedStrings.xml',
      data: Buffer.from(`<?xml version="1.0"?><sst xmlns="${MAIN}">${parts.sharedStrings}</sst>`),
    });
  }
  return writeZip(entries);
}

/** A sheet of one header row and one row of the given cells (`<c>` elements of row 2). */
function secondRow(cells: string): string {
  return `<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2">${cells}</row>`;
}

describe('readXlsx: cell values', () => {
  const table: XlsxValue[][] = [
    ['case_id', 'name', 'note'],
    ['AWO-1', 'Müller & Söhne <GmbH>', '  Leerzeichen bleiben  '],
    ['AWO-2', 'Zeile\nzwei', 'ß€✓'],
  ];
  const expected = [
    ['case_id', 'name', 'note'],
    ['AWO-1', 'Müller & Söhne <GmbH>', '  Leerzeichen bleiben  '],
    ['AWO-2', 'Zeile\nzwei', 'ß€✓'],
  ];

  it('reads shared strings and inline strings alike, without trimming', async () => {
    expect(await cellsOf(writeXlsx(table, { sharedStrings: true }))).toEqual(expected);
    expect(await cellsOf(writeXlsx(table))).toEqual(expected);
  });

  it('joins the runs of rich text and leaves out phonetic runs', async () => {
    const bytes = xlsx({
      sharedStrings:
        '<si><t>kopf</t></si>' +
        '<si><r><rPr><b/></rPr><t>Zwischen</t></r><r><t xml:space="preserve">bilanz </t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>' +
        '<si><t>Wagen_x000D_\nRücklauf &amp; Co</t></si>' +
        '<si/>',
      sheetData:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c></row>' +
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c>' +
        '<c r="C2" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r><rPh><t>x</t></rPh></is></c></row>',
    });
    expect(await cellsOf(bytes)).toEqual([
      ['kopf'],
      ['Zwischenbilanz ', 'Wagen\r\nRücklauf & Co', 'inline'],
    ]);
  });

  it('reads formulas as their cached values', async () => {
    const values: XlsxValue[][] = [
      ['a', 'b', 'c'],
      ['text', 8118001, 1.25],
      [{ value: '2021-03-01', date: 'day' }, -3, 'x'],
    ];
    const plain = await cellsOf(writeXlsx(values));
    const withFormulas = writeXlsx(values, { formulas: true });
    const xml = zipEntry(withFormulas, 'xl/worksheets/sheet1.xml').toString('utf8');
    expect(xml).toContain('<c r="B2"><f>8118001+0</f><v>8118001</v></c>');
    expect(xml).toContain('<c r="A2" t="str"><f>');
    expect(await cellsOf(withFormulas)).toEqual(plain);
    expect(plain).toEqual([
      ['a', 'b', 'c'],
      ['text', '8118001', '1.25'],
      ['2021-03-01', '-3', 'x'],
    ]);
    const handWritten = xlsx({
      sheetData: secondRow(
        '<c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' +
          '<c r="C2" t="b"><f>TRUE()</f><v>1</v></c><c r="D2" t="b"><v>0</v></c>' +
          '<c r="E2" t="e"><f>NA()</f><v>#NV</v></c><c r="F2" t="e"><v>#N/A</v></c>' +
          '<c r="G2"><f>A2*3</f></c><c r="H2"><v>1.5E-3</v></c><c r="I2"><v>8118001.0</v></c>',
      ),
    });
    expect(await cellsOf(handWritten)).toEqual([
      ['x'],
      ['2', 'ab', 'TRUE', 'FALSE', '#NV', '#N/A', '', '0.0015', '8118001'],
    ]);
  });
});

describe('readXlsx: dates', () => {
  it('reads dates as dates, month formats as months, and text dates as text', async () => {
    const bytes = writeXlsx([
      ['started_on', 'birth_month', 'as_text', 'number'],
      [
        { value: '2021-03-01', date: 'day' },
        { value: '1999-11', date: 'month' },
        '01.03.2021',
        44256,
      ],
      [
        { value: '1900-03-01', date: 'day' },
        { value: '2000-02-29', date: 'month' },
        '2021-03-01',
        1,
      ],
      [{ value: 44256.75, date: 'day' }, { value: 36586, date: 'month' }, '', ''],
    ]);
    expect(await cellsOf(bytes)).toEqual([
      ['started_on', 'birth_month', 'as_text', 'number'],
      ['2021-03-01', '1999-11', '01.03.2021', '44256'],
      ['1900-03-01', '2000-02', '2021-03-01', '1'],
      ['2021-03-01', '2000-03', '', ''],
    ]);
  });

  it("counts Lotus' 29.02.1900 in the 1900 system", async () => {
    const cell = (column: string, serial: number) => `<c r="${column}2" s="1"><v>${serial}</v></c>`;
    const bytes = xlsx({
      sheetData: secondRow(
        cell('A', 1) + cell('B', 59) + cell('C', 60) + cell('D', 61) + cell('E', 2958465),
      ),
    });
    expect((await cellsOf(bytes))[1]).toEqual([
      '1900-01-01',
      '1900-02-28',
      '1900-02-29',
      '1900-03-01',
      '9999-12-31',
    ]);
  });

  it('uses the 1904 system when the workbook says so', async () => {
    const sheetData = secondRow('<c r="A2" s="1"><v>0</v></c><c r="B2" s="1"><v>42794</v></c>');
    for (const flag of ['1', 'true']) {
      const bytes = xlsx({ sheetData, workbookPr: `date1904="${flag}"` });
      expect((await cellsOf(bytes))[1]).toEqual(['1904-01-01', '2021-03-01']);
    }
    const bytes1900 = xlsx({ sheetData, workbookPr: 'date1904="false"' });
    expect((await cellsOf(bytes1900))[1]).toEqual(['0', '2017-02-28']);
  });

  it('tells date formats from number and time formats, built-in and custom', async () => {
    const formats: [number, string | null][] = [
      [14, null],
      [17, null],
      [22, null],
      [20, null],
      [2, null],
      [49, null],
      [164, 'yyyy\\-mm\\-dd'],
      [165, '[$-407]MMMM\\ YYYY;@'],
      [166, 'TT.MM.JJJJ'],
      [167, 'hh:mm:ss'],
      [168, '#,##0.00\\ "Tage"'],
      [169, 'General'],
      [170, '[Red]0.00'],
      [171, '"Datum: "dd/mm/yy'],
      [172, '[h]:mm'],
    ];
    const numFmts = formats
      .filter(([, code]) => code !== null)
      .map(
        ([id, code]) =>
          `<numFmt numFmtId="${id}" formatCode="${code?.replaceAll('"', '&quot;')}"/>`,
      )
      .join('');
    const cellXfs = formats.map(([id]) => `<xf numFmtId="${id}"/>`).join('');
    const bytes = xlsx({
      styles: `<numFmts>${numFmts}</numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>${cellXfs}</cellXfs>`,
      sheetData: `<row r="1"><c r="A1" s="4" t="inlineStr"><is><t>x</t></is></c></row><row r="2">${formats
        .map((_, index) => `<c s="${index}"><v>44256.5</v></c>`)
        .join('')}</row>`,
    });
    expect((await cellsOf(bytes))[1]).toEqual([
      '2021-03-01', // 14 d/m/yyyy
      '2021-03', // 17 mmm-yy
      '2021-03-01', // 22 m/d/yy h:mm
      '44256.5', // 20 h:mm
      '44256.5', // 2 0.00
      '44256.5', // 49 @
      '2021-03-01',
      '2021-03',
      '2021-03-01',
      '44256.5',
      '44256.5',
      '44256.5',
      '44256.5',
      '2021-03-01',
      '44256.5',
    ]);
  });

  it('classifies format codes', () => {
    expect(classifyFormat('DD.MM.YYYY')).toBe(Shown.Day);
    expect(classifyFormat('MM.YYYY')).toBe(Shown.Month);
    expect(classifyFormat('MMM YY')).toBe(Shown.Month);
    expect(classifyFormat('mmmm yyyy')).toBe(Shown.Month);
    expect(classifyFormat('YYYY')).toBe(Shown.Year);
    expect(classifyFormat('d-mmm')).toBe(Shown.Day);
    expect(classifyFormat('[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy')).toBe(Shown.Day);
    expect(classifyFormat('mm:ss')).toBe(Shown.Number);
    expect(classifyFormat('h:mm AM/PM')).toBe(Shown.Number);
    expect(classifyFormat('0.00')).toBe(Shown.Number);
    expect(classifyFormat('#,##0')).toBe(Shown.Number);
    expect(classifyFormat('@')).toBe(Shown.Number);
    expect(classifyFormat('Standard')).toBe(Shown.Number);
    expect(classifyFormat('0" Tage"')).toBe(Shown.Number);
    expect(classifyFormat('t0')).toBe(Shown.Number);
  });

  it('reads ISO dates of t="d" cells as their date part', async () => {
    const bytes = xlsx({
      sheetData: secondRow(
        '<c r="A2" t="d"><v>2021-03-01T12:30:00</v></c><c r="B2" t="d" s="2"><v>1999-11-01</v></c>',
      ),
    });
    expect((await cellsOf(bytes))[1]).toEqual(['2021-03-01', '1999-11']);
  });
});

describe('readXlsx: rows', () => {
  it('places sparse cells at their columns, skips empty rows and starts with the header', async () => {
    const bytes = xlsx({
      sharedStrings: '<si><t></t></si><si><t>  </t></si>',
      sheetData:
        '<row r="1"/><row r="2"><c r="B2" t="s"><v>0</v></c></row>' +
        '<row r="3"><c r="B3" t="inlineStr"><is><t>a</t></is></c><c r="C3" t="inlineStr"><is><t>b</t></is></c><c r="E3" t="inlineStr"><is><t>d</t></is></c></row>' +
        '<row r="4"><c r="A4" s="0"/><c r="C4"><v>1</v></c></row>' +
        '<row r="5"><c r="A5" t="s"><v>1</v></c><c r="B5" t="inlineStr"><is><t></t></is></c></row>' +
        '<row r="6"></row>' +
        '<row r="9"><c r="G9"><v>7</v></c><c r="Z9" s="1"/></row>' +
        '<row><c><v>1</v></c><c><v>2</v></c><c r="D10"><v>4</v></c><c><v>5</v></c></row>' +
        '<row r="11"><c r="A11"><v>1</v></c><c r="IV11"/></row>',
    });
    const rows = await readAll(file(bytes));
    expect(rows).toEqual([
      { row: 3, cells: ['', 'a', 'b', '', 'd'] },
      { row: 4, cells: ['', '', '1', '', ''] },
      { row: 9, cells: ['', '', '', '', '', '', '7'] },
      { row: 10, cells: ['1', '2', '', '4', '5'] },
      { row: 11, cells: ['1', '', '', '', ''] },
    ]);
  });

  it('hands rows on in batches and reports progress once per batch', async () => {
    const count = 2 * BATCH_ROWS + 500;
    const table: XlsxValue[][] = [['n', 'text']];
    for (let i = 1; i <= count; i++) table.push([i, `Zeile ${i}`]);
    const path = file(writeXlsx(table, { sharedStrings: true }));
    const size = readFileSync(path).length;
    const batches: number[] = [];
    const progress: number[] = [];
    let last: SourceRow | undefined;
    for await (const batch of readXlsx(path, DEFAULT_LIMITS, (bytes) => progress.push(bytes))) {
      batches.push(batch.length);
      last = batch.at(-1);
      expect(progress.length).toBe(batches.length);
    }
    expect(batches.reduce((a, b) => a + b, 0)).toBe(count + 1);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const length of batches.slice(0, -1)) {
      expect(length).toBeGreaterThanOrEqual(BATCH_ROWS);
      expect(length).toBeLessThan(2 * BATCH_ROWS);
    }
    expect(last).toEqual({ row: count + 1, cells: [String(count), `Zeile ${count}`] });
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeLessThanOrEqual(size);
    expect(progress.at(-1)).toBeGreaterThan(size / 4);
  });
});

describe('readXlsx: finding the first worksheet', () => {
  it('follows the workbook to its first worksheet, skipping a chart sheet', async () => {
    const sheet = (text: string) =>
      Buffer.from(
        `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>${text}</t></is></c></row></sheetData></worksheet>`,
      );
    const rel = (id: string, type: string, target: string) =>
      `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`;
    const bytes = writeZip([
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
      {
        name: '_rels/.rels',
        data: Buffer.from(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel('rId1', 'officeDocument', 'xl/book.xml')}</Relationships>`,
        ),
      },
      {
        name: 'xl/book.xml',
        data: Buffer.from(
          `<x:workbook xmlns:x="${MAIN}" xmlns:rel="${REL}"><x:sheets><x:sheet name="Diagramm" sheetId="3" rel:id="rId3"/><x:sheet name="Zweite" sheetId="2" rel:id="rId2"/><x:sheet name="Erste" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>`,
        ),
      },
      {
        name: 'xl/_rels/book.xml.rels',
        data: Buffer.from(
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel('rId1', 'worksheet', 'worksheets/sheet1.xml')}${rel('rId2', 'worksheet', '/xl/worksheets/sheet2.xml')}${rel('rId3', 'chartsheet', 'chartsheets/sheet1.xml')}</Relationships>`,
        ),
      },
      { name: 'xl/chartsheets/sheet1.xml', data: Buffer.from('<chartsheet/>') },
      { name: 'xl/worksheets/sheet1.xml', data: sheet('erste') },
      { name: 'xl/worksheets/sheet2.xml', data: sheet('zweite') },
    ]);
    expect(await cellsOf(bytes)).toEqual([['zweite']]);
  });
});

describe('readXlsx: limits', () => {
  it('refuses a header of 10,000 columns', async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `Spalte ${i + 1}`);
    const path = file(writeXlsx([header, header.map(() => 'x')], { sharedStrings: true }));
    const error = await refusal(path);
    expect(error.issues).toEqual([
      {
        row: 1,
        column: null,
        message: expect.stringMatching(
          /^Zeile 1 hat mindestens 201 Spalten; erlaubt sind höchstens 200\./,
        ),
      },
    ]);
  });

  it('refuses a cell longer than a record may be, naming the row and column', async () => {
    const huge = 'x'.repeat(DEFAULT_LIMITS.maxRecordChars + 1);
    const path = file(
      writeXlsx([
        ['a', 'notiz'],
        ['1', 'kurz'],
        ['2', huge],
      ]),
    );
    const error = await refusal(path);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ row: 3, column: 'notiz' });
    expect(error.issues[0]?.message).toMatch(/^Zeile 3, Spalte B: .* mehr als 65536 Zeichen/);
  });

  it('refuses a row whose cells together are too long', async () => {
    const limits = { ...DEFAULT_LIMITS, maxRecordChars: 100 };
    const cells = Array.from({ length: 5 }, () => 'y'.repeat(30));
    const error = await refusal(file(writeXlsx([['a'], ['b'], cells])), limits);
    expect(error.issues[0]).toMatchObject({ row: 3, column: null });
  });

  it('reads past an over-long shared string no cell uses, and refuses a cell that uses it', async () => {
    const limits = { ...DEFAULT_LIMITS, maxRecordChars: 1000 };
    const shared = `<si><t>kopf</t></si><si><t>${'z'.repeat(50_000)}</t></si>`;
    const unused = xlsx({
      sharedStrings: shared,
      sheetData: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    });
    expect(await cellsOf(unused, limits)).toEqual([['kopf']]);
    const used = xlsx({
      sharedStrings: shared,
      sheetData: secondRow('<c r="A2" t="s"><v>1</v></c>'),
    });
    const error = await refusal(file(used), limits);
    expect(error.issues[0]).toMatchObject({ row: 2, column: 'x' });
  });
});

describe('readXlsx: refused files', () => {
  const sheetOf = (data: Buffer | Buffer[], declaredSize?: number): Buffer =>
    writeZip([
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
      { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
      {
        name: 'xl/workbook.xml',
        data: Buffer.from(
          `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        ),
      },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(workbookRels(false)) },
      { name: 'xl/worksheets/sheet1.xml', data, declaredSize },
    ]);
  const sheetXml = (rows: string) =>
    Buffer.from(`<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`);
  const bombMessage = /^Die XLSX-Datei entpackt sich auf ein Vielfaches ihrer Größe \(/;

  it('refuses a zip that claims to unpack to 10 GB, before inflating', async () => {
    const bytes = sheetOf(sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'), 10 * 1024 ** 3);
    const error = await refusal(file(bytes));
    expect(error.issues).toEqual([
      { row: null, column: null, message: expect.stringMatching(bombMessage) },
    ]);
    // The declared size read from the zip64 field, not the 0xFFFFFFFF in the header.
    expect(error.message).toContain('(10.737,4 MB aus ');
  });

  it('refuses an entry that really expands a thousandfold', async () => {
    // 50 MB of spaces between the rows: deflated to about 50 kB.
    const bytes = sheetOf([
      Buffer.from(`<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`),
      Buffer.alloc(50 * 1024 * 1024, 0x20),
      Buffer.from('</sheetData></worksheet>'),
    ]);
    expect(bytes.length).toBeLessThan(200_000);
    const error = await refusal(file(bytes));
    expect(error.issues[0]?.message).toMatch(bombMessage);
  });

  it('refuses parts that together unpack to more than allowed', async () => {
    // Each part is within the limit; together they are not. Checked before the workbook.
    const limits = { ...DEFAULT_LIMITS, maxExpandedBytes: 1000 };
    const bytes = writeZip([
      { name: 'a.xml', data: Buffer.alloc(600, 0x20) },
      { name: 'b.xml', data: Buffer.alloc(600, 0x20) },
    ]);
    expect(
      await cellsOf(bytes, { ...limits, maxExpandedBytes: 1200 }).catch((e) => e.message),
    ).toMatch(/keine Arbeitsmappe/);
    const error = await refusal(file(bytes), limits);
    expect(error.issues[0]?.message).toMatch(bombMessage);
  });

  it('refuses an entry that unpacks to more than its header says', async () => {
    const xml = sheetXml(`<row r="1"><c r="A1"><v>1</v></c></row>${' '.repeat(3_000_000)}`);
    const error = await refusal(file(sheetOf(xml, 2000)));
    expect(error.issues[0]?.message).toMatch(/^Die XLSX-Datei entpackt sich auf mehr als/);
  });

  it('refuses what is not a zip, a truncated zip and a damaged one', async () => {
    const notZip = await refusal(file('case_id;provider\nAWO-1;AWO\n'));
    expect(notZip.issues).toEqual([
      {
        row: null,
        column: null,
        message: expect.stringMatching(
          /^Die Datei ist keine lesbare XLSX-Datei: .*„Excel-Arbeitsmappe \(\.xlsx\)“ speichern\.$/,
        ),
      },
    ]);
    const whole = writeXlsx([
      ['a', 'b'],
      ['1', '2'],
    ]);
    await refusal(file(whole.subarray(0, Math.floor(whole.length / 2))));
    await refusal(file(Buffer.alloc(0)));
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);
    expect((await refusal(file(xls))).message).toMatch(/\(\.xls\)/);
    // Deflated data overwritten in the middle of the sheet.
    const big: XlsxValue[][] = Array.from({ length: 3000 }, (_, i) => [`Zeile ${i}`, i * 7]);
    const damaged = Buffer.from(writeXlsx(big));
    const sheetAt = damaged.indexOf('xl/worksheets/sheet1.xml');
    damaged.fill(0xff, sheetAt + 2000, sheetAt + 2100);
    await refusal(file(damaged));
  });

  it('refuses a zip without a worksheet and a sheet that is not XML', async () => {
    const noBook = writeZip([{ name: 'hello.txt', data: Buffer.from('hallo') }]);
    expect((await refusal(file(noBook))).message).toMatch(/keine Arbeitsmappe/);
    const badXml = sheetOf(Buffer.from(`<worksheet xmlns="${MAIN}"><sheetData><row></sheetData>`));
    expect((await refusal(file(badXml))).message).toMatch(/kein gültiges XML/);
    const empty = sheetOf(sheetXml('<row r="1"/>'));
    expect((await refusal(file(empty))).message).toMatch(/leer/);
  });
});

describe('readXlsx: closing the file', () => {
  /** Descriptors of this process open on the file (Linux only). */
  function openDescriptors(path: string): number {
    const real = realpathSync(path);
    let count = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`) === real) count++;
      } catch {
        // closed meanwhile
      }
    }
    return count;
  }

  async function closed(path: string): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (openDescriptors(path) === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return false;
  }

  it.runIf(existsSync('/proc/self/fd'))('closes the file when the reader stops early', async () => {
    const table: XlsxValue[][] = [['n', 'text']];
    for (let i = 1; i <= 5 * BATCH_ROWS; i++) table.push([i, `Zeile ${i}`]);
    const path = file(writeXlsx(table));
    let batches = 0;
    for await (const batch of readXlsx(path)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(openDescriptors(path)).toBe(1);
      batches++;
      break;
    }
    expect(batches).toBe(1);
    expect(await closed(path)).toBe(true);
    rmSync(path);
  });

  it.runIf(existsSync('/proc/self/fd'))('closes the file when refusing it', async () => {
    const header = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const path = file(writeXlsx([header]));
    await refusal(path);
    expect(await closed(path)).toBe(true);
    const complete = file(writeXlsx([['a'], ['b']]));
    await readAll(complete);
    expect(await closed(complete)).toBe(true);
  });
});

describe('readXlsx: files saved by LibreOffice', () => {
  const fixtures = new URL('../../fixtures/', import.meta.url);
  const csv = readFileSync(new URL('demo/awo-2021-03-01.csv', fixtures), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => line.split(';'));
  const dateColumns = [
    'started_on',
    'ended_on',
    'plan_created_on',
    'language_level_since',
    'employment_since',
    'lease_signed_on',
  ];

  /** The CSV's cells as the reader should give them: trimmed, dates as ISO. */
  function normalise(cell: string): string {
    const text = cell.trim();
    const german = /^(\d\d)\.(\d\d)\.(\d{4})$/.exec(text);
    return german ? `${german[3]}-${german[2]}-${german[1]}` : text;
  }

  for (const variant of ['libreoffice', 'text-dates']) {
    it(`reads awo-2021-03-01.${variant}.xlsx as the CSV it was made from`, async () => {
      const rows = await readAll(
        fileURLToPath(new URL(`formats/awo-2021-03-01.${variant}.xlsx`, fixtures)),
      );
      const [header, ...body] = csv as [string[], ...string[][]];
      expect(rows[0]).toEqual({ row: 1, cells: header });
      expect(rows).toHaveLength(csv.length);
      const dates = dateColumns.map((name) => header.indexOf(name));
      expect(dates).not.toContain(-1);
      for (const [index, cells] of body.entries()) {
        const read = rows[index + 1] as SourceRow;
        expect(read.row).toBe(index + 2);
        // Trailing empty cells may be cut after the header's length; none are here.
        expect(read.cells.map(normalise)).toEqual(cells.map(normalise));
      }
      // The dates really are dates in one variant and text in the other: both read the same.
      expect(body.some((cells) => dates.some((column) => (cells[column] ?? '') !== ''))).toBe(true);
    });
  }

  it('stores the dates of the LibreOffice variant as date serials', async () => {
    // Guards the fixture: if it held text dates, the test above would not test dates.
    const bytes = readFileSync(new URL('formats/awo-2021-03-01.libreoffice.xlsx', fixtures));
    const sheet = zipEntry(bytes, 'xl/worksheets/sheet1.xml').toString('utf8');
    expect(sheet).toMatch(/<c r="I2" s="\d+" t="n"><v>43230<\/v><\/c>/);
  });
});

/** One entry of a zip, found through the central directory (a test helper, no zip64). */
function zipEntry(zip: Buffer, name: string): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + zip.readUInt32LE(at + 20));
      return zip.readUInt16LE(at + 10) === 8 ? inflateRawSync(data) : data;
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${name} not in zip`);
}
