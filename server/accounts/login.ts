// A login: throttled by the failures the audit log holds (so a restart does not reset the
// count), answered in the same time whether or not the name exists, recorded either way.
import type { Kysely } from 'kysely';
import { recentLoginFailures, recordAudit } from '../audit/audit-log.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/types.ts';
import { findUser, replacePasswordHash, type SessionTimes, startSession } from './accounts.ts';
import { decoyHash, needsRehash, verifyPassword } from './secrets.ts';

export type LoginResult =
  | {
      outcome: 'ok';
      user: { id: string; name: string; role: string; provider: string | null };
      session: Awaited<ReturnType<typeof startSession>>;
    }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

export async function logIn(
  db: Kysely<Database>,
  settings: { login: Config['login']; sessions: SessionTimes },
  attempt: { name: string; password: string; source: string },
): Promise<LoginResult> {
  const name = attempt.name.trim().toLowerCase();
  const user = await findUser(db, name);
  // Only names of real accounts are written down: a name field sometimes holds a password.
  const account = user ? user.name : null;
  const { login } = settings;

  const failures = await recentLoginFailures(db, {
    source: attempt.source,
    account,
    minutes: login.windowMinutes,
  });
  if (
    failures.fromSource >= login.maxFailuresPerSource ||
    failures.forAccount >= login.maxFailuresPerAccount
  ) {
    await recordAudit(db, {
      actor: account,
      actorRole: user?.role ?? null,
      action: 'login_throttled',
      target: account,
      source: attempt.source,
    });
    const oldest = failures.oldest?.getTime() ?? Date.now();
    return {
      outcome: 'throttled',
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((oldest + login.windowMinutes * 60_000 - Date.now()) / 1000),
      ),
    };
  }

  const matches = await verifyPassword(
    attempt.password,
    user?.password_hash ?? (await decoyHash()),
  );
  if (!user || !matches || user.disabled_at !== null) {
    await recordAudit(db, {
      actor: account,
      actorRole: user?.role ?? null,
      action: 'login_failed',
      target: account,
      source: attempt.source,
      detail: {
        reason: !user ? 'unbekannter Name' : !matches ? 'falsches Passwort' : 'Konto gesperrt',
      },
    });
    return { outcome: 'invalid' };
  }
  // A hash made with an older, cheaper cost is replaced now that the password is at hand.
  if (needsRehash(user.password_hash)) await replacePasswordHash(db, user, attempt.password);
  const session = await startSession(db, user.id, settings.sessions);
  await recordAudit(db, {
    actor: user.name,
    actorRole: user.role,
    action: 'login',
    target: user.name,
    source: attempt.source,
  });
  return {
    outcome: 'ok',
    user: { id: user.id, name: user.name, role: user.role, provider: user.provider },
    session,
  };
}
