// The interim report as the server renders it: complete with JavaScript disabled (figures,
// charts, tables, the date form), and with JavaScript only made interactive, not fetched or
// drawn again; a repeat costs a 304. The date fields of the report, Erkunden and Verlauf
// arrive as text fields, which the script makes date and month fields. Scripts and the
// stylesheet arrive compressed.
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(() => harness?.stop());

describe('interim report rendered on the server', () => {
  it('shows figures, charts and tables with JavaScript disabled, and other dates by the form', async () => {
    const context = await harness.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
    });
    try {
      const page = await context.newPage();
      await page.goto(`${harness.base}/?stichtag=2021-01-01&beendet_bis=2021-03-01`);
      expect(await page.locator('#status').textContent()).toBe(
        'Betreute Personen am 01.01.2021, beendete Fälle bis 01.03.2021.',
      );
      const tiles = await page.locator('.tile').allInnerTexts();
      const tile = (label: string) => tiles.find((text) => text.startsWith(`${label}\n`)) ?? '';
      expect(tile('Betreute Personen')).toContain('2.469');
      expect(tile('davon Minderjährige')).toContain('970');
      expect(tile('Sprachniveau B1 oder höher')).toContain('24 %');
      expect(tile('Beendete Fälle')).toContain('1.253');
      expect(tile('davon mit eigenem Mietvertrag')).toContain('780');
      expect(await page.locator('#press-kit .sentence').first().textContent()).toContain(
        '2.469 Geflüchtete',
      );
      // Every chart as SVG with its table.
      expect(await page.locator('figure.chart svg[role="img"]').count()).toBe(5);
      expect(await page.locator('figure.chart table').count()).toBe(5);
      expect(await page.locator('figure.trend tbody tr').count()).toBe(24);
      const age = page.locator('figure.chart').first();
      await age.locator('summary', { hasText: 'Tabelle' }).click();
      expect(await age.locator('tbody tr').allInnerTexts()).toEqual([
        'Minderjährige\t970',
        'Erwachsene\t1.499',
      ]);
      // Buttons that need the script are not offered without it.
      expect(await page.locator('.downloads').first().isVisible()).toBe(false);
      await page.screenshot({
        path: join(ARTIFACTS, 'server-rendered-no-script.png'),
        fullPage: true,
      });
      // The date form is an ordinary GET form: other dates are another rendered page. Its
      // fields are text fields (JJJJ-MM-TT) until a script makes them date fields.
      const field = page.locator('input[name="stichtag"]');
      expect(await field.getAttribute('type')).toBe('text');
      expect(await field.inputValue()).toBe('2021-01-01');
      await page.locator('input[name="stichtag"]').fill('2020-01-01');
      await page.getByRole('button', { name: 'Anzeigen' }).click();
      await page.waitForURL(/stichtag=2020-01-01/);
      expect(await page.locator('#status').textContent()).toBe(
        'Betreute Personen am 01.01.2020, beendete Fälle bis 01.03.2021.',
      );
      expect(await page.locator('figure.chart svg[role="img"]').count()).toBe(5);
    } finally {
      await context.close();
    }
  });

  it('with JavaScript, asks for no figure and draws no chart again; the buttons work', async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(new URL(request.url()).pathname));
      // The scripts and the stylesheet, with the encoding they came in (the build compresses
      // every file of 1 KB and more, the server sends that to a browser that takes it).
      const assets: Promise<{ path: string; bytes: number; encoding: string | null }>[] = [];
      page.on('response', (response) => {
        const path = new URL(response.url()).pathname;
        if (!path.startsWith('/assets/')) return;
        assets.push(
          (async () => ({
            path,
            bytes: (await response.body()).length,
            encoding: await response.headerValue('content-encoding'),
          }))(),
        );
      });
      // Counts charts the page's script takes out of the document after the HTML has arrived.
      await page.addInitScript(() => {
        const state = window as unknown as { removedCharts: number };
        state.removedCharts = 0;
        new MutationObserver((records) => {
          for (const record of records)
            for (const node of record.removedNodes)
              if (node instanceof Element && (node.matches('svg') || node.querySelector('svg')))
                state.removedCharts++;
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(`${harness.base}/?stichtag=2021-01-01&beendet_bis=2021-03-01`);
      await page.waitForLoadState('networkidle');
      expect(requests.filter((path) => path.startsWith('/api/'))).toEqual(['/api/v1/session']);
      expect(
        await page.evaluate(() => (window as unknown as { removedCharts: number }).removedCharts),
      ).toBe(0);
      const loaded = await Promise.all(assets);
      expect(loaded.some((asset) => asset.path.endsWith('.css'))).toBe(true);
      expect(loaded.filter((asset) => asset.path.endsWith('.js')).length).toBeGreaterThan(1);
      for (const asset of loaded.filter((a) => a.bytes >= 1024))
        expect(['br', 'gzip'], `${asset.path}, ${asset.bytes} bytes`).toContain(asset.encoding);
      const button = page.getByRole('button', {
        name: 'Tabelle „Betreute Personen nach Alter“ als CSV herunterladen',
      });
      const started = page.waitForEvent('download');
      await button.click();
      expect((await started).suggestedFilename()).toMatch(/\.csv$/);
      // With the script, the fields are date fields, set to the page's dates.
      const field = page.locator('input[name="stichtag"]');
      expect(await field.evaluate((input: HTMLInputElement) => input.type)).toBe('date');
      expect(await field.inputValue()).toBe('2021-01-01');
      // Other dates in the browser: drawn from one request.
      await page.locator('input[name="stichtag"]').fill('2020-06-30');
      await page.getByRole('button', { name: 'Anzeigen' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Betreute Personen am 30.06.2020' })
        .waitFor();
      expect(requests.filter((path) => path.startsWith('/api/v1/i'))).toEqual([
        '/api/v1/interim-report',
      ]);
    } finally {
      await context.close();
    }
  });

  it('sends the date fields of an Erkunden and a Verlauf link as text fields; the script makes them date and month fields', async () => {
    const explore = '/erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-01-01';
    const trends = '/verlauf?kennzahl=clients_active&intervall=jahr&von=2018-01&bis=2020-12';
    const type = (field: Locator) => field.evaluate((input: HTMLInputElement) => input.type);
    for (const javaScriptEnabled of [false, true]) {
      const context = await harness.browser.newContext({
        javaScriptEnabled,
        viewport: { width: 1280, height: 900 },
        locale: 'de-DE',
      });
      try {
        const page = await context.newPage();
        // Erkunden: the one date field, found by its label, with the address's date.
        await page.goto(`${harness.base}${explore}`);
        const date = page.locator('#page-explore').getByLabel('Stichtag', { exact: true });
        expect(await type(date)).toBe(javaScriptEnabled ? 'date' : 'text');
        expect(await date.inputValue()).toBe('2021-01-01');
        if (!javaScriptEnabled)
          expect(await date.getAttribute('title')).toBe('Datum als JJJJ-MM-TT, z. B. 2021-01-01');
        await page.screenshot({
          path: join(
            ARTIFACTS,
            `server-rendered-explore-fields-${javaScriptEnabled ? 'script' : 'no-script'}.png`,
          ),
          fullPage: true,
        });
        await date.fill('2020-06-30');
        await page.locator('#page-explore').getByRole('button', { name: 'Anzeigen' }).click();
        await page.waitForURL(/\/erkunden\?.*stichtag=2020-06-30/);
        await page.locator('#explore-status', { hasText: 'Stand 30.06.2020' }).waitFor();
        expect(
          await page.locator('#page-explore figure.chart svg[role="img"]:visible').count(),
        ).toBe(1);

        // Verlauf: the two month fields.
        await page.goto(`${harness.base}${trends}`);
        const from = page.locator('#page-trends').getByLabel('Von (Monat)', { exact: true });
        const to = page.locator('#page-trends').getByLabel('Bis (Monat)', { exact: true });
        for (const field of [from, to])
          expect(await type(field)).toBe(javaScriptEnabled ? 'month' : 'text');
        expect([await from.inputValue(), await to.inputValue()]).toEqual(['2018-01', '2020-12']);
        if (!javaScriptEnabled)
          expect(await to.getAttribute('title')).toBe('Monat als JJJJ-MM, z. B. 2021-01');
        await to.fill('2019-12');
        await page.locator('#page-trends').getByRole('button', { name: 'Anzeigen' }).click();
        await page.waitForURL(/\/verlauf\?.*bis=2019-12/);
        await page.locator('#trends-status', { hasText: 'Betreute Personen: 2 Werte.' }).waitFor();
        expect(
          await page.locator('#page-trends figure.chart svg[role="img"]:visible').count(),
        ).toBe(1);
      } finally {
        await context.close();
      }
    }
  });

  it('answers a repeat of the page with 304 while the data stay the same; assets are immutable', async () => {
    const url = `${harness.base}/?stichtag=2021-01-01&beendet_bis=2021-03-01`;
    const first = await fetch(url);
    const html = await first.text();
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await fetch(url, { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const asset = await fetch(`${harness.base}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
