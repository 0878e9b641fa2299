// API tokens for scripts and spreadsheets (#tokens): the list with revocation, and a form
// that creates one and shows its secret this one time.
import {
  type ApiToken,
  createToken,
  fetchProviders,
  fetchTokens,
  type NewToken,
  type Provider,
  type Role,
  revokeToken,
} from '../api.ts';
import { cell, element, field, withAttributes } from '../dom.ts';
import { formatCount, formatDateTime, formatDay, todayIso } from '../format.ts';
import { ROLE_LABELS, signedIn } from '../session.ts';
import { adminOnly } from './admin-only.ts';

export type TokenStatus = 'aktiv' | 'widerrufen' | 'abgelaufen';

export function tokenStatus(token: ApiToken, now = new Date()): TokenStatus {
  if (token.revoked_at) return 'widerrufen';
  if (token.expires_at && new Date(token.expires_at) <= now) return 'abgelaufen';
  return 'aktiv';
}

// Least access first: the form starts on the role that sees the least.
const ROLE_ORDER: Role[] = ['press', 'funder', 'provider', 'admin'];
const ROLE_HINTS: Record<Role, string> = {
  press:
    'Sieht die Zahlen wie die Öffentlichkeit: zum Schutz kleiner Fallzahlen leicht verändert, Eckwerte exakt.',
  funder:
    'Sieht die Zahlen wie die Öffentlichkeit: zum Schutz kleiner Fallzahlen leicht verändert, Eckwerte exakt.',
  provider:
    'Sieht die Zahlen des eigenen Trägers exakt, die übrigen wie die Öffentlichkeit; darf Exporte dieses Trägers importieren.',
  admin: 'Sieht alle Zahlen exakt; darf importieren, das Protokoll lesen und Tokens verwalten.',
};

const dash = '–';
let latest = 0;
let providers: Provider[] | undefined;

export function showTokens(container: HTMLElement) {
  const run = ++latest;
  if (!adminOnly(container, 'API-Tokens')) return;

  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const rows = element('tbody');
  const table = element(
    'table',
    { className: 'records tokens' },
    element('caption', { className: 'visually-hidden', textContent: 'API-Tokens' }),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        ...[
          'Bezeichnung',
          'Kennung',
          'Rolle',
          'Träger',
          'Erstellt',
          'Gültig bis',
          'Zuletzt benutzt',
          'Status',
          'Aktion',
        ].map((header) => element('th', { scope: 'col', textContent: header })),
      ),
    ),
    rows,
  );
  const frame = element('div', { className: 'table-frame', hidden: true }, table);
  const secretBox = element('section', { className: 'secret', hidden: true });
  const form = tokenForm(async (token) => {
    const created = await signedIn((csrf) => createToken(token, csrf));
    showSecret(secretBox, created.token, created.secret);
    await reload();
  });

  container.replaceChildren(
    element('h2', { textContent: 'API-Tokens', tabIndex: -1 }),
    element(
      'p',
      { className: 'lead' },
      'Mit einem API-Token rufen Skripte und Tabellen die Kennzahlen ohne Anmeldung ab, als Kopfzeile ',
      element('code', { textContent: 'Authorization: Bearer …' }),
      '. Das Token sieht, was seine Rolle sehen darf.',
    ),
    secretBox,
    form,
    element('h3', { textContent: 'Vorhandene Tokens' }),
    status,
    frame,
  );

  function tokenRow(token: ApiToken) {
    const state = tokenStatus(token);
    const revoke = element('button', {
      type: 'button',
      className: 'button danger',
      textContent: 'Widerrufen',
      onclick: () => void revokeOne(token),
    });
    withAttributes(revoke, { 'aria-label': `Token „${token.name}“ widerrufen` });
    return element(
      'tr',
      {},
      cell('Bezeichnung', token.name),
      cell('Kennung', element('code', { textContent: `${token.prefix}…` })),
      cell('Rolle', ROLE_LABELS[token.role] ?? token.role),
      cell('Träger', token.provider ?? dash),
      cell('Erstellt', `${formatDateTime(token.created_at)} von ${token.created_by}`),
      cell('Gültig bis', token.expires_at ? formatDay(token.expires_at) : 'unbefristet'),
      cell('Zuletzt benutzt', token.last_used_at ? formatDateTime(token.last_used_at) : 'nie'),
      cell(
        'Status',
        element('span', {
          className: `state ${state}`,
          textContent: token.revoked_at ? `widerrufen am ${formatDay(token.revoked_at)}` : state,
        }),
      ),
      cell('Aktion', ...(state === 'aktiv' ? [revoke] : [])),
    );
  }

  async function reload() {
    try {
      const { tokens } = await signedIn(() => fetchTokens());
      if (run !== latest) return;
      rows.replaceChildren(...tokens.map(tokenRow));
      frame.hidden = tokens.length === 0;
      status.className = 'status';
      const active = tokens.filter((token) => tokenStatus(token) === 'aktiv').length;
      status.textContent =
        tokens.length === 0
          ? 'Es gibt noch kein API-Token.'
          : `${formatCount(tokens.length)} ${tokens.length === 1 ? 'Token' : 'Tokens'}, davon ${formatCount(active)} aktiv.`;
    } catch (error) {
      if (run !== latest) return;
      status.className = 'status error';
      status.textContent = `Die Tokens konnten nicht geladen werden: ${(error as Error).message}`;
    }
  }

  async function revokeOne(token: ApiToken) {
    const sure = window.confirm(
      `Token „${token.name}“ (${token.prefix}…) widerrufen? Skripte, die es benutzen, erhalten danach keinen Zugriff mehr.`,
    );
    if (!sure) return;
    try {
      await signedIn((csrf) => revokeToken(token.id, csrf));
      await reload();
      if (run === latest && status.className === 'status')
        status.textContent = `Token „${token.name}“ ist widerrufen. ${status.textContent}`;
    } catch (error) {
      if (run !== latest) return;
      status.className = 'status error';
      status.textContent = `Das Token konnte nicht widerrufen werden: ${(error as Error).message}`;
    }
  }

  status.textContent = 'Tokens werden geladen …';
  void reload();
}

