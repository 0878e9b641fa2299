// The running head of every printed page: what the document is and its Stand. Chromium
// prints CSS @page margin boxes; their text is set here as the page changes, the page
// numbers ("Seite 2 von 5") come from style.css.

const HEAD_ID = 'print-head';

/** A CSS string literal: quotes, backslashes and line breaks escaped. */
export const cssString = (text: string) =>
  `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, ' ')}"`;

/** The rule that puts `text` at the top of every printed page. */
export const printHeadRule = (text: string) =>
  `@page { @top-left { content: ${cssString(text)}; } }`;

/** Sets the running head for printing the page now on screen. */
export function setPrintHead(text: string) {
  let style = document.getElementById(HEAD_ID);
  if (!style) {
    style = Object.assign(document.createElement('style'), { id: HEAD_ID });
    document.head.append(style);
  }
  style.textContent = printHeadRule(text);
}
