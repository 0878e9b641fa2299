// Signing in and out: the account line in the header, the login dialog and the notice that
// a session has ended.
import { ApiError, type SessionState } from './api.ts';
import { byId, element, withAttributes } from './dom.ts';
import {
  logIn,
  logOut,
  onSessionChange,
  roleDescription,
  SESSION_EXPIRED,
  type SessionChange,
} from './session.ts';

const dialog = () => byId('login-dialog') as HTMLDialogElement;
const loginForm = () => byId('login-form') as HTMLFormElement;
const field = (name: 'name' | 'password') =>
  loginForm().elements.namedItem(name) as HTMLInputElement;

/** A message at the top of the page; `alert` for what the reader must act on. */
export function showNotice(text: string, kind: 'alert' | 'info', withLogin = false) {
  const notice = byId('notice');
  notice.className = `notice ${kind}`;
  notice.replaceChildren(
    element('p', { textContent: text }),
    ...(withLogin ? [loginButton()] : []),
    element('button', {
      type: 'button',
      className: 'link-button',
      textContent: 'Ausblenden',
      onclick: () => notice.replaceChildren(),
    }),
  );
}

const clearNotice = () => byId('notice').replaceChildren();

const loginButton = (label = 'Anmelden') =>
  element('button', {
    type: 'button',
    className: 'login-open',
    textContent: label,
    onclick: openLogin,
  });

export function openLogin() {
  showLoginError('');
  field('password').value = '';
  dialog().showModal();
  (field('name').value ? field('password') : field('name')).focus();
}

function showLoginError(message: string) {
  byId('login-error').textContent = message;
  for (const name of ['name', 'password'] as const) {
    if (message) field(name).setAttribute('aria-invalid', 'true');
    else field(name).removeAttribute('aria-invalid');
  }
}

async function submitLogin(event: SubmitEvent) {
  event.preventDefault();
  const name = field('name').value.trim();
  const password = field('password').value;
  if (!name || !password) {
    showLoginError('Bitte Name und Passwort eingeben.');
    (name ? field('password') : field('name')).focus();
    return;
  }
  const submit = loginForm().querySelector('button[type=submit]') as HTMLButtonElement;
  submit.disabled = true;
  submit.textContent = 'Anmelden …';
  try {
    await logIn(name, password);
    dialog().close();
    (byId('account').querySelector('.whoami') as HTMLElement | null)?.focus();
  } catch (error) {
    // 401 and 429 carry the server's explanation (wrong name or password, how long to wait).
    showLoginError(
      error instanceof ApiError
        ? error.message
        : 'Die Anmeldung ist gescheitert: Der Server ist nicht erreichbar.',
    );
    field('password').select();
    field('password').focus();
  } finally {
    submit.disabled = false;
    submit.textContent = 'Anmelden';
  }
}

async function submitLogout() {
  try {
    await logOut();
  } catch (error) {
    showNotice(`Die Abmeldung ist gescheitert: ${(error as Error).message}`, 'alert');
  }
}

function renderAccount(state: SessionState, change: SessionChange) {
  const account = byId('account');
  if (state.authenticated && state.user) {
    account.replaceChildren(
      element(
        'span',
        { className: 'whoami', tabIndex: -1 },
        'Angemeldet als ',
        element('strong', { textContent: state.user.name }),
        `, ${roleDescription(state.user)}`,
      ),
      withAttributes(element('span', { textContent: ' · ' }), { 'aria-hidden': 'true' }),
      element('button', {
        type: 'button',
        className: 'link-button',
        textContent: 'Abmelden',
        onclick: () => void submitLogout(),
      }),
    );
  } else {
    account.replaceChildren(loginButton());
  }
  if (change === 'expired') showNotice(SESSION_EXPIRED, 'alert', true);
  else if (change === 'logout') showNotice('Sie sind abgemeldet.', 'info');
  else if (change === 'login') clearNotice();
}

export function initAccount() {
  loginForm().addEventListener('submit', (event) => void submitLogin(event));
  byId('login-cancel').addEventListener('click', () => dialog().close());
  onSessionChange(renderAccount);
}
