import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => {
      await sql`SELECT 1`.execute(app.database.db);
      return { status: 'ok' as const };
    },
  );
};

export default health;
