// The database handle: opened (or handed in by tests), migrated, decorated once, closed
// with the app.
import fp from 'fastify-plugin';
import { type DatabaseHandle, openDatabase } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
  }
}

export interface DatabasePluginOptions {
  /** An open handle to use instead of opening one from the configuration; not closed here. */
  handle?: DatabaseHandle | undefined;
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
  },
  { name: 'database', dependencies: ['config'] },
);
