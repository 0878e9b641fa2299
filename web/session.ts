// Who the page is signed in as, and the CSRF token that goes with it. Pages ask here instead
// of keeping their own copy, and hear about every change (login, logout, expiry).
import { ROLE_LABELS } from '../contract/labels.ts';
import { ApiError, endSession, fetchSession, type SessionState, startSession } from './api.ts';

/** Why the session changed: `expired` when the server no longer knew a session we held. */
export type SessionChange = 'loaded' | 'login' | 'logout' | 'expired';

const ANONYMOUS: SessionState = Object.freeze({
  authenticated: false,
  user: null,
  via: null,
  audience: 'public',
  csrf_token: null,
  expires_at: null,
});

// The roles' German names are the server's (contract/labels.ts); the pages take them from here.
export { ROLE_LABELS };

export const SESSION_EXPIRED = 'Ihre Sitzung ist abgelaufen. Bitte neu anmelden.';

let state: SessionState = ANONYMOUS;
let loadedOnce = false;
/** Counts the changes, so an answer asked for before one is not taken after it. */
let changes = 0;
const listeners = new Set<(state: SessionState, change: SessionChange) => void>();

function change(next: SessionState, why: SessionChange) {
  changes += 1;
  state = next;
  for (const listener of listeners) listener(state, why);
}

export const currentSession = () => state;

export const isAdmin = () => state.authenticated && state.user?.role === 'admin';

export function onSessionChange(listener: (state: SessionState, change: SessionChange) => void) {
  listeners.add(listener);
}

/** "Landratsamt (Koordination)", or "Träger AWO" for a provider's account. */
export function roleDescription(user: NonNullable<SessionState['user']>): string {
  const role = ROLE_LABELS[user.role] ?? user.role;
  return user.provider ? `${role} ${user.provider}` : role;
}

/** Asks the server; a session we held that it no longer knows has expired. */
export async function loadSession(): Promise<SessionState> {
  const asked = changes;
  const next = await fetchSession();
  // Signed in or out while the answer was on its way: that answer is older than the state.
  if (asked !== changes) return state;
  const same =
    next.audience === state.audience &&
    next.user?.name === state.user?.name &&
    next.user?.role === state.user?.role;
  // Listeners re-render on a change; an unchanged answer must not start another round.
  if (same && loadedOnce) state = next;
  else change(next, state.authenticated && !next.authenticated ? 'expired' : 'loaded');
  loadedOnce = true;
  return state;
}

/** Throws ApiError with the server's message on a wrong password (401) or throttling (429). */
export async function logIn(name: string, password: string): Promise<SessionState> {
  const credentials = { name, password };
  let next: SessionState;
  try {
    next = await startSession(credentials, state.csrf_token);
  } catch (error) {
    // The browser holds a session this page does not know of (signed in in another tab):
    // the new login must carry that session's CSRF token.
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    const held = await fetchSession();
    if (!held.csrf_token || held.csrf_token === state.csrf_token) throw error;
    next = await startSession(credentials, held.csrf_token);
  }
  change(next, 'login');
  return state;
}

export async function logOut(): Promise<void> {
  await signedIn((csrf) => endSession(csrf));
  change(ANONYMOUS, 'logout');
}

/**
 * Runs a request as the signed-in user. A 401 means the server ended the session (idle,
 * too old, account disabled): the page switches to anonymous and says so. A 403 may mean
 * the CSRF token is stale because another tab signed in again: the request is retried once
 * with the token of the current session.
 */
export async function signedIn<T>(request: (csrfToken: string | null) => Promise<T>): Promise<T> {
  try {
    return await request(state.csrf_token);
  } catch (error) {
    if (!(error instanceof ApiError) || !state.authenticated) throw error;
    if (error.status === 401) {
      change(ANONYMOUS, 'expired');
      throw error;
    }
    if (error.status !== 403 || state.via !== 'cookie') throw error;
    const stale = state.csrf_token;
    const fresh = await loadSession();
    if (!fresh.authenticated) throw new ApiError(SESSION_EXPIRED, 401);
    if (fresh.csrf_token === stale) throw error;
    return request(fresh.csrf_token);
  }
}
