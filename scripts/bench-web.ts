// npm run bench:web -- [--loads 15]
// Time to the first chart on the interim-report page in headless Chromium, against a static
// HTML page with the same tiles and charts drawn in advance (inline SVG, no script), served
// over HTTP on this machine and measured the same way in the same run. The report page is
// rendered by the server (server/routes/report-page.ts): the first load of an address renders
// it, the repeats are answered from the figure cache while the data stay the same; the time
// to render an address not asked for before is measured apart. Links to Erkunden and Verlauf
// (rendered by the server too, server/routes/pages.ts) are loaded in the same alternation and
// their first charts reported next to the report's. Also the JavaScript the page
// sends, gzipped, against the budget of 250 kB, and each page's own chunks (Vite's manifest);
// and the scripts and stylesheets as the browser received them (Resource Timing: bytes over
// the wire, compressed as the server sent them, and unpacked).
//
// Measures the front end in dist/ as built: run `npm run build` first (it is built here only
// when dist/ is missing). The server runs as the browser tests start it (e2e/harness.ts:
// `npm start` on a fresh embedded database and its own port, Debian's Chromium).
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { JSDOM } from 'jsdom';
import type { Browser } from 'playwright-core';
import { startHarness } from '../e2e/harness.ts';
import {
  type BreakdownResponse,
  breakdownUrl,
  type Indicator,
  type IndicatorsResponse,
  indicatorsUrl,
  type SeriesResponse,
  seriesUrl,
} from '../web/api.ts';
import { type Bar, barChart } from '../web/charts/bar-chart.ts';
import { lineChart } from '../web/charts/line-chart.ts';
import {
  formatCount,
  formatDate,
  formatDecimal,
  formatPercent,
  SUPPRESSED,
} from '../web/format.ts';

const { values } = parseArgs({ options: { loads: { type: 'string', default: '15' } } });
const LOADS = Number(values.loads);
if (!Number.isInteger(LOADS) || LOADS < 1) throw new RangeError('--loads must be ≥ 1');

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const JS_BUDGET = 250_000;
const STICHTAG = '2021-01-01';
const BEENDET_BIS = '2021-03-01';
const FIRST_CHART = 'figure.chart svg';
/** Shared links to Erkunden and Verlauf, as the browser tests open them. */
const EXPLORE = `/erkunden?kennzahl=clients_active&nach=provider&stichtag=${STICHTAG}`;
const TRENDS = '/verlauf?kennzahl=clients_active&intervall=jahr&von=2018-01&bis=2020-12';

// ---------------------------------------------------------------------------------------
// The front end as built

function builtAssets(): string[] {
  try {
    return readdirSync(join(DIST, 'assets'));
  } catch {
    return [];
  }
}

