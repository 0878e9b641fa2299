// The dimensions a figure can be broken down by (docs/api.md), each with the SQL
// that gives a case's category and the categories to list even when empty.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import {
  AGE_GROUPS,
  type Code,
  DIMENSION_LABELS,
  type DimensionId,
  EMPLOYMENT,
  HOUSING,
  LANGUAGE_LEVELS,
  SEX,
  UNKNOWN,
} from '../../contract/vocabulary.ts';
import type { Database } from '../db/types.ts';
import { byLabel, countryName } from './names.ts';

export type { DimensionId };

export const DIMENSION_IDS: readonly DimensionId[] = [
  'provider',
  'municipality',
  'sex',
  'age_group',
  'country',
  'language_level',
  'employment',
  'housing',
  'start_year',
];

export interface Category {
  key: string;
  label: string;
}

/** Categories that come from the district's directory rather than from a fixed list. */
export interface DirectoryCategories {
  providers: Category[];
  municipalities: Category[];
}

export interface Dimension {
  id: DimensionId;
  label: string;
  /** The category of a row of `facts`, as text. */
  key: RawBuilder<string>;
  /**
   * For a key on the fact `age`: the ages at which a case's category changes, which the
   * monthly sweep takes as change points (registry.ts, Condition.atAges).
   */
  atAges?: readonly number[];
  /** Every category to list, in order, even with a count of zero; undefined: only those found. */
  categories?: (directory: DirectoryCategories) => Category[];
  /** The label of a category found in the data (server/indicators/names.ts); else its key. */
  labelOf?: (key: string) => string;
}

const withUnknown = (codes: readonly Code[]): Category[] => [
  ...codes.map(({ code, label }) => ({ key: code, label })),
  { key: UNKNOWN.code, label: UNKNOWN.label },
];

export const DIMENSIONS: Record<DimensionId, Dimension> = {
  provider: {
    id: 'provider',
    label: DIMENSION_LABELS.provider,
    key: sql`provider`,
    categories: (directory) => directory.providers,
  },
  municipality: {
    id: 'municipality',
    label: DIMENSION_LABELS.municipality,
    key: sql`municipality`,
    categories: (directory) => directory.municipalities,
  },
  sex: {
    id: 'sex',
    label: DIMENSION_LABELS.sex,
    key: sql`sex`,
    categories: () => SEX.map(({ code, label }) => ({ key: code, label })),
  },
  age_group: {
    id: 'age_group',
    label: DIMENSION_LABELS.age_group,
    key: sql`CASE WHEN age < 6 THEN '0-5' WHEN age < 18 THEN '6-17' WHEN age < 27 THEN '18-26'
      WHEN age < 45 THEN '27-44' WHEN age < 65 THEN '45-64' ELSE '65+' END`,
    atAges: [6, 18, 27, 45, 65],
    categories: () => AGE_GROUPS.map(({ code, label }) => ({ key: code, label })),
  },
  country: {
    id: 'country',
    label: DIMENSION_LABELS.country,
    key: sql`coalesce(country, 'unknown')`,
    labelOf: countryName,
  },
  language_level: {
    id: 'language_level',
    label: DIMENSION_LABELS.language_level,
    key: sql`language_level`,
    categories: () => withUnknown(LANGUAGE_LEVELS),
  },
  employment: {
    id: 'employment',
    label: DIMENSION_LABELS.employment,
    key: sql`employment`,
    categories: () => withUnknown(EMPLOYMENT),
  },
  housing: {
    id: 'housing',
    label: DIMENSION_LABELS.housing,
    key: sql`housing`,
    categories: () => withUnknown(HOUSING),
  },
  start_year: {
    id: 'start_year',
    label: DIMENSION_LABELS.start_year,
    key: sql`extract(year FROM started_on)::int::text`,
  },
};

export function isDimension(id: string): id is DimensionId {
  return (DIMENSION_IDS as readonly string[]).includes(id);
}

/** The label of a dimension's category: the listed one, else as found (a country's German name). */
export function categoryLabel(by: DimensionId, key: string): string {
  if (key === UNKNOWN.code) return UNKNOWN.label;
  return DIMENSIONS[by].labelOf?.(key) ?? key;
}

/** The categories from a district's directory, or from every district's (state-wide). */
export async function directoryCategories(
  db: Kysely<Database>,
  district: string | undefined,
): Promise<DirectoryCategories> {
  let providers = db.selectFrom('providers').select(['code', 'name']).orderBy('code');
  let municipalities = db.selectFrom('municipalities').select(['ags', 'name']).orderBy('ags');
  if (district !== undefined) {
    providers = providers.where('district_key', '=', district);
    municipalities = municipalities.where('district_key', '=', district);
  }
  const [providerRows, municipalityRows] = await Promise.all([
    providers.execute(),
    municipalities.execute(),
  ]);
  // State-wide, a code such as AWO names the same kind of provider in every district.
  const byCode = new Map<string, Category>();
  for (const p of providerRows) {
    if (!byCode.has(p.code)) byCode.set(p.code, { key: p.code, label: district ? p.name : p.code });
  }
  // Ordered by name with German collation (names.ts), not by the database's collation.
  return {
    providers: byLabel([...byCode.values()]),
    municipalities: byLabel(municipalityRows.map((m) => ({ key: m.ags, label: m.name }))),
  };
}
