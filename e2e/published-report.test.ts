// Published reports in headless Chromium against `npm start -- --demo`: the demo admin
// publishes the interim report of March 2021 in the browser; it prints to A4 pages each at
// least half full, with title, Stand and page number; a later import through the API changes
// today's data; the report keeps its figures, names what changed and why. A report past the
// exports is published only when confirmed and stays marked "vorläufig" on the page, in its
// PDF and downloads; the same report again asks first; March is superseded by a new report
// and the provisional one withdrawn, each notice at its address. Axe on list and report, on
// a desktop and a phone.

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../contract/interim-report.ts';
import { readPng } from '../web/downloads/png.ts';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';
import { pdfPages } from './pdf.ts';

const SLUG = '2021-03-01-zwischenbilanz-maerz-2021';
const JUNE = '2021-06-30-zwischenbilanz-juni-2021';
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
    // A publication the server wants confirmed first is answered with 409.
    if (message.type() === 'error' && !message.text().includes('status of 409'))
      errors.push(message.text());
  });
  // Every "really publish / withdraw?" is answered yes; what the page asks is recorded.
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
});

const asked: string[] = [];
const form = () => page.locator('form.publish-form');
const reports = async () =>
  (await (await context.request.get(`${harness.base}/api/v1/reports`)).json()).reports as {
    slug: string;
    status: string;
  }[];

