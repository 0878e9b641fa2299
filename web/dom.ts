// Small helpers to build the page from code: no HTML strings, so no markup from data.

export const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** Attributes without a DOM property in every browser (role, aria-*). */
export function withAttributes<T extends Element>(node: T, attributes: Record<string, string>): T {
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

export const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** A table cell that narrow screens show as "label: value" (see .records in style.css). */
export const cell = (label: string, ...children: (Node | string)[]) => {
  const td = element('td', {}, ...children);
  td.dataset.label = label;
  return td;
};

/** A labelled form control: the label names the control alone, not the options inside it. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  ...after: HTMLElement[]
) {
  return element(
    'div',
    { className: 'field' },
    element('label', { htmlFor: control.id, textContent: label }),
    control,
    ...after,
  );
}

/**
 * A wide table in a frame that scrolls sideways on narrow screens; the frame takes focus so
 * that keyboard users can scroll it too (WCAG 2.1.1), and is named after its table.
 */
export const tableFrame = (label: string, table: HTMLTableElement) =>
  withAttributes(element('div', { className: 'table-frame', tabIndex: 0 }, table), {
    role: 'region',
    'aria-label': label,
  });

export type DataLinks = { json: string; csv: string; arrow: string };

/** "Daten: JSON · CSV · Arrow": the figures on screen, from the URLs the page read them from. */
export const dataLinks = (links: DataLinks, tag: 'p' | 'span' = 'p') =>
  element(
    tag,
    { className: 'links' },
    'Daten: ',
    element('a', { href: links.json, textContent: 'JSON' }),
    ' · ',
    element('a', { href: links.csv, textContent: 'CSV' }),
    ' · ',
    element('a', { href: links.arrow, textContent: 'Arrow' }),
  );
