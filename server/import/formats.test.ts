// The same export as a provider sends it in each file kind: the Landratsamt's German,
// Windows-1252, semicolon CSV, the same opened and saved by LibreOffice as XLSX (dates as
// real Excel dates), and the same as an Arrow IPC file. All must store the same cases and
// give the same figures. The file kind is told from the content, never the file name.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicatorsOn } from '../indicators/figures.ts';
import { INDICATORS } from '../indicators/registry.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { importExport } from './import-export.ts';

const root = resolve(import.meta.dirname, '../..');
const FILES = {
  csv: 'fixtures/demo/lra-2021-03-01.csv',
  // Made in the test from the Arrow file: the IPC stream format of the same table.
  'arrow-stream': 'fixtures/formats/lra-2021-03-01.arrow',
  xlsx: 'fixtures/formats/lra-2021-03-01.libreoffice.xlsx',
  'arrow-file': 'fixtures/formats/lra-2021-03-01.arrow',
} as const;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

async function importAs(format: keyof typeof FILES, fileName: string) {
  const db = database.handle.db;
  await sql`DELETE FROM cases`.execute(db);
  await sql`DELETE FROM imports`.execute(db);
  const summary = await importExport(database.handle, {
    district: '08118',
    provider: 'LRA',
    asOf: '2021-03-01',
    fileName,
    bytes:
      format === 'arrow-stream'
        ? tableToIPC(tableFromIPC(readFileSync(resolve(root, FILES[format]))), 'stream')
        : readFileSync(resolve(root, FILES[format])),
  });
  const cases = await sql`
    SELECT case_id, municipality, manager_id, household_id, sex, birth_month, country,
           started_on, ended_on, end_reason, plan_created_on, lease_signed_on
    FROM cases ORDER BY case_id`.execute(db);
  const statuses = await sql`
    SELECT case_id, kind, since, value FROM case_status ORDER BY case_id, kind, since`.execute(db);
  const figures = [];
  for (const date of ['2020-06-30', '2021-01-01', '2021-03-01']) {
    // Without the cell keys: each import draws new record keys.
    const computed = await indicatorsOn(
      db,
      { district: '08118', date, periodFrom: '2021-01-01' },
      INDICATORS,
    );
    figures.push(
      computed.map(({ indicator, figure: { keys: _, ...figure } }) => ({ indicator, figure })),
    );
  }
  return { summary, cases: cases.rows, statuses: statuses.rows, figures };
}

describe(`one export in three file kinds on ${DATABASE_KIND}`, () => {
  it('imports CSV (Windows-1252), LibreOffice XLSX and Arrow (file, stream) to identical cases and figures', async () => {
    // File names that lie: the content decides how a file is read.
    const csv = await importAs('csv', 'export.xlsx');
    const xlsx = await importAs('xlsx', 'export.csv');
    const arrow = await importAs('arrow-file', 'export.txt');
    expect(csv.summary).toMatchObject({ status: 'imported', format: 'csv', rows: 905, new: 905 });
    expect(csv.summary.error_count).toBe(0);
    expect(xlsx.summary).toMatchObject({ status: 'imported', format: 'xlsx', rows: 905 });
    expect(arrow.summary).toMatchObject({ status: 'imported', format: 'arrow-file', rows: 905 });
    expect(csv.cases).toHaveLength(905);
    expect(csv.statuses.length).toBeGreaterThan(905);
    expect(xlsx.cases).toEqual(csv.cases);
    expect(arrow.cases).toEqual(csv.cases);
    expect(xlsx.statuses).toEqual(csv.statuses);
    expect(arrow.statuses).toEqual(csv.statuses);
    expect(xlsx.figures).toEqual(csv.figures);
    expect(arrow.figures).toEqual(csv.figures);
    const stream = await importAs('arrow-stream', 'export.arrows');
    expect(stream.summary).toMatchObject({ status: 'imported', format: 'arrow-stream' });
    expect(stream.cases).toEqual(csv.cases);
    expect(stream.statuses).toEqual(csv.statuses);
  });
});
