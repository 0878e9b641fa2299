// The embed pages (/einbetten/<chart>): a chart of the interim report with its title, Stand,
// notes, source and table, always with the public figures, and no other chart; unknown charts
// are 404; only the origins in EMBED_ORIGINS may frame them, every other page stays
// unframeable. Cached by data version: a repeat is a 304, an import is seen at once.
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_CHART, BREAKDOWN_CHARTS, LEASE_CHART, TREND } from '../../contract/interim-report.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { importNewerKdvSnapshot } from '../test/newer-snapshot.ts';

const STICHTAG = '2021-01-01';
const ORIGINS = 'https://www.landkreis-ludwigsburg.de, http://127.0.0.1:8080';
const de = (n: number) => new Intl.NumberFormat('de-DE').format(n);

let test: Awaited<ReturnType<typeof createTestApp>>;
let admin: { authorization: string };

beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true, env: { EMBED_ORIGINS: ORIGINS } });
  admin = await bearerFor(test.database.handle.db, 'admin');
  // The demonstration data's import takes minutes on a busy shared machine.
}, 600_000);
afterAll(() => test?.close());

const page = async (url: string, headers: Record<string, string> = {}) => {
  const response = await test.app.inject({ url, headers });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return { response, document: new JSDOM(response.body).window.document };
};

/** The table's rows as the page shows them: [label, shown value]. */
const tableRows = (document: Document) =>
  [...document.querySelectorAll('table tbody tr')].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent),
  );

describe(`GET /einbetten/<chart> (${DATABASE_KIND})`, () => {
  it('shows one chart with its title, Stand, source and the public figures in its table', async () => {
    const chart = BREAKDOWN_CHARTS[0];
    if (!chart) throw new Error('no breakdown chart declared');
    const { document } = await page(`/einbetten/${chart.id}?date=${STICHTAG}`);
    expect(document.querySelector('figcaption')?.textContent).toContain(chart.title);
    expect(document.querySelector('figcaption')?.textContent).toContain('Stand 01.01.2021');
    expect(document.querySelector('.embed-source')?.textContent).toMatch(/^Quelle: /);
    // Drawn twice (wide and narrow), nothing else: no buttons, no links, no script.
    expect(document.querySelectorAll('svg').length).toBeGreaterThanOrEqual(2);
    expect(document.querySelector('.embed-wide svg')?.getAttribute('width')).toBe('600');
    expect(document.querySelector('.embed-narrow svg')?.getAttribute('width')).toBe('340');
    expect(document.querySelectorAll('button, script, a, nav').length).toBe(0);
    expect(document.querySelectorAll('figure').length).toBe(1);
    const breakdown = (
      await test.app.inject({
        url: `/api/v1/indicators/${chart.indicator}/breakdown?date=${STICHTAG}&by=${chart.by}`,
      })
    ).json() as { rows: { label: string; value: number | null; suppressed: boolean }[] };
    const expected = breakdown.rows
      .filter((row) => row.suppressed || (row.value ?? 0) > 0)
      .map((row) => [row.label, row.suppressed ? '.' : de(row.value as number)]);
    expect(expected.length).toBeGreaterThan(1);
    expect(tableRows(document)).toEqual(expected);
    // A withheld value is explained under the chart.
    if (expected.some(([, value]) => value === '.'))
      expect(document.body.textContent).toContain('. = Wert gesperrt');
  });

  it('shows every declared chart, the trend and the lease chart included, and no other', async () => {
    const charts = [AGE_CHART, TREND, ...BREAKDOWN_CHARTS, LEASE_CHART];
    expect(charts.map((chart) => chart.id)).toEqual([
      'alter',
      'verlauf',
      'sprachniveau',
      'beschaeftigung',
      'mietvertrag',
    ]);
    for (const chart of charts) {
      const { response, document } = await page(`/einbetten/${chart.id}?date=${STICHTAG}`);
      expect(document.querySelectorAll('.embed-wide svg, .embed-narrow svg').length, chart.id).toBe(
        2,
      );
      expect(document.querySelectorAll('svg').length, chart.id).toBe(2);
      expect(document.querySelectorAll('table').length, chart.id).toBe(1);
      expect(document.querySelectorAll('table tbody tr').length, chart.id).toBeGreaterThan(0);
      expect(document.querySelector('h1')?.textContent, chart.id).toBe(chart.title);
      // No other chart's title anywhere in the HTML.
      for (const other of charts)
        if (other !== chart)
          expect(response.body, `${chart.id}: ${other.id}`).not.toContain(other.title);
    }
  });

  it('answers a repeat by 304 with an ETag of the data version, the same for everyone', async () => {
    const url = `/einbetten/alter?date=${STICHTAG}`;
    const { response } = await page(url);
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers['cache-control']).toBe('public, no-cache');
    for (const headers of [{}, admin]) {
      const repeat = await test.app.inject({ url, headers: { ...headers, 'if-none-match': etag } });
      expect(repeat.statusCode).toBe(304);
      expect(repeat.body).toBe('');
      expect(repeat.headers.etag).toBe(etag);
      // Still framed by the listed origins only.
      expect(repeat.headers['content-security-policy']).toContain('frame-ancestors https://www');
    }
    // Another chart, another day: another answer.
    const other = await page(`/einbetten/sprachniveau?date=${STICHTAG}`, { 'if-none-match': etag });
    expect(other.response.headers.etag).not.toBe(etag);
    const otherDay = await page('/einbetten/alter?date=2021-02-01', { 'if-none-match': etag });
    expect(otherDay.response.headers.etag).not.toBe(etag);
    // An error carries no tag.
    const missing = await test.app.inject({ url: '/einbetten/gibtsnicht' });
    expect(missing.headers.etag).toBeUndefined();
  });

  it('shows the public figures to a signed-in admin too: the embedding site is public', async () => {
    const url = `/einbetten/beschaeftigung?date=${STICHTAG}`;
    const anonymous = await page(url);
    const signedIn = await page(url, admin);
    expect(tableRows(signedIn.document)).toEqual(tableRows(anonymous.document));
    // The admin's own figures differ from the public ones here (withheld or perturbed cells):
    // otherwise this test would prove nothing.
    const internal = (
      await test.app.inject({
        url: `/api/v1/indicators/clients_adult/breakdown?date=${STICHTAG}&by=employment`,
        headers: admin,
      })
    ).json() as { rows: { label: string; value: number | null }[] };
    const publicRows = (
      await test.app.inject({
        url: `/api/v1/indicators/clients_adult/breakdown?date=${STICHTAG}&by=employment`,
      })
    ).json() as { rows: { label: string; value: number | null }[] };
    expect(internal.rows).not.toEqual(publicRows.rows);
  });

  it('refuses unknown charts with 404 and a bad date with 400', async () => {
    for (const url of ['/einbetten/gibtsnicht', '/einbetten/caseload?date=2021-01-01']) {
      const response = await test.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).toContain('Keine Grafik');
    }
    const bad = await test.app.inject({ url: '/einbetten/alter?date=2021-13-45' });
    expect(bad.statusCode).toBe(400);
  });

  it('lets only the EMBED_ORIGINS frame the embed pages, and nobody any other page', async () => {
    const { response } = await page(`/einbetten/alter?date=${STICHTAG}`);
    expect(response.headers['content-security-policy']).toMatch(
      /; frame-ancestors https:\/\/www\.landkreis-ludwigsburg\.de http:\/\/127\.0\.0\.1:8080$/,
    );
    expect(response.headers['x-frame-options']).toBeUndefined();
    const missing = await test.app.inject({ url: '/einbetten/gibtsnicht' });
    expect(missing.headers['content-security-policy']).toContain('frame-ancestors https://www');
    for (const url of ['/api/v1/health', `/api/v1/indicators?date=${STICHTAG}`]) {
      const other = await test.app.inject({ url });
      expect(other.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(other.headers['x-frame-options'], url).toBe('DENY');
    }
  });
});

