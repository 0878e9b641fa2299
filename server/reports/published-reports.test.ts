// Published reports in the database: addresses, the trend's months, and rows that cannot be
// changed or deleted once stored, whoever asks.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../disclosure/disclose.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { trendPoints } from './content.ts';
import {
  dataAsOfOfImports,
  findPublishedReport,
  listPublishedReports,
  publishReport,
  ReportConflict,
  slugFor,
  withdrawReport,
} from './published-reports.ts';

describe('report addresses', () => {
  it('are the date and the title in lower-case ASCII words', () => {
    expect(slugFor('2021-03-01', 'Zwischenbilanz März 2021')).toBe(
      '2021-03-01-zwischenbilanz-maerz-2021',
    );
    expect(slugFor('2021-03-01', '!!!')).toBe('2021-03-01');
  });
  it('cut a long title at a word boundary', () => {
    const slug = slugFor('2021-03-01', 'Bericht '.repeat(20));
    expect(slug.length).toBeLessThanOrEqual(11 + 60);
    expect(slug).toMatch(/^2021-03-01(-bericht)+$/);
  });
});

describe('the trend of a report', () => {
  it('counts each month end of the declared window from the first of its month', () => {
    const points = trendPoints('2021-01-01');
    expect(points).toHaveLength(24);
    expect(points.at(-1)).toEqual({
      period: '2020-12',
      date: '2020-12-31',
      periodFrom: '2020-12-01',
    });
  });
});

