// Erkunden and Verlauf as the server rendered them (server/routes/pages.ts), made interactive
// without drawing them again: the form changes the address in the browser (a history entry,
// so back returns to the previous choice), and the result's download buttons are built from
// the figure's data-download (what choiceResult wrote; figure-downloads.ts). No chart code here: this module is
// part of the entry chunk, and the page's own chunk (with Plot) loads only when a new choice
// is drawn.
import {
  chartDownloads,
  type DownloadMeta,
  type DownloadTable,
  tableDownloads,
} from '../downloads/index.ts';
import { downloadData } from '../figure-downloads.ts';
import { navigate } from '../navigate.ts';

/**
 * The address a choice form names: its action with its fields as the query. Verlauf's one
 * filter field ("traeger:AWO", "gemeinde:…") becomes the address's `traeger` or `gemeinde`.
 */
export function choiceAddress(form: HTMLFormElement): string {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== 'string' || value === '') continue;
    if (name === 'filter') {
      const [kind = '', key = ''] = value.split(':');
      if ((kind === 'traeger' || kind === 'gemeinde') && key) params.set(kind, key);
    } else params.set(name, value);
  }
  return `${form.getAttribute('action') ?? window.location.pathname}?${params}`;
}

/** Forms that submit in the browser: not a data attribute, which the server's HTML would carry. */
const submitting = new WeakSet<HTMLFormElement>();

/** Submitting the form shows the new choice in the browser, at its own address. */
export function submitInBrowser(form: HTMLFormElement) {
  if (submitting.has(form)) return;
  submitting.add(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // At once: the page's code may still have to load before it asks for the figures.
    const status = form.parentElement?.querySelector(':scope > [role="status"]');
    if (status) status.textContent = 'Wird geladen …';
    navigate(choiceAddress(form));
  });
}

/** Makes the form and the downloads of a server-rendered choice page interactive, once. */
export function hydrateChoice(container: HTMLElement) {
  const form = container.querySelector<HTMLFormElement>('form.choice');
  if (form) submitInBrowser(form);
  if (container.dataset.hydrated === 'true') return;
  container.dataset.hydrated = 'true';
  for (const figure of container.querySelectorAll<HTMLElement>('figure[data-download]')) {
    const { chart, table, rows } = downloadData<{
      chart: DownloadMeta;
      table: DownloadMeta;
      rows: DownloadTable;
    }>(figure);
    const svg = figure.children[1];
    const chartRow = figure.querySelector(':scope > .downloads');
    // The table's buttons follow the table, outside the figure.
    const tableRow = [...(figure.parentElement?.querySelectorAll(':scope > .downloads') ?? [])][0];
    if (svg && chartRow) chartRow.replaceWith(chartDownloads(svg, chart));
    if (tableRow) tableRow.replaceWith(tableDownloads(rows, table));
  }
}
