// What a figure's download buttons need (title, Stand, table) is written on the figure as
// data-download when it is drawn. In a page the server renders it is moved out of the
// figures into one JSON block after the content (#figure-downloads, a data block that is
// never run): the HTML before and around the charts carries no escaped JSON, and the script
// finds it there when it adds the buttons (report-hydrate.ts, choice-hydrate.ts).
const BLOCK_ID = 'figure-downloads';

/** Moves every figure's data-download of `document` into the block (on the server). */
export function moveDownloadData(document: Document) {
  const figures = [...document.querySelectorAll<HTMLElement>('figure[data-download]')];
  if (figures.length === 0) return;
  const data = figures.map((figure, index) => {
    const raw = figure.dataset.download as string;
    figure.dataset.download = String(index);
    return JSON.parse(raw) as unknown;
  });
  const block = document.createElement('script');
  block.type = 'application/json';
  block.id = BLOCK_ID;
  // No "</script>" can end the block early.
  block.textContent = JSON.stringify(data).replaceAll('<', '\\u003c');
  const scripts = document.body.querySelector('script[type="module"]');
  document.body.insertBefore(block, scripts);
}

/** The block of a document, read once (a page has one; every figure points into it). */
const blocks = new WeakMap<Document, unknown[]>();

/** A figure's download data: on the figure, or in the block the server wrote. */
export function downloadData<T>(figure: HTMLElement): T {
  const raw = figure.dataset.download as string;
  if (!/^\d+$/.test(raw)) return JSON.parse(raw) as T;
  const document = figure.ownerDocument;
  let data = blocks.get(document);
  if (!data) {
    data = JSON.parse(document.getElementById(BLOCK_ID)?.textContent ?? '[]') as unknown[];
    blocks.set(document, data);
  }
  return data[Number(raw)] as T;
}
