// One diagnosis instead of a flood: a file that reads as one column names the separator
// found and the one expected; the same error in one column is listed once with its count
// and first rows; two-digit years (as LibreOffice writes German dates by default) are named
// as the cause, with how to save four-digit years; an OpenDocument spreadsheet is refused
// and logged as what it is. Through the service, POST /api/v1/imports and the command's
// summary.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { printSummary } from '../commands/import-command.ts';
import { loadConfig } from '../config.ts';
import { bearerFor } from '../test/accounts.ts';
import { tableChecksums } from '../test/checksums.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { COLUMNS } from './format.ts';
import { importExport } from './import-export.ts';
import { parseDate, ROWS_NAMED } from './validate.ts';
import { CONTENT_TYPES, writeXlsx, writeZip } from './xlsx-writer.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => readFileSync(resolve(root, name));
const HEADER = COLUMNS.map((column) => column.name);
const ROW =
  'LRA-0001;LRA;08118054;IM-1;HH-1;m;11.1956;SYR;15.02.2020;;;13.03.2020;A2;15.05.2020;none;30.09.2020;follow_up;';
const lines = (separator: string) => [
  HEADER.join(separator),
  ROW.replaceAll(';', separator),
  ROW.replace('0001', '0002').replaceAll(';', separator),
];

let database: TestDatabase;
const db = () => database.handle.db;
const importLra = (bytes: Buffer, fileName = 'export') =>
  importExport(database.handle, {
    district: '08118',
    provider: 'LRA',
    asOf: '2021-03-01',
    fileName,
    bytes,
  });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe(`a file that reads as one column on ${DATABASE_KIND}`, () => {
  it('names the separator found and the one expected, instead of every missing column', async () => {
    const before = await tableChecksums(db());
    const cases = [
      {
        what: 'tab-separated text',
        bytes: Buffer.from(`${lines('\t').join('\r\n')}\r\n`),
        says: ['Gefundenes Trennzeichen: Tabulator', 'erwartet wird Semikolon (;) oder Komma (,)'],
      },
      {
        what: 'a CSV whose lines are quoted whole',
        bytes: Buffer.from(
          `${lines(';')
            .map((line) => `"${line}"`)
            .join('\n')}\n`,
        ),
        says: ['jede Zeile steht als Ganzes in Anführungszeichen', 'Semikolon (;)'],
      },
      {
        what: 'a CSV pasted into the first column of a workbook',
        bytes: writeXlsx(lines(';').map((line) => [line])),
        says: ['Gefundenes Trennzeichen: Semikolon (;)', 'Text in Spalten'],
      },
    ];
    for (const { what, bytes, says } of cases) {
      const summary = await importLra(bytes);
      expect(summary.status, what).toBe('rejected');
      expect(summary.error_count, what).toBe(1);
      expect(summary.errors, what).toHaveLength(1);
      const [error] = summary.errors;
      expect(error, what).toMatchObject({ row: 1, column: null });
      for (const text of says)
        expect(error?.message.toLowerCase(), what).toContain(text.toLowerCase());
      expect(error?.message, what).not.toContain('Pflichtspalte');
    }
    expect(await tableChecksums(db())).toEqual(before);
  });

  it('still refuses a personal-data column hidden in the one column, naming it', async () => {
    const text = [`Nachname\t${HEADER.join('\t')}`, `Mustermann\t${ROW.replaceAll(';', '\t')}`];
    const summary = await importLra(Buffer.from(text.join('\n')));
    expect(summary.errors).toEqual([
      expect.objectContaining({
        row: 1,
        column: 'Nachname',
        message: expect.stringContaining('personenbezogene'),
      }),
    ]);
  });
});

