// Starts the page: who is signed in, then the part of the site the address names
// (#/ or nothing: the report; #definitionen, or #definitionen/{indicator} for one entry;
// #protokoll and #tokens: the admin pages).
import { initAccount } from './account.ts';
import { byId } from './dom.ts';
import { showAudit } from './pages/audit.ts';
import { showDefinitions } from './pages/definitions.ts';
import { initReport, showReport } from './pages/report.ts';
import { showTokens } from './pages/tokens.ts';
import { isAdmin, loadSession, onSessionChange } from './session.ts';

type Page = 'report' | 'definitions' | 'audit' | 'tokens';

const ROUTES: Record<string, Page> = {
  '': 'report',
  definitionen: 'definitions',
  protokoll: 'audit',
  tokens: 'tokens',
};
const TITLES: Record<Exclude<Page, 'report'>, string> = {
  definitions: 'Definitionen',
  audit: 'Protokoll',
  tokens: 'API-Tokens',
};

function currentRoute() {
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?', 2);
  const [section = '', target = ''] = path.split('/', 2);
  return { page: ROUTES[section] ?? 'report', target, params: new URLSearchParams(search) };
}

function route({ focus = false } = {}) {
  const { page, target, params } = currentRoute();
  for (const name of ['report', 'definitions', 'audit', 'tokens'] as const)
    byId(`page-${name}`).hidden = name !== page;
  for (const link of byId('site-sections').querySelectorAll('a')) {
    if (ROUTES[link.hash.replace(/^#\/?/, '')] === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page === 'report') void showReport();
  else {
    document.title = `${TITLES[page]} – Zwischenbilanz Integrationsmanagement`;
    const container = byId(`page-${page}`);
    // After a click in the navigation, a screen reader continues at the new heading.
    if (page === 'definitions') void showDefinitions(container, target, focus);
    else {
      if (page === 'audit') showAudit(container, params);
      else showTokens(container);
      if (focus) container.querySelector('h2')?.focus();
    }
  }
}

onSessionChange(() => {
  byId('admin-links').hidden = !isAdmin();
  route();
});
initAccount();
initReport(() => route());
// Fragment links, location.hash and back/forward all fire popstate.
window.addEventListener('popstate', () => route({ focus: true }));
// The first answer always reaches the listener above, which shows the page; without an
// answer the page is shown to an anonymous reader.
loadSession().catch(() => route());
