// The interim report's figures in one answer: the tiles' indicators on both dates with the
// year before, the breakdowns it charts and the caseload's trend, as contract/interim-report.ts
// declares them. Each part goes through the same disclosure as its own figure route
// (figure-disclosure.ts, indicators/disclosed.ts) for the caller's audience, so this answer
// holds exactly what the five requests it replaces would have held. Computed once per data
// version, dates and caller's role and provider (app.figureCache.memo), and shared by the
// API's answer, the report page (report-page.ts) and the embed pages (embed-page.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { InterimReportAnswer, IsoDate } from '../../contract/api.ts';
import { BREAKDOWN_CHARTS, DEFAULT_DATES, TREND } from '../../contract/interim-report.ts';
import { audienceOf, roleOf } from '../accounts/caller.ts';
import { rulesFor } from '../disclosure/disclose.ts';
import { parseDate, yearEarlier } from '../import/validate.ts';
import type { DimensionId } from '../indicators/dimensions.ts';
import { discloseBreakdown, discloseIndicators, discloseSeries } from '../indicators/disclosed.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { trendPoints } from '../reports/content.ts';
import { figureDisclosure } from './figure-disclosure.ts';
import { reportingDate } from './indicators.ts';

export const INTERIM_REPORT_PATH = '/api/v1/interim-report';

/** The report's dates from a page address: a date that is none falls back to the default. */
export function pageDates(query: { stichtag?: unknown; beendet_bis?: unknown }) {
  const read = (name: keyof typeof DEFAULT_DATES) => {
    const value = query[name];
    return (typeof value === 'string' && parseDate(value)) || DEFAULT_DATES[name];
  };
  return { stichtag: read('stichtag'), beendetBis: read('beendet_bis') };
}

type ReportDates = { stichtag: string; beendetBis: string };

/**
 * The figures of the interim report for the caller of `request`, on the district's page:
 * computed once per data version, dates and what of the caller they depend on (the role, and
 * a provider's code: disclosureAudience), for every route that shows them. Not to be changed.
 */
export function interimReportFigures(
  app: FastifyInstance,
  request: FastifyRequest,
  dates: ReportDates,
): ReturnType<typeof computeFigures> {
  const caller = request.caller;
  const who = [roleOf(caller), caller.kind === 'anonymous' ? null : caller.provider];
  return app.figureCache.memo(
    request,
    `interim-report:${JSON.stringify([who, dates.stichtag, dates.beendetBis])}`,
    () => computeFigures(app, request, dates),
  );
}

async function computeFigures(
  app: FastifyInstance,
  request: FastifyRequest,
  { stichtag, beendetBis }: ReportDates,
) {
  const db = app.database.db;
  const { disclosureOf, asOfOnce, directoryOf, filtersOf, countsOf } = figureDisclosure(app);
  const filters = await filtersOf(request, {});
  const counts = await countsOf(request);
  const indicatorsOn = async (date: string) => {
    const scope = { ...filters, date, periodFrom: `${date.slice(0, 4)}-01-01` };
    const disclosure = await disclosureOf(request, scope);
    const earlier = yearEarlier(date);
    return {
      date,
      indicators: await discloseIndicators(db, scope, disclosure, counts),
      comparison: {
        date: earlier,
        indicators: await discloseIndicators(
          db,
          { ...scope, date: earlier, periodFrom: `${earlier.slice(0, 4)}-01-01` },
          disclosure,
          counts,
        ),
      },
    };
  };
  const caseload = await indicatorsOn(stichtag);
  const closed = await indicatorsOn(beendetBis);
  const onStichtag = { ...filters, date: stichtag, periodFrom: `${stichtag.slice(0, 4)}-01-01` };
  const disclosure = await disclosureOf(request, onStichtag);
  const directory = await directoryOf(request, filters.district);
  const breakdowns = [];
  for (const chart of BREAKDOWN_CHARTS) {
    const report = await discloseBreakdown(
      db,
      onStichtag,
      findIndicator(chart.indicator) as Indicator,
      chart.by as DimensionId,
      directory,
      disclosure,
      counts,
    );
    breakdowns.push({ indicator: chart.indicator, by: chart.by, ...report });
  }
  const points = trendPoints(stichtag);
  const trendIndicator = findIndicator(TREND.indicator) as Indicator;
  const trend =
    points.length === 0
      ? null
      : {
          indicator: trendIndicator.id,
          from: points[0]?.period as string,
          to: points.at(-1)?.period as string,
          points: (
            await discloseSeries(
              db,
              filters,
              trendIndicator,
              points,
              await disclosureOf(request, filters),
              counts,
            )
          ).map((point, i) => ({ period: points[i]?.period as string, ...point })),
        };
  return {
    stichtag,
    beendet_bis: beendetBis,
    district: filters.district ?? 'all',
    audience: audienceOf(request.caller),
    rules: rulesFor(disclosure.audience, app.config.disclosure),
    data_as_of: await asOfOnce(request, filters),
    caseload,
    closed,
    breakdowns,
    trend,
  };
}

const interimReport: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    INTERIM_REPORT_PATH,
    {
      config: { access: 'public', figureCache: true },
      schema: {
        querystring: Type.Object({ stichtag: IsoDate, beendet_bis: IsoDate }),
        response: { 200: InterimReportAnswer },
      },
    },
    async (request) =>
      interimReportFigures(app, request, {
        stichtag: reportingDate(request.query.stichtag, 'stichtag'),
        beendetBis: reportingDate(request.query.beendet_bis, 'beendet_bis'),
      }),
  );
};

export default interimReport;
