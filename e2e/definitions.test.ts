// The definitions page in headless Chromium, served by `npm start` on a fresh embedded
// database: every indicator the API defines is explained on the page, for anyone.
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

interface Definition {
  id: string;
  label: string;
  definition: string;
  kind: 'count' | 'share' | 'ratio';
  numerator: { label: string } | null;
  denominator: { label: string } | null;
}

const definitions = () =>
  fetch(`${harness.base}/api/v1/definitions`)
    .then((response) => response.json())
    .then((body: { indicators: Definition[] }) => body.indicators);

describe('definitions page', () => {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`explains every indicator the API defines (${name})`, async () => {
      const indicators = await definitions();
      expect(indicators.length).toBeGreaterThan(10);
      const page = await browser.newPage({ viewport, locale: 'de-DE' });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${harness.base}/#definitionen`);
      await page.getByRole('heading', { name: 'Definitionen der Kennzahlen' }).waitFor();
      await page.locator('article.definition').first().waitFor();
      for (const indicator of indicators) {
        const entry = page.getByRole('article', { name: indicator.label, exact: true });
        expect(await entry.getByRole('heading', { level: 4 }).textContent()).toBe(indicator.label);
        const text = (await entry.textContent()) ?? '';
        expect(text).toContain(indicator.definition);
        expect(text).toContain(indicator.id);
        if (indicator.kind === 'share')
          expect(text).toContain(
            `Anteil: ${indicator.numerator?.label} an ${indicator.denominator?.label}`,
          );
        if (indicator.kind === 'ratio')
          expect(text).toContain(
            `${indicator.numerator?.label} je ${indicator.denominator?.label}`,
          );
      }
      const language = page.getByRole('article', { name: 'Sprachniveau B1 oder höher' });
      expect(await language.textContent()).toContain('Anteil: ');
      expect(await language.textContent()).toContain(' an davon Erwachsene');
      await page.getByRole('heading', { name: 'Merkmale für Aufgliederungen' }).waitFor();
      expect(await page.getByText('39 Gemeinden').isVisible()).toBe(true);
      expect(await page.getByText('Ditzingen').isVisible()).toBe(false);
      const protection = await page.locator('.disclosure').textContent();
      expect(protection).toContain('Cell-Key-Verfahren');
      expect(protection).toContain('zwischen 1 und 4');
      expect(protection).toContain('weniger als 20 Personen');
      expect(protection).toContain('erst ab dem Tag seines 20. beendeten Falls');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.screenshot({ path: join(ARTIFACTS, `definitions-${name}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('is reached from the report through the navigation and from a tile', async () => {
    const page = await browser.newPage({ locale: 'de-DE' });
    await page.goto(`${harness.base}/`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Bereiche' });
    await nav.getByRole('link', { name: 'Definitionen' }).click();
    await page.getByRole('heading', { name: 'Definitionen der Kennzahlen' }).waitFor();
    expect(page.url()).toMatch(/#definitionen$/);
    expect(await page.locator('#page-report').isVisible()).toBe(false);
    expect(await nav.getByRole('link', { name: 'Definitionen' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await page.title()).toContain('Definitionen');

    await nav.getByRole('link', { name: 'Zwischenbilanz' }).click();
    const tile = page.locator('.tile').filter({ hasText: 'Sprachniveau B1 oder höher' });
    await tile.getByText('Definition', { exact: true }).click();
    await tile.getByRole('link', { name: 'Mehr zur Definition' }).click();
    const entry = page.getByRole('article', { name: 'Sprachniveau B1 oder höher' });
    await entry.waitFor();
    expect(page.url()).toMatch(/#definitionen\/language_b1_plus_share$/);
    expect(await entry.evaluate((node) => node.contains(document.activeElement))).toBe(true);
    expect(await entry.isVisible()).toBe(true);

    await page.goBack();
    await tile.waitFor();
    expect(await page.locator('#page-definitions').isVisible()).toBe(false);
    await page.close();
  });
});
