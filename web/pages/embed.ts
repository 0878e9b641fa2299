// A chart of the live report on its own, for other websites to embed (/einbetten/<id>,
// server/routes/embed-page.ts renders it with this on a DOM from jsdom): title, Stand, the
// chart drawn at two widths (a CSS media query shows one), the notes, the source line and the
// chart's table for screen readers. Drawn by the report page's own code (reportChartDrawers),
// this chart only.

import { element } from '../dom.ts';
import { DEFAULT_SOURCE, WITHHELD_NOTE } from '../downloads/meta.ts';
import {
  type InterimReportResponse,
  liveChartIds,
  reportChartDrawers,
  reportChartsInput,
} from './report.ts';

/** The widths the chart is drawn at: the wide one above 420 px of frame, else the narrow. */
export const EMBED_WIDTHS = { wide: 600, narrow: 340 } as const;

export const EMBED_STYLE = `
body { margin: 0; padding: 8px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #fff; }
figure { margin: 0; }
figcaption { margin-bottom: 0.4rem; }
figcaption h1 { font-weight: 600; font-size: 1.05rem; margin: 0; }
figcaption .stand { display: block; font-weight: 400; font-size: 0.85rem; color: #4a4a4a; }
.embed-chart svg { max-width: 100%; height: auto; }
.embed-narrow { display: none; }
@media (max-width: 420px) { .embed-wide { display: none; } .embed-narrow { display: block; } }
.embed-note, .embed-source { font-size: 0.8rem; color: #4a4a4a; margin: 0.3rem 0 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** The chart `chartId` of `report` as an embed figure, with its title; null if there is none. */
export function embedFigure(
  report: InterimReportResponse,
  chartId: string,
): { title: string; stand: string; figure: HTMLElement } | null {
  const index = liveChartIds(report.trend !== null).indexOf(chartId);
  if (index < 0) return null;
  const input = reportChartsInput(report);
  const draw = (width: number) =>
    (reportChartDrawers({ ...input, width })[index] as () => HTMLElement)();
  const wide = draw(EMBED_WIDTHS.wide);
  const narrow = draw(EMBED_WIDTHS.narrow);
  const { meta } = JSON.parse(wide.dataset.download as string) as {
    meta: { title: string; stand: string; withheld?: boolean; notes?: string[] };
  };
  const caption = wide.querySelector('figcaption') as HTMLElement;
  // The title is the page's heading: the page is this chart alone.
  const title = caption.firstChild;
  if (title?.nodeType === 3)
    title.replaceWith(element('h1', { textContent: title.textContent ?? '' }));
  const chartOf = (figure: HTMLElement, className: string) =>
    element('div', { className: `embed-chart ${className}` }, figure.children[1] as Element);
  // Hidden by its wrapper: a table's own height is only its least.
  const table = element(
    'div',
    { className: 'visually-hidden' },
    wide.querySelector('table') as HTMLElement,
  );
  const notes = [...(meta.notes ?? []), ...(meta.withheld ? [WITHHELD_NOTE] : [])];
  const figure = element(
    'figure',
    { className: 'embed' },
    caption,
    chartOf(wide, 'embed-wide'),
    chartOf(narrow, 'embed-narrow'),
    table,
    ...notes.map((note) => element('p', { className: 'embed-note', textContent: note })),
    element('p', { className: 'embed-source', textContent: DEFAULT_SOURCE }),
  );
  return { title: meta.title, stand: meta.stand, figure };
}
