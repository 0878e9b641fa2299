// How every figure route discloses: the audience a request is answered for and, for a whole
// district, its audited headline figures; and the work that depends on the data alone (how
// far the exports reach, the directory's categories), done once per data version. Shared by
// the figure routes (indicators.ts) and the interim report's one request (interim-report.ts),
// so that both answer through the same protection (indicators/disclosed.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { disclosureAudience } from '../accounts/caller.ts';
import { closingsWithheld } from '../disclosure/closings-floor.ts';
import { headlineFor } from '../disclosure/headline-audit.ts';
import { dataAsOf } from '../indicators/case-facts.ts';
import { directoryCategories } from '../indicators/dimensions.ts';
import type { Disclosure } from '../indicators/disclosed.ts';
import type { CountOptions } from '../indicators/figures.ts';
import { HEADLINE_INDICATORS } from '../reports/content.ts';
import { filtersOf } from './figure-scope.ts';

export interface FigureScope {
  district: string | undefined;
  provider?: string | undefined;
  municipality?: string | undefined;
}

export function figureDisclosure(app: FastifyInstance) {
  const { config } = app;
  const db = () => app.database.db;
  return {
    /** The audience of a request and, for a whole district, its audited headline figures. */
    async disclosureOf(request: FastifyRequest, scope: FigureScope): Promise<Disclosure> {
      const audience = disclosureAudience(request.caller, scope, config.district);
      // The audit's result depends only on the data and the audience: once per data version.
      const headline = await app.figureCache.memo(
        request,
        `headline:${JSON.stringify([scope.district, scope.provider, scope.municipality, audience])}`,
        () => headlineFor(db(), scope, audience, config.disclosure, HEADLINE_INDICATORS),
      );
      const closings =
        audience === 'internal'
          ? []
          : await app.figureCache.memo(request, `closings:${scope.district ?? 'all'}`, () =>
              closingsWithheld(db(), scope.district, config.disclosure.minDenominator),
            );
      return { audience, rules: config.disclosure, headline, closingsWithheld: closings };
    },
    /** Once per data version and scope, not once per request. */
    asOfOnce: (request: FastifyRequest, scope: FigureScope) =>
      app.figureCache.memo(
        request,
        `data_as_of:${JSON.stringify([scope.district, scope.provider, scope.municipality])}`,
        () => dataAsOf(db(), scope),
      ),
    /** The filters checked against the directory, once per data version. */
    filtersOf: (request: FastifyRequest, query: Parameters<typeof filtersOf>[2]) =>
      app.figureCache.memo(
        request,
        `filters:${JSON.stringify([query.district, query.provider, query.municipality])}`,
        () => filtersOf(db(), config.district, query),
      ),
    /** Whether the monthly figures cover a scope and date: asked once per data version. */
    countsOf: async (request: FastifyRequest): Promise<CountOptions> => ({
      coverage: await app.figureCache.memo(request, 'coverage', async () => new Map()),
      // The coverage is kept for every request of the version: not stopped with one of them.
      lookups: db(),
    }),
    directoryOf: (request: FastifyRequest, district: string | undefined) =>
      app.figureCache.memo(request, `directory:${district ?? 'all'}`, () =>
        directoryCategories(db(), district),
      ),
  };
}
