// npm run user -- add --role ROLE [--provider CODE] NAME | disable NAME | enable NAME |
// reset NAME | list. Runs on the database of the configuration, as the server does; every
// change goes into the audit log. A new password is generated and shown once, unless one is
// piped in with --password-stdin.
import { parseArgs } from 'node:util';
import {
  AccountError,
  addUser,
  listUsers,
  resetPassword,
  setDisabled,
} from '../server/accounts/accounts.ts';
import { ROLE_LABELS, ROLES } from '../server/accounts/caller.ts';
import { generatePassword, passwordProblem } from '../server/accounts/secrets.ts';
import { type AuditAction, commandLineActor, recordAudit } from '../server/audit/audit-log.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import type { Role } from '../server/db/types.ts';

const USAGE = `Aufruf:
  npm run user -- add --role ROLE [--provider CODE] [--password-stdin] NAME
  npm run user -- reset [--password-stdin] NAME     neues Passwort, alle Sitzungen enden
  npm run user -- disable NAME                      sperren und abmelden
  npm run user -- enable NAME
  npm run user -- list
ROLE: ${ROLES.map((role) => `${role} (${ROLE_LABELS[role]})`).join(', ')}`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function passwordFor(fromStdin: boolean | undefined) {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const password = await readStdin();
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  return { password, generated: false };
}

function showPassword(name: string, password: string) {
  console.log(`Passwort für „${name}“ (wird nur jetzt angezeigt, bitte sicher weitergeben):`);
  console.log(`\n    ${password}\n`);
}

export async function main(argv = process.argv.slice(2)) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      provider: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Zu viele Angaben: ${extra.join(' ')}`);
  if (!command) throw new UsageError('Was soll geschehen? add, reset, disable, enable oder list.');
  if (command !== 'list' && !name) throw new UsageError(`${command}: NAME fehlt.`);

  const config = loadConfig();
  const handle = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
  );
  try {
    await migrate(handle);
    const { db } = handle;
    const account = (name ?? '').toLowerCase();
    const audit = (action: AuditAction, detail?: Record<string, unknown>) =>
      recordAudit(db, { ...commandLineActor(), action, target: account, detail });

    switch (command) {
      case 'add': {
        const role = values.role as Role | undefined;
        if (!role || !ROLES.includes(role))
          throw new UsageError(`--role fehlt oder ist unbekannt; möglich: ${ROLES.join(', ')}.`);
        const provider = values.provider?.toUpperCase();
        const { password, generated } = await passwordFor(values['password-stdin']);
        const user = await addUser(
          db,
          { district: config.district, name: account, role, provider },
          password,
        );
        await audit('user_added', { role, provider: provider ?? null });
        console.log(
          `Konto „${user.name}“ angelegt: ${ROLE_LABELS[role]}${provider ? ` ${provider}` : ''}.`,
        );
        if (generated) showPassword(user.name, password);
        break;
      }
      case 'reset': {
        const { password, generated } = await passwordFor(values['password-stdin']);
        await resetPassword(db, account, password);
        await audit('user_password_reset');
        console.log(`Neues Passwort für „${account}“ gesetzt; alle Sitzungen sind beendet.`);
        if (generated) showPassword(account, password);
        break;
      }
      case 'disable':
      case 'enable': {
        const changed = await setDisabled(db, account, command === 'disable');
        if (changed) await audit(command === 'disable' ? 'user_disabled' : 'user_enabled');
        console.log(
          changed
            ? `Konto „${account}“ ist ${command === 'disable' ? 'gesperrt und abgemeldet' : 'entsperrt'}.`
            : `Konto „${account}“ war schon ${command === 'disable' ? 'gesperrt' : 'aktiv'}.`,
        );
        break;
      }
      case 'list': {
        const users = await listUsers(db);
        if (users.length === 0) console.log('Noch keine Konten.');
        for (const user of users) {
          console.log(
            [
              user.name.padEnd(24),
              user.role.padEnd(9),
              (user.provider ?? '').padEnd(10),
              user.disabled_at ? 'gesperrt' : 'aktiv',
            ].join(' '),
          );
        }
        break;
      }
      default:
        throw new UsageError(`Unbekannter Befehl „${command}“.`);
    }
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof AccountError) {
      console.error(error.message);
      process.exitCode = 1;
    } else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      throw error;
    }
  }
}
