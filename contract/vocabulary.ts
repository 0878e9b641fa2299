// The domain's vocabulary: the codes of the providers' export (docs/export-format.md) with
// their German labels, and the dimensions figures are broken down by, each with its German
// name. One list for the import (which accepts a code or a label), the figures (which list
// the categories and label them) and the web (headers of tables and charts). Plain data: the
// browser bundles it.

export interface Code {
  code: string;
  /** The German label shown on screen. */
  label: string;
  /** Further German spellings accepted in an export. */
  aliases?: readonly string[];
}

export const SEX: readonly Code[] = [
  { code: 'f', label: 'weiblich', aliases: ['w'] },
  { code: 'm', label: 'männlich' },
  { code: 'd', label: 'divers' },
  { code: 'x', label: 'unbekannt', aliases: ['keine Angabe'] },
];

export const LANGUAGE_LEVELS: readonly Code[] = [
  { code: 'none', label: 'keine Kenntnisse' },
  { code: 'alpha', label: 'Alphabetisierung' },
  { code: 'A1', label: 'A1' },
  { code: 'A2', label: 'A2' },
  { code: 'B1', label: 'B1' },
  { code: 'B2', label: 'B2' },
  { code: 'C1', label: 'C1' },
  { code: 'C2', label: 'C2' },
];

/** In the order of precedence: a person in several reports the first that applies. */
export const EMPLOYMENT: readonly Code[] = [
  {
    code: 'sv_employment',
    label: 'sozialversicherungspflichtige Beschäftigung',
    aliases: ['sozialversicherungspflichtig beschäftigt'],
  },
  { code: 'vocational_training', label: 'Ausbildung' },
  { code: 'studies', label: 'Studium' },
  { code: 'internship', label: 'Praktikum' },
  { code: 'self_employed', label: 'selbstständig', aliases: ['selbständig'] },
  { code: 'marginal', label: 'geringfügige Beschäftigung', aliases: ['Minijob'] },
  { code: 'language_course', label: 'Sprachkurs', aliases: ['Integrationskurs'] },
  { code: 'school', label: 'Schule' },
  { code: 'none', label: 'keine' },
];

export const HOUSING: readonly Code[] = [
  { code: 'follow_up', label: 'Anschlussunterbringung' },
  { code: 'private_lease', label: 'eigener Mietvertrag' },
  { code: 'other', label: 'sonstige' },
];

export const END_REASONS: readonly Code[] = [
  { code: 'independent', label: 'selbstständig, Ziele erreicht', aliases: ['Ziele erreicht'] },
  { code: 'max_duration', label: 'Höchstdauer erreicht' },
  { code: 'moved_away', label: 'Wegzug' },
  { code: 'contact_lost', label: 'Kontaktabbruch' },
  { code: 'handed_over', label: 'Übergabe an Regeldienst' },
  { code: 'departed', label: 'Ausreise' },
  { code: 'deceased', label: 'verstorben' },
  { code: 'other', label: 'sonstige' },
];

/** Age groups in whole years on the reporting date (server/indicators/dimensions.ts). */
export const AGE_GROUPS: readonly Code[] = [
  { code: '0-5', label: '0 bis 5 Jahre' },
  { code: '6-17', label: '6 bis 17 Jahre' },
  { code: '18-26', label: '18 bis 26 Jahre' },
  { code: '27-44', label: '27 bis 44 Jahre' },
  { code: '45-64', label: '45 bis 64 Jahre' },
  { code: '65+', label: '65 Jahre und älter' },
];

/** Label shown for a status that is not known on the reporting date. */
export const UNKNOWN = { code: 'unknown', label: 'unbekannt' } as const;

export function labelOf(codes: readonly Code[], code: string | null): string {
  if (code === null || code === UNKNOWN.code) return UNKNOWN.label;
  return codes.find((entry) => entry.code === code)?.label ?? code;
}

/** The dimensions a figure can be broken down by (docs/api.md), with their German names. */
export const DIMENSION_LABELS = {
  provider: 'Träger',
  municipality: 'Gemeinde',
  sex: 'Geschlecht',
  age_group: 'Altersgruppe',
  country: 'Herkunftsland',
  language_level: 'Sprachniveau',
  employment: 'Beschäftigung',
  housing: 'Wohnsituation',
  start_year: 'Beginnjahr',
} as const;

export type DimensionId = keyof typeof DIMENSION_LABELS;
