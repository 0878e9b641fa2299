import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SessionState } from '../../contract/api.ts';
import { endSession } from '../accounts/accounts.ts';
import { audienceOf, type Caller } from '../accounts/caller.ts';
import { logIn } from '../accounts/login.ts';
import { MAX_PASSWORD_LENGTH } from '../accounts/secrets.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { clearSessionCookie, setSessionCookie } from '../plugins/auth.ts';
import { ProblemError } from '../plugins/errors.ts';

function sessionState(caller: Caller) {
  if (caller.kind === 'anonymous')
    return {
      authenticated: false,
      user: null,
      via: null,
      audience: audienceOf(caller),
      csrf_token: null,
      expires_at: null,
    };
  return {
    authenticated: true,
    user: { name: caller.name, role: caller.role, provider: caller.provider },
    via: caller.kind === 'session' ? ('cookie' as const) : ('token' as const),
    audience: audienceOf(caller),
    csrf_token: caller.kind === 'session' ? caller.csrfToken : null,
    expires_at: caller.kind === 'session' ? caller.expiresAt.toISOString() : null,
  };
}

const session: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;

  app.get(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: { response: { 200: SessionState } },
    },
    async (request) => sessionState(request.caller),
  );

  app.post(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionState },
      },
    },
    async (request, reply) => {
      const result = await logIn(app.database.db, config, {
        name: request.body.name,
        password: request.body.password,
        source: request.ip,
      });
      if (result.outcome === 'throttled') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        throw new ProblemError(
          429,
          'Zu viele Versuche',
          `Zu viele fehlgeschlagene Anmeldungen. Bitte in ${Math.ceil(result.retryAfterSeconds / 60)} Minuten erneut versuchen.`,
        );
      }
      if (result.outcome === 'invalid')
        throw new ProblemError(
          401,
          'Nicht angemeldet',
          'Name oder Passwort stimmen nicht, oder das Konto ist gesperrt.',
        );
      // A session the browser still held ends with the new login.
      if (request.sessionSecret) await endSession(app.database.db, request.sessionSecret);
      setSessionCookie(request, reply, result.session.secret, config.sessions.maxHours * 3600);
      return sessionState({
        kind: 'session',
        userId: result.user.id,
        name: result.user.name,
        role: result.user.role as Extract<Caller, { kind: 'session' }>['role'],
        provider: result.user.provider,
        csrfToken: result.session.csrfToken,
        expiresAt: new Date(
          Math.min(
            result.session.expiresAt.getTime(),
            Date.now() + config.sessions.idleMinutes * 60_000,
          ),
        ),
      });
    },
  );

  app.delete('/api/v1/session', { config: { access: 'public' } }, async (request, reply) => {
    const { caller } = request;
    if (request.sessionSecret && caller.kind === 'session') {
      await endSession(app.database.db, request.sessionSecret);
      await recordAudit(app.database.db, {
        actor: caller.name,
        actorRole: caller.role,
        action: 'logout',
        target: caller.name,
        source: request.ip,
      });
    }
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });
};

export default session;
