// What every figure endpoint takes to narrow its figures: a district (or the whole state),
// a provider, a municipality; shared by the indicator and the funding routes. A filter that
// names nothing in the directory is refused (400) with the values that exist, never answered
// with zeros.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/types.ts';
import { byLabel } from '../indicators/names.ts';
import { invalidParameter } from '../plugins/errors.ts';

export const Filters = {
  district: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        'Kreisschlüssel (fünfstellig), oder „all“ für alle Kreise; sonst der Kreis des Servers',
    }),
  ),
  provider: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'Trägercode, z. B. AWO (siehe /api/v1/definitions)',
    }),
  ),
  municipality: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'Gemeindeschlüssel (AGS, achtstellig; siehe /api/v1/definitions)',
    }),
  ),
};

function unknownValue(
  parameter: string,
  value: string,
  problem: string,
  known: readonly { key: string; label: string }[],
  more: { key: string; label: string }[] = [],
) {
  const listed = [...byLabel(known), ...more];
  return invalidParameter(
    parameter,
    value,
    {
      allowed: listed.length
        ? listed.map((k) => (k.key === k.label ? k.key : `${k.key} (${k.label})`)).join(', ')
        : 'keiner: hier ist keiner eingetragen',
      allowed_values: listed.map((k) => k.key),
    },
    { problem },
  );
}

/** The district of a request: `home` unless named; `all` is state-wide (undefined). */
export async function districtOf(
  db: Kysely<Database>,
  home: string,
  requested: string | undefined,
): Promise<string | undefined> {
  if (requested === undefined) return home;
  if (requested === 'all') return undefined;
  const districts = await db
    .selectFrom('districts')
    .select(['district_key as key', 'name as label'])
    .execute();
  if (!districts.some((d) => d.key === requested))
    throw unknownValue(
      'district',
      requested,
      `den Kreis „${requested}“ gibt es hier nicht`,
      districts,
      [{ key: 'all', label: 'alle Kreise' }],
    );
  return requested;
}

/** The district and filters a figure request names, each checked against the directory (providers, towns). */
export async function filtersOf(
  db: Kysely<Database>,
  home: string,
  query: {
    district?: string | undefined;
    provider?: string | undefined;
    municipality?: string | undefined;
  },
) {
  const district = await districtOf(db, home, query.district);
  if (query.provider !== undefined) {
    let providers = db.selectFrom('providers').select(['code as key', 'name as label']);
    if (district !== undefined) providers = providers.where('district_key', '=', district);
    const known = await providers.execute();
    if (!known.some((p) => p.key === query.provider)) {
      // State-wide, a code names the same kind of provider in every district: listed once.
      const codes = [...new Map(known.map((p) => [p.key, p])).values()].map((p) =>
        district === undefined ? { key: p.key, label: p.key } : p,
      );
      throw unknownValue(
        'provider',
        query.provider,
        `den Träger „${query.provider}“ gibt es hier nicht`,
        codes,
      );
    }
  }
  if (query.municipality !== undefined) {
    let municipalities = db
      .selectFrom('municipalities')
      .select(['ags as key', 'name as label'])
      .where('ags', '=', query.municipality);
    if (district !== undefined)
      municipalities = municipalities.where('district_key', '=', district);
    if ((await municipalities.execute()).length === 0) {
      let all = db.selectFrom('municipalities').select(['ags as key', 'name as label']);
      if (district !== undefined) all = all.where('district_key', '=', district);
      throw unknownValue(
        'municipality',
        query.municipality,
        `die Gemeinde „${query.municipality}“ gibt es hier nicht`,
        await all.execute(),
      );
    }
  }
  return { district, provider: query.provider, municipality: query.municipality };
}
