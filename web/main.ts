// Starts the page: who is signed in, then the part of the site the address names.
// The report lives at `/?stichtag=…` (#/ or no hash); every other page at `#section[/target][?params]`:
// #erkunden, #verlauf, #foerderung, #daten, #berichte[/id], #definitionen[/id], and the
// admin pages #protokoll and #tokens. Everything a page shows is in its address.
import { initAccount } from './account.ts';
import { byId } from './dom.ts';
import { NAVIGATE_EVENT } from './navigate.ts';
import { showAudit } from './pages/audit.ts';
import { showData } from './pages/data.ts';
import { showDefinitions } from './pages/definitions.ts';
import { showExplore } from './pages/explore.ts';
import { showFunders } from './pages/funders.ts';
import { showPublished } from './pages/published.ts';
import { initReport, showReport } from './pages/report.ts';
import { showTokens } from './pages/tokens.ts';
import { showTrends } from './pages/trends.ts';
import { setPrintHead } from './print.ts';
import { currentSession, isAdmin, loadSession, onSessionChange } from './session.ts';

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

const PAGES: Record<string, Page> = {
  erkunden: { id: 'explore', title: 'Erkunden', show: showExplore },
  verlauf: { id: 'trends', title: 'Verlauf', show: showTrends },
  foerderung: { id: 'funders', title: 'Förderzeitraum', show: showFunders },
  daten: { id: 'data', title: 'Daten', show: showData },
  berichte: { id: 'published', title: 'Veröffentlichte Berichte', show: showPublished },
  definitionen: {
    id: 'definitions',
    title: 'Definitionen',
    show: (container, { target, focus }) => showDefinitions(container, target, focus),
  },
  protokoll: {
    id: 'audit',
    title: 'Protokoll',
    show: (container, { params, focus }) => {
      showAudit(container, params);
      if (focus) container.querySelector('h2')?.focus();
    },
  },
  tokens: {
    id: 'tokens',
    title: 'API-Tokens',
    show: (container, { focus }) => {
      showTokens(container);
      if (focus) container.querySelector('h2')?.focus();
    },
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
    void showReport();
    return;
  }
  document.title = `${page.title} – Zwischenbilanz Integrationsmanagement`;
  setPrintHead(`${page.title} – Zwischenbilanz Integrationsmanagement Landkreis Ludwigsburg`);
  void page.show(byId(`page-${page.id}`), { target, params, focus });
}

onSessionChange(() => {
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
// The first answer always reaches the listener above, which shows the page; without an
// answer the page is shown to an anonymous reader.
loadSession().catch(() => route());
