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

/**
 * Date and month fields as the server sends them: text fields (JJJJ-MM-TT, JJJJ-MM), marked
 * `data-date` (`data-date="month"` for a month), which `dateFieldsAsDates` makes date fields
 * again once the script runs. Chromium builds a date field's picker while it parses, before
 * the parser reaches the charts below it: 50 to 90 ms of the first chart on the interim
 * report (docs/benchmarks.md, 06.12.2026). Without the script the text fields take the dates
 * as the address does; their label stays, the title says what to type.
 */
export function dateFieldsAsText(root: ParentNode) {
  for (const input of root.querySelectorAll<HTMLInputElement>(
    'input[type="date"], input[type="month"]',
  )) {
    const month = input.type === 'month';
    input.setAttribute('data-date', month ? 'month' : '');
    input.type = 'text';
    input.pattern = month ? '\\d{4}-\\d{2}' : '\\d{4}-\\d{2}-\\d{2}';
    input.setAttribute('inputmode', 'numeric');
    input.placeholder = month ? 'JJJJ-MM' : 'JJJJ-MM-TT';
    input.title = month
      ? 'Monat als JJJJ-MM, z. B. 2021-01'
      : 'Datum als JJJJ-MM-TT, z. B. 2021-01-01';
  }
}

/** The fields `dateFieldsAsText` (or the page, web/index.html) sent as text: date fields. */
export function dateFieldsAsDates(root: ParentNode) {
  for (const input of root.querySelectorAll<HTMLInputElement>('input[data-date]'))
    input.type = input.dataset.date === 'month' ? 'month' : 'date';
}
