// Erkunden, Verlauf and a published report at addresses of their own, as the server renders
// them (server/routes/pages.ts): complete with JavaScript disabled (figures, the chart as
// SVG, the table, the form as an ordinary GET form); with JavaScript only made interactive,
// not fetched or drawn again; the old #erkunden?…, #verlauf?… and #berichte/<slug> links
// sent to their addresses, and the list of reports linking to them; an address with a bad choice answered with 400 and a German message.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;
let slug = '';

const EXPLORE = '/erkunden?kennzahl=clients_active&nach=provider&stichtag=2021-01-01';
const TRENDS = '/verlauf?kennzahl=clients_active&intervall=jahr&von=2018-01&bis=2020-12';

beforeAll(async () => {
  harness = await startHarness(['--demo']);
  const admin = await harness.demoAdminContext();
  try {
    const session = await admin.request.get(`${harness.base}/api/v1/session`);
    const csrf = (await session.json()).csrf_token as string;
    const published = await admin.request.post(`${harness.base}/api/v1/reports`, {
      data: {
        title: 'Zwischenbilanz März 2021',
        stichtag: '2021-01-01',
        beendet_bis: '2021-03-01',
      },
      headers: { 'x-csrf-token': csrf },
    });
    expect(published.status(), await published.text()).toBe(201);
    slug = (await published.json()).slug;
  } finally {
    await admin.close();
  }
});

afterAll(() => harness?.stop());

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('pages rendered on the server, JavaScript disabled', () => {
  for (const size of WIDTHS)
    it(`shows Erkunden, Verlauf and a published report complete (${size.name})`, async () => {
      const context = await harness.browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: size.width, height: size.height },
        locale: 'de-DE',
      });
      try {
        const page = await context.newPage();
        // Erkunden: the chart, its table, the choice in the form.
        const explore = await page.goto(`${harness.base}${EXPLORE}`);
        expect(explore?.status()).toBe(200);
        expect(await page.locator('#page-report').isVisible()).toBe(false);
        expect(await page.locator('#explore-status').textContent()).toBe(
          'Betreute Personen nach Träger, Stand 01.01.2021.',
        );
        // Drawn wide and narrow (the server cannot know the screen): one of them shown.
        expect(
          await page.locator('#page-explore figure.chart svg[role="img"]:visible').count(),
        ).toBe(1);
        expect(await page.locator('#page-explore figure.chart svg rect').count()).toBeGreaterThan(
          2,
        );
        expect((await page.locator('#page-explore tbody tr').allInnerTexts()).at(-1)).toMatch(
          /^Insgesamt\t2\.469$/,
        );
        expect(await page.locator('#explore-indicator').inputValue()).toBe('clients_active');
        expect(await page.locator('#explore-date').inputValue()).toBe('2021-01-01');
        expect(await page.title()).toBe('Erkunden – Zwischenbilanz Integrationsmanagement');
        await shoot(page, `server-rendered-explore-no-script-${size.name}`);
        // The form is an ordinary GET form: another choice is another rendered page.
        await page.locator('#explore-indicator').selectOption('clients_minor');
        await page.getByRole('button', { name: 'Anzeigen' }).click();
        await page.waitForURL(/kennzahl=clients_minor/);
        expect((await page.locator('#page-explore tbody tr').allInnerTexts()).at(-1)).toMatch(
          /^Insgesamt\t970$/,
        );

        // Verlauf: a year a row, the line as SVG.
        await page.goto(`${harness.base}${TRENDS}`);
        expect(await page.locator('#trends-status').textContent()).toBe(
          'Betreute Personen: 3 Werte.',
        );
        expect(
          await page.locator('#page-trends figure.chart svg[role="img"]:visible').count(),
        ).toBe(1);
        expect(await page.locator('#page-trends figure.chart svg path').count()).toBeGreaterThan(0);
        // Perturbed values (Cell Key Method) differ from one installation to the next.
        const years = await page.locator('#page-trends tbody tr').allInnerTexts();
        expect(years.map((row) => row.replace(/\t\d\.\d{3}$/, '\tN'))).toEqual([
          '2018\t31.12.2018\tN',
          '2019\t31.12.2019\tN',
          '2020\t31.12.2020\tN',
        ]);
        await shoot(page, `server-rendered-trends-no-script-${size.name}`);
        // One provider by the form's one filter field, without the script too.
        await page.locator('#trends-filter').selectOption({ index: 1 });
        await page.getByRole('button', { name: 'Anzeigen' }).click();
        await page.waitForURL(/filter=traeger/);
        expect(
          (await page.locator('#page-trends figure.chart figcaption').allInnerTexts()).at(0),
        ).toContain('Träger');

        // A published report: tiles, press sentences, every chart with its table.
        const report = await page.goto(`${harness.base}/berichte/${slug}`);
        expect(report?.status()).toBe(200);
        expect(await page.locator('#page-published h2.report-title').textContent()).toBe(
          'Zwischenbilanz März 2021',
        );
        const tiles = await page.locator('#page-published .tile').allInnerTexts();
        expect(tiles.find((text) => text.startsWith('Betreute Personen\n'))).toContain('2.469');
        expect(tiles.find((text) => text.startsWith('Beendete Fälle\n'))).toContain('1.253');
        expect(
          await page.locator('#page-published figure.chart svg[role="img"]').count(),
        ).toBeGreaterThanOrEqual(4);
        expect(await page.locator('#page-published figure.chart table').count()).toBe(
          await page.locator('#page-published figure.chart svg[role="img"]').count(),
        );
        await shoot(page, `server-rendered-published-no-script-${size.name}`);
      } finally {
        await context.close();
      }
    });

  it('answers a bad choice with 400 and says what is wrong, in German', async () => {
    const response = await fetch(
      `${harness.base}/erkunden?kennzahl=unbekannt&nach=provider&stichtag=2021-02-30`,
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Die Kennzahl „unbekannt“ gibt es nicht.');
    expect(html).toContain('Der Stichtag „2021-02-30“ ist kein Datum der Form JJJJ-MM-TT.');
    const trends = await fetch(`${harness.base}/verlauf?intervall=woche&von=2019-13`);
    expect(trends.status).toBe(400);
    const text = await trends.text();
    expect(text).toContain('Das Intervall „woche“ gibt es nicht');
    expect(text).toContain('„von“ ist kein Monat der Form JJJJ-MM: „2019-13“.');
    const missing = await fetch(`${harness.base}/berichte/gibt-es-nicht`);
    expect(missing.status).toBe(404);
    // Missing parameters take the page's defaults.
    expect((await fetch(`${harness.base}/erkunden`)).status).toBe(200);
  });
});