function tokenForm(create: (token: NewToken) => Promise<void>) {
  const name = element('input', {
    id: 'token-name',
    name: 'name',
    required: true,
    maxLength: 100,
    autocomplete: 'off',
  });
  const role = element(
    'select',
    { id: 'token-role', name: 'role' },
    ...ROLE_ORDER.map((value) => element('option', { value, textContent: ROLE_LABELS[value] })),
  );
  const roleHint = element('p', {
    id: 'token-role-hint',
    className: 'hint',
    textContent: ROLE_HINTS[role.value as Role],
  });
  withAttributes(role, { 'aria-describedby': roleHint.id });
  const provider = element(
    'select',
    { id: 'token-provider', name: 'provider', required: true },
    element('option', { value: '', textContent: 'Träger wählen …' }),
  );
  const providerField = field('Träger', provider);
  providerField.hidden = true;
  const expires = element('input', {
    id: 'token-expires',
    type: 'date',
    name: 'expires_on',
    min: todayIso(),
  });
  const error = withAttributes(element('p', { className: 'form-error' }), { role: 'alert' });
  const submit = element('button', {
    type: 'submit',
    className: 'button',
    textContent: 'Token erstellen',
  });
  const form = element(
    'form',
    { className: 'panel token-form', noValidate: true },
    element('h3', { textContent: 'Neues Token' }),
    field('Bezeichnung (wofür, für wen)', name),
    field('Rolle', role, roleHint),
    providerField,
    field('Gültig bis (leer: unbefristet)', expires),
    error,
    element('div', { className: 'actions' }, submit),
  );

  const fail = (message: string, control?: HTMLElement) => {
    error.textContent = message;
    control?.setAttribute('aria-invalid', 'true');
    control?.focus();
  };

  role.addEventListener('change', async () => {
    roleHint.textContent = ROLE_HINTS[role.value as Role];
    providerField.hidden = role.value !== 'provider';
    if (providerField.hidden || provider.options.length > 1) return;
    try {
      providers ??= await fetchProviders(todayIso());
      if (provider.options.length > 1) return;
      provider.append(
        ...providers.map((p) =>
          element('option', { value: p.code, textContent: `${p.code} – ${p.name}` }),
        ),
      );
    } catch (cause) {
      fail(`Die Träger konnten nicht geladen werden: ${(cause as Error).message}`);
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const control of [name, provider, expires]) control.removeAttribute('aria-invalid');
    const token: NewToken = { name: name.value.trim(), role: role.value as Role };
    if (!token.name) return fail('Bitte eine Bezeichnung eingeben.', name);
    if (token.role === 'provider') {
      if (!provider.value)
        return fail('Bitte den Träger wählen, dessen Zahlen das Token sieht.', provider);
      token.provider = provider.value;
    }
    if (expires.value) {
      if (expires.value < todayIso())
        return fail('„Gültig bis“ liegt in der Vergangenheit.', expires);
      token.expires_on = expires.value;
    }
    submit.disabled = true;
    try {
      await create(token);
      form.reset();
      providerField.hidden = true;
      roleHint.textContent = ROLE_HINTS[role.value as Role];
    } catch (cause) {
      fail(`Das Token wurde nicht erstellt: ${(cause as Error).message}`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function showSecret(box: HTMLElement, token: ApiToken, secret: string) {
  const heading = element('h3', { textContent: `Token „${token.name}“ erstellt`, tabIndex: -1 });
  const value = element('code', { className: 'secret-value', textContent: secret });
  const copied = withAttributes(element('span', { className: 'copied' }), { role: 'status' });
  const copy = element('button', {
    type: 'button',
    className: 'button',
    textContent: 'Kopieren',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(secret);
        copied.textContent = 'Kopiert.';
      } catch {
        // Without clipboard access (http, permissions) the reader copies by hand.
        window.getSelection()?.selectAllChildren(value);
        copied.textContent = 'Markiert: bitte mit Strg+C kopieren.';
      }
    },
  });
  const done = element('button', {
    type: 'button',
    className: 'link-button',
    textContent: 'Ausblenden',
    onclick: () => {
      box.replaceChildren();
      box.hidden = true;
    },
  });
  box.replaceChildren(
    heading,
    element('p', {
      textContent:
        'Das Token wird nur jetzt angezeigt und kann später nicht wieder angezeigt werden. Kopieren Sie es jetzt und bewahren Sie es sicher auf, etwa in einem Passwortmanager.',
    }),
    element('p', {}, value),
    element('p', { className: 'actions' }, copy, ' ', copied, ' ', done),
  );
  box.hidden = false;
  heading.focus();
}
