// Accounts, sessions and API tokens in the database. Every secret is stored as a hash.
import { type Kysely, sql } from 'kysely';
import type { Database, Role } from '../db/types.ts';
import type { Caller } from './caller.ts';
import { hashPassword, newSecret, secretHash } from './secrets.ts';

export class AccountError extends Error {}

export const USER_NAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export interface NewAccount {
  district: string;
  name: string;
  role: Role;
  provider?: string | undefined;
}

/** Checks what the database would refuse, with messages a clerk can act on. */
async function checkRoleAndProvider(
  db: Kysely<Database>,
  { district, role, provider }: Omit<NewAccount, 'name'>,
) {
  if (role === 'provider') {
    if (!provider)
      throw new AccountError(
        'Ein Konto der Rolle „provider“ braucht einen Träger (--provider CODE).',
      );
    const known = await db
      .selectFrom('providers')
      .select('code')
      .where('district_key', '=', district)
      .orderBy('code')
      .execute();
    if (!known.some((row) => row.code === provider))
      throw new AccountError(
        `Den Träger „${provider}“ gibt es nicht. Bekannt: ${known.map((row) => row.code).join(', ')}.`,
      );
  } else if (provider) {
    throw new AccountError(
      `Nur Konten der Rolle „provider“ gehören zu einem Träger, nicht „${role}“.`,
    );
  }
}

export async function addUser(db: Kysely<Database>, account: NewAccount, password: string) {
  if (!USER_NAME.test(account.name))
    throw new AccountError(
      `Der Name „${account.name}“ geht nicht: 2 bis 64 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- und Unterstrich.`,
    );
  await checkRoleAndProvider(db, account);
  const exists = await db
    .selectFrom('users')
    .select('id')
    .where('name', '=', account.name)
    .executeTakeFirst();
  if (exists) throw new AccountError(`Ein Konto „${account.name}“ gibt es schon.`);
  return db
    .insertInto('users')
    .values({
      district_key: account.district,
      name: account.name,
      role: account.role,
      provider: account.provider ?? null,
      password_hash: await hashPassword(password),
    })
    .returning(['id', 'name', 'role', 'provider'])
    .executeTakeFirstOrThrow();
}

export const findUser = (db: Kysely<Database>, name: string) =>
  db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'provider', 'password_hash', 'disabled_at'])
    .where('name', '=', name)
    .executeTakeFirst();

async function existingUser(db: Kysely<Database>, name: string) {
  const user = await findUser(db, name);
  if (!user) throw new AccountError(`Ein Konto „${name}“ gibt es nicht.`);
  return user;
}

/** Sets a new password and ends every session of the account. */
export async function resetPassword(db: Kysely<Database>, name: string, password: string) {
  const user = await existingUser(db, name);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  });
}

/**
 * Stores a new hash of the password just verified, made with today's cost; the password,
 * its date and the sessions stay. Nothing changes if the password was reset meanwhile.
 */
export async function replacePasswordHash(
  db: Kysely<Database>,
  user: { id: string; password_hash: string },
  password: string,
) {
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', user.id)
    .where('password_hash', '=', user.password_hash)
    .execute();
}

/** Disables (and signs out) or enables an account; returns false when nothing changed. */
export async function setDisabled(db: Kysely<Database>, name: string, disabled: boolean) {
  const user = await existingUser(db, name);
  if ((user.disabled_at !== null) === disabled) return false;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? new Date() : null })
      .where('id', '=', user.id)
      .execute();
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  });
  return true;
}

export const listUsers = (db: Kysely<Database>) =>
  db
    .selectFrom('users')
    .select(['name', 'role', 'provider', 'disabled_at', 'created_at', 'password_changed_at'])
    .orderBy('name')
    .execute();

