// The interim-report page in headless Chromium, served by `npm start` on a fresh
// embedded database: the 2021 figures must be on screen in German notation.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../contract/interim-report.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';
import { pdfPages } from './pdf.ts';

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
      // Month ends are no release dates: the public sees them perturbed, as the API gives them.
      const december = (await (
        await fetch(
          `${harness.base}/api/v1/indicators/clients_active/series?from=2020-12&to=2020-12`,
        )
      ).json()) as { points: { value: number; protection: string }[] };
      expect(december.points[0]?.protection).toBe('perturbed');
      expect(
        await page.locator('figure.trend tbody tr').last().locator('td').allTextContents(),
      ).toEqual([
        '31.12.2020',
        new Intl.NumberFormat('de-DE').format(december.points[0]?.value ?? 0),
      ]);
      // The headline tiles on the first of a month are exact, and say so.
      expect(tile('Betreute Personen')).toContain('Stand 01.01.2021 · exakt');
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

  it('compares each tile with the same day a year earlier', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${harness.base}/`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    const earlier = await fetch(`${harness.base}/api/v1/indicators?date=2020-01-01`).then(
      (response) => response.json() as Promise<{ indicators: { id: string; value: number }[] }>,
    );
    const active = earlier.indicators.find((i) => i.id === 'clients_active')?.value as number;
    const tile = page.locator('.tile').filter({ hasText: /^Betreute Personen/ });
    expect(await tile.locator('.previous').textContent()).toBe(
      `Vorjahr (01.01.2020): ${active.toLocaleString('de-DE')}, +${(2469 - active).toLocaleString('de-DE')}`,
    );
    await page.close();
  });

  it('gives the press office sentences with their Stand, copied with one click', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: harness.base,
    });
    const page = await context.newPage();
    await page.goto(`${harness.base}/`);
    const first = page.locator('#press-kit .sentence').first();
    await first.waitFor();
    expect(await page.locator('#press-kit .sentence').allTextContents()).toEqual([
      'Zum Jahresbeginn 2021 werden 2.469 Geflüchtete im Integrationsmanagement betreut, davon 970 Minderjährige (Stand 01.01.2021).',
      'Von den erwachsenen Klientinnen und Klienten verfügen 24 Prozent über ein deutsches Sprachniveau B1 oder höher (Stand 01.01.2021).',
      '13 Prozent der erwachsenen Klientinnen und Klienten befinden sich in einem sozialversicherungspflichtigen Beschäftigungsverhältnis. Zusätzlich gehen vier Prozent einer Ausbildung, einem Praktikum oder einem Studium nach (Stand 01.01.2021).',
      'Bei 1.253 Personen wurde das Integrationsmanagement bereits beendet (Stand 01.03.2021). Davon haben 780 Personen einen eigenen Mietvertrag abgeschlossen.',
    ]);
    // By keyboard: focus the first copy button and press Enter.
    await page.getByRole('button', { name: 'Satz „Betreute Personen“ kopieren' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#press-kit [role=status]').filter({ hasText: 'Kopiert' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await first.textContent());
    expect(copied).toContain('Stand 01.01.2021');
    await context.close();
  });

  it('warns about dates the exports do not reach, and offers no press sentence for them', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.base}/?stichtag=2022-06-30&beendet_bis=2021-03-01`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 30.06.2022' }).waitFor();
    expect(await page.locator('#data-note').textContent()).toContain(
      'Die Exporte der Träger reichen bis 01.03.2021. Für Tage danach (30.06.2022)',
    );
    // Only the closed cases, up to 01.03.2021, give a sentence; the press section says why
    // the others are missing: provisional, not withheld.
    expect(await page.locator('#press-kit .sentence').allTextContents()).toEqual([
      'Bei 1.253 Personen wurde das Integrationsmanagement bereits beendet (Stand 01.03.2021). Davon haben 780 Personen einen eigenen Mietvertrag abgeschlossen.',
    ]);
    const gap = await page.locator('#press-kit .press-gap').textContent();
    expect(gap).toBe(
      'Für den 30.06.2022 gibt es keine Sätze für die Presse: Die Exporte der Träger reichen bis 01.03.2021, die Zahlen danach sind vorläufig. Für fertige Sätze oben Stichtage bis 01.03.2021 wählen und „Anzeigen“.',
    );
    expect(gap).not.toContain('gesperrt');
    // Every figure for that day is marked, the tiles and the charts; those up to the
    // exports' Stand are not.
    const caseloadStands = await page.locator('#caseload-tiles .stand').allTextContents();
    expect(caseloadStands).toEqual(
      Array(SECTIONS.caseload.tiles.length).fill('Stand 30.06.2022, vorläufig · leicht verändert'),
    );
    expect(await page.locator('#closed-tiles .stand').allTextContents()).toEqual(
      Array(SECTIONS.closed.tiles.length).fill('Stand 01.03.2021 · exakt'),
    );
    const language = page
      .locator('figure.chart')
      .filter({ hasText: 'Sprachniveau der betreuten Erwachsenen' });
    expect(await language.locator('figcaption .stand').textContent()).toBe(
      'Stand 30.06.2022, vorläufig',
    );
    const started = page.waitForEvent('download');
    await language.getByRole('button', { name: /als CSV herunterladen/ }).click();
    const csv = readFileSync((await (await started).path()) as string, 'utf8');
    expect(csv.split('\r\n')[1]).toBe('Stand 30.06.2022, vorläufig');
    expect(await page.locator('figure.trend figcaption .stand').textContent()).toBe(
      'Juli 2020 bis Juni 2022, Stichtag 30.06.2022, vorläufig nach dem 01.03.2021',
    );
    await page.goto(`${harness.base}/?stichtag=2021-01-01&beendet_bis=2021-03-01`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    expect(await page.locator('#data-note').isVisible()).toBe(false);
    await page.close();
  });

  it('takes both reporting dates from the URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.base}/?stichtag=2020-01-01&beendet_bis=2020-06-30`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2020' }).waitFor();
    expect(await page.locator('input[name=beendet_bis]').inputValue()).toBe('2020-06-30');
    expect(await page.locator('#closed-tiles').textContent()).toContain('Stand 30.06.2020');
    await page.close();
  });

  it('prints the 2021 report as A4 pages, each at least half full, with Stand and page number', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${harness.base}/?stichtag=2021-01-01&beendet_bis=2021-03-01`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    await page.locator('figure.chart svg').nth(4).waitFor();
    const pdf = await page.pdf({ format: 'A4' });
    writeFileSync(join(ARTIFACTS, 'interim-report-2021.pdf'), pdf);
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach(({ text, fill }, i) => {
      expect(text, `page ${i + 1}`).toContain(
        'Zwischenbilanz Integrationsmanagement Landkreis Ludwigsburg · Stand 01.01.2021, beendete Fälle bis 01.03.2021',
      );
      expect(text, `page ${i + 1}`).toContain(`Seite ${i + 1} von ${pages.length}`);
      expect(fill, `page ${i + 1} filled`).toBeGreaterThanOrEqual(0.5);
    });
    const all = pages.map((p) => p.text).join('\n');
    // What the council needs on paper, and no form.
    for (const part of [
      'Vorjahr (01.01.2020): 2.066, +403',
      'Zum Jahresbeginn 2021 werden 2.469 Geflüchtete',
      'Sprachniveau der betreuten Erwachsenen',
      'Altersgruppe',
      'Cell-Key-Verfahren',
      'Definitionen',
    ])
      expect(all).toContain(part);
    expect(all).not.toContain('Anzeigen');
    expect(all).not.toContain('Kopieren');
    await page.close();
  });
});
