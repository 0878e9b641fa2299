// The case export format, version 1 (docs/export-format.md): columns, German aliases,
// how a header names a column, code lists with the German labels an export may use
// instead of a code.

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
 * A header as the format compares it: Unicode composed (an `ä` from macOS is `a` plus a
 * combining mark), surrounding white space of any kind dropped (non-breaking spaces and
 * byte order marks too), lower case, umlauts and ß spelled out (`ä` = `ae`, `ß` = `ss`),
 * and every run of space, hyphen (any dash), underscore and dot written as one `_`.
 * So `Träger`, `TRAEGER` and `traeger` fold alike, as do `Fall-ID`, `Fall ID` and `fall_id`.
 */
export function foldHeader(header: string): string {
  return header
    .normalize('NFC')
    .replace(/[\s\u200b]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[äöüß]/g, (letter) => UMLAUTS[letter] as string)
    .replace(/[ ._\-\u2010-\u2015\u2212]+/g, '_');
}

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

export type Column = (typeof COLUMNS)[number];

/** Each column by its canonical name and by its German alias, both folded. */
const COLUMN_BY_FOLDED_NAME = new Map<string, Column>(
  COLUMNS.flatMap((column) => [
    [foldHeader(column.name), column],
    [foldHeader(column.alias), column],
  ]),
);

/** The column a header names, or undefined for a header the format does not know. */
export function columnOfHeader(header: string): Column | undefined {
  return COLUMN_BY_FOLDED_NAME.get(foldHeader(header));
}

/**
 * Whether a header names personal data. Folded, and then without separators, so that
 * `E-Mail`, `e_mail` and `EMAIL` are all `email`, and `Straße` is `strasse`.
 */
export function namesPersonalData(header: string): boolean {
  const compact = foldHeader(header).replaceAll('_', '');
  return (
    (REFUSED_HEADERS as readonly string[]).includes(compact) ||
    REFUSED_HEADER_PARTS.some((part) => compact.includes(part))
  );
}

/** Headers that name personal data, folded and without separators. */
const REFUSED_HEADERS = [
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
const REFUSED_HEADER_PARTS = [
  'vorname',
  'nachname',
  'geburtsdatum',
  'dateofbirth',
  'telefon',
  'strasse',
  'anschrift',
  'aktenzeichen',
  'email',
  'religion',
  'diagnose',
] as const;
