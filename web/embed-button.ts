// The "Einbetten" button under each chart of the live report: copies an iframe snippet for the
// chart's embed page (/einbetten/<id>?date=…, server/routes/embed-page.ts), so that the
// district can show the chart on its own website. Where the clipboard is refused, the snippet
// appears in a selected text area to copy by hand.
import { element, withAttributes } from './dom.ts';

/** The embed page of a chart on a day. */
export const embedPath = (chart: string, date: string) =>
  `/einbetten/${encodeURIComponent(chart)}?${new URLSearchParams({ date })}`;

/** How tall the frame is: the chart's height at the embed page's width and its text around. */
const frameHeight = (figure: HTMLElement) => {
  const svg = figure.querySelector('svg');
  const height = Number(svg?.getAttribute('height')) || 300;
  return Math.round(height + 190);
};

const escapeAttribute = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** The iframe snippet for `figure`'s chart `chart` on `date`, served from `origin`. */
export function embedSnippet(origin: string, chart: string, date: string, figure: HTMLElement) {
  const title = figure.querySelector('figcaption')?.firstChild?.textContent?.trim() || chart;
  return `<iframe src="${escapeAttribute(origin + embedPath(chart, date))}" title="${escapeAttribute(title)}" width="100%" height="${frameHeight(figure)}" style="border:0"></iframe>`;
}

/** The button row "Einbetten" for the chart `chart` on `date`, drawn in `figure`. */
export function embedControl(chart: string, date: string, figure: HTMLElement): HTMLElement {
  const status = withAttributes(element('span', { className: 'download-status' }), {
    role: 'status',
  });
  const button = withAttributes(
    element('button', { type: 'button', className: 'embed-button', textContent: 'Einbetten' }),
    { 'aria-label': 'Einbetten: HTML-Code zum Einbetten der Grafik kopieren' },
  );
  const row = element('div', { className: 'downloads embed-row' }, button, status);
  row.dataset.embed = JSON.stringify({ chart, date });
  button.addEventListener('click', async () => {
    const snippet = embedSnippet(window.location.origin, chart, date, figure);
    row.querySelector('textarea')?.remove();
    try {
      await navigator.clipboard.writeText(snippet);
      status.textContent = 'HTML-Code zum Einbetten kopiert.';
    } catch {
      const area = withAttributes(
        element('textarea', { value: snippet, readOnly: true, className: 'embed-snippet' }),
        { 'aria-label': 'HTML-Code zum Einbetten', rows: '3' },
      );
      row.append(area);
      area.focus();
      area.select();
      status.textContent =
        'Kopieren nicht erlaubt: Der Code ist markiert, bitte mit Strg+C kopieren.';
    }
  });
  return row;
}

/** Makes the server-drawn embed rows inside `root` work (see report-hydrate.ts). */
export function hydrateEmbedControls(root: HTMLElement) {
  for (const row of root.querySelectorAll<HTMLElement>('.embed-row[data-embed]')) {
    const figure = row.closest('figure');
    if (!figure) continue;
    const { chart, date } = JSON.parse(row.dataset.embed as string) as {
      chart: string;
      date: string;
    };
    row.replaceWith(embedControl(chart, date, figure));
  }
}
