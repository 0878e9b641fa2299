// The database handle: opened (or handed in by tests), migrated, decorated once, closed
// with the app. A request's own queries go through `request.db`: when its client goes away
// before the answer is complete, they stop (connect.ts, `cancellable`).
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import type { Database } from '../db/types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
  }
  interface FastifyRequest {
    /** Aborted when the client goes away before the answer is complete. */
    readonly signal: AbortSignal;
    /** The database for this request's own work: stopped with `signal`. */
    readonly db: Kysely<Database>;
  }
}

export interface DatabasePluginOptions {
  /** An open handle to use instead of opening one from the configuration; not closed here. */
  handle?: DatabaseHandle | undefined;
}

/** Why a request's work stopped: its client closed the connection before the answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client went away before the answer was complete.');
    this.name = 'AbortError';
  }
}

const gone = new WeakSet<FastifyRequest>();
const controllers = new WeakMap<FastifyRequest, AbortController>();
const databases = new WeakMap<FastifyRequest, Kysely<Database>>();

/** Whether the request's client went away before its answer was complete. */
export const clientGone = (request: FastifyRequest) => gone.has(request);

function controllerOf(request: FastifyRequest): AbortController {
  let controller = controllers.get(request);
  if (!controller) {
    controller = new AbortController();
    if (gone.has(request)) controller.abort(new ClientGoneError());
    controllers.set(request, controller);
  }
  return controller;
}

export default fp<DatabasePluginOptions>(
  async (app, options) => {
    const { config } = app;
    const handle =
      options.handle ??
      (await openDatabase(
        config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
      ));
    const applied = await migrate(handle);
    if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
    app.decorate('database', handle);
    if (!options.handle) app.addHook('onClose', () => handle.close());

    app.decorateRequest('signal', {
      getter(this: FastifyRequest) {
        return controllerOf(this).signal;
      },
    });
    app.decorateRequest('db', {
      getter(this: FastifyRequest) {
        let db = databases.get(this);
        if (!db) {
          db = handle.cancellable(controllerOf(this).signal);
          databases.set(this, db);
        }
        return db;
      },
    });
    // The response closes once: when it is complete, or earlier when the connection ends.
    app.addHook('onRequest', (request, reply, done) => {
      reply.raw.once('close', () => {
        if (reply.raw.writableFinished) return;
        gone.add(request);
        controllers.get(request)?.abort(new ClientGoneError());
      });
      done();
    });
  },
  { name: 'database', dependencies: ['config'] },
);
