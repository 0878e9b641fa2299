// Who is calling, and may they: every API route declares its access in `config.access`, and
// a route without one cannot be registered. The caller comes from the session cookie or an
// API token; a state-changing request that the cookie authorises needs the session's CSRF
// token in the X-CSRF-Token header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sessionCaller, tokenCaller } from '../accounts/accounts.ts';
import { ANONYMOUS, type Caller, roleOf } from '../accounts/caller.ts';
import { sameSecret } from '../accounts/secrets.ts';
import type { Role } from '../db/types.ts';
import { ProblemError } from './errors.ts';

/** `public`: anyone; otherwise the roles that may call the route. */
export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every API route with its declared access: for tests and the documentation. */
    apiRoutes: ApiRoute[];
  }
  interface FastifyRequest {
    caller: Caller;
    /** The session secret from the cookie, when it names a live session. */
    sessionSecret: string | undefined;
  }
}

export interface ApiRoute {
  method: string;
  url: string;
  access: Access;
  /** Whether a request body is checked by a schema (JSON) or is a multipart upload. */
  bodyChecked: boolean;
}

export const SESSION_COOKIE = 'zb_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  maxAgeSeconds: number,
) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`,
  );
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  setSessionCookie(request, reply, '', 0);
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

const unauthorized = (detail: string) => new ProblemError(401, 'Nicht angemeldet', detail);
const forbidden = (detail: string) => new ProblemError(403, 'Keine Berechtigung', detail);

export default fp(
  async (app) => {
    const { config } = app;
    const db = () => app.database.db;

    // Fastify shares a decorator's initial value between requests: set per request below.
    app.decorateRequest('caller', null as never);
    app.decorateRequest('sessionSecret', undefined);

    const apiRoutes: ApiRoute[] = [];
    app.decorate('apiRoutes', apiRoutes);
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return;
      const access = route.config?.access;
      if (access === undefined)
        throw new Error(`Route ${route.method} ${route.url} declares no config.access.`);
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        apiRoutes.push({
          method,
          url: route.url,
          access,
          bodyChecked:
            route.schema?.body !== undefined ||
            ((route.schema as { consumes?: string[] } | undefined)?.consumes ?? []).includes(
              'multipart/form-data',
            ),
        });
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      request.caller = ANONYMOUS;
      const access = request.routeOptions.config.access;
      if (access === undefined) return;

      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer\s+(\S{1,200})$/i.exec(authorization);
        const caller = match?.[1] ? await tokenCaller(db(), match[1]) : undefined;
        if (!caller) {
          reply.header('www-authenticate', 'Bearer realm="zwischenbilanz"');
          throw unauthorized(
            'Das API-Token ist unbekannt, widerrufen oder abgelaufen. Bitte ein gültiges Token als „Authorization: Bearer …“ senden.',
          );
        }
        request.caller = caller;
      } else {
        const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
        if (secret && /^[A-Za-z0-9_-]{20,100}$/.test(secret)) {
          const caller = await sessionCaller(db(), secret, config.sessions);
          if (caller) {
            request.caller = caller;
            request.sessionSecret = secret;
          }
        }
      }

      const caller = request.caller;
      if (!SAFE_METHODS.has(request.method)) {
        // A form or script on another site must not act with this site's cookie.
        // Hosts are compared, not schemes: behind a proxy that ends TLS the server sees http.
        const origin = request.headers.origin;
        if (origin !== undefined && originHost(origin) !== request.host)
          throw forbidden(`Anfragen von ${origin} werden nicht angenommen.`);
        if (caller.kind === 'session') {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !sameSecret(sent, caller.csrfToken))
            throw forbidden(
              'Das CSRF-Token fehlt oder passt nicht zur Sitzung. Bitte die Seite neu laden.',
            );
        }
      }

      if (access === 'public') return;
      const role = roleOf(caller);
      if (role === null)
        throw unauthorized(
          'Bitte anmelden (POST /api/v1/session) oder ein API-Token als „Authorization: Bearer …“ senden.',
        );
      if (!access.includes(role))
        throw forbidden(`Die Rolle „${role}“ darf das nicht. Berechtigt: ${access.join(', ')}.`);
    });
  },
  { name: 'auth', dependencies: ['config', 'database', 'errors'] },
);
