// The pages for some roles only say plainly why they show nothing to anyone else.
import { openLogin } from '../account.ts';
import type { Role } from '../api.ts';
import { element } from '../dom.ts';
import { currentSession, roleDescription } from '../session.ts';

/** True for an admin; otherwise fills `container` with the reason and a way to sign in. */
export function adminOnly(container: HTMLElement, title: string): boolean {
  return onlyFor(container, title, ['admin'], 'die Koordination im Landratsamt');
}

/**
 * True for a signed-in user of one of `roles`; otherwise fills `container` with the reason
 * and a way to sign in. `who` names the roles for readers ("die Koordination im Landratsamt").
 */
export function onlyFor(
  container: HTMLElement,
  title: string,
  roles: readonly Role[],
  who: string,
): boolean {
  const { authenticated, user } = currentSession();
  if (authenticated && user && roles.includes(user.role)) return true;
  const heading = element('h2', { textContent: title, tabIndex: -1 });
  container.replaceChildren(
    heading,
    ...(user
      ? [
          element('p', {
            className: 'status error',
            textContent: `Nur für ${who}. Sie sind angemeldet als ${user.name} (${roleDescription(user)}).`,
          }),
        ]
      : [
          element('p', {
            className: 'status',
            textContent: `Bitte melden Sie sich an: ${title} ist nur für ${who} sichtbar.`,
          }),
          element('button', {
            type: 'button',
            className: 'button',
            textContent: 'Anmelden',
            onclick: openLogin,
          }),
        ]),
  );
  return false;
}
