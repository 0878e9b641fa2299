// Starts the server: configuration, logging, listening and a graceful close.

import { hasUsers } from './accounts/accounts.ts';
import { type App, buildApp } from './app.ts';
import { askOwner, openLocalChannel } from './commands/channel.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataFolderInUseError, DataFolderLockError } from './db/data-folder-lock.ts';
import { DataFolderVersionError } from './db/pglite-folder.ts';
import { ensureDemoAdmin, isEmpty, loadDemonstrationData } from './demo-data.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Konfigurationsfehler: ${error.message}`);
  process.exit(2);
}

/** Why this server cannot have the PGlite data folder, and what to do. */
async function folderInUseMessage(dataDir: string) {
  const owner = await askOwner(dataDir);
  const only = 'Ein PGlite-Datenordner gehört immer nur einem Prozess.';
  return owner
    ? `Auf dem Datenordner ${dataDir} läuft schon ein Server (Prozess ${owner.pid}${
        owner.port === null ? '' : `, http://localhost:${owner.port}`
      }). ${only} Den laufenden Server weiter benutzen oder erst beenden, oder diesem einen ` +
        'anderen Datenordner geben (DATA_DIR=…). Mehrere Server auf denselben Daten gehen mit ' +
        'PostgreSQL (DATABASE_URL).'
    : `Der Datenordner ${dataDir} ist gerade von einem anderen Prozess geöffnet: einem Import- ` +
        `oder Kontobefehl oder einem Server, der noch startet oder endet. ${only} Bitte warten, ` +
        'bis er fertig ist, und dann erneut starten, oder einen anderen Datenordner angeben (DATA_DIR=…).';
}

let app: App;
try {
  // Stale monthly figures are rebuilt once the server listens (below), not on ready: the
  // rebuild's queries would compete with the start for the same cores.
  app = await buildApp({
    config,
    logger: { level: config.logLevel },
    monthlyFigures: { rebuild: 'off' },
  });
  await app.ready();
} catch (error) {
  if (error instanceof DataFolderInUseError) {
    console.error(await folderInUseMessage(error.dataDir));
    process.exit(1);
  }
  if (error instanceof DataFolderLockError || error instanceof DataFolderVersionError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

/** The port the server answers on once it listens (PORT=0 takes a free one). */
function listeningPort() {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : null;
}

// On PGlite this process alone has the data folder: `npm run user` and `npm run import` hand
// their work to it from now on.
const channel =
  app.database.kind === 'pglite'
    ? await openLocalChannel({
        dataDir: config.dataDir,
        database: app.database,
        log: app.log,
        port: listeningPort,
      })
    : undefined;
if (await isEmpty(app.database.db, config.district)) {
  app.log.info('empty database: loading the demonstration data (fixtures/demo)');
  const summaries = await loadDemonstrationData(app.database, config.district);
  app.log.info(
    { cases: summaries.reduce((sum, s) => sum + s.rows, 0) },
    'demonstration data loaded',
  );
}

// Accounts: a demonstration admin only when asked for, else a hint while there is none.
let accountNotice: string | undefined;
if (process.argv.includes('--demo')) {
  const demo = await ensureDemoAdmin(app.database.db, config.district);
  accountNotice = demo.created
    ? `Demo-Zugang (Administrator): Name „${demo.name}“, Passwort\n\n    ${demo.password}\n\n  Das Passwort wird nur jetzt angezeigt.`
    : `Das Demo-Konto „${demo.name}“ gibt es schon. Neues Passwort: npm run user -- reset ${demo.name}`;
} else if (!(await hasUsers(app.database.db))) {
  accountNotice =
    'Es gibt noch kein Benutzerkonto; ohne Anmeldung sind nur veröffentlichte Zahlen sichtbar.\n' +
    '  Ersten Administrator anlegen:  npm run user -- add --role admin NAME\n' +
    '  Oder zum Ausprobieren:         npm start -- --demo';
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    await channel?.close();
    await app.close();
    process.exit(0);
  });
}

await app.listen({ port: config.port, host: config.host });
// Monthly figures made by older definitions (or before migration 005) are rebuilt in the
// background from now on (server/plugins/monthly-figures.ts): the server answers meanwhile,
// from the case rows for every slice not yet rebuilt, so every figure is correct at once.
app.monthlyFigures.rebuild();
// The district's headline audit, which the first public answer after every import used to
// wait for, made in the background now and after every import (plugins/headline-warmup.ts).
app.headlineWarmup.start();
if (accountNotice) console.log(`\n  ${accountNotice}\n`);
console.log(
  `Zwischenbilanz läuft auf http://localhost:${listeningPort()} (Datenbank: ${app.database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
);
