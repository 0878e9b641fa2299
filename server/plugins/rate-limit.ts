// Limits on the work one client can ask for (per address, in this process's memory): figure
// queries and uploads. Logins have their own, stricter throttle that survives a restart
// (accounts/login.ts). The limits are configuration (RATE_LIMIT_*; 0 switches one off, as a
// load benchmark on loopback needs). A refusal is a 429 problem that says when to try again.
import rateLimit from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from './errors.ts';

/**
 * Counts per address and group in fixed one-minute windows, shared by every route of a group
 * (the plugin's own store keeps one count per route, so five figure endpoints would allow
 * five times the limit). Old windows are dropped as the map grows.
 */
class GroupWindows {
  readonly #windows = new Map<string, { count: number; start: number }>();
  incr(
    key: string,
    done: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ) {
    const now = Date.now();
    let window = this.#windows.get(key);
    if (!window || window.start + timeWindow <= now) {
      if (this.#windows.size >= 10_000) {
        for (const [k, w] of this.#windows)
          if (w.start + timeWindow <= now) this.#windows.delete(k);
      }
      window = { count: 0, start: now };
      this.#windows.set(key, window);
    }
    window.count++;
    done(null, { current: window.count, ttl: window.start + timeWindow - now });
  }
  child() {
    return this;
  }
}

/** Which limit a route falls under, if any: figures are read, exports are uploaded. */
export function rateLimitGroup(route: Pick<RouteOptions, 'method' | 'url'>) {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const url = route.url ?? '';
  if (methods.includes('POST') && url === '/api/v1/imports') return 'uploads' as const;
  if (
    methods.includes('GET') &&
    /^\/api\/v1\/(indicators|funding|quality|interim-report)(\/|$)/.test(url)
  )
    return 'figures' as const;
  return undefined;
}

export default fp(
  async (app) => {
    const limits = app.config.rateLimits;
    app.addHook('onRoute', (route) => {
      const group = rateLimitGroup(route);
      if (!group || route.method === 'HEAD') return;
      const perMinute = limits[group];
      if (perMinute === 0) return;
      route.config = {
        ...(route.config as object),
        rateLimit: { max: perMinute, timeWindow: 60_000, groupId: group },
      } as typeof route.config;
    });
    await app.register(rateLimit, {
      global: false,
      store: GroupWindows,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new ProblemError(
          429,
          'Zu viele Versuche',
          `Von dieser Adresse kamen mehr als ${context.max} solche Anfragen in einer Minute. Bitte in ${Math.max(1, Math.ceil(context.ttl / 1000))} Sekunden wieder versuchen.`,
        ),
    });
  },
  { name: 'rate-limit', dependencies: ['config', 'errors'] },
);