describe(`two-digit years on ${DATABASE_KIND}`, () => {
  it('are refused, named as the cause with how to save four-digit years, one entry a column', async () => {
    const before = await tableChecksums(db());
    // The Landratsamt's export as LibreOffice in German saves it: dates as 15.02.20.
    const bytes = fixture('fixtures/formats/lra-2021-03-01.two-digit-years.csv');
    const text = bytes.toString('utf8');
    const twoDigit = text.match(/(?<=;)\d\d\.\d\d\.\d\d(?=;|\r?\n)/g) ?? [];
    expect(twoDigit.length).toBeGreaterThan(2000);
    const summary = await importLra(bytes, 'lra.csv');
    expect(summary.status).toBe('rejected');
    // Every date counted; the cause first, then one entry for each date column.
    expect(summary.error_count).toBe(1 + twoDigit.length);
    const [cause, ...columns] = summary.errors;
    expect(cause).toMatchObject({ row: null, column: null, value: '15.02.20' });
    for (const text of [
      'zweistellig',
      'Jahrhundert gemeint ist, wird nicht geraten',
      'In Excel',
      'In LibreOffice',
      'TT.MM.JJJJ',
    ]) {
      expect(cause?.message).toContain(text);
    }
    // In the order of their first rows.
    expect(columns.map((error) => error.column).sort()).toEqual(
      [
        'Beginn',
        'Ende',
        'Integrationsplan_seit',
        'Sprachniveau_seit',
        'Beschaeftigung_seit',
        'Mietvertrag_seit',
      ].sort(),
    );
    const started = columns.find((error) => error.column === 'Beginn');
    expect(started).toMatchObject({ row: 2, value: '15.02.20', count: 905 });
    expect(started?.rows).toEqual(Array.from({ length: ROWS_NAMED }, (_, i) => i + 2));
    expect(started?.message).toMatch(
      /^Zweistellige Jahreszahl: .* Betrifft 905 Zeilen, zuerst 2, 3, 4/,
    );
    expect(columns.reduce((sum, error) => sum + (error.count ?? 1), 0)).toBe(twoDigit.length);
    expect(await tableChecksums(db())).toEqual(before);
  });

  it('never guesses a century', () => {
    for (const value of ['15.05.19', '1.1.20', '15.05.1919', '15.05.2019']) {
      expect([value, parseDate(value)]).toEqual([
        value,
        { '15.05.1919': '1919-05-15', '15.05.2019': '2019-05-15' }[value],
      ]);
    }
  });
});

describe(`OpenDocument spreadsheets on ${DATABASE_KIND}`, () => {
  it('are refused and logged as ODS, whether named in the first bytes or found inside', async () => {
    const ods = fixture('fixtures/formats/lra-2021-03-01.ods');
    // The same kind of file with its parts in another order: told apart by them.
    const reordered = writeZip([
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    ]);
    for (const bytes of [ods, reordered]) {
      const summary = await importLra(bytes, 'lra.ods');
      expect(summary).toMatchObject({ status: 'rejected', format: 'ods', error_count: 1 });
      expect(summary.errors[0]?.message).toContain('OpenDocument-Tabelle (.ods)');
      const logged = await db()
        .selectFrom('imports')
        .select(['status', 'file_format'])
        .where('id', '=', summary.import_id as string)
        .executeTakeFirstOrThrow();
      expect(logged).toEqual({ status: 'rejected', file_format: 'ods' });
      const printed: string[] = [];
      printSummary(summary, (line) => printed.push(line));
      expect(printed).toContain('  Format: ODS (OpenDocument)');
    }
  });
});

describe(`the same error in one column on ${DATABASE_KIND}`, () => {
  it('is listed once with its count and first rows, in the API and in the command', async () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      ROW.replace('0001', String(i + 1).padStart(4, '0')).replace('m;11.1956', 'm;13.1956'),
    );
    const bytes = Buffer.from(`${[HEADER.join(';'), ...rows].join('\n')}\n`);
    const app = await buildApp({
      config: loadConfig({}),
      database: database.handle,
      webDist: '/nonexistent',
    });
    const admin = await bearerFor(db(), 'admin');
    const boundary = 'zwischenbilanz-test';
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...admin },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="provider"\r\n\r\nLRA\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="as_of"\r\n\r\n2021-03-01\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lra.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    await app.close();
    expect(response.statusCode).toBe(422);
    const summary = response.json();
    expect(summary.error_count).toBe(30);
    expect(summary.errors).toEqual([
      {
        row: 2,
        column: 'birth_month',
        value: '13.1956',
        count: 30,
        rows: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        message:
          'Kein gültiger Geburtsmonat. Erwartet wird MM.JJJJ, MM/JJJJ oder JJJJ-MM. Betrifft 30 Zeilen, zuerst 2, 3, 4, 5, 6, 7, 8, 9, 10, 11.',
      },
    ]);
    const printed: string[] = [];
    printSummary(summary, (line) => printed.push(line));
    // All 30 are in the one entry: nothing is said to be left out.
    expect(printed).toContain('  Fehler: 30');
    expect(printed).toContain(
      `    Zeile 2, Spalte birth_month: ${summary.errors[0].message} [Wert: 13.1956]`,
    );
    await sql`DELETE FROM imports`.execute(db());
  });
});
