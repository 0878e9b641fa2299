// API tokens for scripts: created and revoked by an admin; the secret is shown once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiToken, NewToken } from '../../contract/api.ts';
import { AccountError, createToken, listTokens, revokeToken } from '../accounts/accounts.ts';
import { actorName, auditActor } from '../accounts/caller.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ProblemError } from '../plugins/errors.ts';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

const tokens: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const db = () => app.database.db;

  app.get(
    '/api/v1/tokens',
    {
      config: { access: ['admin'] },
      schema: { response: { 200: Type.Object({ tokens: Type.Array(ApiToken) }) } },
    },
    async () => ({
      tokens: (await listTokens(db(), config.district)).map((token) => ({
        ...token,
        created_at: token.created_at.toISOString(),
        expires_at: iso(token.expires_at),
        revoked_at: iso(token.revoked_at),
        last_used_at: iso(token.last_used_at),
      })),
    }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { access: ['admin'] },
      schema: {
        body: NewToken,
        response: { 201: Type.Object({ token: ApiToken, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { name, role, provider, expires_on } = request.body;
      // A token given a day runs to the end of that day (server time).
      const expiresAt = expires_on ? new Date(`${expires_on}T23:59:59`) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime()))
        throw new ProblemError(
          400,
          'Ungültige Anfrage',
          `Feld „expires_on“: ${expires_on} ist kein Datum.`,
        );
      try {
        const token = await createToken(db(), {
          district: config.district,
          name: name.trim(),
          role,
          provider,
          expiresAt,
          createdBy: actorName(request.caller) ?? 'unbekannt',
        });
        await recordAudit(db(), {
          ...auditActor(request.caller),
          action: 'token_created',
          target: `${token.name} (${token.prefix}…)`,
          source: request.ip,
          detail: { role, provider: provider ?? null, expires_at: iso(token.expires_at) },
        });
        const { secret, ...stored } = token;
        return reply.status(201).send({
          token: {
            ...stored,
            created_at: stored.created_at.toISOString(),
            expires_at: iso(stored.expires_at),
            revoked_at: null,
            last_used_at: null,
          },
          secret,
        });
      } catch (error) {
        if (error instanceof AccountError)
          throw new ProblemError(400, 'Ungültige Anfrage', error.message);
        throw error;
      }
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: ['admin'] },
      schema: { params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }) },
    },
    async (request, reply) => {
      const revoked = await revokeToken(db(), config.district, request.params.id);
      if (!revoked)
        throw new ProblemError(
          404,
          'Nicht gefunden',
          `Ein Token mit der Nummer ${request.params.id} gibt es nicht.`,
        );
      await recordAudit(db(), {
        ...auditActor(request.caller),
        action: 'token_revoked',
        target: `${revoked.name} (${revoked.prefix}…)`,
        source: request.ip,
      });
      return reply.status(204).send();
    },
  );
};

export default tokens;
