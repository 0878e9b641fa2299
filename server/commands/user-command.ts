// npm run user: what each subcommand does to the accounts and prints. Runs in the command's
// own process, or in the running server when the command hands itself over (channel.ts).
import { parseArgs } from 'node:util';
import type { AuditAction } from '../../contract/labels.ts';
import { ROLE_LABELS, ROLES } from '../../contract/labels.ts';
import {
  AccountError,
  addUser,
  listUsers,
  resetPassword,
  setDisabled,
} from '../accounts/accounts.ts';
import { generatePassword, passwordProblem } from '../accounts/secrets.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Role } from '../db/types.ts';
import type { CommandActor, CommandOutput } from './output.ts';

export const USER_USAGE = `Aufruf:
  npm run user -- add --role ROLE [--provider CODE] [--password-stdin] NAME
  npm run user -- reset [--password-stdin] NAME     neues Passwort, alle Sitzungen enden
  npm run user -- disable NAME                      sperren und abmelden
  npm run user -- enable NAME
  npm run user -- list
ROLE: ${ROLES.map((role) => `${role} (${ROLE_LABELS[role]})`).join(', ')}`;

export class UsageError extends Error {}

/** A subcommand with everything it needs, the password included: nothing is asked later. */
export type UserCommand =
  | {
      command: 'add';
      name: string;
      role: Role;
      provider: string | null;
      password: string;
      generated: boolean;
    }
  | { command: 'reset'; name: string; password: string; generated: boolean }
  | { command: 'disable' | 'enable'; name: string }
  | { command: 'list' };

/**
 * Reads the command line (`--help`: undefined). Throws UsageError, or parseArgs' own error
 * for an unknown option. `readPassword` reads standard input for --password-stdin.
 */
export async function parseUserCommand(
  argv: string[],
  readPassword: () => Promise<string>,
): Promise<UserCommand | undefined> {
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
  if (values.help) return undefined;
  const [command, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Zu viele Angaben: ${extra.join(' ')}`);
  if (!command) throw new UsageError('Was soll geschehen? add, reset, disable, enable oder list.');
  if (command !== 'list' && !name) throw new UsageError(`${command}: NAME fehlt.`);
  const account = (name ?? '').toLowerCase();
  const password = async () => {
    if (!values['password-stdin']) return { password: generatePassword(), generated: true };
    const piped = await readPassword();
    const problem = passwordProblem(piped);
    if (problem) throw new UsageError(problem);
    return { password: piped, generated: false };
  };
  switch (command) {
    case 'add': {
      const role = values.role as Role | undefined;
      if (!role || !ROLES.includes(role))
        throw new UsageError(`--role fehlt oder ist unbekannt; möglich: ${ROLES.join(', ')}.`);
      const provider = values.provider?.toUpperCase() ?? null;
      return { command, name: account, role, provider, ...(await password()) };
    }
    case 'reset':
      return { command, name: account, ...(await password()) };
    case 'disable':
    case 'enable':
      return { command, name: account };
    case 'list':
      return { command };
    default:
      throw new UsageError(`Unbekannter Befehl „${command}“.`);
  }
}

function showPassword(output: CommandOutput, name: string, password: string) {
  output.out(`Passwort für „${name}“ (wird nur jetzt angezeigt, bitte sicher weitergeben):`);
  output.out(`\n    ${password}\n`);
}

/** Carries out the subcommand and prints what happened; resolves with the exit code. */
export async function runUserCommand(
  { db }: DatabaseHandle,
  district: string,
  command: UserCommand,
  actor: CommandActor,
  output: CommandOutput,
): Promise<number> {
  const audit = (name: string, action: AuditAction, detail?: Record<string, unknown>) =>
    recordAudit(db, { ...actor, action, target: name, detail });
  try {
    switch (command.command) {
      case 'add': {
        const { name, role, provider, password } = command;
        const user = await addUser(
          db,
          { district, name, role, provider: provider ?? undefined },
          password,
        );
        await audit(name, 'user_added', { role, provider });
        output.out(
          `Konto „${user.name}“ angelegt: ${ROLE_LABELS[role]}${provider ? ` ${provider}` : ''}.`,
        );
        if (command.generated) showPassword(output, user.name, password);
        break;
      }
      case 'reset': {
        await resetPassword(db, command.name, command.password);
        await audit(command.name, 'user_password_reset');
        output.out(`Neues Passwort für „${command.name}“ gesetzt; alle Sitzungen sind beendet.`);
        if (command.generated) showPassword(output, command.name, command.password);
        break;
      }
      case 'disable':
      case 'enable': {
        const disable = command.command === 'disable';
        const changed = await setDisabled(db, command.name, disable);
        if (changed) await audit(command.name, disable ? 'user_disabled' : 'user_enabled');
        output.out(
          changed
            ? `Konto „${command.name}“ ist ${disable ? 'gesperrt und abgemeldet' : 'entsperrt'}.`
            : `Konto „${command.name}“ war schon ${disable ? 'gesperrt' : 'aktiv'}.`,
        );
        break;
      }
      case 'list': {
        const users = await listUsers(db);
        if (users.length === 0) output.out('Noch keine Konten.');
        for (const user of users) {
          output.out(
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
    }
    return 0;
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    output.err(error.message);
    return 1;
  }
}
