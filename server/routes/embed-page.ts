// A chart of the interim report on its own page, for other websites to frame
// (`/einbetten/<chart>?date=YYYY-MM-DD`, like a newsroom's embedded chart): drawn by the
// report page's own code (web/pages/embed.ts, reportCharts) on a DOM from jsdom, complete
// without JavaScript. Always the public figures, whoever asks and whatever cookie the frame
// sends: the embedding site is public. Only these pages may be framed, and only by the
// origins in EMBED_ORIGINS (frame-ancestors); every other answer keeps 'none' / DENY.
//
// The figures are the report page's own answer (interimReportFigures, computed once per data
// version and dates): a chart's `date` is its day in the report (the Stichtag, or "beendet
// bis" for the lease chart), the other day the report's default, so that the page's embeds
// and the default report share one answer. Cached like every figure answer, by data version
// (figure-cache.ts, `figureCache: 'public'`): `ETag`, `Cache-Control: public, no-cache`, a
// repeat is a 304 and an import is seen at once.

import type { FastifyPluginAsync } from 'fastify';
import {
  AGE_CHART,
  BREAKDOWN_CHARTS,
  DEFAULT_DATES,
  LEASE_CHART,
  REPORT_NAME,
  TREND,
} from '../../contract/interim-report.ts';
import type { InterimReportResponse } from '../../web/pages/report.ts';
import { ANONYMOUS } from '../accounts/caller.ts';
import { parseDate } from '../import/validate.ts';
import { CONTENT_SECURITY_POLICY } from '../plugins/security-headers.ts';
import { drawOnDom } from './dom-globals.ts';
import { interimReportFigures } from './interim-report.ts';

export const EMBED_PREFIX = '/einbetten';

/** Every chart that can be embedded (the trend only where the date has month ends). */
const CHART_IDS: ReadonlySet<string> = new Set([
  AGE_CHART.id,
  TREND.id,
  ...BREAKDOWN_CHARTS.map((chart) => chart.id),
  LEASE_CHART.id,
]);

const notFound = (chart: string) => `Keine Grafik "${chart}" zum Einbetten.`;

type EmbedRenderer = (report: InterimReportResponse, chart: string) => string | null;

/** Loads jsdom and the drawing code (with Plot) once, on the first embed page asked for. */
async function loadEmbedRenderer(): Promise<EmbedRenderer> {
  const { JSDOM } = await import('jsdom');
  const { embedFigure, EMBED_STYLE } = await import('../../web/pages/embed.ts');
  return (report, chart) => {
    const dom = new JSDOM('<!doctype html><html lang="de"><head></head><body></body></html>');
    return drawOnDom(dom, () => {
      const drawn = embedFigure(report, chart);
      if (!drawn) return null;
      const document = dom.window.document;
      document.title = `${drawn.title}, ${drawn.stand} – ${REPORT_NAME}`;
      const meta = document.createElement('meta');
      meta.name = 'viewport';
      meta.content = 'width=device-width, initial-scale=1';
      const style = document.createElement('style');
      style.textContent = EMBED_STYLE;
      document.head.prepend(meta);
      document.head.append(style);
      const main = document.createElement('main');
      main.append(drawn.figure);
      document.body.append(main);
      return `<!doctype html>\n${document.documentElement.outerHTML.replace('<head>', '<head><meta charset="utf-8">')}`;
    });
  };
}

/** The CSP of an embed page: the site's, framed by `origins` only ('none' if empty). */
export const embedPolicy = (origins: readonly string[]) =>
  CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'",
    `frame-ancestors ${origins.length > 0 ? origins.join(' ') : "'none'"}`,
  );

const embedPage: FastifyPluginAsync = async (app) => {
  let loading: Promise<EmbedRenderer> | undefined;
  const renderer = () => {
    if (!loading) {
      const started = loadEmbedRenderer();
      loading = started;
      started.catch(() => {
        if (loading === started) loading = undefined;
      });
    }
    return loading;
  };
  const origins = app.config.embedOrigins;
  // After the site's security headers (an app-wide onSend hook, registered before this one).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', embedPolicy(origins));
    if (origins.length > 0) reply.removeHeader('x-frame-options');
  });
  app.get<{ Params: { chart: string }; Querystring: { date?: string } }>(
    `${EMBED_PREFIX}/:chart`,
    {
      config: { access: 'public', figureCache: 'public' },
      schema: { hide: true },
      // The public figures, whoever asks; set before the figure cache reads the caller.
      onRequest: async (request) => {
        request.caller = ANONYMOUS;
      },
    },
    async (request, reply) => {
      const chart = request.params.chart;
      if (!CHART_IDS.has(chart))
        return reply.code(404).type('text/plain; charset=utf-8').send(notFound(chart));
      const raw = request.query.date;
      const date = raw === undefined || raw === '' ? undefined : parseDate(raw);
      if (raw && !date) {
        return reply
          .code(400)
          .type('text/plain; charset=utf-8')
          .send(`Ungültiges Datum "${raw}": erwartet JJJJ-MM-TT.`);
      }
      const dates = {
        stichtag: (chart !== LEASE_CHART.id && date) || DEFAULT_DATES.stichtag,
        beendetBis: (chart === LEASE_CHART.id && date) || DEFAULT_DATES.beendet_bis,
      };
      const report = await interimReportFigures(app, request, dates);
      const html = (await renderer())(report as unknown as InterimReportResponse, chart);
      if (html === null)
        return reply.code(404).type('text/plain; charset=utf-8').send(notFound(chart));
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );
};

export default embedPage;
