// Downloads from the interim report in headless Chromium: the language-level chart as PNG
// and SVG, its table as CSV and XLSX, each saying its title, "Stand 01.01.2021" and the
// source, at desktop and phone width. The files are kept in artifacts/ to be looked at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../server/import/read-xlsx.ts';
import { readPng } from '../web/downloads/png.ts';
import { axeViolations } from './axe.ts';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(() => harness?.stop());

const TITLE = 'Sprachniveau der betreuten Erwachsenen';
const FILE = 'sprachniveau-der-betreuten-erwachsenen-2021-01-01';
const SOURCE =
  'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)';
/** The language levels are perturbed for the public (docs/disclosure.md): every file says so. */
const NOTE = 'Werte zum Schutz kleiner Fallzahlen leicht verändert (Cell-Key-Verfahren)';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A count as the page shows it ("1.502", withheld ".") as the files write it. */
const asFileNumber = (shown = '') => (shown === '.' ? '.' : shown.replaceAll('.', ''));

async function rowsOfXlsx(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of readXlsx(path)) for (const row of batch) rows[row.row - 1] = row.cells;
  return Array.from(rows, (row) => row ?? []);
}

describe('downloads from the interim report', () => {
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`gives the language-level chart as PNG and SVG and its table as CSV and XLSX (${name})`, async () => {
      const page = await harness.browser.newPage({ viewport, locale: 'de-DE' });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${harness.base}/`);
      await page
        .getByRole('status')
        .filter({ hasText: 'Betreute Personen am 01.01.2021' })
        .waitFor();
      const figure = page
        .locator('figure.chart')
        .filter({ has: page.locator('figcaption', { hasText: TITLE }) });
      const download = async (role: 'Grafik' | 'Tabelle', format: string, keyboard = false) => {
        const button = figure.getByRole('button', {
          name: `${role} „${TITLE}“ als ${format} herunterladen`,
          exact: true,
        });
        const started = page.waitForEvent('download');
        if (keyboard) {
          await button.focus();
          await page.keyboard.press('Enter');
        } else {
          await button.click();
        }
        const file = await started;
        const path = join(ARTIFACTS, `download-${name}-${file.suggestedFilename()}`);
        await file.saveAs(path);
        return { name: file.suggestedFilename(), path };
      };

      // The table on screen: what the files must hold.
      const screenRows = await figure
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
        );
      expect(screenRows.length).toBeGreaterThan(3);
      // Perturbed values, none withheld: every file says they are changed, none explains ".".
      expect(screenRows.filter(([, value]) => value === '.')).toEqual([]);

      // PNG: the chart at twice its size on white, title, Stand and source in the text chunks.
      const png = await download('Grafik', 'PNG');
      expect(png.name).toBe(`${FILE}.png`);
      const bytes = new Uint8Array(readFileSync(png.path));
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      const info = readPng(bytes);
      expect(info.text.Title).toBe(TITLE);
      expect(info.text.Description).toBe([TITLE, 'Stand 01.01.2021', SOURCE, NOTE].join('\n'));
      const chartWidth = Number(await figure.locator('svg').first().getAttribute('width'));
      const chartHeight = Number(await figure.locator('svg').first().getAttribute('height'));
      expect(info.width).toBe(2 * Math.ceil(Math.max(chartWidth + 32, 360)));
      expect(info.height).toBeGreaterThan(2 * (chartHeight + 60));
      await figure
        .getByRole('status')
        .filter({ hasText: 'PNG-Datei wird heruntergeladen.' })
        .waitFor();

      const svg = await download('Grafik', 'SVG');
      expect(svg.name).toBe(`${FILE}.svg`);
      const svgText = readFileSync(svg.path, 'utf8');
      expect(svgText).toContain(`<title>${TITLE}</title>`);
      // The lines above and below the chart, wrapped on a narrow chart.
      const lines = [...svgText.matchAll(/<text x="16"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(lines.join(' ')).toBe([TITLE, 'Stand 01.01.2021', SOURCE, NOTE].join(' '));

      // CSV, started from the keyboard: the rows of the table on screen, in German Excel's dialect.
      const csv = await download('Tabelle', 'CSV', true);
      expect(csv.name).toBe(`${FILE}.csv`);
      const csvText = readFileSync(csv.path, 'utf8');
      expect(
        csvText.startsWith(`\uFEFF${TITLE}\r\nStand 01.01.2021\r\n\r\nSprachniveau;Anzahl\r\n`),
      ).toBe(true);
      const body = screenRows.map(([label, value]) => `${label};${asFileNumber(value)}`);
      expect(csvText).toContain(`\r\n${body.join('\r\n')}\r\n\r\n"${SOURCE}"\r\n${NOTE}\r\n`);

      // XLSX: the same table with the counts as numbers.
      const xlsx = await download('Tabelle', 'XLSX (Excel)');
      expect(xlsx.name).toBe(`${FILE}.xlsx`);
      const rows = await rowsOfXlsx(xlsx.path);
      expect(rows.slice(0, 4)).toEqual([
        [TITLE],
        ['Stand 01.01.2021'],
        [],
        ['Sprachniveau', 'Anzahl'],
      ]);
      expect(rows.slice(4, 4 + screenRows.length)).toEqual(
        screenRows.map(([label, value]) => [label, asFileNumber(value)]),
      );
      expect(rows.slice(4 + screenRows.length)).toEqual([[], [SOURCE], [NOTE]]);

      // Nothing refused by the page's CSP, nothing failed, and the buttons pass axe.
      expect(problems).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await figure.screenshot({ path: join(ARTIFACTS, `downloads-buttons-${name}.png`) });
      await page.close();
    });
  }
});
