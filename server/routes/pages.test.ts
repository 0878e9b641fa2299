// Erkunden, Verlauf and a published report rendered on the server (pages.ts): the figures of
// the API's own answers for the caller, the chart as SVG and the table; a bad choice is a 400
// page in German; a page for an anonymous reader comes without COOP, a signed-in one with it.
import { resolve } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
let admin: { authorization: string };

beforeAll(async () => {
  ({ app, database, close } = await createTestApp({
    demonstrationData: true,
    // The page's source as the template: the server renders the pages into it.
    webDist: resolve(import.meta.dirname, '../../web'),
  }));
  admin = await bearerFor(database.handle.db, 'admin');
  // The demonstration data's import takes minutes on a busy shared machine.
}, 600_000);
afterAll(() => close?.());

const page = async (url: string, headers: Record<string, string> = {}) => {
  const response = await app.inject({ url, headers });
  // jsdom's CSS parser knows no @page margin boxes (the print head): its complaints are dropped.
  const { document } = new JSDOM(response.body, { virtualConsole: new VirtualConsole() }).window;
  return { response, document };
};

const cells = (document: Document, selector: string) =>
  [...document.querySelectorAll(`${selector} tbody tr`)].map((row) =>
    [...row.querySelectorAll('th, td')].map((cell) => cell.textContent),
  );

describe(`pages rendered on the server (${DATABASE_KIND})`, () => {
  it('renders Erkunden with the public figures of the breakdown, as the API answers them', async () => {
    const url = '/erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-01-01';
    const { response, document } = await page(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers.etag).toBeTruthy();
    expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
    const explore = document.getElementById('page-explore') as HTMLElement;
    expect(explore.hidden).toBe(false);
    expect((document.getElementById('page-report') as HTMLElement).hidden).toBe(true);
    expect(explore.dataset.address).toBe(url);
    expect(explore.dataset.audience).toBe('public');
    // Wide and narrow: the stylesheet shows one of them.
    expect(explore.querySelectorAll('figure.chart svg.chart-wide[role="img"]')).toHaveLength(1);
    expect(explore.querySelectorAll('figure.chart svg.chart-narrow[role="img"]')).toHaveLength(1);
    const api = (
      await app.inject({
        url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=provider',
      })
    ).json() as { rows: { label: string; value: number }[] };
    const rows = cells(document, '#page-explore');
    expect(rows.slice(0, -1).map((row) => row[0])).toEqual(api.rows.map((row) => row.label));
    expect(rows.at(-1)).toEqual(['Insgesamt', '2.469']);
    // The form carries the choice without the script.
    const form = explore.querySelector('form.choice') as HTMLFormElement;
    expect(form.getAttribute('action')).toBe('/erkunden');
    expect(form.querySelector('option[selected]')?.getAttribute('value')).toBe('clients_active');
    // Its date field as a text field, which the script makes a date field (web/dom.ts).
    const date = form.querySelector('#explore-date') as HTMLInputElement;
    expect(date.type).toBe('text');
    expect(date.dataset.date).toBe('');
    expect(date.value).toBe('2021-01-01');
    expect(document.querySelector('label[for="explore-date"]')?.textContent).toBe('Stichtag');
    expect(document.querySelectorAll('input[type="date"], input[type="month"]')).toHaveLength(0);
  });

  it('renders for a signed-in caller with the caller audience, and keeps COOP', async () => {
    const { response, document } = await page(
      '/erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-01-01',
      admin,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect((document.getElementById('page-explore') as HTMLElement).dataset.audience).toBe(
      'internal',
    );
  });

  it('renders Verlauf to the last month the exports cover when bis is missing', async () => {
    const { response, document } = await page('/verlauf?kennzahl=clients_active&intervall=monat');
    expect(response.statusCode).toBe(200);
    const trends = document.getElementById('page-trends') as HTMLElement;
    expect(trends.dataset.canonical).toBe(
      '/verlauf?kennzahl=clients_active&intervall=monat&von=2018-01&bis=2021-02',
    );
    expect(cells(document, '#page-trends')).toHaveLength(38);
    expect(trends.querySelectorAll('figure.chart svg[role="img"]')).toHaveLength(2);
    // Its month fields as text fields, which the script makes month fields (web/dom.ts).
    const from = trends.querySelector('#trends-from') as HTMLInputElement;
    expect([from.type, from.dataset.date, from.value]).toEqual(['text', 'month', '2018-01']);
    expect((trends.querySelector('#trends-to') as HTMLInputElement).value).toBe('2021-02');
    expect(document.querySelectorAll('input[type="date"], input[type="month"]')).toHaveLength(0);
    // The form's filter field, as sent without the script.
    const provider = await page(
      '/verlauf?kennzahl=clients_active&intervall=jahr&von=2018-01&bis=2020-12&filter=traeger%3AAWO',
    );
    expect(provider.response.statusCode).toBe(200);
    expect(provider.document.querySelector('#page-trends figcaption')?.textContent).toContain(
      'Träger Arbeiterwohlfahrt',
    );
  });

  it('answers a bad choice with 400 and a German message for every bad parameter', async () => {
    const explore = await page('/erkunden?kennzahl=nix&nach=schuhgroesse&stichtag=2021-13-01');
    expect(explore.response.statusCode).toBe(400);
    expect(
      [...explore.document.querySelectorAll('#page-explore li')].map((li) => li.textContent),
    ).toEqual([
      'Die Kennzahl „nix“ gibt es nicht.',
      'Das Merkmal „schuhgroesse“ gibt es nicht.',
      'Der Stichtag „2021-13-01“ ist kein Datum der Form JJJJ-MM-TT.',
    ]);
    const trends = await page('/verlauf?von=2014-12&traeger=AWO&gemeinde=118001');
    expect(trends.response.statusCode).toBe(400);
    expect(trends.document.querySelector('#page-trends')?.textContent).toContain(
      'Ein Träger oder eine Gemeinde, nicht beides.',
    );
    expect(trends.document.querySelector('#page-trends')?.textContent).toContain(
      '„von“ liegt vor Januar 2015.',
    );
    // Unknown parameters are ignored; missing ones take the defaults.
    expect((await page('/erkunden?utm_source=zeitung')).response.statusCode).toBe(200);
  });

  it('renders a published report as the public sees it; an unknown one is a 404 page', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: admin,
      payload: {
        title: 'Zwischenbilanz März 2021',
        stichtag: '2021-01-01',
        beendet_bis: '2021-03-01',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { slug } = created.json() as { slug: string };
    const { response, document } = await page(`/berichte/${slug}`);
    expect(response.statusCode).toBe(200);
    const published = document.getElementById('page-published') as HTMLElement;
    expect(published.querySelector('h2.report-title')?.textContent).toBe(
      'Zwischenbilanz März 2021',
    );
    const charts = published.querySelectorAll('figure.chart svg[role="img"]').length;
    expect(charts).toBeGreaterThanOrEqual(4);
    expect(published.querySelectorAll('figure.chart table')).toHaveLength(charts);
    expect(published.textContent).toContain(`/berichte/${slug}`);
    const missing = await page('/berichte/gibt-es-nicht');
    expect(missing.response.statusCode).toBe(404);
  });
});
