// Bad input in bulk: an upload over the limit gets 413; a zip bomb, a line of megabytes
// and ten thousand columns are refused at once through the whole import; hundreds of
// errors are counted in full and the first 200 listed in row order, the same error in one
// column once; nothing is stored.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { bearerFor } from '../test/accounts.ts';
import { tableChecksums } from '../test/checksums.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { importExport, LISTED_ISSUES } from './import-export.ts';
import { CONTENT_TYPES, ROOT_RELS, WORKBOOK, workbookRels, writeZip } from './xlsx-writer.ts';

const HEADER =
  'case_id;provider;municipality;manager_id;birth_month;started_on;language_level;language_level_since';
const row = (id: string, extra = '') =>
  `${id};DRK;08118048;IM-1;03.1990;2019-02-01;A2;2019-10-01${extra}`;
const file = (...rows: string[]) => Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`);

let database: TestDatabase;
const importDrk = (bytes: Buffer) =>
  importExport(database.handle, {
    district: '08118',
    provider: 'DRK',
    asOf: '2021-03-01',
    fileName: 'drk.csv',
    bytes,
  });

beforeAll(async () => {
  database = await createTestDatabase();
  const seeded = await importDrk(file(row('DRK-0001'), row('DRK-0002')));
  expect(seeded.status).toBe('imported');
});
afterAll(async () => database?.drop());

describe(`refusals of bad input on ${DATABASE_KIND}`, () => {
  it('counts every error, lists the first 200 in row order, the same error in one column once', async () => {
    const before = await tableChecksums(database.handle.db);
    const rows = Array.from({ length: 500 }, (_, i) =>
      // Every second row repeats the id of the row before (each a message of its own,
      // found in SQL); the others have the same bad month.
      i % 2 === 1
        ? row(`DRK-${i - 1 + 1000}`)
        : row(`DRK-${i + 1000}`).replace('03.1990', '13.1990'),
    );
    const summary = await importDrk(file(...rows));
    expect(summary.status).toBe('rejected');
    expect(summary.error_count).toBe(250 + 250);
    expect(summary.errors).toHaveLength(LISTED_ISSUES);
    const listedRows = summary.errors.map((e) => e.row as number);
    expect(listedRows).toEqual([...listedRows].sort((a, b) => a - b));
    // The 250 bad months: one entry at the first row, with their count and first rows.
    expect(summary.errors[0]).toEqual({
      row: 2,
      column: 'birth_month',
      value: '13.1990',
      count: 250,
      rows: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
      message:
        'Kein gültiger Geburtsmonat. Erwartet wird MM.JJJJ, MM/JJJJ oder JJJJ-MM. Betrifft 250 Zeilen, zuerst 2, 4, 6, 8, 10, 12, 14, 16, 18, 20.',
    });
    expect(summary.errors.filter((e) => e.column === 'birth_month')).toHaveLength(1);
    expect(summary.errors[1]).toMatchObject({
      row: 3,
      column: 'case_id',
      value: 'DRK-1000',
      message: 'Fall-ID kommt doppelt vor (zuerst in Zeile 2).',
    });
    expect(await tableChecksums(database.handle.db)).toEqual(before);
  });

  it('refuses a zip bomb quickly without unpacking it', async () => {
    const before = await tableChecksums(database.handle.db);
    // A real sheet whose one cell is 50 MB of spaces: about 50 kB deflated.
    const inflated = writeZip([
      { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
      { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
      { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK) },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(workbookRels(false)) },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: [
          Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'),
          Buffer.alloc(50 * 1024 * 1024, 0x20),
          Buffer.from('</t></is></c></row></sheetData></worksheet>'),
        ],
      },
    ]);
    expect(inflated.length).toBeLessThan(1024 * 1024);
    const summary = await importDrk(inflated);
    expect(summary).toMatchObject({ status: 'rejected', format: 'xlsx', rows: 0 });
    expect(summary.errors[0]?.message).toContain('entpackt sich auf ein Vielfaches');
    expect(await tableChecksums(database.handle.db)).toEqual(before);
  });

  it('refuses a line of megabytes and ten thousand columns, naming the row', async () => {
    const before = await tableChecksums(database.handle.db);
    const long = await importDrk(file(row('DRK-0003'), `DRK-0004;${'x'.repeat(5 * 1024 * 1024)}`));
    expect(long).toMatchObject({ status: 'rejected', error_count: 1 });
    expect(long.errors[0]).toMatchObject({
      row: 3,
      message: expect.stringContaining('länger als'),
    });
    const wide = await importDrk(
      Buffer.from(`${HEADER};${Array.from({ length: 10_000 }, (_, i) => `x${i}`).join(';')}\n`),
    );
    expect(wide).toMatchObject({ status: 'rejected', error_count: 1 });
    expect(wide.errors[0]).toMatchObject({ row: 1, message: expect.stringContaining('Spalten') });
    expect(await tableChecksums(database.handle.db)).toEqual(before);
    const logged = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM imports WHERE status = 'rejected'`.execute(database.handle.db);
    expect(logged.rows[0]?.n).toBeGreaterThanOrEqual(4);
  });

  it('answers an upload over the configured limit with 413 and stores nothing', async () => {
    const before = await tableChecksums(database.handle.db);
    const app = await buildApp({
      config: loadConfig({ UPLOAD_LIMIT_MB: '1' }),
      database: database.handle,
      webDist: '/nonexistent',
    });
    const boundary = 'limit-test';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="provider"\r\n\r\nDRK\r\n--${boundary}\r\nContent-Disposition: form-data; name="as_of"\r\n\r\n2021-03-01\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      file(...Array.from({ length: 30_000 }, (_, i) => row(`DRK-${i + 5000}`))),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      payload: body,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(await bearerFor(database.handle.db, 'admin')),
      },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain('1 MB');
    expect(await tableChecksums(database.handle.db)).toEqual(before);
    await app.close();
  });
});
