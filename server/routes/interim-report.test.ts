// The interim report's one request holds what the five figure requests it replaces hold,
// for the public and for the district office: the same disclosure, figure by figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
let admin: { authorization: string };

beforeAll(async () => {
  ({ app, database, close } = await createTestApp({ demonstrationData: true }));
  admin = await bearerFor(database.handle.db, 'admin');
});
afterAll(() => close?.());

const json = async (url: string, headers: Record<string, string> = {}) => {
  const response = await app.inject({ url, headers });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return response.json();
};

describe(`GET /api/v1/interim-report (${DATABASE_KIND})`, () => {
  for (const who of ['public', 'admin'] as const) {
    it(`answers ${who} with the figures of the five separate figure requests`, async () => {
      const headers = who === 'admin' ? admin : {};
      const [stichtag, beendetBis] = ['2021-01-01', '2021-03-01'];
      const one = await json(
        `/api/v1/interim-report?stichtag=${stichtag}&beendet_bis=${beendetBis}`,
        headers,
      );
      const caseload = await json(
        `/api/v1/indicators?date=${stichtag}&compare=previous_year`,
        headers,
      );
      const closed = await json(
        `/api/v1/indicators?date=${beendetBis}&compare=previous_year`,
        headers,
      );
      const language = await json(
        `/api/v1/indicators/clients_adult/breakdown?date=${stichtag}&by=language_level`,
        headers,
      );
      const employment = await json(
        `/api/v1/indicators/clients_adult/breakdown?date=${stichtag}&by=employment`,
        headers,
      );
      const series = await json(
        '/api/v1/indicators/clients_active/series?from=2019-01&to=2020-12&interval=month',
        headers,
      );
      const withoutChange = (list: Record<string, unknown>[]) =>
        list.map(({ change: _, ...rest }) => rest);
      expect(one.audience).toBe(caseload.audience);
      expect(one.rules).toEqual(caseload.rules);
      expect(one.data_as_of).toBe(caseload.data_as_of);
      expect(one.caseload.indicators).toEqual(withoutChange(caseload.indicators));
      expect(one.caseload.comparison).toEqual({
        date: caseload.comparison.date,
        indicators: caseload.comparison.indicators,
      });
      expect(one.closed.indicators).toEqual(withoutChange(closed.indicators));
      expect(one.breakdowns[0].rows).toEqual(language.rows);
      expect(one.breakdowns[0].total).toEqual(language.total);
      expect(one.breakdowns[1].rows).toEqual(employment.rows);
      expect(one.trend.points).toEqual(series.points);
      // The public's answer is protected: some figure differs from the district office's.
      if (who === 'public') {
        const internal = await json(
          `/api/v1/interim-report?stichtag=${stichtag}&beendet_bis=${beendetBis}`,
          admin,
        );
        expect(internal.audience).toBe('internal');
        expect(JSON.stringify(internal.breakdowns)).not.toBe(JSON.stringify(one.breakdowns));
      }
    });
  }

  it('refuses a date that is none, in German, naming the parameter', async () => {
    const response = await app.inject({
      url: '/api/v1/interim-report?stichtag=2021-02-30&beendet_bis=2021-03-01',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('stichtag');
    expect(response.body).toContain('kein gültiges Datum');
  });

  it('answers a repeat with the ETag of the data version as 304', async () => {
    const url = '/api/v1/interim-report?stichtag=2021-01-01&beendet_bis=2021-03-01';
    const first = await app.inject({ url });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });
});