export async function hasUsers(db: Kysely<Database>) {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface SessionTimes {
  idleMinutes: number;
  maxHours: number;
}

/** Starts a session; returns the cookie's secret (stored only as its hash). */
export async function startSession(db: Kysely<Database>, userId: string, times: SessionTimes) {
  const secret = newSecret('');
  const csrfToken = newSecret('');
  const expiresAt = new Date(Date.now() + times.maxHours * 3600_000);
  // Expired sessions of everyone go here, so the table does not grow.
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
  await db
    .insertInto('sessions')
    .values({
      secret_hash: secretHash(secret),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
    })
    .execute();
  return { secret, csrfToken, expiresAt };
}

/**
 * The account behind a session cookie, or undefined when the session is unknown, expired
 * (past its end or idle too long) or its account disabled. Marks the session as used.
 */
export async function sessionCaller(
  db: Kysely<Database>,
  secret: string,
  times: SessionTimes,
): Promise<Extract<Caller, { kind: 'session' }> | undefined> {
  const hash = secretHash(secret);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.name',
      'users.role',
      'users.provider',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at',
    ])
    .where('sessions.secret_hash', '=', hash)
    .where('sessions.expires_at', '>', new Date())
    .where('sessions.last_seen_at', '>', new Date(Date.now() - times.idleMinutes * 60_000))
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  // One write a minute at most, not one per request.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('secret_hash', '=', hash)
      .execute();
  }
  return {
    kind: 'session',
    userId: row.id,
    name: row.name,
    role: row.role,
    provider: row.provider,
    csrfToken: row.csrf_token,
    expiresAt: new Date(
      Math.min(row.expires_at.getTime(), Date.now() + times.idleMinutes * 60_000),
    ),
  };
}

export async function endSession(db: Kysely<Database>, secret: string) {
  await db.deleteFrom('sessions').where('secret_hash', '=', secretHash(secret)).execute();
}

export const TOKEN_PREFIX = 'zb_';

export interface NewToken {
  district: string;
  name: string;
  role: Role;
  provider?: string | undefined;
  expiresAt?: Date | undefined;
  createdBy: string;
}

/** Creates a token; returns its secret, which is shown once and never stored. */
export async function createToken(db: Kysely<Database>, token: NewToken) {
  await checkRoleAndProvider(db, token);
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now())
    throw new AccountError('Das Ablaufdatum eines Tokens muss in der Zukunft liegen.');
  const secret = newSecret(TOKEN_PREFIX);
  const row = await db
    .insertInto('api_tokens')
    .values({
      district_key: token.district,
      name: token.name,
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      secret_hash: secretHash(secret),
      role: token.role,
      provider: token.provider ?? null,
      created_by: token.createdBy,
      expires_at: token.expiresAt ?? null,
    })
    .returning([
      'id',
      'name',
      'prefix',
      'role',
      'provider',
      'created_by',
      'created_at',
      'expires_at',
    ])
    .executeTakeFirstOrThrow();
  return { ...row, secret };
}

/** The caller behind a bearer token, or undefined when it is unknown, revoked or expired. */
export async function tokenCaller(
  db: Kysely<Database>,
  secret: string,
): Promise<Extract<Caller, { kind: 'token' }> | undefined> {
  const hash = secretHash(secret);
  // Read, not written, on every request: a write (and its commit to disk) per request cost
  // more than the rest of a cached figure answer. When it was last used is kept to the minute.
  const row = await db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'role',
      'provider',
      sql<boolean>`last_used_at IS NULL OR last_used_at < now() - interval '1 minute'`.as(
        'use_unrecorded',
      ),
    ])
    .where('secret_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.use_unrecorded)
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  return { kind: 'token', tokenId: row.id, name: row.name, role: row.role, provider: row.provider };
}

export const listTokens = (db: Kysely<Database>, district: string) =>
  db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'prefix',
      'role',
      'provider',
      'created_by',
      'created_at',
      'expires_at',
      'revoked_at',
      'last_used_at',
    ])
    .where('district_key', '=', district)
    .orderBy('id', 'desc')
    .execute();

/** Revokes a token; returns its name, or undefined when there is no such token. */
export async function revokeToken(db: Kysely<Database>, district: string, id: string) {
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .where('district_key', '=', district)
    .returning(['name', 'prefix'])
    .executeTakeFirst();
  return row;
}
