// The case export format, version 1 (shared/spec/export-format.md): columns, German
// aliases, code lists with the German labels an export may use instead of a code.

export const COLUMNS = [
  { name: 'case_id', alias: 'fall_id', required: true },
  { name: 'provider', alias: 'traeger', required: true },
  { name: 'municipality', alias: 'gemeinde', required: true },
  { name: 'manager_id', alias: 'im_kennung', required: true },
  { name: 'household_id', alias: 'haushalt_id', required: false },
  { name: 'sex', alias: 'geschlecht', required: false },
  { name: 'birth_month', alias: 'geburtsmonat', required: true },
  { name: 'country_of_origin', alias: 'herkunftsland', required: false },
  { name: 'started_on', alias: 'beginn', required: true },
  { name: 'ended_on', alias: 'ende', required: false },
  { name: 'end_reason', alias: 'beendigungsgrund', required: false },
  { name: 'plan_created_on', alias: 'integrationsplan_seit', required: false },
  { name: 'language_level', alias: 'sprachniveau', required: false },
  { name: 'language_level_since', alias: 'sprachniveau_seit', required: false },
  { name: 'employment', alias: 'beschaeftigung', required: false },
  { name: 'employment_since', alias: 'beschaeftigung_seit', required: false },
  { name: 'housing', alias: 'wohnsituation', required: false },
  { name: 'lease_signed_on', alias: 'mietvertrag_seit', required: false },
] as const;

export type ColumnName = (typeof COLUMNS)[number]['name'];

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

/** Label shown for a status that is not known on the reporting date. */
export const UNKNOWN = { code: 'unknown', label: 'unbekannt' } as const;

export function labelOf(codes: readonly Code[], code: string | null): string {
  if (code === null || code === UNKNOWN.code) return UNKNOWN.label;
  return codes.find((entry) => entry.code === code)?.label ?? code;
}

/**
 * Headers that name personal data. A header is compared after lower-casing and removing
 * spaces, dashes and underscores ("E-Mail" = "email", "first_name" = "firstname").
 */
export const REFUSED_HEADERS = [
  'name',
  'vorname',
  'nachname',
  'firstname',
  'lastname',
  'geburtsdatum',
  'dateofbirth',
  'birthdate',
  'adresse',
  'anschrift',
  'strasse',
  'straße',
  'address',
  'street',
  'plz',
  'telefon',
  'phone',
  'email',
  'aktenzeichen',
  'bamf',
  'azr',
  'notiz',
  'bemerkung',
  'kommentar',
  'notes',
  'comment',
  'religion',
  'gesundheit',
  'health',
  'diagnose',
] as const;

/** Parts of a header that name personal data wherever they stand ("Vorname Klient"). */
export const REFUSED_HEADER_PARTS = [
  'vorname',
  'nachname',
  'geburtsdatum',
  'dateofbirth',
  'telefon',
  'strasse',
  'straße',
  'anschrift',
  'aktenzeichen',
  'email',
  'religion',
  'diagnose',
] as const;