describe('pages rendered on the server, with JavaScript', () => {
  for (const size of WIDTHS)
    it(`asks for no figure and draws no chart again; the form and buttons work (${size.name})`, async () => {
      const context = await harness.browser.newContext({
        viewport: { width: size.width, height: size.height },
        locale: 'de-DE',
      });
      try {
        const page = await context.newPage();
        const requests: string[] = [];
        page.on('request', (request) => requests.push(new URL(request.url()).pathname));
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
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
        const removed = () =>
          page.evaluate(() => (window as unknown as { removedCharts: number }).removedCharts);

        for (const [address, name] of [
          [EXPLORE, 'explore'],
          [TRENDS, 'trends'],
          [`/berichte/${slug}`, 'published'],
        ] as const) {
          requests.length = 0;
          await page.goto(`${harness.base}${address}`);
          await page.waitForLoadState('networkidle');
          expect(requests.filter((path) => path.startsWith('/api/'))).toEqual(['/api/v1/session']);
          expect(await removed()).toBe(0);
          expect(await page.locator(`#page-${name}`).isVisible()).toBe(true);
          expect(await page.locator('#page-report').isVisible()).toBe(false);
          await shoot(page, `server-rendered-${name}-script-${size.name}`);
          // The download buttons the script added work.
          const started = page.waitForEvent('download');
          await page
            .locator(`#page-${name}`)
            .getByRole('button', { name: /^Tabelle .* als CSV herunterladen$/ })
            .first()
            .click();
          expect((await started).suggestedFilename()).toMatch(/\.csv$/);
        }

        // Another choice in the browser: its own address, one request, drawn there.
        await page.goto(`${harness.base}${EXPLORE}`);
        await page.waitForLoadState('networkidle');
        requests.length = 0;
        await page.locator('#explore-indicator').selectOption('clients_minor');
        await page.getByRole('button', { name: 'Anzeigen' }).click();
        await page.waitForURL(/\/erkunden\?kennzahl=clients_minor/);
        await page.locator('#explore-status', { hasText: 'Minderjährige' }).waitFor();
        expect(requests.filter((path) => path.startsWith('/api/v1/indicators'))).toHaveLength(1);
        expect(requests).not.toContain('/erkunden');
        // Back: the first choice again, drawn in the browser.
        await page.goBack();
        await page.locator('#explore-status', { hasText: 'Betreute Personen nach' }).waitFor();
        expect((await page.locator('#page-explore tbody tr').allInnerTexts()).at(-1)).toMatch(
          /^Insgesamt\t2\.469$/,
        );

        // Old hash links are sent to the addresses the server renders.
        await page.goto(
          `${harness.base}/#erkunden?kennzahl=clients_minor&nach=provider&stichtag=2021-01-01`,
        );
        await page.waitForURL(/\/erkunden\?kennzahl=clients_minor/);
        await page.locator('#explore-status', { hasText: 'Minderjährige' }).waitFor();
        await page.goto(`${harness.base}/#verlauf?kennzahl=clients_active&intervall=jahr`);
        await page.waitForURL(/\/verlauf\?kennzahl=clients_active&intervall=jahr/);
        await page.locator('#trends-status', { hasText: 'Werte' }).waitFor();
        requests.length = 0;
        await page.goto(`${harness.base}/#berichte/${slug}`);
        await page.waitForURL(`${harness.base}/berichte/${slug}`);
        await page.waitForLoadState('networkidle');
        // As the server rendered it: one request of the page, none of the report's figures.
        expect(requests.filter((path) => path === `/berichte/${slug}`)).toHaveLength(1);
        expect(requests).not.toContain(`/api/v1/reports/${slug}`);
        expect(await page.locator('#page-published h2.report-title').textContent()).toBe(
          'Zwischenbilanz März 2021',
        );
        // The list stays at #berichte; its links are the server's addresses.
        await page.goto(`${harness.base}/#berichte`);
        const link = page.locator('table.reports tbody tr a').first();
        await link.waitFor();
        expect(await link.getAttribute('href')).toBe(`/berichte/${slug}`);
        await link.click();
        await page.waitForURL(`${harness.base}/berichte/${slug}`);
        await page.locator('#page-published h2.report-title').waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
});
