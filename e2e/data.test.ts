// The data page in headless Chromium against `npm start -- --demo`: the demo admin uploads
// an export with a dry run first (nothing stored), then stores it; a file with a personal-
// data column is refused with its row and column; the data-quality tables on a Stichtag in
// the address; at desktop and phone width, checked by axe.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

const HEADER =
  'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason;language_level;language_level_since;employment;employment_since;housing;lease_signed_on';
const VALID_EXPORT = [
  HEADER,
  'AWO-NEU-0001;AWO;08118048;IM-AWO-01;f;03.1990;SYR;2021-04-01;;;A2;2021-05-01;language_course;2021-04-15;follow_up;',
  'AWO-NEU-0002;AWO;08118048;IM-AWO-01;m;07.1988;AFG;2021-04-01;;;;;none;2021-04-15;follow_up;',
].join('\r\n');
// A column with a surname: the whole file is refused at its header.
const PERSONAL_EXPORT = [
  `nachname;${HEADER}`,
  'Mustermann;AWO-NEU-0003;AWO;08118048;IM-AWO-01;f;03.1990;SYR;2021-04-01;;;A2;2021-05-01;;;follow_up;',
].join('\r\n');

let harness: Harness;
let BASE: string;
let context: BrowserContext;
let page: Page;
let password: string;
const errors: string[] = [];

const header = () => page.locator('header.site-header');
const nav = () => page.getByRole('navigation', { name: 'Bereiche' });
const uploadSection = () => page.getByRole('region', { name: 'Export hochladen' });
const logRows = () => page.locator('table.imports tbody tr');
const importCount = async () =>
  ((await (await context.request.get(`${BASE}/api/v1/imports`)).json()) as { imports: unknown[] })
    .imports.length;

async function expectNoAxeViolations() {
  expect(await axeViolations(page)).toEqual([]);
}

async function chooseFile(name: string, content: string) {
  await page.getByLabel('Exportdatei').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(content, 'utf8'),
  });
}

beforeAll(async () => {
  harness = await startHarness(['--demo']);
  BASE = harness.base;
  password = await harness.demoPassword();
  context = await harness.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
  });
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refused file is answered with 422, which Chromium reports on the console.
    if (message.type() === 'error' && !message.text().includes('status of 422'))
      errors.push(message.text());
  });
});

afterAll(() => harness?.stop());

