// Starts the page: who is signed in, then the part of the site the address names.
// The report lives at `/?stichtag=…` (#/ or no hash); Erkunden and Verlauf at `/erkunden?…` and
// `/verlauf?…`, and a published report also at `/berichte/<slug>`: addresses the server
// renders complete (server/routes/pages.ts), which the script only makes interactive. Every
// other page at `#section[/target][?params]`: #foerderung, #daten, #berichte (the list),
// #definitionen[/id], and the admin pages #protokoll and #tokens; the old #erkunden?…,
// #verlauf?… and #berichte/<slug> are sent to their addresses. Everything a page shows is in its address.
import { initAccount } from './account.ts';
import { byId, dateFieldsAsDates } from './dom.ts';
import { NAVIGATE_EVENT } from './navigate.ts';
import { hydrateChoice } from './pages/choice-hydrate.ts';
import { hydrateReport } from './pages/report-hydrate.ts';
import { clearRenderedReport, initReport, isShown } from './pages/report-state.ts';
import { setPrintHead } from './print.ts';
import { currentSession, isAdmin, loadSession, onSessionChange } from './session.ts';

// Each page's code is its own chunk, loaded when the page is shown: the interim report the
// server has rendered needs only report-hydrate (no chart library, part of this chunk); Plot comes with the pages
// that draw, Arrow with the code that reads Arrow answers.
/** What a page gets from the address: `#section/target?params`. */
export interface PageRoute {
  target: string;
  params: URLSearchParams;
  /** True after a click in the navigation: the page moves focus to its heading. */
  focus: boolean;
}

interface Page {
  id: string;
  title: string;
  show: (container: HTMLElement, route: PageRoute) => void | Promise<void>;
}

/** Loads a page's module when the page is shown first, then calls `show` from it. */
const lazy =
  <M>(load: () => Promise<M>, show: (module: M) => Page['show']): Page['show'] =>
  async (container, route) =>
    show(await load())(container, route);

const PAGES: Record<string, Page> = {
  erkunden: {
    id: 'explore',
    title: 'Erkunden',
    show: lazy(
      () => import('./pages/explore.ts'),
      (m) => m.showExplore,
    ),
  },
  verlauf: {
    id: 'trends',
    title: 'Verlauf',
    show: lazy(
      () => import('./pages/trends.ts'),
      (m) => m.showTrends,
    ),
  },
  foerderung: {
    id: 'funders',
    title: 'Förderzeitraum',
    show: lazy(
      () => import('./pages/funders.ts'),
      (m) => m.showFunders,
    ),
  },
  daten: {
    id: 'data',
    title: 'Daten',
    show: lazy(
      () => import('./pages/data.ts'),
      (m) => m.showData,
    ),
  },
  berichte: {
    id: 'published',
    title: 'Veröffentlichte Berichte',
    show: lazy(
      () => import('./pages/published.ts'),
      (m) => m.showPublished,
    ),
  },
  definitionen: {
    id: 'definitions',
    title: 'Definitionen',
    show: lazy(
      () => import('./pages/definitions.ts'),
      (m) =>
        (container, { target, focus }) =>
          m.showDefinitions(container, target, focus),
    ),
  },
  protokoll: {
    id: 'audit',
    title: 'Protokoll',
    show: lazy(
      () => import('./pages/audit.ts'),
      (m) =>
        (container, { params, focus }) => {
          m.showAudit(container, params);
          if (focus) container.querySelector('h2')?.focus();
        },
    ),
  },
  tokens: {
    id: 'tokens',
    title: 'API-Tokens',
    show: lazy(
      () => import('./pages/tokens.ts'),
      (m) =>
        (container, { focus }) => {
          m.showTokens(container);
          if (focus) container.querySelector('h2')?.focus();
        },
    ),
  },
};

/** Pages whose choice is the address's path and query, not its hash. */
const PATH_PAGES = new Set(['erkunden', 'verlauf']);

function currentRoute() {
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?', 2);
  const [section = '', ...rest] = path.split('/');
  if (section in PAGES)
    return { section, target: rest.join('/'), params: new URLSearchParams(search) };
  // The path: /erkunden, /verlauf, /berichte/<slug>.
  const [, first = '', ...more] = window.location.pathname.split('/');
  if (first in PAGES)
    return {
      section: first,
      target: more.join('/'),
      params: new URLSearchParams(window.location.search),
    };
  return { section: '', target: '', params: new URLSearchParams() };
}

/**
 * An old address `#erkunden?…`, `#verlauf?…` or `#berichte/<slug>`: the address the server
 * renders instead (the list of reports, `#berichte`, stays where it is).
 */
function movedAddress(): string | null {
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?', 2);
  const [section = '', ...target] = path.split('/');
  const moved = section === 'berichte' ? target.join('/') !== '' : PATH_PAGES.has(path);
  if (!moved) return null;
  return `/${path}${search ? `?${search}` : ''}`;
}

/**
 * Whether `container` holds what the server rendered for this address and this reader
 * (before the session is known: whoever loaded the page). Otherwise the mark is dropped:
 * the page is drawn anew.
 */
