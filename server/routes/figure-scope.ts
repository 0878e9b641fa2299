// What every figure endpoint takes to narrow its figures: a district (or the whole state),
// a provider, a municipality; shared by the indicator and the funding routes.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/types.ts';
import { ProblemError } from '../plugins/errors.ts';

export const Filters = {
  district: Type.Optional(
    Type.String({
      pattern: '^(\\d{5}|all)$',
      description: 'Kreisschlüssel, oder „all“ für alle Kreise; sonst der Kreis des Servers',
    }),
  ),
  provider: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{2,16}$' })),
  municipality: Type.Optional(Type.String({ pattern: '^\\d{8}$' })),
};

/** The district of a request: `home` unless named; `all` is state-wide (undefined). */
export async function districtOf(
  db: Kysely<Database>,
  home: string,
  requested: string | undefined,
): Promise<string | undefined> {
  if (requested === undefined) return home;
  if (requested === 'all') return undefined;
  const known = await db
    .selectFrom('districts')
    .select('district_key')
    .where('district_key', '=', requested)
    .executeTakeFirst();
  if (!known)
    throw new ProblemError(404, 'Nicht gefunden', `Den Kreis ${requested} gibt es hier nicht.`);
  return requested;
}

/** The district and filters a figure request names. */
export async function filtersOf(
  db: Kysely<Database>,
  home: string,
  query: {
    district?: string | undefined;
    provider?: string | undefined;
    municipality?: string | undefined;
  },
) {
  return {
    district: await districtOf(db, home, query.district),
    provider: query.provider,
    municipality: query.municipality,
  };
}
