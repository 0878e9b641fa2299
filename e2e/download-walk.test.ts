// Every download button on every page, clicked in headless Chromium against
// `npm start -- --demo`: the interim report, Erkunden, Verlauf, Förderzeitraum, a published
// report and the data quality. Each file is read as its reader would: CSV as text, XLSX
// with the importer's reader, SVG as text, PNG by its text chunks. A file whose table or
// chart shows "." explains it; every file of a provisional figure says "vorläufig".
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../server/import/read-xlsx.ts';
import { readPng } from '../web/downloads/png.ts';
import { type Harness, startHarness } from './harness.ts';

const WITHHELD_NOTE = '. = Wert gesperrt (Schutz kleiner Fallzahlen)';

let harness: Harness;
let admin: BrowserContext;
let visitor: BrowserContext;
let publishedSlug = '';

beforeAll(async () => {
  harness = await startHarness(['--demo']);
  const options = { viewport: { width: 1280, height: 900 }, locale: 'de-DE' };
  visitor = await harness.browser.newContext(options);
  admin = await harness.browser.newContext(options);
  const session = await admin.request.post(`${harness.base}/api/v1/session`, {
    data: { name: 'demo', password: await harness.demoPassword() },
  });
  expect(session.ok()).toBe(true);
  const csrf = (await session.json()).csrf_token as string;
  // A report past the exports' reach: published only when confirmed, provisional for good.
  const published = await admin.request.post(`${harness.base}/api/v1/reports`, {
    data: {
      title: 'Zwischenbilanz Juni 2021',
      stichtag: '2021-06-30',
      beendet_bis: '2021-06-30',
      provisional_confirmed: true,
    },
    headers: { 'x-csrf-token': csrf },
  });
  expect(published.status(), await published.text()).toBe(201);
  publishedSlug = (await published.json()).slug;
});

afterAll(() => harness?.stop());

interface Saved {
  button: string;
  /** What the file says, as its reader gets it. */
  text: string;
  /** The file's table or chart shows ".". */
  showsWithheld: boolean;
}

async function xlsxCells(path: string): Promise<string[]> {
  const cells: string[] = [];
  for await (const batch of readXlsx(path)) for (const row of batch) cells.push(...row.cells);
  return cells;
}

/**
 * Waits until at most DOWNLOAD_BURST downloads started in the last DOWNLOAD_WINDOW_MS.
 * Chromium (156, Debian) silently drops the eleventh of eleven downloads started within about
 * three seconds; no user clicks that fast, the walk does. Measured here: 30 downloads at
 * 3.5 a second all arrive, the eleventh of 10 in half a second never does.
 */
const DOWNLOAD_BURST = 8;
const DOWNLOAD_WINDOW_MS = 3_500;
async function paced(started: number[]) {
  const earliest = started.at(-DOWNLOAD_BURST);
  if (earliest !== undefined) {
    const wait = earliest + DOWNLOAD_WINDOW_MS - Date.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  }
  started.push(Date.now());
}

/** Clicks every download button of the page in turn and reads each file. */
async function downloadAll(page: Page): Promise<Saved[]> {
  const buttons = page.locator('button.download-button');
  const count = await buttons.count();
  const saved: Saved[] = [];
  /** Per chart title: whether its SVG shows "." (its PNG is drawn from that SVG). */
  const svgDots = new Map<string, boolean>();
  /** When each download started: Chromium drops one past ten in quick succession. */
  const started: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const button = buttons.nth(i);
    const name = (await button.getAttribute('aria-label')) ?? '';
    await button.scrollIntoViewIfNeeded();
    await paced(started);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const path = await download.path();
    expect(path, name).toBeTruthy();
    const file = download.suggestedFilename();
    const title = /„(.*)“/.exec(name)?.[1] ?? name;
    if (file.endsWith('.csv')) {
      const text = readFileSync(path, 'utf8');
      const fields = text.split('\r\n').flatMap((line) => line.split(';'));
      saved.push({ button: name, text, showsWithheld: fields.includes('.') });
    } else if (file.endsWith('.xlsx')) {
      const cells = await xlsxCells(path);
      saved.push({ button: name, text: cells.join('\n'), showsWithheld: cells.includes('.') });
    } else if (file.endsWith('.svg')) {
      const text = readFileSync(path, 'utf8');
      const dot = />\.<\/(text|tspan)>/.test(text);
      svgDots.set(title, dot);
      saved.push({ button: name, text, showsWithheld: dot });
    } else if (file.endsWith('.png')) {
      const info = readPng(new Uint8Array(readFileSync(path)));
      saved.push({
        button: name,
        text: Object.values(info.text).join('\n'),
        showsWithheld: svgDots.get(title) ?? false,
      });
    } else {
      throw new Error(`unexpected download ${file} from ${name}`);
    }
  }
  // No button reported a failure.
  expect(await page.locator('.download-status.error').count()).toBe(0);
  return saved;
}