function serverRendered(container: HTMLElement): boolean {
  const { audience, canonical } = container.dataset;
  let { address } = container.dataset;
  if (address === undefined) return false;
  // The server filled in what the address left open (Verlauf: the last month the exports
  // cover): the address says so, as when the browser draws it.
  if (canonical && address === window.location.pathname + window.location.search) {
    window.history.replaceState(null, '', canonical);
    address = canonical;
    container.dataset.address = canonical;
    delete container.dataset.canonical;
  }
  const same =
    address === window.location.pathname + window.location.search &&
    (!sessionKnown || audience === currentSession().audience);
  if (!same) delete container.dataset.address;
  return same;
}

function route({ focus = false } = {}) {
  const moved = movedAddress();
  if (moved) {
    window.location.replace(moved);
    return;
  }
  const { section, target, params } = currentRoute();
  const page = PAGES[section];
  byId('page-report').hidden = page !== undefined;
  for (const other of Object.values(PAGES)) byId(`page-${other.id}`).hidden = other !== page;
  for (const link of byId('site-sections').querySelectorAll('a')) {
    const linked = (link.hash ? link.hash.replace(/^#\/?/, '') : link.pathname.slice(1)).split(
      /[/?]/,
      1,
    )[0];
    if (linked === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!page) {
    showReportPage();
    return;
  }
  clearRenderedReport();
  const container = byId(`page-${page.id}`);
  if (serverRendered(container)) {
    // As the server drew it (title and print head included): only made interactive.
    if (section === 'berichte') hydrateReport(container);
    else hydrateChoice(container);
    return;
  }
  document.title = `${page.title} – Zwischenbilanz Integrationsmanagement`;
  setPrintHead(`${page.title} – Zwischenbilanz Integrationsmanagement Landkreis Ludwigsburg`);
  void page.show(container, { target, params, focus });
}

let sessionKnown = false;

/**
 * The interim report: as the server rendered it, only made interactive; otherwise drawn by
 * report.ts (with Plot). Before the session is known, the page the server rendered is the
 * one for whoever loaded it.
 */
function showReportPage() {
  const shown = isShown(sessionKnown ? currentSession().audience : undefined);
  if (shown) {
    document.title = shown.title;
    setPrintHead(shown.printHead);
    // At once, not as a chunk of its own: the buttons work as soon as the page has loaded.
    hydrateReport(byId('page-report'));
    return;
  }
  void import('./pages/report.ts').then((m) => m.showReport());
}

onSessionChange(() => {
  sessionKnown = true;
  byId('admin-links').hidden = !isAdmin();
  const role = currentSession().user?.role;
  byId('data-link').hidden = !(role === 'admin' || role === 'provider');
  route();
});
// The navigation's links to pages with an address of their own (the report, Erkunden,
// Verlauf) are real links, which work without the script; with it, the page is shown here
// and its heading takes focus, as for the other pages.
byId('site-sections').addEventListener('click', (event) => {
  const link = (event.target as Element).closest('a');
  if (!link || link.hash || link.origin !== window.location.origin) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  const section = link.pathname.slice(1);
  if (section !== '' && !PATH_PAGES.has(section)) return;
  event.preventDefault();
  // The report keeps the dates it shows.
  const search = section === '' && window.location.pathname === '/' ? window.location.search : '';
  window.history.pushState(null, '', `${link.pathname}${search}`);
  route({ focus: true });
});
// The skip link moves focus to the page's heading; the address (the page's state) stays.
byId('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  const main = byId('main-content');
  const visible =
    [...main.querySelectorAll<HTMLElement>(':scope > [id^="page-"]')].find(
      (page) => !page.hidden,
    ) ?? main;
  const heading = visible.querySelector<HTMLElement>('h2') ?? main;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
});
// Printed, every folded table and definition is open.
const foldedForPrint: HTMLDetailsElement[] = [];
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll('details:not([open])')) {
    (details as HTMLDetailsElement).open = true;
    foldedForPrint.push(details as HTMLDetailsElement);
  }
});
window.addEventListener('afterprint', () => {
  for (const details of foldedForPrint.splice(0)) details.open = false;
});
// The page's date and month fields arrive as text fields (web/index.html, and the server's
// Erkunden and Verlauf: dateFieldsAsText): date fields from here on.
dateFieldsAsDates(document);
initAccount();
initReport(() => route());
// Fragment links, location.hash and back/forward all fire popstate.
window.addEventListener('popstate', () => route({ focus: true }));
window.addEventListener(NAVIGATE_EVENT, () => route());
// The interim report and every page the server has rendered are shown at once (for this
// reader); the other pages wait for the session. The first answer always reaches the
// listener above, which shows the page; without an answer the page is shown to an
// anonymous reader.
const first = currentRoute();
if (
  movedAddress() ||
  first.section === '' ||
  byId(`page-${PAGES[first.section]?.id}`)?.dataset.address !== undefined
)
  route();
loadSession().catch(() => {
  sessionKnown = true;
  route();
});
