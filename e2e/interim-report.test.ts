// The interim-report page in headless Chromium, served by `npm start` on a fresh
// embedded database: the 2021 figures must be on screen in German notation.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;
let browser: Harness['browser'];

beforeAll(async () => {
  harness = await startHarness();
  browser = harness.browser;
});

afterAll(() => harness?.stop());

describe('interim report page', () => {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`shows the published 2021 figures in German notation (${name})`, async () => {
      const page = await browser.newPage({ viewport, locale: 'de-DE' });
      await page.goto(`${harness.base}/`);
      await page
        .getByRole('status')
        .filter({ hasText: 'Betreute Personen am 01.01.2021' })
        .waitFor();
      const tiles = await page.locator('.tile').allInnerTexts();
      const tile = (label: string) => tiles.find((text) => text.startsWith(`${label}\n`)) ?? '';
      expect(tile('Betreute Personen')).toContain('2.469');
      expect(tile('davon Minderjährige')).toContain('970');
      expect(tile('Sprachniveau B1 oder höher')).toContain('24 %');
      expect(tile('Sozialversicherungspflichtig beschäftigt')).toContain('13 %');
      expect(tile('In Ausbildung, Praktikum oder Studium')).toContain('4 %');
      expect(tile('Beendete Fälle')).toContain('1.253');
      expect(tile('Beendete Fälle')).toContain('Stand 01.03.2021');
      expect(tile('davon mit eigenem Mietvertrag')).toContain('780');
      expect(await page.locator('figure.chart svg').count()).toBe(5);
      // The trend, read from the series as Arrow: 24 month ends up to the Stichtag.
      const trend = page.locator('figure.trend svg');
      expect(await trend.getAttribute('aria-label')).toBe(
        'Betreute Personen am Monatsende, Januar 2019 bis Dezember 2020, bis zum Stichtag 01.01.2021',
      );
      expect(await page.locator('figure.trend tbody tr').count()).toBe(24);
      expect(
        await page.locator('figure.trend tbody tr').last().locator('td').allTextContents(),
      ).toEqual(['31.12.2020', '2.470']);
      // Nothing wider than the screen, the charts included.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.screenshot({
        path: join(ARTIFACTS, `interim-report-${name}.png`),
        fullPage: true,
      });
      await page.close();
    });
  }

  it('takes both reporting dates from the URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.base}/?stichtag=2020-01-01&beendet_bis=2020-06-30`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2020' }).waitFor();
    expect(await page.locator('input[name=beendet_bis]').inputValue()).toBe('2020-06-30');
    expect(await page.locator('#closed-tiles').textContent()).toContain('Stand 30.06.2020');
    await page.close();
  });
});
