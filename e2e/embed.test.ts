// A chart embedded on another website: two loopback sites on ports of their own frame the
// embed page; the one listed in EMBED_ORIGINS shows the chart, Chromium blocks the other
// (frame-ancestors). The embed page itself, narrow and wide, and the report's "Einbetten"
// button with its snippet.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;
const sites: Server[] = [];
let allowed = '';
let other = '';
const EMBED = '/einbetten/sprachniveau?date=2021-01-01';

/** A website on the loopback whose one page frames `src`. */
async function site(src: () => string): Promise<string> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(
      `<!doctype html><html lang="de"><head><title>Landkreis</title></head><body><h1>Nachrichten aus dem Landkreis</h1><p>Die Zahl der betreuten Erwachsenen nach Sprachniveau:</p><iframe src="${src()}" title="Sprachniveau" width="100%" height="420" style="border:0"></iframe></body></html>`,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  sites.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  allowed = await site(() => `${harness.base}${EMBED}`);
  other = await site(() => `${harness.base}${EMBED}`);
  harness = await startHarness(['--demo'], { EMBED_ORIGINS: allowed });
}, 300_000);
afterAll(async () => {
  await harness?.stop();
  for (const server of sites) server.close();
});

describe('embedding a chart', () => {
  it('is framed and drawn on the site listed in EMBED_ORIGINS', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 800, height: 700 } });
    await page.goto(`${allowed}/`);
    const frame = page.frameLocator('iframe');
    await frame.locator('.embed-wide svg').waitFor({ timeout: 60_000 });
    expect(await frame.locator('figcaption').textContent()).toContain(
      'Sprachniveau der betreuten Erwachsenen',
    );
    expect(
      await frame.locator('.embed-wide svg [aria-label], .embed-wide svg').count(),
    ).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-framing-site.png'), fullPage: true });
    await page.close();
  });

  it('is blocked by Chromium on a site not listed', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 800, height: 700 } });
    const refused = new Promise<string>((done) =>
      page.on('console', (message) => {
        if (/frame-ancestors/.test(message.text())) done(message.text());
      }),
    );
    await page.goto(`${other}/`);
    expect(await refused).toContain('frame-ancestors');
    const child = page.frames().find((frame) => frame !== page.mainFrame());
    expect(child).toBeDefined();
    expect(await child?.$('svg')).toBeNull();
    await page.close();
  });

  for (const width of [600, 360]) {
    it(`draws the chart to fit a frame ${width} px wide`, async () => {
      const page = await harness.browser.newPage({ viewport: { width, height: 500 } });
      await page.goto(`${harness.base}${EMBED}`);
      const shown = page.locator(width > 420 ? '.embed-wide svg' : '.embed-narrow svg');
      expect(await shown.isVisible()).toBe(true);
      const box = await shown.boundingBox();
      expect(box?.width).toBeLessThanOrEqual(width);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `embed-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('copies the snippet from the report page with the keyboard', async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1000, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: harness.base,
    });
    const page = await context.newPage();
    await page.goto(`${harness.base}/`);
    await page.locator('#page-report[data-hydrated="true"]').waitFor({ state: 'attached' });
    const button = page.getByRole('button', { name: /^Einbetten/ }).first();
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByText('HTML-Code zum Einbetten kopiert.').first().waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toMatch(
      new RegExp(
        `^<iframe src="${harness.base.replaceAll('.', '\\.')}/einbetten/alter\\?date=2021-01-01" title="Betreute Personen nach Alter" width="100%" height="\\d+" style="border:0"></iframe>$`,
      ),
    );
    await context.close();
  });

  it('shows the snippet selected in a text field when the clipboard is refused', async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1000, height: 900 } });
    await context.addInitScript(() => {
      navigator.clipboard.writeText = () =>
        Promise.reject(new DOMException('refused', 'NotAllowedError'));
    });
    const page = await context.newPage();
    await page.goto(`${harness.base}/`);
    await page.locator('#page-report[data-hydrated="true"]').waitFor({ state: 'attached' });
    await page
      .getByRole('button', { name: /^Einbetten/ })
      .nth(1)
      .click();
    const area = page.locator('textarea.embed-snippet');
    await area.waitFor();
    const snippet = await area.inputValue();
    expect(snippet).toContain('/einbetten/verlauf?date=2021-01-01');
    expect(
      await area.evaluate((node: HTMLTextAreaElement) => [
        node.selectionStart,
        node.selectionEnd,
        document.activeElement === node,
      ]),
    ).toEqual([0, snippet.length, true]);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-snippet-fallback.png') });
    await context.close();
  });
});
