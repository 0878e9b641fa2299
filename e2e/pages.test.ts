// Every page of the dashboard in headless Chromium, as the public and as the district
// office, at desktop and phone width: reachable from the one navigation, nothing wider
// than the screen, no axe-core violations (WCAG 2.2 A/AA), and usable by keyboard.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(['--demo']);
});

afterAll(() => harness?.stop());

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const;

/** Navigation link, the page's heading, and what shows that its content has loaded. */
const PUBLIC_PAGES = [
  ['Zwischenbilanz', 'Betreute Personen', '#caseload-tiles .tile'],
  ['Erkunden', 'Erkunden', '#explore-result table'],
  ['Verlauf', 'Verlauf', '#trends-result table'],
  ['Förderzeitraum', 'Förderzeitraum', '#page-funders table'],
  ['Berichte', 'Veröffentlichte Berichte', '#page-published h2'],
  ['Definitionen', 'Definitionen der Kennzahlen', 'article.definition'],
] as const;
const ADMIN_PAGES = [
  ['Daten', 'Daten', '#page-data table'],
  ['Protokoll', 'Protokoll', '#page-audit table'],
  ['API-Tokens', 'API-Tokens', '#page-tokens h2'],
] as const;

async function visitAll(
  page: Page,
  pages: readonly (readonly [string, string, string])[],
  name: string,
  who: string,
  width: number,
) {
  await page.goto(`${harness.base}/`);
  await page.locator('#caseload-tiles .tile').first().waitFor();
  for (const [link, heading, loaded] of pages) {
    await page
      .getByRole('navigation', { name: 'Bereiche' })
      .getByRole('link', { name: link, exact: true })
      .click();
    await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
    await page.locator(loaded).first().waitFor();
    expect(
      await page
        .getByRole('navigation', { name: 'Bereiche' })
        .locator('[aria-current=page]')
        .textContent(),
    ).toBe(link);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      `${link} fits`,
    ).toBeLessThanOrEqual(width);
    expect(await axeViolations(page), `axe on ${link}`).toEqual([]);
    await page.screenshot({
      path: join(
        ARTIFACTS,
        `page-${who}-${link.toLowerCase().replace(/[^a-z]+/g, '-')}-${name}.png`,
      ),
      fullPage: true,
    });
  }
}

describe('every page', () => {
  for (const [name, viewport] of VIEWPORTS) {
    it(`is reachable, fits and has no axe violations, for the public (${name})`, async () => {
      const page = await harness.browser.newPage({ viewport, locale: 'de-DE' });
      // The data page is not offered to the public.
      await page.goto(`${harness.base}/`);
      expect(await page.getByRole('link', { name: 'Daten', exact: true }).isVisible()).toBe(false);
      await visitAll(page, PUBLIC_PAGES, name, 'public', viewport.width);
      await page.close();
    });

    it(`is reachable, fits and has no axe violations, for the district office (${name})`, async () => {
      const context = await harness.demoAdminContext({ viewport, locale: 'de-DE' });
      const page = await context.newPage();
      await visitAll(page, [...PUBLIC_PAGES, ...ADMIN_PAGES], name, 'admin', viewport.width);
      await context.close();
    });
  }

  it('works by keyboard: Tab reaches the navigation, Enter opens a page and focuses its heading', async () => {
    let page = await harness.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${harness.base}/`);
    await page.locator('#caseload-tiles .tile').first().waitFor();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'Erkunden'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Erkunden');
    await page.keyboard.press('Enter');
    await page.locator('#explore-result table').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Erkunden');
    // Every control on the page shows where the focus is.
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement;
      const style = getComputedStyle(active);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).not.toMatch(/^none|0px$/);

    await page.close();

    // The first Tab stop skips header and navigation.
    page = await harness.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${harness.base}/#verlauf`);
    await page.locator('#trends-result table').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Zum Inhalt springen',
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Verlauf');
    expect(page.url()).toContain('/verlauf');
    await page.close();
  });
});