// Last: the import changes the figures the other tests compare.
describe(`GET /einbetten/<chart> after an import (${DATABASE_KIND})`, () => {
  it('changes its ETag and shows the new figures at once', async () => {
    const url = '/einbetten/alter?date=2021-06-30';
    const before = await page(url);
    const etag = before.response.headers.etag as string;
    expect((await test.app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(
      304,
    );
    await importNewerKdvSnapshot(test.database.handle);
    const after = await page(url, { 'if-none-match': etag });
    expect(after.response.headers.etag).not.toBe(etag);
    expect(tableRows(after.document)).not.toEqual(tableRows(before.document));
    // What a revalidation with the new tag gets.
    const etagAfter = after.response.headers.etag as string;
    expect(
      (await test.app.inject({ url, headers: { 'if-none-match': etagAfter } })).statusCode,
    ).toBe(304);
  });
});

describe('EMBED_ORIGINS', () => {
  it('is empty by default: the embed pages are then framed by nobody', () => {
    expect(loadConfig({}).embedOrigins).toEqual([]);
  });

  it('reads origins separated by commas or spaces', () => {
    expect(loadConfig({ EMBED_ORIGINS: ORIGINS }).embedOrigins).toEqual([
      'https://www.landkreis-ludwigsburg.de',
      'http://127.0.0.1:8080',
    ]);
  });

  for (const bad of [
    'https://example.org/',
    'https://example.org/seite',
    '*.example.org',
    'example.org',
    "'self'",
    'ftp://example.org',
    'https://example.org:80x',
  ]) {
    it(`refuses ${bad}, naming it`, () => {
      expect(() => loadConfig({ EMBED_ORIGINS: `https://ok.example, ${bad}` })).toThrow(
        ConfigError,
      );
      expect(() => loadConfig({ EMBED_ORIGINS: bad })).toThrow(`"${bad}"`);
    });
  }
});
