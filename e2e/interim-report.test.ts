// The interim-report page in headless Chromium, served by `npm start` on a fresh
// embedded database: the 2021 figures must be on screen in German notation.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const ARTIFACTS = join(ROOT, 'artifacts');
const PORT = 3000 + Math.floor(Math.random() * 1000) + 3000;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: ChildProcess;
let browser: Browser;
let dataDir: string;

async function waitForHealth(url: string, deadline: number) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`server did not answer at ${url}`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'zb-e2e-'));
  const env = { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  await waitForHealth(`http://127.0.0.1:${PORT}/api/v1/health`, Date.now() + 150_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  // The server closes its database first; only then may its folder go.
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('interim report page', () => {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`shows the published 2021 figures in German notation (${name})`, async () => {
      const page = await browser.newPage({ viewport, locale: 'de-DE' });
      await page.goto(`http://127.0.0.1:${PORT}/`);
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
      expect(
        await page.locator('figure.trend tbody tr').last().locator('td').allTextContents(),
      ).toEqual(['31.12.2020', '2.470']);
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

  it('takes both reporting dates from the URL', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/?stichtag=2020-01-01&beendet_bis=2020-06-30`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2020' }).waitFor();
    expect(await page.locator('input[name=beendet_bis]').inputValue()).toBe('2020-06-30');
    expect(await page.locator('#closed-tiles').textContent()).toContain('Stand 30.06.2020');
    await page.close();
  });
});
