// Starts the server: configuration, logging, listening and a graceful close.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { isEmpty, loadDemonstrationData } from './demo-data.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Konfigurationsfehler: ${error.message}`);
  process.exit(2);
}

const app = await buildApp({ config, logger: { level: config.logLevel } });
await app.ready();
if (await isEmpty(app.database.db, config.district)) {
  app.log.info('empty database: loading the demonstration data (fixtures/demo)');
  const summaries = await loadDemonstrationData(app.database, config.district);
  app.log.info(
    { cases: summaries.reduce((sum, s) => sum + s.rows, 0) },
    'demonstration data loaded',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  });
}

await app.listen({ port: config.port, host: config.host });
console.log(
  `Zwischenbilanz läuft auf http://localhost:${config.port} (Datenbank: ${app.database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
);
