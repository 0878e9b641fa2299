// The import as the district office uses it: all or nothing, refusals of personal data,
// snapshot history, through the service and through POST /api/v1/imports.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { indicatorsOn } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { importExport } from './import-export.ts';

const HEADER =
  'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason;language_level;language_level_since;employment;employment_since;housing;lease_signed_on';
const csv = (...rows: string[]) => Buffer.from(`${[HEADER, ...rows].join('\n')}\n`, 'utf8');
const ROW_A =
  'AWO-0001;AWO;08118048;IM-1;f;03.1990;SYR;2019-02-01;;;A2;2019-10-01;language_course;2019-03-01;follow_up;';
const ROW_B =
  'AWO-0002;AWO;Ludwigsburg;IM-1;m;2012-07;SYR;2019-02-01;;;;;school;2019-02-01;follow_up;';

let database: TestDatabase;
const db = () => database.handle.db;
const importAwo = (
  bytes: Buffer,
  asOf: string,
  extra: { dryRun?: boolean; force?: boolean } = {},
) =>
  importExport(database.handle, {
    district: '08118',
    provider: 'AWO',
    asOf,
    fileName: 'awo.csv',
    bytes,
    ...extra,
  });

async function tableCounts() {
  const { rows } = await sql<{ cases: number; statuses: number; imported: number }>`
    SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_status)::int AS statuses,
           (SELECT count(*) FROM imports WHERE status <> 'rejected')::int AS imported`.execute(
    db(),
  );
  return rows[0];
}
const figure = async (id: string, date: string) => {
  const [result] = await indicatorsOn(db(), { district: '08118', date, periodFrom: date }, [
    findIndicator(id) as Indicator,
  ]);
  return result?.figure;
};

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe(`import on ${DATABASE_KIND}`, () => {
  it('refuses a file with a personal-data column, naming it, and stores nothing', async () => {
    const before = await tableCounts();
    const bytes = Buffer.from(`Nachname;${HEADER}\nMustermann;${ROW_A}\n`);
    const summary = await importAwo(bytes, '2020-12-31');
    expect(summary.status).toBe('rejected');
    expect(summary.errors).toEqual([
      expect.objectContaining({
        row: 1,
        column: 'Nachname',
        message: expect.stringContaining('personenbezogene Daten'),
      }),
    ]);
    expect(JSON.stringify(summary)).not.toContain('Mustermann');
    expect(await tableCounts()).toEqual(before);
    const logged = await db()
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', summary.import_id as string)
      .executeTakeFirstOrThrow();
    expect(logged).toMatchObject({
      status: 'rejected',
      error_count: 1,
      // Refused at the header: no row of the file was read.
      rows_read: 0,
      file_name: 'awo.csv',
    });
  });

  it('refuses full dates of birth without repeating them', async () => {
    const before = await tableCounts();
    const summary = await importAwo(
      csv(ROW_A.replace('03.1990', '17.03.1990'), ROW_B),
      '2020-12-31',
    );
    expect(summary.status).toBe('rejected');
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]).toMatchObject({
      row: 2,
      column: 'birth_month',
      message: expect.stringContaining('Vollständiges Geburtsdatum'),
    });
    expect(JSON.stringify(summary)).not.toContain('17.03.1990');
    expect(await tableCounts()).toEqual(before);
  });

  it('lists every error with row and column, and stores nothing', async () => {
    const summary = await importAwo(
      csv(
        ROW_A.replace('08118048', '99999999'),
        ROW_B.replace('2019-02-01;;', '2019-02-01;2018-01-01;moved_away'),
        ROW_B.replace('AWO;', 'DRK;').replace('AWO-0002', 'AWO-0003').replace('2012-07', '2013-13'),
      ),
      '2020-12-31',
    );
    expect(summary.status).toBe('rejected');
    expect(summary.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'municipality'],
      [3, 'ended_on'],
      [4, 'provider'],
      [4, 'birth_month'],
    ]);
    expect((await tableCounts())?.cases).toBe(0);
  });

  it('imports, says "unchanged" for the same file, keeps history for earlier dates', async () => {
    const first = await importAwo(csv(ROW_A, ROW_B), '2020-12-31');
    expect(first).toMatchObject({ status: 'imported', rows: 2, new: 2, changed: 0, missing: 0 });
    const again = await importAwo(csv(ROW_A, ROW_B), '2020-12-31');
    expect(again).toMatchObject({ status: 'unchanged', new: 0, changed: 0, unchanged: 2 });

    // A newer snapshot: client A reached B1 in February; client B is missing.
    const newer = csv(ROW_A.replace('A2;2019-10-01', 'B1;2021-02-15'));
    const dry = await importAwo(newer, '2021-03-01', { dryRun: true });
    expect(dry).toMatchObject({ status: 'dry_run', new: 0, changed: 1, missing: 1 });
    expect((await figure('language_b1_plus_share', '2021-03-01'))?.numerator).toBe(0);

    const second = await importAwo(newer, '2021-03-01');
    expect(second).toMatchObject({
      status: 'imported',
      new: 0,
      changed: 1,
      unchanged: 0,
      missing: 1,
    });
    expect(second.warnings).toEqual([
      expect.objectContaining({ value: 'AWO-0002', message: expect.stringContaining('fehlt') }),
    ]);
    expect((await figure('clients_active', '2021-03-01'))?.value).toBe(2);
    expect((await figure('language_b1_plus_share', '2021-03-01'))?.numerator).toBe(1);
    expect((await figure('language_b1_plus_share', '2021-01-01'))?.numerator).toBe(0);
  });

  it('refuses an older snapshot unless forced', async () => {
    const older = await importAwo(csv(ROW_A), '2021-01-15');
    expect(older.status).toBe('rejected');
    expect(older.errors[0]).toMatchObject({
      code: 'older_snapshot',
      message: expect.stringContaining('bereits ein neuerer Stand gespeichert'),
    });
    const forced = await importAwo(csv(ROW_A), '2021-01-15', { force: true });
    expect(forced.status).toBe('imported');
  });

  it('reads Windows-1252, commas, German headers and labels', async () => {
    const text =
      'Fall_ID,Traeger,Gemeinde,IM_Kennung,Geschlecht,Geburtsmonat,Beginn,Sprachniveau,Sprachniveau_seit,Beschaeftigung,Beschaeftigung_seit\r\n' +
      'DRK-0001,DRK-Kreisverband,Möglingen,IM-9,männlich,05/1985,01.06.2020,keine Kenntnisse,01.06.2020,Minijob,01.07.2020\r\n';
    const summary = await importExport(database.handle, {
      district: '08118',
      provider: 'DRK',
      asOf: '2021-01-01',
      fileName: 'drk.csv',
      bytes: Buffer.from(text, 'latin1'),
    });
    expect(summary).toMatchObject({ status: 'imported', new: 1 });
    const row = await db()
      .selectFrom('cases')
      .selectAll()
      .where('case_id', '=', 'DRK-0001')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      municipality: '08118051',
      sex: 'm',
      birth_month: '1985-05-01',
      started_on: '2020-06-01',
    });
  });
});

