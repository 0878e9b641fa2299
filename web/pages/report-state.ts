// What the interim-report page shows now, kept on the page itself (`#page-report`'s data
// attributes), so that the server's HTML and the script agree on it: the server renders the
// report for its address (server/routes/report-page.ts) and marks it; the script then only
// adds what is interactive (report-hydrate.ts) and loads the drawing code (report.ts, with
// Plot) only when the page must be drawn anew. No chart code here: this module is small.
import { DEFAULT_DATES } from '../../contract/interim-report.ts';

export const DEFAULTS = DEFAULT_DATES;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The report's two dates from the address; a missing or malformed one is the default. */
export function datesFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const read = (name: keyof typeof DEFAULTS) => {
    const value = params.get(name) ?? '';
    return ISO_DATE.test(value) ? value : DEFAULTS[name];
  };
  return { stichtag: read('stichtag'), beendet_bis: read('beendet_bis') };
}

const reportPage = () => document.getElementById('page-report') as HTMLElement;

/** Notes the dates and audience of the figures on screen, and the titles that go with them. */
export function markShown(
  dates: { stichtag: string; beendet_bis: string },
  audience: string,
  title: string,
  printHead: string,
) {
  Object.assign(reportPage().dataset, {
    dates: `${dates.stichtag}|${dates.beendet_bis}`,
    audience,
    title,
    printHead,
  });
}

/** The page forgets what it shows: the next showing asks again. */
export function forgetShown() {
  const { dataset } = reportPage();
  delete dataset.dates;
  delete dataset.audience;
}

/**
 * Takes the server's report out while another page is shown (an address with a hash other
 * than the report's): its tiles and charts would stand beside that page's own in the
 * document. Coming back draws the report anew.
 */
export function clearRenderedReport() {
  if (reportPage().dataset.dates === undefined) return;
  forgetShown();
  for (const id of [
    'caseload-tiles',
    'closed-tiles',
    'press-kit',
    'charts',
    'report-definitions-list',
  ])
    document.getElementById(id)?.replaceChildren();
}

/**
 * Whether the page shows the report for the address's dates and for `audience`; undefined
 * before the session is known: whoever loaded the page is who the server rendered it for.
 * If so, the document's title and print head are set back to the report's.
 */
export function isShown(audience: string | undefined): { title: string; printHead: string } | null {
  const { dataset } = reportPage();
  const { stichtag, beendet_bis } = datesFromUrl();
  if (dataset.dates !== `${stichtag}|${beendet_bis}`) return null;
  if (audience !== undefined && dataset.audience !== audience) return null;
  return { title: dataset.title ?? document.title, printHead: dataset.printHead ?? '' };
}

/** The date form: a new pair of dates is a new URL, so back and forward work. */
export function initReport(navigate: () => void) {
  document.getElementById('dates')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const params = new URLSearchParams();
    for (const name of ['stichtag', 'beendet_bis'] as const)
      params.set(name, (form.elements.namedItem(name) as HTMLInputElement).value);
    window.history.pushState(null, '', `?${params}`);
    navigate();
  });
}