// The tests build on each other in this order, as one person would use the page.
describe('data page', () => {
  it('asks a reader who is not signed in to sign in', async () => {
    await page.goto(`${BASE}/#daten`);
    await page
      .getByText(
        'Bitte melden Sie sich an: Daten ist nur für die Koordination im Landratsamt und die Träger sichtbar.',
      )
      .waitFor();
    expect(await page.locator('#data-link').isVisible()).toBe(false);
    await page.getByRole('main').getByRole('button', { name: 'Anmelden' }).click();
    const dialog = page.getByRole('dialog', { name: 'Anmelden' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expectNoAxeViolations();
    await page.screenshot({ path: join(ARTIFACTS, 'data-anonymous.png') });

    await header().getByRole('button', { name: 'Anmelden' }).click();
    await dialog.getByLabel('Name').fill('demo');
    await dialog.getByLabel('Passwort').fill(password);
    await dialog.getByRole('button', { name: 'Anmelden' }).click();
    await header().getByText('Angemeldet als demo').waitFor();
  });

  it('opens from the navigation with the import log and the quality tables', async () => {
    await nav().getByRole('link', { name: 'Daten' }).click();
    await page.getByRole('heading', { level: 2, name: 'Daten' }).waitFor();
    for (const name of ['Export hochladen', 'Importprotokoll', 'Datenqualität'])
      await page.getByRole('heading', { level: 3, name }).waitFor();
    // The five demonstration exports.
    await page.getByRole('status').filter({ hasText: '5 Importe, davon 0 abgelehnt.' }).waitFor();
    expect(await logRows().count()).toBe(5);
    const first = await logRows().first().locator('td').allInnerTexts();
    expect(first[0]).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
    expect(first[2]).toBe('01.03.2021');
    expect(first[4]).toBe('gespeichert');

    // The quality tables, on the day the exports reach unless the address names a day:
    // on that day no provider is overdue yet.
    await page.locator('table.completeness').waitFor();
    await page.getByRole('status').filter({ hasText: 'Stand 01.03.2021.' }).waitFor();
    expect(await page.getByLabel('Stichtag', { exact: true }).inputValue()).toBe('2021-03-01');
    for (const table of ['snapshots', 'completeness', 'status-unknown', 'duration'])
      expect(await page.locator(`table.${table} caption`).textContent()).toBeTruthy();
    expect(await page.locator('table.snapshots tbody tr td:last-child').allTextContents()).toEqual(
      Array(5).fill('aktuell'),
    );
    const provider = page.getByLabel('Träger', { exact: true });
    await provider.locator('option[value="LRA"]').waitFor({ state: 'attached' });
    await expectNoAxeViolations();
  });

  it('shows what a dry run would change and stores nothing until Speichern', async () => {
    await chooseFile('awo-2021-06-30.csv', VALID_EXPORT);
    await page.getByLabel('Träger', { exact: true }).selectOption('AWO');
    await page.getByLabel('Stichtag des Exports (Stand)').fill('2021-06-30');
    await page.getByRole('button', { name: 'Probelauf' }).click();
    await page.getByRole('status').filter({ hasText: 'Probelauf ohne Fehler' }).waitFor();

    const summary = uploadSection().locator('.summary');
    expect(await summary.getByRole('heading', { level: 4 }).textContent()).toBe(
      'Ergebnis des Probelaufs',
    );
    const figure = async (label: string) =>
      (
        await summary
          .locator('dl div')
          .filter({ has: page.getByText(label, { exact: true }) })
          .locator('dd')
          .textContent()
      )?.trim();
    expect(await figure('Zeilen')).toBe('2');
    expect(await figure('Neu')).toBe('2');
    expect(await figure('Fehler')).toBe('0');
    // The demonstration cases of AWO are not in this export: kept, and listed as a warning.
    expect(Number((await figure('Fehlen im Export'))?.replace('.', ''))).toBeGreaterThan(600);
    expect(await summary.locator('table.warnings caption').textContent()).toContain('Warnungen');
    // Nothing stored: the log is as before, on the server and on the page.
    expect(await importCount()).toBe(5);
    expect(await logRows().count()).toBe(5);
    await expectNoAxeViolations();
    await page.screenshot({ path: join(ARTIFACTS, 'data-dry-run.png'), fullPage: true });

    await uploadSection().getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert: 2 Fälle neu' }).waitFor();
    expect(await uploadSection().getByRole('button', { name: 'Speichern' }).count()).toBe(0);
    await page.getByRole('status').filter({ hasText: '6 Importe, davon 0 abgelehnt.' }).waitFor();
    expect(await importCount()).toBe(6);
    const newest = await logRows().first().locator('td').allInnerTexts();
    expect(newest.slice(1, 5)).toEqual([
      'AWO',
      '30.06.2021',
      expect.stringContaining('awo-2021-06-30.csv'),
      'gespeichert',
    ]);
    expect(newest.slice(5)).toEqual([
      '2',
      expect.stringMatching(/^2 neu · 643 fehlen im Export$/),
      '643 Warnungen',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'data-stored.png'), fullPage: true });
  });

  it('refuses an older Stand with what to do on the page, and takes it with the checkbox', async () => {
    await chooseFile('awo-2021-05-31.csv', VALID_EXPORT);
    await page.getByLabel('Träger', { exact: true }).selectOption('AWO');
    await page.getByLabel('Stichtag des Exports (Stand)').fill('2021-05-31');
    await page.getByRole('button', { name: 'Probelauf' }).click();
    const refused = page.getByRole('status').filter({ hasText: 'Probelauf: Die Datei würde' });
    await refused.waitFor();
    const said = `${await refused.textContent()} ${await uploadSection().locator('table.errors').textContent()}`;
    expect(said).toContain(
      'Für AWO ist schon ein neuerer Stand als der 31.05.2021 gespeichert. Um diese ältere Lieferung nachzutragen, „Ältere Lieferung trotzdem einspielen“ ankreuzen und den Probelauf erneut starten.',
    );
    expect(said).not.toContain('--force');
    expect(said).not.toContain('berichtigen');
    await page.getByLabel('Ältere Lieferung trotzdem einspielen').check();
    await page.getByRole('button', { name: 'Probelauf' }).click();
    await page.getByRole('status').filter({ hasText: 'Probelauf ohne Fehler' }).waitFor();
    await uploadSection().getByRole('button', { name: 'Verwerfen' }).click();
    await page.getByLabel('Ältere Lieferung trotzdem einspielen').uncheck();
    expect(await importCount()).toBe(6);
  });

  it('refuses a file with a personal-data column, names row and column, stores nothing', async () => {
    await chooseFile('awo-mit-namen.csv', PERSONAL_EXPORT);
    await page.getByLabel('Träger', { exact: true }).selectOption('AWO');
    await page.getByLabel('Stichtag des Exports (Stand)').fill('2021-07-31');
    await page.getByRole('button', { name: 'Probelauf' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Abgelehnt wegen 1 Fehler: Nichts wurde gespeichert.' })
      .waitFor();
    const row = uploadSection().locator('table.errors tbody tr');
    expect(await row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('1');
    expect(cells[1]).toBe('nachname');
    expect(cells[3]).toContain('personenbezogene Daten');
    expect(await uploadSection().textContent()).not.toContain('Mustermann');
    expect(await uploadSection().getByRole('button', { name: 'Speichern' }).count()).toBe(0);
    expect(await importCount()).toBe(6);
    await expectNoAxeViolations();
    await page.screenshot({ path: join(ARTIFACTS, 'data-rejected.png'), fullPage: true });
  });

  it('computes the quality on a Stichtag kept in the address', async () => {
    await page.getByLabel('Stichtag', { exact: true }).fill('2021-07-14');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await page.getByRole('status').filter({ hasText: 'Stand 14.07.2021.' }).waitFor();
    expect(page.url()).toContain('#daten?stichtag=2021-07-14');
    const snapshots = page.locator('table.snapshots tbody tr');
    // AWO delivered a Stand of 30.06.2021; the others' Stand of 01.03.2021 was due by 13.07.
    expect(await snapshots.filter({ hasText: 'AWO' }).locator('td').allInnerTexts()).toEqual([
      'AWO – Arbeiterwohlfahrt',
      '30.06.2021',
      expect.stringMatching(/^\d{2}\.\d{2}\.\d{4}, /),
      '11.11.2021',
      'aktuell',
    ]);
    expect(await snapshots.filter({ hasText: 'DRK' }).locator('td').last().textContent()).toBe(
      'überfällig seit 1 Tag',
    );
    const durationTotal = page.locator('table.duration tbody tr.total td');
    expect(await durationTotal.first().textContent()).toBe('Insgesamt');
    expect(await page.locator('table.completeness tbody tr').count()).toBe(8);
    expect(
      await page
        .getByRole('link', { name: 'Höchstdauer: Rohdaten (API) als CSV' })
        .getAttribute('href'),
    ).toBe('/api/v1/quality?date=2021-07-14&table=duration&format=csv');
    await expectNoAxeViolations();
    await page.screenshot({ path: join(ARTIFACTS, 'data-quality.png'), fullPage: true });

    // Opened from the address, the page shows the same day.
    await page.goto(`${BASE}/#daten?stichtag=2021-03-01`);
    await page.getByRole('status').filter({ hasText: 'Stand 01.03.2021.' }).waitFor();
    expect(await page.getByLabel('Stichtag', { exact: true }).inputValue()).toBe('2021-03-01');
  });

  it('fits a 390 px phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/#daten?stichtag=2021-07-14`);
    await page.getByRole('status').filter({ hasText: 'Stand 14.07.2021.' }).waitFor();
    await logRows().first().waitFor();
    await chooseFile('awo-mit-namen.csv', PERSONAL_EXPORT);
    await page.getByLabel('Träger', { exact: true }).selectOption('AWO');
    await page.getByLabel('Stichtag des Exports (Stand)').fill('2021-07-31');
    await page.getByRole('button', { name: 'Probelauf' }).click();
    await uploadSection().locator('table.errors tbody tr').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await expectNoAxeViolations();
    await page.screenshot({ path: join(ARTIFACTS, 'data-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("fixes a provider's account to its own provider, and tells other roles whom the page is for", async () => {
    const session = (role: 'provider' | 'press', provider: string | null) =>
      page.route('**/api/v1/session', (route) =>
        route.fulfill({
          json: {
            authenticated: true,
            user: { name: role === 'press' ? 'presse' : 'awo', role, provider },
            via: 'cookie',
            audience: role === 'press' ? 'public' : 'provider',
            csrf_token: 'x',
            expires_at: null,
          },
        }),
      );
    await session('provider', 'AWO');
    try {
      await page.goto(`${BASE}/?rolle=traeger#daten`);
      await page.getByRole('heading', { level: 3, name: 'Export hochladen' }).waitFor();
      const options = page.getByLabel('Träger', { exact: true }).locator('option');
      expect(await options.allTextContents()).toEqual(['AWO']);
      expect(await page.locator('#data-link').isVisible()).toBe(true);
      expect(await page.locator('#admin-links').isVisible()).toBe(false);
    } finally {
      await page.unroute('**/api/v1/session');
    }
    await session('press', null);
    try {
      await page.goto(`${BASE}/?rolle=presse#daten`);
      await page
        .getByText(
          /^Nur für die Koordination im Landratsamt und die Träger\. Sie sind angemeldet als presse/,
        )
        .waitFor();
      expect(await page.locator('#data-link').isVisible()).toBe(false);
    } finally {
      await page.unroute('**/api/v1/session');
    }
    expect(errors).toEqual([]);
  });
});
