// Every table the API hands out, read as an analyst's tools read it: each Arrow answer as an
// IPC file (ARROW1 at both ends, apache-arrow's RecordBatchFileReader) with typed columns,
// `is_total` and schema metadata; `format=arrows` as an IPC stream; `format=xlsx` read back
// by the importer's XLSX reader with days and months as dates, years and counts as numbers
// and keys as text; the CSV plain, keys as they are.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RecordBatchFileReader,
  RecordBatchStreamReader,
  type Table,
  Type,
  tableFromIPC,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../import/read-xlsx.ts';
import { type SignedIn, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
let admin: SignedIn;
const dir = mkdtempSync(join(tmpdir(), 'zb-formats-'));
let slug = '';

beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true });
  admin = await signedIn(test.app, test.database.handle.db, {
    name: 'koordination',
    role: 'admin',
  });
  // A published report whose trend runs past the exports: some figures provisional.
  const published = await test.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: {
      title: 'Zwischenbilanz Formate',
      stichtag: '2021-01-01',
      beendet_bis: '2021-03-01',
    },
    headers: admin.write,
  });
  expect(published.statusCode, published.body).toBe(201);
  slug = published.json().slug;
});
afterAll(async () => {
  await test?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** As the district office, or with `asPublic` as anyone (perturbed figures). */
async function get(url: string, headers: Record<string, string> = {}, asPublic = false) {
  const response = await test.app.inject({
    url,
    headers: { ...(asPublic ? {} : admin.read), ...headers },
  });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return response;
}

const MAGIC = 'ARROW1';

const withFormat = (url: string, format: string) =>
  `${url}${url.includes('?') ? '&' : '?'}format=${format}`;

/** An Arrow answer read as a file, as pyarrow.ipc.open_file and read_feather do. */
async function arrowFile(url: string): Promise<Table> {
  const response = await get(withFormat(url, 'arrow'));
  expect(response.headers['content-type']).toBe('application/vnd.apache.arrow.file');
  expect(response.headers['content-disposition']).toMatch(/\.arrow"$/);
  const bytes = new Uint8Array(response.rawPayload);
  // An IPC file begins and ends with the magic; a stream would not.
  expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).toBe(MAGIC);
  expect(Buffer.from(bytes.subarray(-6)).toString('latin1')).toBe(MAGIC);
  const reader = RecordBatchFileReader.from(bytes);
  expect(reader.isFile()).toBe(true);
  return tableFromIPC(bytes);
}

/** The Arrow type id of each column, by name. */
const typesOf = (table: Table) =>
  Object.fromEntries(table.schema.fields.map((field) => [field.name, field.typeId]));

const DAY_MS = 86_400_000;
const isoOf = (ms: unknown) => new Date(ms as number).toISOString().slice(0, 10);

/** What every figure table holds: Int32 numerator and denominator, Bool flags, the metadata. */
function expectFigureTable(table: Table, value: Type, protection = true) {
  const types = typesOf(table);
  expect(types.value).toBe(value);
  expect(types.numerator).toBe(Type.Int);
  expect(types.denominator).toBe(Type.Int);
  expect(types.suppressed).toBe(Type.Bool);
  // Reports frozen before the Cell Key Method name no protection: their table has none.
  if (protection) expect(types.protection).toBe(Type.Utf8);
  expect(types.is_total).toBe(Type.Bool);
  const metadata = table.schema.metadata;
  expect(metadata.get('title')).toBeTruthy();
  expect(metadata.get('stand')).toMatch(/^Stand /);
  expect(metadata.get('source')).toMatch(/^Quelle: /);
  expect(['true', 'false']).toContain(metadata.get('provisional'));
}

async function xlsxRows(url: string, asPublic = false): Promise<string[][]> {
  const response = await get(withFormat(url, 'xlsx'), {}, asPublic);
  expect(response.headers['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  expect(response.headers['content-disposition']).toMatch(/\.xlsx"$/);
  const path = join(dir, `${Math.random().toString(36).slice(2)}.xlsx`);
  writeFileSync(path, response.rawPayload);
  const rows: string[][] = [];
  for await (const batch of readXlsx(path)) for (const row of batch) rows[row.row - 1] = row.cells;
  return Array.from(rows, (row) => row ?? []);
}

describe(`files the API hands out, on ${DATABASE_KIND}`, () => {
  it('gives a breakdown as a typed Arrow file with its total marked and one row more than the JSON', async () => {
    const url = '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=municipality';
    const json = (await get(url)).json();
    const table = await arrowFile(url);
    expectFigureTable(table, Type.Int);
    expect(table.numRows).toBe(json.rows.length + 1);
    const isTotal = table.getChild('is_total')?.toArray() as boolean[];
    expect(isTotal.filter(Boolean)).toHaveLength(1);
    expect(isTotal.at(-1)).toBe(true);
    expect(table.getChild('value')?.get(table.numRows - 1)).toBe(json.total.value);
    // Keys stay text with their leading zero.
    expect(table.getChild('key')?.get(0)).toMatch(/^08118\d{3}$/);
    expect(table.schema.metadata.get('title')).toBe('Betreute Personen nach Gemeinde');
    expect(table.schema.metadata.get('stand')).toBe('Stand 01.01.2021');
    expect(table.schema.metadata.get('date')).toBe('2021-01-01');

    // A share: Float64.
    const share = await arrowFile(
      '/api/v1/indicators/language_b1_plus_share/breakdown?date=2021-01-01&by=provider',
    );
    expectFigureTable(share, Type.Float);
  });

  it('gives the indicators with the day as Date32 and a kind per row, and marks a provisional day', async () => {
    const table = await arrowFile('/api/v1/indicators?date=2021-01-01&compare=previous_year');
    expectFigureTable(table, Type.Float);
    const types = typesOf(table);
    expect(types.date).toBe(Type.Date);
    expect(types.change).toBe(Type.Float);
    expect(types.kind).toBe(Type.Utf8);
    expect(isoOf(table.getChild('date')?.get(0))).toBe('2021-01-01');
    const ids = table.getChild('id')?.toArray() as string[];
    expect(table.getChild('value')?.get(ids.indexOf('clients_active'))).toBe(2469);
    expect(table.getChild('is_total')?.toArray()).not.toContain(true);

    const later = await arrowFile('/api/v1/indicators?date=2021-06-30');
    expect(later.schema.metadata.get('provisional')).toBe('true');
    expect(later.schema.metadata.get('stand')).toBe('Stand 30.06.2021, vorläufig');
  });

  it('gives a cross-table with typed values and its total line marked', async () => {
    const table = await arrowFile(
      '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=provider&columns=sex',
    );
    const types = typesOf(table);
    expect(types.value_total).toBe(Type.Int);
    expect(types.is_total).toBe(Type.Bool);
    expect(table.getChild('is_total')?.get(table.numRows - 1)).toBe(true);
    expect(table.getChild('key')?.get(table.numRows - 1)).toBe('total');
  });

  it('gives series with months as their first day, days as Date32, years as Int32 and provisional points flagged', async () => {
    const months = await arrowFile(
      '/api/v1/indicators/clients_active/series?from=2021-01&to=2021-06&interval=month',
    );
    expectFigureTable(months, Type.Int);
    expect(typesOf(months).period).toBe(Type.Date);
    expect(typesOf(months).date).toBe(Type.Date);
    expect(typesOf(months).provisional).toBe(Type.Bool);
    expect(isoOf(months.getChild('period')?.get(0))).toBe('2021-01-01');
    expect(isoOf(months.getChild('date')?.get(0))).toBe('2021-01-31');
    expect((months.getChild('date')?.get(0) as number) % DAY_MS).toBe(0);
    // The exports reach 01.03.2021: March's end and later are provisional.
    expect(months.getChild('provisional')?.toArray()).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(months.schema.metadata.get('stand')).toBe(
      'Stand 30.06.2021, vorläufig nach dem 01.03.2021',
    );

    const years = await arrowFile(
      '/api/v1/indicators/clients_active/series?from=2018-01&to=2020-12&interval=year',
    );
    expect(typesOf(years).period).toBe(Type.Int);
    expect(years.getChild('period')?.toArray()).toEqual(Int32Array.from([2018, 2019, 2020]));
    const quarters = await arrowFile(
      '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-12&interval=quarter',
    );
    expect(isoOf(quarters.getChild('period')?.get(1))).toBe('2020-04-01');
  });

  it('gives the funding period with years as Int32, days as Date32, flags as Bool and counts as Int32', async () => {
    const table = await arrowFile('/api/v1/funding?from=2018&to=2022');
    const types = typesOf(table);
    expect(types.year).toBe(Type.Int);
    expect(types.from).toBe(Type.Date);
    expect(types.to).toBe(Type.Date);
    expect(types.complete).toBe(Type.Bool);
    expect(types.cases_closed_in_year).toBe(Type.Int);
    expect(types.caseload_per_manager).toBe(Type.Float);
    expect(types.is_total).toBe(Type.Bool);
    expect(table.getChild('year')?.get(0)).toBe(2018);
    expect(isoOf(table.getChild('from')?.get(0))).toBe('2018-01-01');
    const providers = table.getChild('provider')?.toArray() as string[];
    const totals = table.getChild('is_total')?.toArray() as boolean[];
    expect(providers.filter((_, i) => totals[i]).every((p) => p === 'alle')).toBe(true);
    expect(totals.filter(Boolean)).toHaveLength(5);
  });

  it('gives the data quality and the audit log typed', async () => {
    const duration = await arrowFile('/api/v1/quality?date=2021-03-01&table=duration');
    expect(typesOf(duration).active).toBe(Type.Int);
    expect(typesOf(duration).over_three_years_share).toBe(Type.Float);
    expect(duration.getChild('is_total')?.get(duration.numRows - 1)).toBe(true);
    const snapshots = await arrowFile('/api/v1/quality?date=2021-03-01&table=snapshots');
    expect(typesOf(snapshots).latest_as_of).toBe(Type.Date);
    expect(typesOf(snapshots).imported_at).toBe(Type.Timestamp);
    expect(typesOf(snapshots).days_overdue).toBe(Type.Int);
    for (const name of ['completeness', 'status']) {
      const table = await arrowFile(`/api/v1/quality?date=2021-03-01&table=${name}`);
      expect(table.numRows).toBeGreaterThan(0);
    }
    const audit = await arrowFile('/api/v1/audit?limit=50');
    expect(typesOf(audit).at).toBe(Type.Timestamp);
    expect(audit.numRows).toBeGreaterThan(0);
  });

  it('gives a published report with its days as Date32 and flags as Bool', async () => {
    const table = await arrowFile(`/api/v1/reports/${slug}`);
    expectFigureTable(table, Type.Float, false);
    expect(typesOf(table).date).toBe(Type.Date);
    expect(typesOf(table).provisional).toBe(Type.Bool);
    expect(table.schema.metadata.get('title')).toBe('Zwischenbilanz Formate');
  });

  it('offers the same table as an IPC stream under its own media type and extension', async () => {
    const url = '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=provider';
    const response = await get(withFormat(url, 'arrows'));
    expect(response.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    expect(response.headers['content-disposition']).toMatch(/\.arrows"$/);
    const bytes = new Uint8Array(response.rawPayload);
    expect(Buffer.from(bytes.subarray(0, 6)).toString('latin1')).not.toBe(MAGIC);
    const reader = RecordBatchStreamReader.from(bytes);
    expect(reader.isStream()).toBe(true);
    const stream = tableFromIPC(bytes);
    const file = await arrowFile(url);
    expect(stream.toArray().map((row) => row.toJSON())).toEqual(
      file.toArray().map((row) => row.toJSON()),
    );
    // The Accept header chooses too.
    const accepted = await get(url, { accept: 'application/vnd.apache.arrow.file' });
    expect(accepted.headers['content-type']).toBe('application/vnd.apache.arrow.file');
  });

  it('gives every table as a workbook with days as dates, years and counts as numbers, keys as text', async () => {
    const breakdown = await xlsxRows(
      '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=municipality',
      true,
    );
    expect(breakdown[0]).toEqual(['Betreute Personen nach Gemeinde']);
    expect(breakdown[1]).toEqual(['Stand 01.01.2021']);
    expect(breakdown[3]).toEqual([
      'Schlüssel',
      'Gemeinde',
      'Wert',
      'Zähler',
      'Nenner',
      'gesperrt',
      'Schutz',
    ]);
    // The key keeps its leading zero: a text cell.
    expect(breakdown[4]?.[0]).toMatch(/^08118\d{3}$/);
    expect(breakdown.flat()).toContain(
      'Werte zum Schutz kleiner Fallzahlen leicht verändert (Cell-Key-Verfahren)',
    );

    const series = await xlsxRows(
      '/api/v1/indicators/clients_active/series?from=2021-01&to=2021-04',
    );
    expect(series[1]).toEqual(['Stand 30.04.2021, vorläufig nach dem 01.03.2021']);
    // The reader gives a cell in a date format as its calendar date: dates, not text.
    expect(series[4]?.slice(0, 2)).toEqual(['2021-01', '2021-01-31']);
    // A count has no numerator: an empty cell, not the "." of a withheld one.
    expect(series[4]?.slice(3, 5)).toEqual(['', '']);
    expect(series[4]?.at(-1)).toBe('nein');
    expect(series[6]?.at(-1)).toBe('ja');

    const funding = await xlsxRows('/api/v1/funding?from=2018&to=2019');
    expect(funding[4]?.slice(0, 1)).toEqual(['2018']);
    expect(funding[4]?.slice(3, 5)).toEqual(['2018-01-01', '2018-12-31']);

    const indicators = await xlsxRows('/api/v1/indicators?date=2021-01-01');
    const active = indicators.find((row) => row[0] === 'clients_active');
    expect(active?.slice(2, 4)).toEqual(['2021-01-01', '2469']);

    for (const url of [
      '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=provider&columns=sex',
      '/api/v1/quality?date=2021-03-01&table=snapshots',
      '/api/v1/audit?limit=5',
      `/api/v1/reports/${slug}`,
    ]) {
      const rows = await xlsxRows(url);
      expect(rows.length, url).toBeGreaterThan(5);
    }
    const snapshots = await xlsxRows('/api/v1/quality?date=2021-03-01&table=snapshots');
    expect(snapshots[4]?.[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('keeps the CSV plain: keys as they are, ISO days, ja/nein', async () => {
    const csv = (
      await get(
        '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=municipality&format=csv',
      )
    ).body;
    expect(csv.split('\r\n')[1]).toMatch(/^08118\d{3};/);
    const series = (
      await get('/api/v1/indicators/clients_active/series?from=2021-01&to=2021-03&format=csv')
    ).body;
    expect(series.split('\r\n')[1]).toMatch(/^2021-01;2021-01-31;\d+;;;nein;[^;]+;nein$/);
  });
});
