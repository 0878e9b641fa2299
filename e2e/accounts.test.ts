// Accounts in headless Chromium against `npm start -- --demo` on a fresh embedded database:
// signing in and out through the form, the audit log and API tokens as the demo admin,
// the session ending under the page, and the server's messages for wrong passwords.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Harness, startHarness } from './harness.ts';

const EXPIRED = 'Ihre Sitzung ist abgelaufen. Bitte neu anmelden.';

let harness: Harness;
let BASE: string;
let context: BrowserContext;
let page: Page;
let password: string;

const header = (on = page) => on.locator('header.site-header');

async function logInThroughForm(name: string, secret: string, on = page) {
  await header(on).getByRole('button', { name: 'Anmelden' }).click();
  const dialog = on.getByRole('dialog', { name: 'Anmelden' });
  await dialog.waitFor();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Passwort').fill(secret);
  await dialog.getByRole('button', { name: 'Anmelden' }).click();
  return dialog;
}

beforeAll(async () => {
  harness = await startHarness(['--demo']);
  BASE = harness.base;
  password = await harness.demoPassword();
  context = await harness.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
  });
  page = await context.newPage();
});

afterAll(() => harness?.stop());

// The tests build on each other in this order, as one person would use the page.
describe('accounts in the browser', () => {
  it('signs the demo admin in through the form and reloads the figures unsuppressed', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${BASE}/`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    expect(await page.locator('#footnote').isVisible()).toBe(true);
    expect(await page.locator('#admin-links').isVisible()).toBe(false);

    await header().getByRole('button', { name: 'Anmelden' }).click();
    const dialog = page.getByRole('dialog', { name: 'Anmelden' });
    await dialog.waitFor();
    // The name field has focus, so typing starts there.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await dialog.getByLabel('Name').fill('demo');
    await dialog.getByLabel('Passwort').fill(password);
    await page.screenshot({ path: join(ARTIFACTS, 'login.png') });

    // The report's figures come in one answer (GET /api/v1/interim-report), asked again for
    // the signed-in caller.
    const reloaded = page.waitForResponse(
      (response) =>
        response.url().includes('/api/v1/interim-report?stichtag=2021-01-01') && response.ok(),
    );
    await dialog.getByRole('button', { name: 'Anmelden' }).click();
    await header().getByText('Angemeldet als demo').waitFor();
    expect(await header().textContent()).toContain('Landratsamt (Koordination)');
    expect((await (await reloaded).json()).audience).toBe('internal');
    await page.getByText('Sie sehen alle Werte so, wie sie berechnet sind.').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.locator('#footnote').isVisible()).toBe(false);
    expect(await page.locator('#admin-links').isVisible()).toBe(true);
    // The figures stay the published ones where nothing was suppressed.
    expect(await page.locator('#caseload-tiles').textContent()).toContain('2.469');
    await page.screenshot({ path: join(ARTIFACTS, 'report-admin.png') });
    // Inline scripts or handlers would be refused by the CSP and reported here.
    expect(errors).toEqual([]);
  });

  it('shows the audit log with the login and links the same selection as CSV', async () => {
    await page
      .getByRole('navigation', { name: 'Bereiche' })
      .getByRole('link', { name: 'Protokoll' })
      .click();
    await page.getByRole('heading', { name: 'Protokoll' }).waitFor();
    const login = page.locator('table.audit tbody tr').filter({ hasText: 'Anmeldung' }).first();
    await login.waitFor();
    const cells = await login.locator('td').allInnerTexts();
    expect(cells[0]).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
    expect(cells[1]).toBe('demo');
    expect(cells[2]).toBe('Landratsamt (Koordination)');
    expect(cells[3]).toBe('Anmeldung');
    // Details in German sentences, never raw keys such as "new: 1 · rows: 644".
    const added = page.locator('table.audit tbody tr').filter({ hasText: 'Konto angelegt' });
    expect(await added.locator('.detail').textContent()).toBe(
      'Demo-Zugang mit der Rolle Landratsamt (Koordination) angelegt.',
    );
    for (const detail of await page.locator('table.audit .detail').allTextContents())
      expect(detail).not.toMatch(/\b[a-z]+(_[a-z]+)*: |·/);

    await page.screenshot({ path: join(ARTIFACTS, 'audit.png'), fullPage: true });

    const csvLink = page.getByRole('link', { name: 'Als CSV herunterladen' });
    expect(await csvLink.getAttribute('href')).toBe('/api/v1/audit?format=csv');
    await page.getByLabel('Aktion').selectOption('login');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^1 Eintrag\.$/ })
      .waitFor();
    expect(page.url()).toContain('#protokoll?action=login');
    const href = (await csvLink.getAttribute('href')) ?? '';
    expect(href).toBe('/api/v1/audit?action=login&format=csv');
    // The link downloads with the browser's session.
    const csv = await context.request.get(`${BASE}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('Anmeldung');
  });

  it('creates an API token, shows its secret once and revokes it', async () => {
    await page
      .getByRole('navigation', { name: 'Bereiche' })
      .getByRole('link', { name: 'API-Tokens' })
      .click();
    await page.getByRole('heading', { name: 'API-Tokens' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Es gibt noch kein API-Token.' }).waitFor();
    await page.getByLabel('Bezeichnung').fill('Auswertung AWO');
    await page.getByLabel('Rolle').selectOption('provider');
    const provider = page.getByLabel('Träger', { exact: true });
    await provider.locator('option[value="AWO"]').waitFor({ state: 'attached' });
    await provider.selectOption('AWO');
    await page.getByRole('button', { name: 'Token erstellen' }).click();

    await page.getByRole('heading', { name: 'Token „Auswertung AWO“ erstellt' }).waitFor();
    const secret = (await page.locator('.secret-value').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.locator('.secret').textContent()).toContain('nur jetzt angezeigt');
    const row = page.locator('table.tokens tbody tr').filter({ hasText: 'Auswertung AWO' });
    await row.waitFor();
    expect(await row.textContent()).toContain('aktiv');
    expect(await row.textContent()).toContain('Träger');
    await page.screenshot({ path: join(ARTIFACTS, 'tokens.png'), fullPage: true });

    const asToken = () =>
      fetch(`${BASE}/api/v1/indicators?date=2021-01-01`, {
        headers: { authorization: `Bearer ${secret}` },
      });
    expect((await (await asToken()).json()).audience).toBe('provider');

    // Shown once: after leaving the page and coming back the secret is gone.
    await page.getByRole('link', { name: 'Protokoll' }).click();
    await page.getByRole('link', { name: 'API-Tokens' }).click();
    await row.waitFor();
    expect(await page.locator('main').textContent()).not.toContain(secret);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Token „Auswertung AWO“ widerrufen' }).click();
    await row.getByText('widerrufen am').waitFor();
    await page.getByRole('status').filter({ hasText: '1 Token, davon 0 aktiv.' }).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    expect((await asToken()).status).toBe(401);
  });

  it('fits the admin pages and the login dialog on a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/#protokoll`);
    await page.locator('table.audit tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'audit-phone.png'), fullPage: true });
    await page.goto(`${BASE}/#tokens`);
    await page.locator('table.tokens tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'tokens-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps working after the account signed in again in another tab', async () => {
    await page.goto(`${BASE}/#tokens`);
    await page.getByRole('heading', { name: 'API-Tokens' }).waitFor();
    // The other tab ends the session this tab holds and starts a new one: this tab's CSRF
    // token no longer matches, and the page fetches the new one and tries again.
    const other = await context.newPage();
    await other.goto(`${BASE}/`);
    await header(other).getByRole('button', { name: 'Abmelden' }).click();
    await logInThroughForm('demo', password, other);
    await header(other).getByText('Angemeldet als demo').waitFor();
    await other.close();

    await page.getByLabel('Bezeichnung').fill('Tabelle Pressestelle');
    await page.getByRole('button', { name: 'Token erstellen' }).click();
    await page.getByRole('heading', { name: 'Token „Tabelle Pressestelle“ erstellt' }).waitFor();
    expect(await header().textContent()).toContain('Angemeldet als demo');
  });

  it('signs out: the header offers to sign in and the admin pages ask for it', async () => {
    await page.goto(`${BASE}/#tokens`);
    await header().getByRole('button', { name: 'Abmelden' }).click();
    await header().getByRole('button', { name: 'Anmelden' }).waitFor();
    expect(await page.locator('#admin-links').isVisible()).toBe(false);
    await page.getByText('Bitte melden Sie sich an: API-Tokens ist nur').waitFor();
    expect(
      (await context.request.get(`${BASE}/api/v1/session`).then((r) => r.json())).authenticated,
    ).toBe(false);
    await page.goto(`${BASE}/`);
    await page.getByRole('status').filter({ hasText: 'Betreute Personen am 01.01.2021' }).waitFor();
    expect(await page.locator('#footnote').isVisible()).toBe(true);
    expect(await page.locator('#audience-note').isVisible()).toBe(false);
  });

  it('signs in although another tab signed in after this page was loaded', async () => {
    await page.goto(`${BASE}/`);
    await header().getByRole('button', { name: 'Anmelden' }).waitFor();
    const other = await context.newPage();
    await other.goto(`${BASE}/`);
    await logInThroughForm('demo', password, other);
    await header(other).getByText('Angemeldet als demo').waitFor();
    await other.close();

    await logInThroughForm('demo', password);
    await header().getByText('Angemeldet als demo').waitFor();
    await header().getByRole('button', { name: 'Abmelden' }).click();
    await header().getByRole('button', { name: 'Anmelden' }).waitFor();
  });

  it('tells a signed-in reader of another role that the log is for the district office', async () => {
    await page.route('**/api/v1/session', (route) =>
      route.fulfill({
        json: {
          authenticated: true,
          user: { name: 'presse', role: 'press', provider: null },
          via: 'cookie',
          audience: 'public',
          csrf_token: 'x',
          expires_at: null,
        },
      }),
    );
    try {
      // A new document, so that the page asks for the session again.
      await page.goto(`${BASE}/?rolle#protokoll`);
      await page.getByText(/^Nur für die Koordination im Landratsamt\./).waitFor();
      expect(await header().textContent()).toContain('Angemeldet als presse, Pressestelle');
      expect(await page.locator('#admin-links').isVisible()).toBe(false);
    } finally {
      await page.unroute('**/api/v1/session');
    }
  });

  it('says so when the session ends under the page', async () => {
    await page.goto(`${BASE}/`);
    await logInThroughForm('demo', password);
    await header().getByText('Angemeldet als demo').waitFor();
    // The report the login asks for again must have arrived first: answered after the cookie
    // is gone, it comes for the public, and the page rightly ends the session by itself.
    await page.getByText('Sie sehen alle Werte so, wie sie berechnet sind.').waitFor();
    // The server forgets the browser: as after the idle time or a disabled account.
    await context.clearCookies();
    await page.getByRole('link', { name: 'Protokoll' }).click();
    await page.getByRole('alert').filter({ hasText: EXPIRED }).waitFor();
    await header().getByRole('button', { name: 'Anmelden' }).waitFor();
    await page.getByText('Bitte melden Sie sich an: Protokoll ist nur').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'session-expired.png') });
  });

  it("shows the server's message for a wrong password, and for too many", async () => {
    await page.goto(`${BASE}/`);
    const dialog = await logInThroughForm('demo', 'falsch');
    const error = dialog.getByRole('alert');
    await error.filter({ hasText: 'Name oder Passwort stimmen nicht' }).waitFor();
    expect(await dialog.getByLabel('Passwort').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'login-error.png') });
    // Five failures for one account within the window: the server refuses further tries.
    for (let attempt = 0; attempt < 4; attempt++) {
      await dialog.getByLabel('Passwort').fill(`falsch-${attempt}`);
      await dialog.getByRole('button', { name: 'Anmelden' }).click();
      await dialog
        .getByRole('button', { name: 'Anmelden' })
        .and(page.locator(':enabled'))
        .waitFor();
    }
    await dialog.getByLabel('Passwort').fill(password);
    await dialog.getByRole('button', { name: 'Anmelden' }).click();
    await error
      .filter({ hasText: /Zu viele fehlgeschlagene Anmeldungen\. Bitte in \d+ Minuten/ })
      .waitFor();
    expect(await header().getByRole('button', { name: 'Anmelden' }).count()).toBe(1);
  });
});
