// Placeholder until the page is built (issue #6).
import { element } from '../dom.ts';
import type { PageRoute } from '../main.ts';

export function showPublished(container: HTMLElement, { focus }: PageRoute) {
  const heading = element('h2', { textContent: 'Veröffentlichte Berichte', tabIndex: -1 });
  container.replaceChildren(heading);
  if (focus) heading.focus();
}
