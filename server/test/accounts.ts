// Callers for API tests: an API token of a role, made through the same code an admin uses.
import type { Kysely } from 'kysely';
import { createToken } from '../accounts/accounts.ts';
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