/** Saves a chart's download from the report page and returns its path. */
async function downloadOf(figureTitle: string, button: RegExp): Promise<string> {
  const figure = page
    .locator('figure.chart')
    .filter({ has: page.locator('figcaption', { hasText: figureTitle }) });
  const started = page.waitForEvent('download');
  await figure.getByRole('button', { name: button }).click();
  const file = await started;
  const path = join(ARTIFACTS, `published-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return path;
}

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

    await form().waitFor();
    expect(await form().getByLabel('Stichtag für betreute Personen').inputValue()).toBe(
      '2021-01-01',
    );
    expect(await form().getByLabel('Beendete Fälle bis').inputValue()).toBe('2021-03-01');
    expect(await axeViolations(page)).toEqual([]);
    await form().getByLabel('Titel').fill('Zwischenbilanz März 2021');
    await form().getByRole('button', { name: 'Veröffentlichen' }).click();

    await page.waitForURL(`**/berichte/${SLUG}`);
    await page.getByRole('heading', { level: 2, name: 'Zwischenbilanz März 2021' }).waitFor();
    expect(await page.locator('.report-meta .published-at').textContent()).toMatch(
      /^Veröffentlicht am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} von demo$/,
    );
  });

  it('shows the frozen figures with their Stand, and that nothing has changed', async () => {
    const tile = page.locator('.tile').filter({ hasText: /^Betreute Personen/ });
    expect(await tile.locator('.value').textContent()).toBe('2.469');
    expect(await tile.locator('.stand').textContent()).toBe('Stand 01.01.2021 · exakt');
    const closed = page.locator('.tile').filter({ hasText: /^Beendete Fälle/ });
    expect(await closed.locator('.value').textContent()).toBe('1.253');
    expect(await page.locator('figure.chart svg').count()).toBe(5);
    expect(await changesBox().textContent()).toContain(
      'Seit der Veröffentlichung hat sich keine Zahl geändert.',
    );
    expect(await page.locator('table.imports-used tbody tr').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Drucken / PDF' }).isVisible()).toBe(true);
    // The tiles with the year-earlier figures kept at publication, and the press sentences.
    expect(await tile.locator('.previous').textContent()).toBe('Vorjahr (01.01.2020): 2.066, +403');
    expect(await page.locator('.published-press .sentence').count()).toBe(4);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('keeps the report on screen while it is drawn again for the signed-in district office', async () => {
    // The server draws the report as for the public; once the session is known, the script
    // asks for it again and adds the district office's controls. The tiles must never go.
    const watched = await context.newPage();
    await watched.addInitScript(() => {
      const state = window as unknown as { tilesSeen: boolean; tilesGone: number };
      state.tilesSeen = false;
      state.tilesGone = 0;
      new MutationObserver(() => {
        const tiles = document.querySelectorAll('#page-published .tile').length;
        if (tiles > 0) state.tilesSeen = true;
        else if (state.tilesSeen) state.tilesGone++;
      }).observe(document, { childList: true, subtree: true });
    });
    await watched.goto(`${harness.base}/berichte/${SLUG}`);
    await watched.locator('#withdraw-reason').waitFor({ state: 'attached' });
    expect(await watched.title()).toBe(
      'Zwischenbilanz März 2021 – Zwischenbilanz Integrationsmanagement',
    );
    expect(
      await watched.evaluate(() => {
        const { tilesSeen, tilesGone } = window as unknown as {
          tilesSeen: boolean;
          tilesGone: number;
        };
        return { tilesSeen, tilesGone };
      }),
    ).toEqual({ tilesSeen: true, tilesGone: 0 });
    await watched.close();
  });

  it('prints the 2021 report on A4 pages, each at least half full, with its Stand and page number', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    writeFileSync(join(ARTIFACTS, 'published-report.pdf'), pdf);
    expect(pdf.toString('latin1')).toMatch(/MediaBox \[0 0 59[56]\.\d+ 84[23]\.\d+\]/);
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach(({ text, fill }, i) => {
      expect(text, `page ${i + 1}`).toContain(
        'Zwischenbilanz März 2021 · Stand 01.01.2021, beendete Fälle bis 01.03.2021',
      );
      expect(text, `page ${i + 1}`).toContain(`Seite ${i + 1} von ${pages.length}`);
      expect(text, `page ${i + 1}`).not.toContain('vorläufig');
      expect(fill, `page ${i + 1} filled`).toBeGreaterThanOrEqual(0.5);
    });
    const all = pages.map((p) => p.text).join('\n');
    for (const part of [
      'Vorjahr (01.01.2020): 2.066, +403',
      'Zum Jahresbeginn 2021 werden 2.469 Geflüchtete',
      'Beschäftigung der betreuten Erwachsenen',
      'Altersgruppe',
      'Cell-Key-Verfahren',
      'Definitionen und Regeln',
      'Verwendete Datenstände',
    ])
      expect(all).toContain(part);
    expect(all).not.toContain('Veröffentlichen');
    expect(all).not.toContain('Kopieren');
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

  it('publishes figures past the exports only when confirmed, marked provisional everywhere', async () => {
    await page.goto(`${harness.base}/#berichte`);
    await form().getByLabel('Titel').fill('Zwischenbilanz Juni 2021');
    await form().getByLabel('Stichtag für betreute Personen').fill('2021-06-30');
    await form().getByLabel('Beendete Fälle bis').fill('2021-06-30');
    await form().getByRole('button', { name: 'Veröffentlichen' }).click();
    const confirm = form().getByLabel('Als vorläufig veröffentlichen');
    await confirm.waitFor();
    expect(await form().getByRole('alert').textContent()).toBe(
      'Bitte zuerst bestätigen, dass die Zahlen vorläufig sind.',
    );
    const why = await form().locator('#report-provisional-confirm-why').textContent();
    expect(why).toContain(
      'Die Exporte der Träger reichen bis 01.03.2021. Für den 30.06.2021 zählen Fälle als laufend, deren Ende noch nicht gemeldet ist',
    );
    expect(why).not.toContain('provisional_confirmed');
    expect((await reports()).some((r) => r.slug === JUNE)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);

    await confirm.check();
    await form().getByRole('button', { name: 'Veröffentlichen' }).click();
    await page.waitForURL(`**/berichte/${JUNE}`);
    expect(asked.at(-1)).toContain(
      'Die Zahlen sind vorläufig; der Bericht bleibt für immer als „vorläufig“ gekennzeichnet.',
    );
    await page.locator('.provisional-note').waitFor();
    expect(await page.locator('.provisional-note').textContent()).toBe(
      'Vorläufig: Bei der Veröffentlichung reichten die Exporte der Träger bis 01.03.2021. Für den 30.06.2021 zählten Fälle als laufend, deren Ende noch nicht gemeldet war; diese Zahlen sind vorläufig und als „vorläufig“ gekennzeichnet.',
    );
    expect(await page.locator('.tile .stand').allTextContents()).toEqual(
      Array(SECTIONS.caseload.tiles.length + SECTIONS.closed.tiles.length).fill(
        'Stand 30.06.2021, vorläufig · leicht verändert',
      ),
    );
    expect(await page.locator('.published-press .press-gap').textContent()).toContain(
      'Für den 30.06.2021 gibt es keine Sätze für die Presse: Bei der Veröffentlichung reichten die Exporte der Träger bis 01.03.2021, die Zahlen danach sind vorläufig.',
    );
    expect(await axeViolations(page)).toEqual([]);

    // The downloads carry the mark: CSV, SVG and PNG of a chart, and the API's CSV.
    const title = 'Sprachniveau der betreuten Erwachsenen';
    const csv = readFileSync(await downloadOf(title, /als CSV herunterladen/), 'utf8');
    expect(csv.split('\r\n')[1]).toBe('Stand 30.06.2021, vorläufig');
    const svg = readFileSync(await downloadOf(title, /als SVG herunterladen/), 'utf8');
    expect(svg).toContain('>Stand 30.06.2021, vorläufig</text>');
    const png = readPng(readFileSync(await downloadOf(title, /als PNG herunterladen/)));
    expect(png.text.Description).toContain('Stand 30.06.2021, vorläufig');
    const api = await context.request.get(`${harness.base}/api/v1/reports/${JUNE}?format=csv`);
    expect(await api.text()).toMatch(
      /caseload:clients_active;Betreute Personen;2021-06-30;\d+;;;nein;ja/,
    );

    // And so does every printed page.
    const pdf = await page.pdf({ format: 'A4' });
    writeFileSync(join(ARTIFACTS, 'published-report-provisional.pdf'), pdf);
    for (const { text } of pdfPages(pdf))
      expect(text).toContain(
        'Zwischenbilanz Juni 2021 · Stand 30.06.2021, beendete Fälle bis 30.06.2021 · vorläufig',
      );

    await page.goto(`${harness.base}/#berichte`);
    const row = page
      .locator('table.reports tbody tr')
      .filter({ hasText: 'Zwischenbilanz Juni 2021' });
    expect(await row.locator('.badge.provisional').textContent()).toBe('vorläufig');
  });

  it('asks before publishing the same title and dates a second time', async () => {
    const before = (await reports()).length;
    await form().getByLabel('Titel').fill('Zwischenbilanz März 2021');
    await form().getByRole('button', { name: 'Veröffentlichen' }).click();
    const confirm = form().getByLabel('Trotzdem einen weiteren Bericht veröffentlichen');
    await confirm.waitFor();
    expect(await form().locator('#report-republish-confirm-why').textContent()).toMatch(
      /^Einen Bericht „Zwischenbilanz März 2021“ mit diesen Stichtagen gibt es schon: „Zwischenbilanz März 2021“, veröffentlicht am \d{2}\.\d{2}\.\d{4} \(gültig\)\. Soll der neue einen davon ersetzen, ihn unter „Ersetzt einen veröffentlichten Bericht“ wählen und begründen\./,
    );
    expect((await reports()).length).toBe(before);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('supersedes the March report by a new one: both linked, the old one with its notice', async () => {
    await page.goto(`${harness.base}/#berichte/${SLUG}`);
    await page.getByRole('link', { name: 'durch einen neuen Bericht ersetzen' }).click();
    await page.waitForURL(`**/#berichte?ersetzt=${SLUG}`);
    const reason = form().getByLabel('Warum wird er ersetzt?');
    await reason.waitFor();
    expect(await form().getByLabel('Ersetzt einen veröffentlichten Bericht').inputValue()).toBe(
      SLUG,
    );
    expect(await form().getByLabel('Titel').inputValue()).toBe('Zwischenbilanz März 2021');
    await reason.fill('AWO hat sechs Fälle vom Dezember 2020 nachgeliefert.');
    await form().getByRole('button', { name: 'Veröffentlichen' }).click();
    await page.waitForURL(`**/berichte/${SLUG}-2`);
    await page.locator('p.supersedes').waitFor();
    expect(await page.locator('p.supersedes').textContent()).toBe(
      'Dieser Bericht ersetzt „Zwischenbilanz März 2021“.',
    );
    const tile = page.locator('.tile').filter({ hasText: /^Betreute Personen/ });
    expect(await tile.locator('.value').textContent()).toBe('2.475');

    await page.goto(`${harness.base}/#berichte/${SLUG}`);
    const notice = page.locator('section.correction-notice');
    await notice.waitFor();
    expect(await notice.getByRole('heading').textContent()).toBe('Ersetzt');
    expect(await notice.textContent()).toContain(
      'Begründung: AWO hat sechs Fälle vom Dezember 2020 nachgeliefert.',
    );
    expect(await notice.getByRole('link').getAttribute('href')).toBe(`/berichte/${SLUG}-2`);
    // Its figures are still the ones it was published with, and it can be corrected no more.
    expect(await tile.locator('.value').textContent()).toBe('2.469');
    expect(await page.locator('form.correction-form').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('withdraws the provisional report: the notice at its address, listed after the current ones', async () => {
    await page.goto(`${harness.base}/#berichte/${JUNE}`);
    const correction = page.locator('form.correction-form');
    await correction.getByRole('button', { name: 'Bericht zurückziehen' }).click();
    expect(await correction.getByRole('alert').textContent()).toBe(
      'Bitte begründen, warum der Bericht zurückgezogen wird.',
    );
    await correction
      .getByLabel('Warum wird er zurückgezogen?')
      .fill('Vorläufige Zahlen, versehentlich veröffentlicht.');
    await correction.getByRole('button', { name: 'Bericht zurückziehen' }).click();
    const notice = page.locator('section.correction-notice');
    await notice.waitFor();
    expect(asked.at(-1)).toContain('„Zwischenbilanz Juni 2021“ zurückziehen?');
    expect(await notice.textContent()).toMatch(
      /^ZurückgezogenDieser Bericht wurde am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} von demo zurückgezogen\. .*Begründung: Vorläufige Zahlen, versehentlich veröffentlicht\.$/,
    );
    // Still marked provisional, and every printed page says it was withdrawn.
    expect(await page.locator('.provisional-note').count()).toBe(1);
    for (const { text } of pdfPages(await page.pdf({ format: 'A4' })))
      expect(text).toContain('· vorläufig · ZURÜCKGEZOGEN');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${harness.base}/#berichte`);
    const rows = page.locator('table.reports tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((all) => all.map((row) => row.className))).toEqual([
      'current',
      'withdrawn',
      'superseded',
    ]);
    expect(await rows.first().locator('a').first().getAttribute('href')).toBe(
      `/berichte/${SLUG}-2`,
    );
    expect((await reports()).map((r) => r.status)).toEqual(['current', 'withdrawn', 'superseded']);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'published-reports-list.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