if (!builtAssets().some((name) => name.endsWith('.js'))) {
  console.log('dist/ fehlt: das Frontend wird gebaut …');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Vite's manifest: each module's chunk, its static and its dynamic imports. */
interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
const manifest = JSON.parse(readFileSync(join(DIST, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;

/** A chunk's file and every file it imports statically, transitively. */
function chunkFiles(key: string, into = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) chunkFiles(imported, into);
  return into;
}

const scripts = builtAssets()
  .filter((name) => name.endsWith('.js'))
  .map((name) => {
    const bytes = readFileSync(join(DIST, 'assets', name));
    return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
// Read now: another build may replace dist/ while this runs.
const stylesheetName = builtAssets().find((name) => name.endsWith('.css'));
const stylesheet = stylesheetName
  ? readFileSync(join(DIST, 'assets', stylesheetName))
  : Buffer.alloc(0);

// ---------------------------------------------------------------------------------------
// The baseline: the same figures as a static page

type Tile = { label: string; value: string; stand: string };

function shownValue(indicator: Indicator): string {
  if (indicator.suppressed || indicator.value === null) return SUPPRESSED;
  if (indicator.kind === 'share') return formatPercent(indicator.value);
  if (indicator.kind === 'ratio') return formatDecimal(indicator.value);
  return formatCount(indicator.value);
}

const barsOf = (breakdown: BreakdownResponse): Bar[] =>
  breakdown.rows
    .filter((row) => row.suppressed || (row.value ?? 0) > 0)
    .map((row) => ({ label: row.label, value: row.suppressed ? null : row.value }));

/** The report's tiles and charts from the API, drawn in Node by the page's chart functions. */
async function staticReport(base: string): Promise<string> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const [caseload, closed, language, employment, series] = await Promise.all([
    get<IndicatorsResponse>(indicatorsUrl(STICHTAG)),
    get<IndicatorsResponse>(indicatorsUrl(BEENDET_BIS)),
    get<BreakdownResponse>(breakdownUrl('clients_adult', STICHTAG, 'language_level')),
    get<BreakdownResponse>(breakdownUrl('clients_adult', STICHTAG, 'employment')),
    get<SeriesResponse>(seriesUrl('clients_active', '2019-01', '2020-12', 'month')),
  ]);
  const on = (response: IndicatorsResponse, id: string) =>
    response.indicators.find((indicator) => indicator.id === id) as Indicator;
  const value = (indicator: Indicator) => (indicator.suppressed ? null : indicator.value);
  const tiles = (response: IndicatorsResponse, date: string, ids: string[]): Tile[] =>
    ids.map((id) => ({
      label: on(response, id).label,
      value: shownValue(on(response, id)),
      stand: `Stand ${formatDate(date)}`,
    }));
  const closedCount = value(on(closed, 'cases_closed'));
  const withLease = value(on(closed, 'cases_closed_with_lease'));

  const { document } = new JSDOM(
    '<!doctype html><html lang="de"><head><meta charset="utf-8"></head><body></body></html>',
  ).window;
  const element = (tag: string, className: string, ...children: (Node | string)[]) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children);
    return node;
  };
  const width = 480;
  const charts: [string, string, SVGSVGElement | HTMLElement][] = [
    [
      'Betreute Personen nach Alter',
      STICHTAG,
      barChart(
        [
          { label: 'Minderjährige', value: value(on(caseload, 'clients_minor')) },
          { label: 'Erwachsene', value: value(on(caseload, 'clients_adult')) },
        ],
        { width, label: 'Betreute Personen nach Alter', description: '', document },
      ),
    ],
    [
      'Verlauf: betreute Personen am Monatsende',
      STICHTAG,
      lineChart(
        series.points.map((point) => ({
          date: point.date,
          value: point.suppressed ? null : point.value,
        })),
        { width, label: 'Verlauf', description: '', document },
      ),
    ],
    [
      'Sprachniveau der betreuten Erwachsenen',
      STICHTAG,
      barChart(barsOf(language), { width, label: 'Sprachniveau', description: '', document }),
    ],
    [
      'Beschäftigung der betreuten Erwachsenen',
      STICHTAG,
      barChart(barsOf(employment), { width, label: 'Beschäftigung', description: '', document }),
    ],
    [
      'Beendete Fälle mit und ohne eigenen Mietvertrag',
      BEENDET_BIS,
      barChart(
        [
          { label: 'mit eigenem Mietvertrag', value: withLease },
          {
            label: 'ohne eigenen Mietvertrag',
            value: closedCount === null || withLease === null ? null : closedCount - withLease,
          },
        ],
        { width, label: 'Mietvertrag', description: '', document },
      ),
    ],
  ];
  const tileList = (list: Tile[]) =>
    element(
      'div',
      'tiles',
      ...list.map((tile) =>
        element(
          'article',
          'tile',
          element('h3', '', tile.label),
          element('p', 'value', tile.value),
          element('p', 'stand', tile.stand),
        ),
      ),
    );
  const head = document.head;
  head.append(
    Object.assign(document.createElement('meta'), {
      name: 'viewport',
      content: 'width=device-width, initial-scale=1',
    }),
    Object.assign(document.createElement('title'), { textContent: 'Zwischenbilanz (statisch)' }),
    Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/style.css' }),
  );
  document.body.append(
    element(
      'main',
      '',
      element('h1', '', 'Integrationsmanagement im Landkreis Ludwigsburg'),
      element('h2', '', 'Betreute Personen'),
      tileList(
        tiles(caseload, STICHTAG, [
          'clients_active',
          'clients_minor',
          'language_b1_plus_share',
          'employment_sv_share',
          'training_share',
        ]),
      ),
      element('h2', '', 'Beendete Fälle'),
      tileList(
        tiles(closed, BEENDET_BIS, [
          'cases_closed',
          'cases_closed_with_lease',
          'cases_closed_with_lease_share',
        ]),
      ),
      element('h2', '', 'Grafiken'),
      element(
        'div',
        'charts',
        ...charts.map(([title, date, chart]) =>
          element(
            'figure',
            'chart',
            element('figcaption', '', title, element('span', 'stand', `Stand ${formatDate(date)}`)),
            chart,
          ),
        ),
      ),
    ),
  );
  return `<!doctype html>\n${document.documentElement.outerHTML}`;
}

/** A tiny HTTP server for the static page and the built stylesheet. */
async function serveStatic(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url === '/style.css') {
      response.writeHead(200, { 'content-type': 'text/css' }).end(stylesheet);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

// ---------------------------------------------------------------------------------------
// Measuring

/** Milliseconds from the start of navigation, as the page's performance timeline has them. */
interface Load {
  /** The first chart's <svg> is in the DOM. */
  firstChart: number;
  /** The first byte of the HTML has arrived. */
  responseStart: number;
  /** The last byte of the HTML has arrived. */
  responseEnd: number;
  /** Bytes of the HTML as sent. */
  htmlBytes: number;
  /** The HTML document has been parsed (DOMContentLoaded). */
  parsed: number;
  /** The last script file has arrived (0: none). */
  scriptsLoaded: number;
  /** The last API answer before the first chart has arrived (0: none). */
  apiAnswered: number;
  /** Bytes of the scripts and stylesheets as they came over the wire (after compression). */
  assetsEncoded: number;
  /** The same files' bytes as unpacked. */
  assetsDecoded: number;
  /** First contentful paint (0: none reported): what the reader sees first, with its styles. */
  firstPaint: number;
}

/**
 * One load in a new browser context (empty cache). A MutationObserver, installed before any
 * of the page's own code runs, notes when the first chart's <svg> enters the DOM.
 */
async function measureLoad(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript((selector) => {
      const state = window as unknown as { firstChart?: number };
      const observer = new MutationObserver(() => {
        if (state.firstChart === undefined && document.querySelector(selector)) {
          state.firstChart = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    }, FIRST_CHART);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(url);
    await page
      .waitForFunction(() => (window as { firstChart?: number }).firstChart !== undefined)
      .catch(async (error: Error) => {
        const status = await page
          .locator('#status')
          .textContent()
          .catch(() => null);
        throw new Error(
          `${url}: no chart after 30 s (status: ${status ?? '–'}; errors: ${errors.join(' | ') || 'none'})`,
          { cause: error },
        );
      });
    // The first paint is reported a frame later.
    await page
      .waitForFunction(
        () => performance.getEntriesByName('first-contentful-paint').length > 0,
        undefined,
        { timeout: 5_000 },
      )
      .catch(() => {});
    // Evaluated in the page: no named inner functions (tsx would wrap them in a helper the
    // page does not have).
    return await page.evaluate(() => {
      const firstChart = (window as { firstChart?: number }).firstChart as number;
      const [navigation] = performance.getEntriesByType(
        'navigation',
      ) as PerformanceNavigationTiming[];
      let scriptsLoaded = 0;
      let apiAnswered = 0;
      let assetsEncoded = 0;
      let assetsDecoded = 0;
      for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        if (new URL(entry.name).pathname.startsWith('/assets/')) {
          assetsEncoded += entry.encodedBodySize;
          assetsDecoded += entry.decodedBodySize;
        }
        if (entry.initiatorType === 'script')
          scriptsLoaded = Math.max(scriptsLoaded, entry.responseEnd);
        if (entry.name.includes('/api/') && entry.responseEnd <= firstChart)
          apiAnswered = Math.max(apiAnswered, entry.responseEnd);
      }
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        firstChart,
        responseStart: navigation?.responseStart ?? 0,
        responseEnd: navigation?.responseEnd ?? 0,
        htmlBytes: navigation?.encodedBodySize ?? 0,
        firstPaint: paint?.startTime ?? 0,
        parsed: navigation?.domContentLoadedEventStart ?? 0,
        scriptsLoaded,
        apiAnswered,
        assetsEncoded,
        assetsDecoded,
      };
    });
  } finally {
    await context.close();
  }
}

interface Summary {
  median: number;
  p90: number;
  min: number;
}

function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (index: number) => sorted[index] as number;
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? at(Math.floor(mid)) : (at(mid - 1) + at(mid)) / 2;
  return { median, p90: at(Math.max(0, Math.ceil(0.9 * sorted.length) - 1)), min: at(0) };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

const loadBefore = load();
const harness = await startHarness();
let baseline: Awaited<ReturnType<typeof serveStatic>> | undefined;
try {
  baseline = await serveStatic(await staticReport(harness.base));
  const reportUrl = `${harness.base}/?stichtag=${STICHTAG}&beendet_bis=${BEENDET_BIS}`;
  // One load of each first: the browser's own start-up is not part of either page.
  await measureLoad(harness.browser, reportUrl);
  await measureLoad(harness.browser, baseline.url);
  await measureLoad(harness.browser, harness.base + EXPLORE);
  await measureLoad(harness.browser, harness.base + TRENDS);
  const app: Load[] = [];
  const still: Load[] = [];
  const explore: Load[] = [];
  const trends: Load[] = [];
  // Alternating, so that a busy moment of the machine falls on all alike.
  for (let i = 0; i < LOADS; i++) {
    app.push(await measureLoad(harness.browser, reportUrl));
    still.push(await measureLoad(harness.browser, baseline.url));
    explore.push(await measureLoad(harness.browser, harness.base + EXPLORE));
    trends.push(await measureLoad(harness.browser, harness.base + TRENDS));
  }
  const e = summarise(explore.map((l) => l.firstChart));
  const t = summarise(trends.map((l) => l.firstChart));
  const a = summarise(app.map((l) => l.firstChart));
  const s = summarise(still.map((l) => l.firstChart));
  const ms = (x: number) => x.toFixed(0).padStart(6);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    `\nMachine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, Chromium ${harness.browser.version()}`,
  );
  console.log(`Load average before: ${loadBefore}; after: ${load()}`);
  console.log(
    `Date: ${new Date().toISOString()}; ${LOADS} loads each, alternating, new browser context each\n`,
  );
  console.log(
    'Time to first chart: ms from navigation start until `figure.chart svg` is in the DOM',
  );
  console.log('| Page                                   | Median |    p90 |    Min |');
  console.log('| -------------------------------------- | -----: | -----: | -----: |');
  console.log(
    `| interim report (rendered by server)    | ${ms(a.median)} | ${ms(a.p90)} | ${ms(a.min)} |`,
  );
  console.log(
    `| static HTML, same figures (baseline)   | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.min)} |`,
  );
  console.log(
    `| Erkunden link (rendered by server)     | ${ms(e.median)} | ${ms(e.p90)} | ${ms(e.min)} |`,
  );
  console.log(
    `| Verlauf link (rendered by server)      | ${ms(t.median)} | ${ms(t.p90)} | ${ms(t.min)} |`,
  );
  console.log(`Ratio interim report ÷ static (median): ${(a.median / s.median).toFixed(2)}`);
  console.log(
    `Ratios to static (median): Erkunden ${(e.median / s.median).toFixed(2)}, Verlauf ${(t.median / s.median).toFixed(2)}`,
  );
  for (const [name, loads] of [
    ['Interim report', app],
    ['Static', still],
    ['Erkunden', explore],
    ['Verlauf', trends],
  ] as const) {
    const median = (pick: (load: Load) => number) => ms(summarise(loads.map(pick)).median).trim();
    console.log(
      `${name}, medians: HTML ${((loads[0]?.htmlBytes ?? 0) / 1000).toFixed(1)} kB, scripts and styles ${((loads[0]?.assetsEncoded ?? 0) / 1000).toFixed(1)} kB over the wire (${((loads[0]?.assetsDecoded ?? 0) / 1000).toFixed(1)} kB unpacked), first byte ${median((l) => l.responseStart)} ms, last byte ${median((l) => l.responseEnd)} ms, HTML parsed ${median((l) => l.parsed)} ms, scripts loaded ${median((l) => l.scriptsLoaded)} ms, last API answer ${median((l) => l.apiAnswered)} ms, first chart ${median((l) => l.firstChart)} ms`,
    );
  }
  const paints = (loads: Load[]) => ms(summarise(loads.map((l) => l.firstPaint)).median).trim();
  console.log(
    `First contentful paint, medians: interim report ${paints(app)} ms, static ${paints(still)} ms, Erkunden ${paints(explore)} ms, Verlauf ${paints(trends)} ms`,
  );
  console.log(`Samples, interim report: ${app.map((l) => l.firstChart.toFixed(0)).join(' ')}`);
  console.log(`Samples, static:         ${still.map((l) => l.firstChart.toFixed(0)).join(' ')}`);

  // The server's render of an address not asked for before (no cached answer): other dates.
  const renders: number[] = [];
  for (let day = 2; day <= 8; day++) {
    const started = performance.now();
    const response = await fetch(
      `${harness.base}/?stichtag=2021-01-0${day}&beendet_bis=${BEENDET_BIS}`,
    );
    await response.text();
    renders.push(performance.now() - started);
  }
  const render = summarise(renders);
  console.log(
    `Server render of a new address (7 dates, not cached): median ${render.median.toFixed(0)} ms, min ${render.min.toFixed(0)} ms`,
  );

  const total = scripts.reduce((sum, script) => sum + script.gzip, 0);
  console.log('\nJavaScript sent (dist/assets/*.js, gzip level 9)');
  for (const script of scripts)
    console.log(
      `  ${script.name}: ${(script.raw / 1000).toFixed(1)} kB, gzipped ${(script.gzip / 1000).toFixed(1)} kB`,
    );
  const gzipOf = (files: Set<string>) =>
    [...files].reduce(
      (sum, file) => sum + (scripts.find((script) => `assets/${script.name}` === file)?.gzip ?? 0),
      0,
    );
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry) as string;
  const entry = chunkFiles(entryKey);
  console.log(
    `\nLoaded on every page (entry ${manifest[entryKey]?.file} and its imports): ${(gzipOf(entry) / 1000).toFixed(1)} kB gzipped; before the interim report's first chart: 0 (the chart is in the HTML)`,
  );
  console.log("Each page's own chunks (loaded when the page is shown), gzipped:");
  for (const key of manifest[entryKey]?.dynamicImports ?? []) {
    const own = new Set([...chunkFiles(key)].filter((file) => !entry.has(file)));
    console.log(
      `  ${key.replace(/^pages\//, '').padEnd(16)} ${(gzipOf(own) / 1000).toFixed(1).padStart(6)} kB  ${[...own].map((file) => file.replace('assets/', '')).join(', ')}`,
    );
  }
  console.log(
    `  total gzipped ${(total / 1000).toFixed(1)} kB of the 250 kB budget: ${total <= JS_BUDGET ? 'within' : 'OVER'} (${((100 * total) / JS_BUDGET).toFixed(0)} %)`,
  );
} finally {
  await baseline?.close();
  await harness.stop();
}
