// Builds the Fastify application; main.ts only listens. Tests build it and call inject().
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connect.ts';
import authPlugin from './plugins/auth.ts';
import configPlugin from './plugins/config.ts';
import databasePlugin from './plugins/database.ts';
import errorsPlugin from './plugins/errors.ts';
import figureCachePlugin from './plugins/figure-cache.ts';
import headlineWarmup from './plugins/headline-warmup.ts';
import monthlyFiguresPlugin, { type MonthlyFiguresOptions } from './plugins/monthly-figures.ts';
import rateLimitPlugin from './plugins/rate-limit.ts';
import securityHeaders from './plugins/security-headers.ts';
import audit from './routes/audit.ts';
import definitions from './routes/definitions.ts';
import embedPage from './routes/embed-page.ts';
import funding from './routes/funding.ts';
import health from './routes/health.ts';
import imports from './routes/imports.ts';
import indicators from './routes/indicators.ts';
import interimReport from './routes/interim-report.ts';
import openapi from './routes/openapi.ts';
import pages from './routes/pages.ts';
import quality from './routes/quality.ts';
import reportPage, { loadReportRenderer, type ReportRenderer } from './routes/report-page.ts';
import reports from './routes/reports.ts';
import session from './routes/session.ts';
import tokens from './routes/tokens.ts';

export const WEB_DIST = resolve(import.meta.dirname, '../dist');
/** How long after the start the report page's renderer is loaded if no page asked for it. */
const RENDERER_WARM_UP_MS = 30_000;

export interface AppOptions {
  config: Config;
  /** An open database to use (tests); otherwise opened from the configuration. */
  database?: DatabaseHandle;
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built front end; served when it exists. */
  webDist?: string;
  /** How stale monthly figures are rebuilt (by default in the background once ready). */
  monthlyFigures?: MonthlyFiguresOptions;
}

export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: options.config.trustProxy,
    // A body field the schema does not name is an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(configPlugin, { config: options.config });
  await app.register(errorsPlugin);
  await app.register(securityHeaders);
  await app.register(rateLimitPlugin);
  await app.register(databasePlugin, { handle: options.database });
  await app.register(monthlyFiguresPlugin, options.monthlyFigures ?? {});
  await app.register(authPlugin);
  await app.register(figureCachePlugin);
  await app.register(headlineWarmup);
  // Before the routes: @fastify/swagger documents the routes registered after it.
  await app.register(openapi);
  await app.register(multipart);
  await app.register(health);
  await app.register(session);
  await app.register(indicators);
  await app.register(interimReport);
  await app.register(definitions);
  await app.register(funding);
  await app.register(imports);
  await app.register(quality);
  await app.register(reports);
  await app.register(tokens);
  await app.register(audit);
  await app.register(embedPage);

  const webDist = options.webDist ?? WEB_DIST;
  if (existsSync(resolve(webDist, 'index.html'))) {
    // The interim report at `/` is rendered with its figures (report-page.ts); the page
    // file itself stays reachable for the other pages' addresses. The renderer (jsdom, Plot:
    // seconds of loading on a busy machine) is loaded by the first page request, or once the
    // server has run for a while, never during the start.
    const template = readFileSync(resolve(webDist, 'index.html'), 'utf8');
    let loading: Promise<ReportRenderer> | undefined;
    const renderer = () => {
      if (!loading) {
        const started = loadReportRenderer(template);
        loading = started;
        started.catch(() => {
          if (loading === started) loading = undefined;
        });
      }
      return loading;
    };
    let warmUp: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      warmUp = setTimeout(() => renderer().catch(() => {}), RENDERER_WARM_UP_MS);
      warmUp.unref();
    });
    app.addHook('onClose', async () => clearTimeout(warmUp));
    await app.register(reportPage, { renderer });
    // Erkunden, Verlauf and published reports at addresses of their own, rendered too.
    await app.register(pages, { template });
    await app.register(fastifyStatic, {
      root: webDist,
      index: false,
      // Built assets carry their content's hash in the name: cached for good; the rest
      // (the page file, the icon) asked again each time.
      cacheControl: false,
      // The build writes each script, stylesheet and page file beside itself as `.br` and
      // `.gz` (vite.config.ts): a browser that takes Brotli or gzip gets that file, with
      // `Content-Encoding`, and `Vary` tells shared caches that the answer depends on it.
      preCompressed: true,
      setHeaders: (response, path) => {
        response.setHeader(
          'cache-control',
          /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        response.setHeader('vary', 'Accept-Encoding');
      },
    });
  }
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
