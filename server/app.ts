// Builds the Fastify application; main.ts only listens. Tests build it and call inject().
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connect.ts';
import configPlugin from './plugins/config.ts';
import databasePlugin from './plugins/database.ts';
import errorsPlugin from './plugins/errors.ts';
import health from './routes/health.ts';
import imports from './routes/imports.ts';
import indicators from './routes/indicators.ts';

export const WEB_DIST = resolve(import.meta.dirname, '../dist');

export interface AppOptions {
  config: Config;
  /** An open database to use (tests); otherwise opened from the configuration. */
  database?: DatabaseHandle;
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built front end; served when it exists. */
  webDist?: string;
}

export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(configPlugin, { config: options.config });
  await app.register(errorsPlugin);
  await app.register(databasePlugin, { handle: options.database });
  await app.register(multipart);
  await app.register(health);
  await app.register(indicators);
  await app.register(imports);

  const webDist = options.webDist ?? WEB_DIST;
  if (existsSync(resolve(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, index: 'index.html' });
  }
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
