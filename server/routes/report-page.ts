// The interim report's page, rendered on the server for its address (`/?stichtag=…&
// beendet_bis=…`): the built page (dist/index.html) with tiles, press sentences and every
// chart as SVG with its table, drawn by the browser's own code (web/pages/report.ts, with
// Observable Plot) on a DOM from jsdom. Complete and readable without JavaScript; the script
// then only adds what is interactive (web/pages/report-hydrate.ts). The figures come from
// interimReportFigures, through the figure routes' disclosure, for whoever asks; the answer
// is cached by data version like every figure answer (figure-cache.ts: ETag, 304).

import type { FastifyPluginAsync } from 'fastify';
import type { InterimReportResponse } from '../../web/pages/report.ts';
import { drawOnDom } from './dom-globals.ts';
import { interimReportFigures, pageDates } from './interim-report.ts';

/** Draws a report into a copy of the page; from loadReportRenderer. */
export type ReportRenderer = (report: InterimReportResponse) => string;

/**
 * The renderer for `template` (the built page). Loads jsdom and the page's drawing code
 * (with Plot), which takes seconds on a busy machine: the app (app.ts) asks for it on the
 * first page request or a while after the start, so that the start never waits for it.
 */
export async function loadReportRenderer(template: string): Promise<ReportRenderer> {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const { drawReport } = await import('../../web/pages/report.ts');
  const { moveDownloadData } = await import('../../web/figure-downloads.ts');
  const { dateFieldsAsText } = await import('../../web/dom.ts');
  return (report) => {
    // jsdom's CSS parser knows no @page margin boxes (the print head): its complaints are dropped.
    const dom = new JSDOM(template, { virtualConsole: new VirtualConsole() });
    drawOnDom(dom, () => drawReport(report));
    // The downloads' data after the content, not in the figures (figure-downloads.ts).
    moveDownloadData(dom.window.document);
    // Date fields as text fields until the script runs (web/dom.ts; the page's own already are).
    dateFieldsAsText(dom.window.document);
    return dom.serialize();
  };
}

const reportPage: FastifyPluginAsync<{ renderer: () => Promise<ReportRenderer> }> = async (
  app,
  { renderer },
) => {
  app.get(
    '/',
    {
      config: { access: 'public', figureCache: true },
      schema: { hide: true },
    },
    async (request, reply) => {
      const report = await interimReportFigures(
        app,
        request,
        pageDates(request.query as Record<string, unknown>),
      );
      return reply
        .type('text/html; charset=utf-8')
        .send((await renderer())(report as unknown as InterimReportResponse));
    },
  );
};

export default reportPage;
