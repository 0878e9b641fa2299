// The case export format, version 1 (docs/export-format.md): columns, German aliases and
// how a header names a column. Its code lists, with the German labels an export may use
// instead of a code, are the domain's vocabulary (contract/vocabulary.ts).

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
