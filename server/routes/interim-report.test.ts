// The interim report's one request holds what the five figure requests it replaces hold,
// for the public and for the district office: the same disclosure, figure by figure; and
// the page the server renders from it at `/`.
import { resolve } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../../contract/interim-report.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
let admin: { authorization: string };

beforeAll(async () => {
  ({ app, database, close } = await createTestApp({
    demonstrationData: true,
    // The page's source as the template: the server renders the report into it.
    webDist: resolve(import.meta.dirname, '../../web'),
  }));
  admin = await bearerFor(database.handle.db, 'admin');
  // The demonstration data's import takes minutes on a busy shared machine.
}, 600_000);
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

describe(`GET / renders the interim report (${DATABASE_KIND})`, () => {
  const page = async (url: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ url, headers });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    return {
      document: new JSDOM(response.body, { virtualConsole: new VirtualConsole() }).window.document,
      response,
    };
  };

  it('with the figures of the one request, every chart as SVG with its table', async () => {
    const { document } = await page('/?stichtag=2021-01-01&beendet_bis=2021-03-01');
    const figures = await json('/api/v1/interim-report?stichtag=2021-01-01&beendet_bis=2021-03-01');
    const value = (id: string) =>
      figures.caseload.indicators.find((i: { id: string }) => i.id === id).value as number;
    const tiles = [...document.querySelectorAll('#caseload-tiles .tile')].map((tile) => [
      tile.querySelector('h3')?.textContent,
      tile.querySelector('.value')?.textContent,
    ]);
    expect(tiles[0]).toEqual([
      'Betreute Personen',
      new Intl.NumberFormat('de-DE').format(value('clients_active')),
    ]);
    expect(tiles).toHaveLength(SECTIONS.caseload.tiles.length);
    expect(document.querySelectorAll('#closed-tiles .tile')).toHaveLength(
      SECTIONS.closed.tiles.length,
    );
    expect(document.querySelector('#closed-title')?.textContent).toBe(SECTIONS.closed.title);
    expect(document.querySelectorAll('#charts figure.chart svg[role="img"]')).toHaveLength(5);
    expect(document.querySelectorAll('#charts figure.chart table')).toHaveLength(5);
    expect(document.querySelectorAll('#charts figure.trend tbody tr')).toHaveLength(24);
    expect(document.querySelector('#press-kit .sentence')?.textContent).toContain('Geflüchtete');
    expect(document.querySelector('#status')?.textContent).toBe(
      'Betreute Personen am 01.01.2021, beendete Fälle bis 01.03.2021.',
    );
    expect(document.title).toBe(
      'Zwischenbilanz 01.01.2021 – Integrationsmanagement Landkreis Ludwigsburg',
    );
    const marked = document.getElementById('page-report')?.dataset;
    expect([marked?.dates, marked?.audience]).toEqual(['2021-01-01|2021-03-01', 'public']);
  });

  it('for whoever asks: the district office sees its own figures, marked as its own', async () => {
    const { document } = await page('/?stichtag=2021-01-01&beendet_bis=2021-03-01', admin);
    expect(document.getElementById('page-report')?.dataset.audience).toBe('internal');
    expect(document.getElementById('audience-note')?.textContent).toBe(
      'Sie sehen alle Werte so, wie sie berechnet sind.',
    );
  });

  it('takes the default dates for an address without or with broken ones', async () => {
    const { document } = await page('/?stichtag=2021-13-45');
    expect(document.getElementById('page-report')?.dataset.dates).toBe('2021-01-01|2021-03-01');
  });
});