describe(`POST /api/v1/imports on ${DATABASE_KIND}`, () => {
  const multipart = (
    fields: Record<string, string>,
    file: Buffer | undefined,
    caller: { authorization: string },
  ) => {
    const boundary = 'zwischenbilanz-test';
    const parts = Object.entries(fields).map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    const body = Buffer.concat([
      Buffer.from(parts.join('')),
      file
        ? Buffer.concat([
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\nContent-Type: text/csv\r\n\r\n`,
            ),
            file,
            Buffer.from('\r\n'),
          ])
        : Buffer.alloc(0),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    return {
      payload: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...caller },
    };
  };

  it('answers 200 with the summary, 422 when rejected, 400 when a field is missing', async () => {
    const app = await buildApp({
      config: loadConfig({}),
      database: database.handle,
      webDist: '/nonexistent',
    });
    const admin = await bearerFor(database.handle.db, 'admin');
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart(
        { provider: 'KDV', as_of: '2021-01-01', dry_run: 'true' },
        csv(ROW_A.replaceAll('AWO', 'KDV')),
        admin,
      ),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'dry_run', rows: 1, new: 1, errors: [] });
    const rejected = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart(
        { provider: 'KDV', as_of: '2021-01-01' },
        Buffer.from(`geburtsdatum;${HEADER}\n`),
        admin,
      ),
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      errors: [{ row: 1, column: 'geburtsdatum' }],
    });
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart({ provider: 'KDV' }, csv(ROW_A), admin),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().detail).toContain('as_of');
    const log = await app.inject({ url: '/api/v1/imports', headers: admin });
    expect(log.json().imports[0]).toMatchObject({ provider: 'KDV', status: 'rejected' });
    await app.close();
  });
});
