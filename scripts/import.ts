// npm run import -- --provider CODE --as-of YYYY-MM-DD [--dry-run] [--force] FILE
// Exit 0 when stored, unchanged or dry run; 1 when the file is rejected; 2 on wrong usage.
// On a PGlite data folder that a running server holds, the server carries the import out
// (server/commands/channel.ts).

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { commandLineActor } from '../server/audit/audit-log.ts';
import { folderHeldMessage, runOnServer } from '../server/commands/channel.ts';
import {
  IMPORT_USAGE,
  type ImportCommand,
  runImportCommand,
} from '../server/commands/import-command.ts';
import { consoleOutput } from '../server/commands/output.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/connect.ts';
import { DataFolderInUseError, DataFolderLockError } from '../server/db/data-folder-lock.ts';
import { migrate } from '../server/db/migrate.ts';
import { DataFolderVersionError } from '../server/db/pglite-folder.ts';
import { parseDate } from '../server/import/validate.ts';
import { progressReporter } from './lib/progress.ts';

function usage(message: string): never {
  console.error(`${message}\n${IMPORT_USAGE}`);
  process.exit(2);
}

async function main() {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        provider: { type: 'string' };
        'as-of': { type: 'string' };
        'dry-run': { type: 'boolean' };
        force: { type: 'boolean' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      options: {
        provider: { type: 'string' },
        'as-of': { type: 'string' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.provider) usage('--provider fehlt.');
  if (!values['as-of']) usage('--as-of fehlt.');
  const asOf = parseDate(values['as-of']);
  if (!asOf) usage(`--as-of: „${values['as-of']}“ ist kein Datum (JJJJ-MM-TT).`);
  if (positionals.length !== 1) usage('Genau eine Datei angeben.');
  const file = positionals[0] as string;
  try {
    if (!statSync(file).isFile()) usage(`${file} ist keine Datei.`);
  } catch {
    usage(`Die Datei ${file} kann nicht gelesen werden.`);
  }
  const config = loadConfig();
  const command: ImportCommand = {
    district: config.district,
    provider: values.provider.toUpperCase(),
    asOf,
    fileName: basename(file),
    dryRun: values['dry-run'] ?? false,
    force: values.force ?? false,
  };
  const actor = commandLineActor();
  if (!config.databaseUrl) {
    const exit = await runOnServer(
      config.dataDir,
      {
        path: '/import',
        body: { actor: actor.actor, command },
        file,
        size: statSync(file).size,
      },
      consoleOutput,
      progressReporter(),
    );
    if (exit !== undefined) {
      process.exitCode = exit;
      return;
    }
  }
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
    );
  } catch (error) {
    if (error instanceof DataFolderInUseError) {
      console.error(
        `${folderHeldMessage(error.dataDir, 'es wurde nichts importiert.')} Eine Datei nimmt ` +
          'der laufende Server auch auf der Seite „Daten“ an (POST /api/v1/imports).',
      );
      process.exit(1);
    }
    if (error instanceof DataFolderLockError || error instanceof DataFolderVersionError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    await migrate(handle);
    process.exitCode = await runImportCommand(
      handle,
      command,
      file,
      actor,
      consoleOutput,
      progressReporter(),
    );
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
