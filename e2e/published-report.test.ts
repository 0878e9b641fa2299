// Published reports in headless Chromium against `npm start -- --demo`: the demo admin
// publishes the interim report of March 2021 in the browser; a later import through the API
// changes today's data; the report keeps its figures, names what changed and why, prints to
// an A4 PDF, and passes axe on the list and the report, on a desktop and a phone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

const SLUG = '2021-03-01-zwischenbilanz-maerz-2021';
const DEMO_AWO = resolve(import.meta.dirname, '../fixtures/demo/awo-2021-03-01.csv');

let harness: Harness;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

/** AWO's next snapshot: the demonstration export and six adults who began in December 2020. */
function awoSnapshot(): Buffer {
  const before = readFileSync(DEMO_AWO, 'utf8').trimEnd();
  const added = Array.from(
    { length: 6 },
    (_, i) => `AWO-NEU00${i + 1};AWO;08118077;IM-AWO-01;;f;1990-01;SYR;2020-12-01;;;;;;;;;`,
  );
  return Buffer.from(`${before}\n${added.join('\n')}\n`);
}

const changesBox = () => page.locator('section.changes-box');

beforeAll(async () => {
  harness = await startHarness(['--demo']);
  context = await harness.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
  });
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
});

afterAll(() => harness?.stop());

// The tests build on each other in this order, as the district office would work.
describe('published reports in the browser', () => {
  it('lists no report yet, for anyone, without axe violations', async () => {
    await page.goto(`${harness.base}/#berichte`);
    await page.getByRole('heading', { level: 2, name: 'Veröffentlichte Berichte' }).waitFor();
    await page.getByText('Es ist noch kein Bericht veröffentlicht.').waitFor();
    expect(await page.locator('form.publish-form').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('lets the admin publish the interim report from the list', async () => {
    const password = await harness.demoPassword();
    await page.locator('header.site-header').getByRole('button', { name: 'Anmelden' }).click();
    const dialog = page.getByRole('dialog', { name: 'Anmelden' });
    await dialog.getByLabel('Name').fill('demo');
    await dialog.getByLabel('Passwort').fill(password);
    await dialog.getByRole('button', { name: 'Anmelden' }).click();

    const form = page.locator('form.publish-form');
    await form.waitFor();
    expect(await form.getByLabel('Stichtag für betreute Personen').inputValue()).toBe('2021-01-01');
    expect(await form.getByLabel('Beendete Fälle bis').inputValue()).toBe('2021-03-01');
    expect(await axeViolations(page)).toEqual([]);
    await form.getByLabel('Titel').fill('Zwischenbilanz März 2021');
    page.once('dialog', (confirm) => void confirm.accept());
    await form.getByRole('button', { name: 'Veröffentlichen' }).click();

    await page.waitForURL(`**/#berichte/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Zwischenbilanz März 2021' }).waitFor();
    expect(await page.locator('.report-meta .published-at').textContent()).toMatch(
      /^Veröffentlicht am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} von demo$/,
    );
  });

  it('shows the frozen figures with their Stand, and that nothing has changed', async () => {
    const tile = page.locator('.tile').filter({ hasText: /^Betreute Personen/ });
    expect(await tile.locator('.value').textContent()).toBe('2.469');
    expect(await tile.locator('.stand').textContent()).toBe('Stand 01.01.2021');
    const closed = page.locator('.tile').filter({ hasText: /^Beendete Fälle/ });
    expect(await closed.locator('.value').textContent()).toBe('1.253');
    expect(await page.locator('figure.chart svg').count()).toBe(5);
    expect(await changesBox().textContent()).toContain(
      'Seit der Veröffentlichung hat sich keine Zahl geändert.',
    );
    expect(await page.locator('table.imports-used tbody tr').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Drucken / PDF' }).isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('keeps the figures after a new import and says which import changed which figure', async () => {
    const session = await (await context.request.get(`${harness.base}/api/v1/session`)).json();
    const upload = await context.request.post(`${harness.base}/api/v1/imports`, {
      headers: { 'x-csrf-token': session.csrf_token },
      multipart: {
        provider: 'AWO',
        as_of: '2021-06-01',
        file: { name: 'awo-2021-06-01.csv', mimeType: 'text/csv', buffer: awoSnapshot() },
      },
    });
    expect(upload.status()).toBe(200);
    expect(await upload.json()).toMatchObject({ status: 'imported', new: 6 });

    await page.reload();
    await changesBox().locator('li').first().waitFor();
    const tile = page.locator('.tile').filter({ hasText: /^Betreute Personen/ });
    expect(await tile.locator('.value').textContent()).toBe('2.469');
    const items = await changesBox().locator('li').allTextContents();
    expect(items).toContainEqual(
      expect.stringMatching(
        /^Betreute Personen \(Stand 01\.01\.2021\): veröffentlicht 2\.469, nach heutigem Datenstand 2\.475 – geändert durch Import AWO, Stand 01\.06\.2021, eingespielt am \d{2}\.\d{2}\.\d{4}$/,
      ),
    );
    expect(items.some((item) => item.startsWith('Beendete Fälle'))).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({
      path: join(ARTIFACTS, 'published-report-desktop.png'),
      fullPage: true,
    });
  });

  it('prints to an A4 PDF', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    writeFileSync(join(ARTIFACTS, 'published-report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 (595 × 842 points, as Chromium rounds it) in every page's media box.
    expect(pdf.toString('latin1')).toMatch(/MediaBox \[0 0 59[56]\.\d+ 84[23]\.\d+\]/);
  });

  it('fits a phone, and the list links the report, without axe violations', async () => {
    const phone = await harness.browser.newPage({
      viewport: { width: 390, height: 844 },
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
    });
    await phone.goto(`${harness.base}/#berichte`);
    const link = phone.getByRole('link', { name: 'Zwischenbilanz März 2021' });
    await link.waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    await link.click();
    await phone.locator('section.changes-box li').first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    expect(await axeViolations(phone)).toEqual([]);
    await phone.screenshot({ path: join(ARTIFACTS, 'published-report-phone.png'), fullPage: true });
    await phone.close();
    expect(errors).toEqual([]);
  });
});
