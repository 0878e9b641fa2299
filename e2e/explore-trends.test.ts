// Explore and trends in headless Chromium: reached from the navigation, chosen by keyboard,
// the choice in the address, the figures those of the API, withheld cells marked and
// explained, no axe violations, at desktop and phone width.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(() => harness?.stop());

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const;

interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

const api = <T>(path: string) =>
  fetch(`${harness.base}${path}`).then((response) => response.json() as Promise<T>);

const count = (value: number) => value.toLocaleString('de-DE');

async function expectFitsAndAccessible(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    width,
  );
  expect(await axeViolations(page)).toEqual([]);
}

describe('explore page', () => {
  for (const [name, viewport] of VIEWPORTS) {
    it(`breaks any indicator down by any characteristic, chosen by keyboard (${name})`, async () => {
      const page = await harness.browser.newPage({ viewport, locale: 'de-DE' });
      await page.goto(`${harness.base}/`);
      await page
        .getByRole('navigation', { name: 'Bereiche' })
        .getByRole('link', { name: 'Erkunden' })
        .click();
      await page.getByRole('heading', { name: 'Erkunden', level: 2 }).waitFor();
      await page.locator('#explore-result table').waitFor();

      await page
        .getByLabel('Kennzahl', { exact: true })
        .selectOption({ label: 'Sprachniveau B1 oder höher' });
      await page
        .getByLabel('Aufgegliedert nach', { exact: true })
        .selectOption({ label: 'Träger' });
      await page.getByLabel('Stichtag', { exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/kennzahl=language_b1_plus_share&nach=provider&stichtag=2021-01-01/);
      await page.locator('#explore-status').filter({ hasText: 'nach Träger' }).waitFor();

      const breakdown = await api<{ rows: ({ label: string } & Figure)[]; total: Figure }>(
        '/api/v1/indicators/language_b1_plus_share/breakdown?date=2021-01-01&by=provider',
      );
      const rows = page.locator('#explore-result tbody tr');
      expect(await rows.count()).toBe(breakdown.rows.length + 1);
      const total = await rows.last().locator('th, td').allTextContents();
      expect(total).toEqual(['Insgesamt', '24 %', '360', '1.499']);
      const first = breakdown.rows[0] as { label: string } & Figure;
      expect(await rows.first().locator('th, td').allTextContents()).toEqual([
        first.label,
        `${Math.round((first.value as number) * 100)} %`,
        count(first.numerator as number),
        count(first.denominator as number),
      ]);
      const chart = page.locator('#explore-result figure svg');
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await chart.getAttribute('aria-label')).toBe(
        'Sprachniveau B1 oder höher nach Träger, Stand 01.01.2021',
      );
      expect(await page.locator('#explore-result figure').textContent()).toContain(
        'Stand 01.01.2021',
      );
      await expectFitsAndAccessible(page, viewport.width);
      await page.screenshot({ path: join(ARTIFACTS, `explore-${name}.png`), fullPage: true });
      await page.close();
    });
  }

  it('marks withheld cells with "." and explains them', async () => {
    const breakdown = await api<{ rows: Figure[] }>(
      '/api/v1/indicators/language_b1_plus_share/breakdown?date=2021-01-01&by=municipality',
    );
    const withheld = breakdown.rows.filter((row) => row.suppressed).length;
    // Small towns have fewer than 20 adults in counselling: their shares are withheld.
    expect(withheld).toBeGreaterThan(0);
    const page = await harness.browser.newPage();
    await page.goto(
      `${harness.base}/#erkunden?kennzahl=language_b1_plus_share&nach=municipality&stichtag=2021-01-01`,
    );
    await page.locator('#explore-status').filter({ hasText: 'nach' }).waitFor();
    const rows = await page
      .locator('#explore-result tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    // A withheld share shows "." for the share and its numerator.
    expect(rows.filter((cells) => cells[1] === '.')).toHaveLength(withheld);
    const footnote = await page.locator('#explore-result .footnote').textContent();
    expect(footnote).toContain('. = Wert gesperrt: ein Anteil auf weniger als 20 Personen');
    expect(footnote).toContain('Cell-Key-Verfahren');
    await page.close();
  });

  it('marks a day after the exports as provisional, on screen and in the downloads', async () => {
    const page = await harness.browser.newPage();
    await page.goto(
      `${harness.base}/#erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-06-30`,
    );
    await page.locator('#explore-status').filter({ hasText: 'nach' }).waitFor();
    expect(await page.locator('#explore-result figcaption .stand').textContent()).toBe(
      'Stand 30.06.2021, vorläufig',
    );
    expect(await page.locator('#explore-result .data-note').textContent()).toBe(
      'Die Exporte der Träger reichen bis 01.03.2021. Für Tage danach (30.06.2021) zählen Fälle als laufend, deren Ende noch nicht gemeldet ist: Die Zahlen sind vorläufig.',
    );
    const started = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Tabelle .* als CSV herunterladen$/ }).click();
    const csv = readFileSync((await (await started).path()) as string, 'utf8');
    expect(csv.split('\r\n')[1]).toBe('Stand 30.06.2021, vorläufig');
    await page.goto(
      `${harness.base}/#erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-03-01`,
    );
    await page.locator('#explore-status').filter({ hasText: '01.03.2021' }).waitFor();
    expect(await page.locator('#explore-result figcaption .stand').textContent()).toBe(
      'Stand 01.03.2021',
    );
    await page.close();
  });
});

