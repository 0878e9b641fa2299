// The interim report as the server rendered it, made interactive without drawing it again:
// each figure's download buttons (from the figure's data-download: its title, Stand and
// table, as figureFrame wrote them; figure-downloads.ts) and the press sentences' copy buttons (#press-kit).
import { copyOnClick } from '../copy.ts';
import {
  chartDownloads,
  type DownloadMeta,
  type DownloadTable,
  tableDownloads,
} from '../downloads/index.ts';
import { hydrateEmbedControls } from '../embed-button.ts';
import { downloadData } from '../figure-downloads.ts';

/** Makes the figures and press sentences inside `root` interactive, once. */
export function hydrateReport(root: HTMLElement) {
  if (root.dataset.hydrated === 'true') return;
  root.dataset.hydrated = 'true';
  for (const figure of root.querySelectorAll<HTMLElement>('figure[data-download]')) {
    const { meta, table } = downloadData<{ meta: DownloadMeta; table: DownloadTable }>(figure);
    const chart = figure.children[1];
    const [chartRow, tableRow] = figure.querySelectorAll(':scope > .downloads');
    if (!chart || !chartRow || !tableRow) continue;
    chartRow.replaceWith(chartDownloads(chart, meta));
    tableRow.replaceWith(tableDownloads(table, meta));
  }
  hydrateEmbedControls(root);
  // The interim report's #press-kit, or a published report's press section.
  const kit =
    root.querySelector<HTMLElement>('#press-kit') ??
    root.querySelector<HTMLElement>('.copy-status')?.parentElement;
  const status = kit?.querySelector<HTMLElement>('.copy-status');
  if (!kit || !status) return;
  const sentences = [...kit.querySelectorAll<HTMLElement>('.sentences .sentence')];
  for (const item of kit.querySelectorAll<HTMLElement>('.sentences li')) {
    const button = item.querySelector('button');
    const sentence = item.querySelector('.sentence');
    if (button && sentence) copyOnClick(button, () => sentence.textContent ?? '', status);
  }
  const all = kit.querySelector<HTMLElement>(':scope > button');
  if (all)
    copyOnClick(all, () => sentences.map((sentence) => sentence.textContent).join(' '), status);
}
