// The funders' page in headless Chromium, served by `npm start` on a fresh embedded database
// with the demonstration data: reached from the navigation, its table shows what the API
// answers, the choice lives in the address, it works by keyboard alone and passes axe.
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

interface Funding {
  rows: {
    year: number;
    provider: string | null;
    provider_label: string;
    figures: Record<string, { value: number | null; suppressed: boolean }>;
  }[];
}

const api = (query: string) =>
  fetch(`${harness.base}/api/v1/funding?${query}`).then((r) => r.json() as Promise<Funding>);

const german = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const shown = (figure: { value: number | null; suppressed: boolean } | undefined) =>
  !figure || figure.suppressed ? '.' : figure.value === null ? '–' : german.format(figure.value);

const outcomeTable = (page: Page) =>
  page.getByRole('table', { name: /Fälle und Lage bei Beendigung nach Jahr und Träger/ });

/** The cells "begonnen" and "beendet" of a year's line, as the page shows them. */
async function startedClosed(page: Page, year: number, provider: string) {
  const body = outcomeTable(page)
    .locator('tbody')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${year}`) }) });
  const row = body.getByRole('row').filter({
    has: page.getByRole('rowheader', { name: provider, exact: true }),
  });
  const cells = await row.getByRole('cell').allTextContents();
  return cells.slice(0, 2);
}

describe('funders page', () => {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`shows the figures of the API by year and provider, accessibly (${name})`, async () => {
      const page = await harness.browser.newPage({ viewport, locale: 'de-DE' });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${harness.base}/`);
      await page.getByRole('status').filter({ hasText: 'Betreute Personen am' }).waitFor();
      await page
        .getByRole('navigation', { name: 'Bereiche' })
        .getByRole('link', { name: 'Förderzeitraum' })
        .click();
      await page.getByRole('heading', { name: 'Förderzeitraum', level: 2 }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Förderzeitraum 2018 bis 2022' }).waitFor();
      expect(page.url()).toMatch(/#foerderung\?von=2018&bis=2022$/);
      expect(await page.title()).toContain('Förderzeitraum');

      const body = await api('from=2018&to=2022');
      for (const year of [2019, 2020]) {
        for (const provider of ['DRK', null]) {
          const row = body.rows.find((r) => r.year === year && r.provider === provider);
          expect(await startedClosed(page, year, row?.provider_label as string)).toEqual([
            shown(row?.figures.cases_started_in_year),
            shown(row?.figures.cases_closed_in_year),
          ]);
        }
      }
      // 2022 lies after the data; 2021 counts up to their Stand.
      const table = outcomeTable(page);
      expect(await table.getByRole('row', { name: /^2022 – keine Daten/ }).count()).toBe(1);
      expect(await table.textContent()).toContain('bis 01.03.2021');
      // The values are perturbed for the public, and the footnote says so; a share on too
      // small a base is "." (whether one is depends on the database's random record keys).
      const notes = (await page.locator('.footnote').allTextContents()).join(' ');
      expect(notes).toContain('Cell-Key-Verfahren');
      const withheld = body.rows.some((row) =>
        Object.values(row.figures).some((figure) => figure.suppressed),
      );
      if (withheld) {
        expect(await page.getByRole('cell', { name: /(^|\()\.\)?$/ }).count()).toBeGreaterThan(0);
        expect(notes).toContain('. = Wert gesperrt');
      } else expect(notes).toContain('Kein Wert ist gesperrt.');
      // Both charts are named images; the links lead to the endpoint in each format.
      await page
        .getByRole('img', { name: /^Begonnene und beendete Fälle je Jahr, alle Träger/ })
        .waitFor();
      await page.getByRole('img', { name: /^Beendete Fälle nach Grund/ }).waitFor();
      const links = page
        .getByRole('region', { name: 'Alle Zahlen nach Jahr und Träger' })
        .locator('.links a');
      expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
        '/api/v1/funding?from=2018&to=2022',
        '/api/v1/funding?from=2018&to=2022&format=csv',
        '/api/v1/funding?from=2018&to=2022&format=arrow',
      ]);
      expect(await page.getByRole('button', { name: /CSV/ }).count()).toBeGreaterThan(0);

      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `funders-${name}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('changes figures and address with the provider, by keyboard alone', async () => {
    const page = await harness.browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
    });
    await page.goto(`${harness.base}/#foerderung?von=2018&bis=2022`);
    await page.getByRole('status').filter({ hasText: 'Förderzeitraum 2018 bis 2022' }).waitFor();
    // From the page heading, Tab leads into the form: from, to, provider.
    await page.getByRole('heading', { name: 'Förderzeitraum', level: 2 }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('funders-from');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('funders-provider');
    // AWO is the first provider after "Alle Träger".
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#funders-provider').inputValue()).toBe('AWO');
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: 'Förderzeitraum 2018 bis 2022, Arbeiterwohlfahrt' })
      .waitFor();
    expect(page.url()).toMatch(/#foerderung\?von=2018&bis=2022&traeger=AWO$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('funders-provider');

    const awo = await api('from=2018&to=2022&provider=AWO');
    const row = awo.rows.find((r) => r.year === 2020);
    expect(await startedClosed(page, 2020, row?.provider_label as string)).toEqual([
      shown(row?.figures.cases_started_in_year),
      shown(row?.figures.cases_closed_in_year),
    ]);
    expect(await outcomeTable(page).getByRole('rowheader', { name: 'Alle Träger' }).count()).toBe(
      0,
    );
    await page
      .getByRole('img', { name: /Arbeiterwohlfahrt/ })
      .first()
      .waitFor();

    // The years too: a later start by keyboard, then the button.
    await page.locator('#funders-from').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#funders-from').inputValue()).toBe('2020');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Anzeigen');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Förderzeitraum 2020 bis 2022' }).waitFor();
    expect(page.url()).toMatch(/#foerderung\?von=2020&bis=2022&traeger=AWO$/);
    expect(await outcomeTable(page).locator('tbody').count()).toBe(3);

    // An address opened directly shows its choice.
    await page.goto(`${harness.base}/#foerderung?von=2019&bis=2020&traeger=KDV`);
    await page.reload();
    await page
      .getByRole('status')
      .filter({ hasText: 'Förderzeitraum 2019 bis 2020, Kreisdiakonieverband' })
      .waitFor();
    expect(await page.locator('#funders-provider').inputValue()).toBe('KDV');
    expect(await page.locator('#funders-from').inputValue()).toBe('2019');
    await page.close();
  });

  it('keeps the provider column in view on a phone, and the end reasons legend in downloads', async () => {
    const page = await harness.browser.newPage({
      viewport: { width: 390, height: 844 },
      locale: 'de-DE',
    });
    await page.goto(`${harness.base}/#foerderung?von=2018&bis=2022`);
    await page.getByRole('status').filter({ hasText: 'Förderzeitraum 2018 bis 2022' }).waitFor();
    const frame = page.getByRole('region', {
      name: /^Tabelle: Fälle und Lage bei Beendigung nach Jahr und Träger/,
    });
    const provider = outcomeTable(page).getByRole('rowheader', { name: 'Alle Träger' }).first();
    const before = await provider.boundingBox();
    // Scrolled sideways as far as it goes: the provider column has not moved.
    await frame.evaluate((node) => {
      node.scrollLeft = node.scrollWidth;
    });
    expect(await frame.evaluate((node) => node.scrollLeft)).toBeGreaterThan(100);
    const after = await provider.boundingBox();
    expect(after?.x).toBe(before?.x);
    const frameBox = await frame.boundingBox();
    expect(after?.x).toBeGreaterThanOrEqual(frameBox?.x ?? 0);
    await frame.screenshot({ path: join(ARTIFACTS, 'funders-phone-scrolled.png') });

    // The end reasons chart: the same marker for a year with all providers and with one,
    // and its legend in the SVG file.
    const markers = async () => {
      const chart = page.getByRole('img', { name: /^Beendete Fälle nach Grund/ });
      await chart.waitFor();
      return chart.evaluate((svg) =>
        Object.fromEntries(
          [...svg.querySelectorAll('g.legend')]
            .filter((g) => g.querySelector('text'))
            .map((g) => [
              g.querySelector('text')?.textContent,
              (g.previousElementSibling?.querySelector('path')?.getAttribute('d') ?? '') +
                (g.previousElementSibling?.querySelector('path')?.getAttribute('stroke') ?? ''),
            ]),
        ),
      );
    };
    const all = await markers();
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['2019', '2020']));
    const started = page.waitForEvent('download');
    await page
      .getByRole('button', { name: /^Grafik „Beendete Fälle nach Grund – alle Träger“ als SVG/ })
      .click();
    const svg = readFileSync((await (await started).path()) as string, 'utf8');
    for (const year of Object.keys(all)) expect(svg).toContain(`>${year}</text>`);
    expect(svg).toContain('class="legend"');

    await page.goto(`${harness.base}/#foerderung?von=2018&bis=2022&traeger=DRK`);
    await page.reload();
    await page
      .getByRole('status')
      .filter({ hasText: /^Förderzeitraum 2018 bis 2022, (?!alle Träger)/ })
      .waitFor();
    const one = await markers();
    expect(Object.keys(one).length).toBeGreaterThan(0);
    for (const [year, marker] of Object.entries(one)) expect(marker).toBe(all[year]);
    await page.close();
  });
});
