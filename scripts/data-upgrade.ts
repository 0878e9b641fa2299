// npm run data:upgrade: carries the PGlite data folder (DATA_DIR, ./data when not set) made by
// an earlier Zwischenbilanz (PGlite 0.3) over to this version's PGlite; the old folder stays
// beside it as <folder>-pglite-0.3 (server/db/pglite-upgrade.ts). Run with the server stopped.
import { ConfigError, loadConfig } from '../server/config.ts';
import { DataFolderInUseError, DataFolderLockError } from '../server/db/data-folder-lock.ts';
import { UpgradeError, upgradeDataFolder } from '../server/db/pglite-upgrade.ts';

const number = new Intl.NumberFormat('de-DE');

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('DATABASE_URL ist gesetzt: übernommen werden nur PGlite-Datenordner (DATA_DIR).');
    return 1;
  }
  const result = await upgradeDataFolder(config.dataDir);
  if (result.outcome === 'current') {
    console.log(`Der Datenordner ${config.dataDir} ist schon für diese Version; nichts zu tun.`);
    return 0;
  }
  for (const { name, rows } of result.tables)
    console.log(`  ${name}: ${number.format(rows)} Zeilen`);
  console.log(
    `Der Datenordner ${config.dataDir} ist übernommen. Der alte liegt unverändert in ${result.backup}; er kann gelöscht werden, wenn alles stimmt.`,
  );
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (
    error instanceof UpgradeError ||
    error instanceof ConfigError ||
    error instanceof DataFolderInUseError ||
    error instanceof DataFolderLockError
  ) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
}
