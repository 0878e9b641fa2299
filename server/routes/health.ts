import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: {
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            // Whether figures are read from the monthly pre-aggregation (`current`) or, for
            // now, computed from the case rows (`stale`, `rebuilding`): the same numbers.
            monthly_figures: Type.Union([
              Type.Literal('current'),
              Type.Literal('stale'),
              Type.Literal('rebuilding'),
            ]),
          }),
        },
      },
    },
    async () => {
      await app.database.alive();
      return { status: 'ok' as const, monthly_figures: app.monthlyFigures.state };
    },
  );
};

export default health;
