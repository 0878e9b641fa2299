// Starts the page: who is signed in, then the part of the site the address names.
// The report lives at `/?stichtag=…` (#/ or no hash); every other page at `#section[/target][?params]`:
// #erkunden, #verlauf, #foerderung, #daten, #berichte[/id], #definitionen[/id], and the
// admin pages #protokoll and #tokens. Everything a page shows is in its address.
import { initAccount } from './account.ts';
import { byId } from './dom.ts';
import { NAVIGATE_EVENT } from './navigate.ts';
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

function currentRoute() {
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?', 2);
  const [section = '', ...rest] = path.split('/');
  return {
    section: section in PAGES ? section : '',
    target: rest.join('/'),
    params: new URLSearchParams(search),
  };
}

function route({ focus = false } = {}) {
  const { section, target, params } = currentRoute();
  const page = PAGES[section];
  byId('page-report').hidden = page !== undefined;
  for (const other of Object.values(PAGES)) byId(`page-${other.id}`).hidden = other !== page;
  for (const link of byId('site-sections').querySelectorAll('a')) {
    const linked = link.hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0] ?? '';
    if (linked === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!page) {
    showReportPage();
    return;
  }
  clearRenderedReport();
  document.title = `${page.title} – Zwischenbilanz Integrationsmanagement`;
  setPrintHead(`${page.title} – Zwischenbilanz Integrationsmanagement Landkreis Ludwigsburg`);
  void page.show(byId(`page-${page.id}`), { target, params, focus });
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
initAccount();
initReport(() => route());
// Fragment links, location.hash and back/forward all fire popstate.
window.addEventListener('popstate', () => route({ focus: true }));
window.addEventListener(NAVIGATE_EVENT, () => route());
// The interim report is shown for the public at once (the server has rendered it for this
// reader); the other pages wait for the session. The first answer always reaches the
// listener above, which shows the page; without an answer the page is shown to an
// anonymous reader.
if (currentRoute().section === '') route();
loadSession().catch(() => {
  sessionKnown = true;
  route();
});
