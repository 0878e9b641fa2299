// npm run user -- add --role ROLE [--provider CODE] NAME | disable NAME | enable NAME |
// reset NAME | list. Runs on the database of the configuration, as the server does; every
// change goes into the audit log. A new password is generated and shown once, unless one is
// piped in with --password-stdin. On a PGlite data folder that a running server holds, the
// server carries the command out (server/commands/channel.ts).

import { commandLineActor } from '../server/audit/audit-log.ts';
import { folderHeldMessage, runOnServer } from '../server/commands/channel.ts';
import { consoleOutput } from '../server/commands/output.ts';
import {
  parseUserCommand,
  runUserCommand,
  USER_USAGE,
  UsageError,
} from '../server/commands/user-command.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/connect.ts';
import { DataFolderInUseError, DataFolderLockError } from '../server/db/data-folder-lock.ts';
import { migrate } from '../server/db/migrate.ts';
import { DataFolderVersionError } from '../server/db/pglite-folder.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Resolves with the exit code. */
export async function main(argv = process.argv.slice(2)): Promise<number> {
  const command = await parseUserCommand(argv, readStdin);
  if (!command) {
    console.log(USER_USAGE);
    return 0;
  }
  const config = loadConfig();
  const actor = commandLineActor();
  if (!config.databaseUrl) {
    const exit = await runOnServer(
      config.dataDir,
      { path: '/user', body: { actor: actor.actor, district: config.district, command } },
      consoleOutput,
    );
    if (exit !== undefined) return exit;
  }
  const handle = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
  );
  try {
    await migrate(handle);
    return await runUserCommand(handle, config.district, command, actor, consoleOutput);
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`${error.message}\n\n${USER_USAGE}`);
      process.exitCode = 2;
    } else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${(error as Error).message}\n\n${USER_USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof DataFolderInUseError) {
      console.error(folderHeldMessage(error.dataDir, 'es wurde nichts geändert.'));
      process.exitCode = 1;
    } else if (error instanceof DataFolderLockError || error instanceof DataFolderVersionError) {
      console.error(error.message);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
