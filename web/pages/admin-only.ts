// The admin pages say plainly why they show nothing to anyone else.
import { openLogin } from '../account.ts';
import { element } from '../dom.ts';
import { currentSession, isAdmin, roleDescription } from '../session.ts';

/** True for an admin; otherwise fills `container` with the reason and a way to sign in. */
export function adminOnly(container: HTMLElement, title: string): boolean {
  if (isAdmin()) return true;
  const { user } = currentSession();
  const heading = element('h2', { textContent: title, tabIndex: -1 });
  container.replaceChildren(
    heading,
    ...(user
      ? [
          element('p', {
            className: 'status error',
            textContent: `Nur für die Koordination im Landratsamt. Sie sind angemeldet als ${user.name} (${roleDescription(user)}).`,
          }),
        ]
      : [
          element('p', {
            className: 'status',
            textContent: `Bitte melden Sie sich an: ${title} ist nur für die Koordination im Landratsamt sichtbar.`,
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
