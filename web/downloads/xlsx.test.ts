// The workbook is read back by the importer's XLSX reader (the first sheet, as a user sees
// its cells) and its XML parts are checked for the cell types and formats.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { readXlsx } from '../../server/import/read-xlsx.ts';
import type { DownloadMeta, DownloadTable } from './meta.ts';
import { sheetName, xlsxBytes } from './xlsx.ts';

const dir = mkdtempSync(join(tmpdir(), 'zb-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta: DownloadMeta = {
  title: 'Sprachniveau der betreuten Erwachsenen',
  stand: 'Stand 01.01.2021',
  fileName: 'sprachniveau-2021-01-01',
};
const table: DownloadTable = {
  columns: [
    { label: 'Sprachniveau', kind: 'text' },
    { label: 'Anzahl', kind: 'number' },
    { label: 'Anteil', kind: 'share' },
    { label: 'Je Fachkraft', kind: 'number' },
  ],
  rows: [
    ['A1 & A2 <Anfänger>', 2469, 0.2402, 51.34],
    ['C2', null, null, null],
  ],
};

async function rowsOf(bytes: Uint8Array): Promise<string[][]> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.xlsx`);
  writeFileSync(path, bytes);
  const rows: string[][] = [];
  for await (const batch of readXlsx(path)) {
    for (const row of batch) rows[row.row - 1] = row.cells;
  }
  return Array.from(rows, (row) => row ?? []);
}

function partsOf(bytes: Uint8Array): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const parts = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            parts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(parts));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('XLSX workbook', () => {
  it('reads back with title, Stand, the table, the source and the note on withheld values', async () => {
    const rows = await rowsOf(xlsxBytes(table, meta));
    expect(rows).toEqual([
      ['Sprachniveau der betreuten Erwachsenen'],
      ['Stand 01.01.2021'],
      [],
      ['Sprachniveau', 'Anzahl', 'Anteil', 'Je Fachkraft'],
      // Rounded as the page shows them: 24 %, 51,3.
      ['A1 & A2 <Anfänger>', '2469', '0.24', '51.3'],
      ['C2', '.', '.', '.'],
      [],
      [
        'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)',
      ],
      ['. = Wert gesperrt (Schutz kleiner Fallzahlen)'],
    ]);
  });

  it('types the cells: numbers as numbers, shares in the format 0 %, withheld as the text "."', async () => {
    const parts = await partsOf(xlsxBytes(table, meta));
    expect([...parts.keys()].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/core.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const sheet = parts.get('xl/worksheets/sheet1.xml') as string;
    const cell = (ref: string) => new RegExp(`<c r="${ref}"[^>]*>.*?</c>`).exec(sheet)?.[0];
    const styles = parts.get('xl/styles.xml') as string;
    const xfs = [
      ...(/<cellXfs[^>]*>(.*)<\/cellXfs>/.exec(styles)?.[1] ?? '').matchAll(/<xf [^>]*>/g),
    ];
    const formats = new Map(
      [...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const numberFormatOf = (ref: string) => {
      const style = Number(/ s="(\d+)"/.exec(cell(ref) ?? '')?.[1] ?? 0);
      const id = /numFmtId="(\d+)"/.exec(xfs[style]?.[0] ?? '')?.[1] ?? '';
      return formats.get(id) ?? `built-in ${id}`;
    };
    expect(cell('B5')).toMatch(/^<c r="B5"[^>]*><v>2469<\/v><\/c>$/);
    expect(numberFormatOf('B5')).toBe('built-in 3'); // #,##0: "2.469" in German Excel
    expect(cell('C5')).toMatch(/^<c r="C5"[^>]*><v>0.24<\/v><\/c>$/);
    expect(numberFormatOf('C5')).toBe('0 %');
    expect(cell('D5')).toMatch(/<v>51.3<\/v>/);
    expect(numberFormatOf('D5')).toBe('#,##0.0');
    expect(cell('B6')).toMatch(/t="inlineStr"><is><t>\.<\/t><\/is>/);
    expect(cell('A5')).toContain('<t>A1 &amp; A2 &lt;Anfänger&gt;</t>');
    expect(sheet).toContain(
      '<cols><col min="1" max="1" width="20" customWidth="1"/><col min="2" max="2" width="10" customWidth="1"/>',
    );
    expect(parts.get('xl/workbook.xml')).toContain(
      '<sheet name="Sprachniveau der betreuten" sheetId="1"',
    );
    expect(parts.get('docProps/core.xml')).toContain(
      '<dc:title>Sprachniveau der betreuten Erwachsenen</dc:title><dc:description>Stand 01.01.2021. Quelle:',
    );
  });

  it('writes days, months and years as Excel dates and numbers, keys as text, provisional days marked', async () => {
    const dated: DownloadTable = {
      columns: [
        { label: 'Gemeinde', kind: 'text' },
        { label: 'Monat', kind: 'month' },
        { label: 'Monatsende', kind: 'date', provisionalAfter: '2021-03-01' },
        { label: 'Jahr', kind: 'year' },
        { label: 'Fälle je IM', kind: 'number' },
      ],
      rows: [
        ['08118001', '2021-02', '2021-02-28', 2021, 24.666666666666668],
        ['08118003', '2021-03', '2021-03-31', 2021, 3],
      ],
    };
    const bytes = xlsxBytes(dated, meta);
    // The importer's reader turns cells in a date format into calendar dates.
    const rows = await rowsOf(bytes);
    expect(rows.slice(4, 6)).toEqual([
      ['08118001', '2021-02', '2021-02-28', '2021', '24.7'],
      ['08118003', '2021-03', '2021-03-31', '2021', '3'],
    ]);
    const parts = await partsOf(bytes);
    const sheet = parts.get('xl/worksheets/sheet1.xml') as string;
    // 28.02.2021 is Excel's day 44255; the key stays text with its leading zero.
    expect(sheet).toContain('<c r="C5" s="8"><v>44255</v></c>');
    expect(sheet).toContain('<c r="C6" s="12"><v>44286</v></c>');
    expect(sheet).toContain('<c r="B5" s="9"><v>44228</v></c>');
    expect(sheet).toContain('<c r="D5" s="10"><v>2021</v></c>');
    expect(sheet).toContain('<t>08118001</t>');
    const styles = parts.get('xl/styles.xml') as string;
    expect(styles).toContain('formatCode="dd.mm.yyyy"');
    expect(styles).toContain('formatCode="mmm yyyy"');
    expect(styles).toContain('formatCode="dd.mm.yyyy&quot; (vorläufig)&quot;"');
  });

  it('names the sheet as Excel allows: 31 characters, none of []:*?/\\', () => {
    expect(sheetName('Betreute Personen nach Alter')).toBe('Betreute Personen nach Alter');
    expect(sheetName('Verlauf: betreute Personen am Monatsende')).toBe(
      'Verlauf betreute Personen am',
    );
    expect(sheetName('Quote [in %] a/b*c?')).toBe('Quote in % a b c');
    expect(sheetName('Donaudampfschifffahrtsgesellschaftskapitän')).toBe(
      'Donaudampfschifffahrtsgesellsch',
    );
    expect(sheetName("'/'")).toBe('Tabelle');
    const xlsx = xlsxBytes(table, { ...meta, sheetName: 'Sprache' });
    return partsOf(xlsx).then((parts) =>
      expect(parts.get('xl/workbook.xml')).toContain('<sheet name="Sprache" sheetId="1"'),
    );
  });
});