describe('trends page', () => {
  for (const [name, viewport] of VIEWPORTS) {
    it(`follows an indicator by year for one provider, and back returns (${name})`, async () => {
      const page = await harness.browser.newPage({ viewport, locale: 'de-DE' });
      await page.goto(`${harness.base}/`);
      await page
        .getByRole('navigation', { name: 'Bereiche' })
        .getByRole('link', { name: 'Verlauf' })
        .click();
      await page.getByRole('heading', { name: 'Verlauf', level: 2 }).waitFor();
      await page.locator('#trends-result table').waitFor();
      // Monthly since January 2018 by default, up to the last month the exports (01.03.2021) cover.
      await page.waitForURL(/bis=2021-02/);
      await page.locator('#trends-status').filter({ hasText: '38 Werte' }).waitFor();
      expect(await page.locator('#trends-result tbody tr').count()).toBe(38);

      await page.getByLabel('Je', { exact: true }).selectOption({ label: 'Jahr' });
      await page
        .getByLabel('Für', { exact: true })
        .selectOption({ label: 'Träger: Arbeiterwohlfahrt' });
      await page.getByLabel('Bis (Monat)', { exact: true }).fill('2020-12');
      await page.getByLabel('Bis (Monat)', { exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/intervall=jahr.*bis=2020-12.*traeger=AWO/);
      await page.locator('#trends-status').filter({ hasText: '3 Werte' }).waitFor();

      const series = await api<{ points: ({ period: string } & Figure)[] }>(
        '/api/v1/indicators/clients_active/series?from=2018-01&to=2020-12&interval=year&provider=AWO',
      );
      const cells = await page
        .locator('#trends-result tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent)),
        );
      expect(cells).toEqual(
        series.points.map((point) => [
          point.period,
          `31.12.${point.period}`,
          point.suppressed ? '.' : count(point.value as number),
        ]),
      );
      expect(await page.locator('#trends-result figcaption').textContent()).toContain(
        'Träger Arbeiterwohlfahrt',
      );
      await expectFitsAndAccessible(page, viewport.width);
      await page.screenshot({ path: join(ARTIFACTS, `trends-${name}.png`), fullPage: true });

      await page.goBack();
      await page.locator('#trends-status').filter({ hasText: '38 Werte' }).waitFor();
      expect(await page.getByLabel('Je', { exact: true }).inputValue()).toBe('monat');
      await page.close();
    });
  }
});