function expectNotes(saved: Saved[], provisional: boolean) {
  for (const file of saved) {
    if (file.showsWithheld) expect(file.text, file.button).toContain(WITHHELD_NOTE);
    if (provisional) expect(file.text, file.button).toContain('vorläufig');
  }
}

async function open(context: BrowserContext, path: string, ready: (page: Page) => Promise<void>) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${harness.base}/${path}`);
  await ready(page);
  return { page, errors };
}

describe('every download button on every page', () => {
  it('the interim report past the exports: every file says "vorläufig"', async () => {
    const { page, errors } = await open(
      visitor,
      '?stichtag=2021-06-30&beendet_bis=2021-06-30',
      async (p) => {
        await p
          .getByRole('status')
          .filter({ hasText: 'Betreute Personen am 30.06.2021' })
          .waitFor();
        await p.locator('figure.trend button.download-button').first().waitFor();
      },
    );
    const saved = await downloadAll(page);
    // Four files per chart: SVG, PNG, CSV, XLSX.
    expect(saved.length).toBeGreaterThanOrEqual(16);
    expectNotes(saved, true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Erkunden with withheld towns on a provisional day: notes on "." and "vorläufig"', async () => {
    const { page, errors } = await open(
      visitor,
      '#erkunden?kennzahl=language_b1_plus_share&nach=municipality&stichtag=2021-06-30',
      (p) => p.locator('#explore-status').filter({ hasText: '30.06.2021' }).waitFor(),
    );
    const saved = await downloadAll(page);
    expect(saved).toHaveLength(4);
    // The chart labels the withheld towns "."; its SVG and PNG explain it, as the tables do.
    expect(saved.filter((file) => file.showsWithheld)).toHaveLength(4);
    expectNotes(saved, true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Verlauf by year past the exports: every file says "vorläufig"', async () => {
    const { page, errors } = await open(
      visitor,
      '#verlauf?kennzahl=language_b1_plus_share&intervall=jahr&von=2018-01&bis=2022-12&traeger=KDV',
      (p) => p.locator('#trends-status').filter({ hasText: 'Werte' }).waitFor(),
    );
    const saved = await downloadAll(page);
    expect(saved).toHaveLength(4);
    expectNotes(saved, true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Förderzeitraum: withheld shares explained in the tables, "." in a chart explained', async () => {
    const { page, errors } = await open(visitor, '#foerderung?von=2018&bis=2022', (p) =>
      p.locator('#funders-status').filter({ hasText: 'Förderzeitraum 2018 bis 2022' }).waitFor(),
    );
    const saved = await downloadAll(page);
    expect(saved.length).toBeGreaterThanOrEqual(8);
    expect(saved.some((file) => file.showsWithheld)).toBe(true);
    expectNotes(saved, false);
    // Rounded as the page shows: no ratio with more than one decimal.
    for (const file of saved.filter((f) => f.button.includes('CSV')))
      expect(file.text, file.button).not.toMatch(/;\d+,\d{2,}(;|\r)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a published provisional report: every file says "vorläufig"', async () => {
    const { page, errors } = await open(visitor, `#berichte/${publishedSlug}`, async (p) => {
      await p.locator('.report-meta').waitFor();
      await p.locator('button.download-button').first().waitFor();
    });
    const saved = await downloadAll(page);
    expect(saved.length).toBeGreaterThanOrEqual(16);
    expectNotes(saved, true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the data quality tables (admin): every table downloads', async () => {
    const { page, errors } = await open(admin, '#daten', (p) =>
      p.locator('.quality-part button.download-button').nth(7).waitFor(),
    );
    const saved = await downloadAll(page);
    expect(saved.length).toBeGreaterThanOrEqual(8);
    expectNotes(saved, false);
    // The delivery table's days are Excel dates: the reader gives them as calendar dates.
    const delivery = saved.find((file) => /Neuester gespeicherter Stand.*XLSX/.test(file.button));
    expect(delivery?.text).toMatch(/\n\d{4}-\d{2}-\d{2}\n/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