describe(`published reports on ${DATABASE_KIND}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  const publish = (title: string) =>
    publishReport(database.handle.db, {
      district: '08118',
      title,
      stichtag: '2021-01-01',
      beendetBis: '2021-03-01',
      publishedBy: 'test',
      rules: DEFAULT_RULES,
      // Without any export every figure is provisional; the same title twice is intended.
      provisionalConfirmed: true,
      republishConfirmed: true,
    });

  it('gives a second report of the same title and date the next free address', async () => {
    const first = await publish('Zwischenbilanz');
    const second = await publish('Zwischenbilanz');
    expect(first.slug).toBe('2021-03-01-zwischenbilanz');
    expect(second.slug).toBe('2021-03-01-zwischenbilanz-2');
    const listed = await listPublishedReports(database.handle.db, '08118');
    expect(listed.map((report) => report.slug)).toEqual([second.slug, first.slug]);
  });

  it('refuses to change, delete or empty a stored report', async () => {
    const { db } = database.handle;
    await expect(sql`UPDATE published_reports SET title = 'geändert'`.execute(db)).rejects.toThrow(
      /kann nicht geändert oder gelöscht werden \(UPDATE\)/,
    );
    await expect(
      sql`UPDATE published_reports SET content = '{}'::jsonb, provider_values = '{}'::jsonb`.execute(
        db,
      ),
    ).rejects.toThrow(/UPDATE/);
    await expect(sql`DELETE FROM published_reports`.execute(db)).rejects.toThrow(
      /kann nicht geändert oder gelöscht werden \(DELETE\)/,
    );
    // Corrections refer to reports: a TRUNCATE is refused for that, and with CASCADE by the
    // triggers of both tables.
    await expect(sql`TRUNCATE published_reports`.execute(db)).rejects.toThrow();
    await expect(sql`TRUNCATE published_reports CASCADE`.execute(db)).rejects.toThrow(/TRUNCATE/);
    const rows = await db.selectFrom('published_reports').select(['title']).execute();
    expect(rows.map((row) => row.title)).toEqual(['Zwischenbilanz', 'Zwischenbilanz']);
  });

  it('refuses without confirmation what is provisional or published already', async () => {
    const refused = publishReport(database.handle.db, {
      district: '08118',
      title: 'Ohne Bestätigung',
      stichtag: '2021-01-01',
      beendetBis: '2021-03-01',
      publishedBy: 'test',
      rules: DEFAULT_RULES,
    });
    await expect(refused).rejects.toBeInstanceOf(ReportConflict);
    await expect(refused).rejects.toMatchObject({ confirmation: 'provisional_confirmed' });
    const twice = publishReport(database.handle.db, {
      district: '08118',
      title: 'Zwischenbilanz',
      stichtag: '2021-01-01',
      beendetBis: '2021-03-01',
      publishedBy: 'test',
      rules: DEFAULT_RULES,
      provisionalConfirmed: true,
    });
    await expect(twice).rejects.toMatchObject({ confirmation: 'republish_confirmed' });
  });

  it('keeps corrections append-only: once per report, never changed or deleted', async () => {
    const { db } = database.handle;
    const withdrawn = await withdrawReport(db, {
      district: '08118',
      slug: '2021-03-01-zwischenbilanz-2',
      reason: 'Doppelt.',
      withdrawnBy: 'test',
    });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', correction: { reason: 'Doppelt.' } });
    await expect(
      withdrawReport(db, {
        district: '08118',
        slug: '2021-03-01-zwischenbilanz-2',
        reason: 'Noch einmal.',
        withdrawnBy: 'test',
      }),
    ).rejects.toBeInstanceOf(ReportConflict);
    await expect(sql`UPDATE report_corrections SET reason = 'anders'`.execute(db)).rejects.toThrow(
      /Korrektur eines Berichts kann nicht geändert oder gelöscht werden \(UPDATE\)/,
    );
    await expect(sql`DELETE FROM report_corrections`.execute(db)).rejects.toThrow(/DELETE/);
    await expect(sql`TRUNCATE report_corrections`.execute(db)).rejects.toThrow(/TRUNCATE/);
    // Nor can a second correction of the same report be slipped in past the function.
    const [report] = await db
      .selectFrom('published_reports')
      .select('id')
      .where('slug', '=', '2021-03-01-zwischenbilanz-2')
      .execute();
    await expect(
      db
        .insertInto('report_corrections')
        .values({
          report_id: report?.id as string,
          kind: 'withdrawn',
          successor_id: null,
          reason: 'x',
          corrected_by: 'test',
        })
        .execute(),
    ).rejects.toThrow();
    const listed = await listPublishedReports(db, '08118');
    expect(listed.map((r) => r.status)).toEqual(['current', 'withdrawn']);
  });

  it('derives the provisional mark for reports stored before it was kept', async () => {
    expect(
      dataAsOfOfImports([
        { provider: 'AWO', as_of: '2021-03-01' },
        { provider: 'AWO', as_of: '2021-06-01' },
        { provider: 'DRK', as_of: '2021-04-01' },
      ]),
    ).toBe('2021-04-01');
    expect(dataAsOfOfImports([])).toBeNull();
    const { db } = database.handle;
    const stored = await db
      .selectFrom('published_reports')
      .select(['content', 'provider_values'])
      .executeTakeFirstOrThrow();
    const { data_as_of, provisional_dates, ...older } = stored.content;
    await db
      .insertInto('published_reports')
      .values({
        district_key: '08118',
        slug: '2021-03-01-vor-dem-vermerk',
        title: 'Vor dem Vermerk',
        stichtag: '2021-01-01',
        beendet_bis: '2021-03-01',
        published_by: 'test',
        content: JSON.stringify({
          ...older,
          imports: [
            {
              id: '1',
              provider: 'AWO',
              as_of: '2021-02-01',
              checksum: 'x',
              file_name: null,
              created_at: '2021-03-02T00:00:00Z',
            },
          ],
        }),
        provider_values: JSON.stringify(stored.provider_values),
      })
      .execute();
    const found = await findPublishedReport(db, '08118', '2021-03-01-vor-dem-vermerk');
    expect(found?.report).toMatchObject({
      provisional: true,
      content: { data_as_of: '2021-02-01', provisional_dates: ['2021-03-01'] },
    });
    const listed = await listPublishedReports(db, '08118');
    expect(listed.find((r) => r.slug === '2021-03-01-vor-dem-vermerk')?.provisional).toBe(true);
  });
});
