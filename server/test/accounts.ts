// Callers for API tests: accounts signed in through the API and API tokens of a role, made
// through the same code the command line and an admin use.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { addUser, createToken } from '../accounts/accounts.ts';
import type { Database, Role } from '../db/types.ts';

export async function bearerFor(
  db: Kysely<Database>,
  role: Role,
  provider?: string,
): Promise<{ authorization: string }> {
  const token = await createToken(db, {
    district: '08118',
    name: `test ${role}${provider ? ` ${provider}` : ''}`,
    role,
    provider,
    createdBy: 'test',
  });
  return { authorization: `Bearer ${token.secret}` };
}

export interface SignedIn {
  /** Headers for a read: the session cookie. */
  read: { cookie: string };
  /** Headers for a state-changing request: the cookie and the CSRF token. */
  write: { cookie: string; 'x-csrf-token': string };
}

/** Adds an account and signs it in through POST /api/v1/session, as the front end does. */
export async function signedIn(
  app: { inject: FastifyInstance['inject'] },
  db: Kysely<Database>,
  account: { name: string; role: Role; provider?: string },
  password = 'ein langes Testpasswort',
): Promise<SignedIn> {
  await addUser(db, { district: '08118', ...account }, password);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { name: account.name, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`Login of ${account.name} failed: ${response.statusCode} ${response.body}`);
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string;
  const csrf = response.json().csrf_token as string;
  return { read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
}
