// Checks every row of an export against the format and turns it into case records.
// Collects all errors; refuses files that carry personal data before reading any row.
import {
  type Code,
  EMPLOYMENT,
  END_REASONS,
  HOUSING,
  LANGUAGE_LEVELS,
  SEX,
} from '../../contract/vocabulary.ts';
import {
  COLUMNS,
  type Column,
  type ColumnName,
  columnOfHeader,
  namesPersonalData,
} from './format.ts';
import { type ImportIssue, ImportRefused } from './issues.ts';
import type { SourceRow } from './rows.ts';
import type { FileFormat } from './source.ts';

export interface CaseRecord {
  case_id: string;
  municipality: string;
  manager_id: string;
  household_id: string | null;
  sex: string | null;
  birth_month: string;
  country: string | null;
  started_on: string;
  ended_on: string | null;
  end_reason: string | null;
  plan_created_on: string | null;
  language_level: string | null;
  language_level_since: string | null;
  employment: string | null;
  employment_since: string | null;
  housing: string | null;
  lease_signed_on: string | null;
}

/** The district's directory of providers and municipalities (not the indicator registry). */
export interface Directory {
  /** Provider code -> accepted spellings (code and German labels). */
  providers: Map<string, string[]>;
  /** AGS -> municipality name. */
  municipalities: Map<string, string>;
}

export interface ValidationContext {
  provider: string;
  asOf: string;
  directory: Directory;
  /** The kind of file the rows come from, for advice that depends on it. */
  format?: FileFormat;
}

/** At most this many errors and warnings are listed; the counts say how many there were. */
export const LISTED_ISSUES = 200;
/** Rows named with an issue that stands for many. */
export const ROWS_NAMED = 10;

/**
 * Issues as a clerk reads them: the first ones listed, all of them counted. The same
 * message in the same column on many rows is listed once, at its first row, with the
 * number of rows and the first of them: a date format wrong in a whole column is one
 * thing to change, not thousands.
 */
export class IssueList {
  readonly listed: ImportIssue[] = [];
  count = 0;
  /** Listed issues of single rows, by column and message. */
  private readonly byKind = new Map<string, ImportIssue>();
  constructor(private readonly limit = LISTED_ISSUES) {}

  push(...issues: ImportIssue[]) {
    for (const issue of issues) {
      this.count += issue.count ?? 1;
      const kind = issue.row === null ? null : `${issue.column}\u0000${issue.message}`;
      const listed = kind === null ? undefined : this.byKind.get(kind);
      if (listed) {
        listed.rows ??= [listed.row as number];
        const rows = listed.rows;
        listed.count = (listed.count ?? 1) + (issue.count ?? 1);
        for (const row of issue.rows ?? [issue.row as number]) {
          if (rows.length < ROWS_NAMED) rows.push(row);
        }
      } else if (this.listed.length < this.limit) {
        const entry = issue.rows ? { ...issue, rows: [...issue.rows] } : { ...issue };
        this.listed.push(entry);
        if (kind !== null) this.byKind.set(kind, entry);
      }
    }
  }

  /** Takes over another list's issues, listed and counted. */
  absorb(other: IssueList) {
    const count = this.count + other.count;
    this.push(...other.listed);
    this.count = count;
  }

  /** Puts an issue about the whole file first, where it explains those that follow. */
  pushFirst(issue: ImportIssue) {
    this.count++;
    this.listed.unshift(issue);
    if (this.listed.length > this.limit) this.listed.pop();
  }

  /** The listed issues, those standing for many rows saying how many and which. */
  described(): ImportIssue[] {
    return this.listed.map((issue) => {
      if ((issue.count ?? 1) === 1) return issue;
      const count = issue.count as number;
      const rows = issue.rows as number[];
      const named = rows.map((row) => row.toLocaleString('de-DE'));
      const which =
        count > rows.length
          ? `${count.toLocaleString('de-DE')} Zeilen, zuerst ${named.join(', ')}`
          : `die Zeilen ${named.slice(0, -1).join(', ')} und ${named.at(-1)}`;
      return { ...issue, message: `${issue.message} Betrifft ${which}.` };
    });
  }
}

const EARLIEST_PLAUSIBLE_START = '2015-01-01';
const OLDEST_PLAUSIBLE_AGE = 100;
const PSEUDONYM = /^[A-Za-z0-9._-]{4,64}$/;
const SHORT_PSEUDONYM = /^[A-Za-z0-9._-]{1,64}$/;

/** One year earlier, the same day (29 February becomes 28 February). */
export function yearEarlier(date: string): string {
  const earlier = `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
  return parseDate(earlier) ?? `${earlier.slice(0, 8)}28`;
}

export function formatDateDe(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}.${month}.${year}`;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` or `DD.MM.YYYY` to ISO; undefined when it is neither or no real day. */
export function parseDate(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : german
      ? [Number(german[3]), Number(german[2]), Number(german[1])]
      : [Number.NaN, Number.NaN, Number.NaN];
  if (!isCalendarDate(year, month, day)) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** `YYYY-MM`, `MM.YYYY` or `MM/YYYY` to the first day of that month. */
export function parseMonth(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})$/.exec(value);
  const german = /^(\d{1,2})[./](\d{4})$/.exec(value);
  const [year, month] = iso
    ? [Number(iso[1]), Number(iso[2])]
    : german
      ? [Number(german[2]), Number(german[1])]
      : [Number.NaN, Number.NaN];
  if (!isCalendarDate(year, month, 1)) return undefined;
  return `${year}-${pad(month)}-01`;
}

/** Dates and months as a spreadsheet writes them with a two-digit year (`15.05.19`, `05/19`). */
const TWO_DIGIT_YEAR_DATE = /^\d{1,2}[./]\d{1,2}[./]\d{2}$/;
const TWO_DIGIT_YEAR_MONTH = /^\d{1,2}[./]\d{2}$/;

/** Anything with a day in it: a full date of birth must never be stored. */
function looksLikeFullDate(value: string): boolean {
  return (
    /^\d{4}-\d{1,2}-\d{1,2}/.test(value) ||
    /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(value) ||
    /^\d{8}$/.test(value)
  );
}

function codeLookup(codes: readonly Code[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const { code, label, aliases = [] } of codes) {
    for (const spelling of [code, label, ...aliases]) {
      lookup.set(spelling, code);
      lookup.set(spelling.toLowerCase(), code);
    }
  }
  return lookup;
}

const CODE_LISTS = {
  sex: { lookup: codeLookup(SEX), codes: SEX },
  language_level: { lookup: codeLookup(LANGUAGE_LEVELS), codes: LANGUAGE_LEVELS },
  employment: { lookup: codeLookup(EMPLOYMENT), codes: EMPLOYMENT },
  housing: { lookup: codeLookup(HOUSING), codes: HOUSING },
  end_reason: { lookup: codeLookup(END_REASONS), codes: END_REASONS },
} as const;

const personalDataColumn = (name: string): ImportIssue => ({
  row: 1,
  column: name,
  message: `Die Spalte „${name}“ enthält personenbezogene Daten. Der Export muss anonymisiert sein: Bitte die Spalte aus der Datei entfernen. Es wurde nichts gespeichert.`,
});

/** Characters that separate fields in exports people make, by their German names. */
const SEPARATORS = [
  [';', 'Semikolon (;)'],
  [',', 'Komma (,)'],
  ['\t', 'Tabulator'],
  ['|', 'senkrechter Strich (|)'],
] as const;

/**
 * A header that is one cell holding the names of several columns, split by a character
 * that was not read as the delimiter: a tab-separated file, a CSV whose lines are quoted
 * whole, a CSV pasted into the first column of a spreadsheet. Null for any other header.
 */
function unsplitHeader(header: string[]) {
  const filled = header.filter((name) => name !== '');
  if (filled.length !== 1) return null;
  const cell = filled[0] as string;
  let found: (typeof SEPARATORS)[number] | undefined;
  let most = 0;
  for (const separator of SEPARATORS) {
    const count = cell.split(separator[0]).length - 1;
    if (count > most) [found, most] = [separator, count];
  }
  if (!found) return null;
  const names = cell.split(found[0]).map((name) => name.trim().replace(/^"|"$/g, ''));
  if (names.filter((name) => columnOfHeader(name)).length < 2) return null;
  return { cell, names, found: found[1] };
}

function separatorAdvice(
  { cell, found }: { cell: string; found: string },
  format: FileFormat | undefined,
): ImportIssue {
  const seen = `Gefundenes Trennzeichen: ${found}`;
  let message: string;
  if (format === 'xlsx') {
    message = `Die erste Tabelle hat nur eine Spalte, in der die Namen aller Spalten stehen. ${seen}; erwartet wird eine Spalte je Feld. Vermutlich wurde eine CSV-Datei geöffnet, ohne sie in Spalten zu teilen. Bitte die CSV-Datei selbst hochladen oder die Spalte teilen (Excel: Daten → Text in Spalten → Getrennt; LibreOffice: Daten → Text in Spalten) und erneut speichern.`;
  } else if (format === 'csv' && (found.startsWith('Semikolon') || found.startsWith('Komma'))) {
    message = `Die Datei liest sich als eine einzige Spalte: Jede Zeile steht als Ganzes in Anführungszeichen, so gilt ihr ${found} nicht als Trennzeichen. Erwartet wird Semikolon (;) oder Komma (,) zwischen den Feldern, nicht in Anführungszeichen. Bitte die Datei erneut als CSV speichern (Excel: „CSV (Trennzeichen-getrennt)“; LibreOffice: „Text CSV“).`;
  } else {
    message = `Die Datei liest sich als eine einzige Spalte. ${seen}; erwartet wird Semikolon (;) oder Komma (,). Bitte die Datei als CSV mit Semikolon speichern (Excel: „CSV (Trennzeichen-getrennt)“; LibreOffice: „Text CSV“, Feldtrenner Semikolon).`;
  }
  return {
    row: 1,
    column: null,
    value: cell.length > 80 ? `${cell.slice(0, 79)}…` : cell,
    message,
  };
}

/**
 * Maps the file's header to canonical columns (format.ts decides what a header names);
 * refuses personal data; lists what is missing or named twice.
 */
export function mapHeader(rawHeader: string[], format?: FileFormat) {
  const header = rawHeader.map((name) => name.trim());
  const unsplit = unsplitHeader(header);
  const refused = (unsplit?.names ?? header).filter(namesPersonalData);
  if (refused.length > 0) throw new ImportRefused(refused.map(personalDataColumn));
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const index = new Map<ColumnName, number>();
  const names = new Map<ColumnName, string>();
  // One diagnosis instead of an error for every required column.
  if (unsplit) return { index, names, errors: [separatorAdvice(unsplit, format)], warnings };
  header.forEach((name, position) => {
    const column = columnOfHeader(name);
    if (!column) {
      warnings.push({
        row: 1,
        column: name,
        message: `Unbekannte Spalte „${name}“ wird ignoriert.`,
      });
    } else if (index.has(column.name)) {
      errors.push({
        row: 1,
        column: name,
        message: `Die Spalten „${names.get(column.name)}“ und „${name}“ bezeichnen beide die Spalte ${described(column)}. Bitte eine davon entfernen.`,
      });
    } else {
      index.set(column.name, position);
      names.set(column.name, name);
    }
  });
  for (const column of COLUMNS) {
    if (column.required && !index.has(column.name)) {
      errors.push({
        row: 1,
        column: column.alias,
        message: `Pflichtspalte ${described(column)} fehlt. Bitte die Spalte ergänzen.`,
      });
    }
  }
  return { index, names, errors, warnings };
}

const described = (column: Column) => `„${column.alias}“ (${column.name})`;

/** Age in completed years on a date, both ISO; cheap enough to run on every row. */
function ageInYears(birthMonth: string, on: string): number {
  return yearOf(on) - yearOf(birthMonth) - (monthOf(on) < monthOf(birthMonth) ? 1 : 0);
}
const yearOf = (iso: string) => Number(iso.slice(0, 4));
const monthOf = (iso: string) => Number(iso.slice(5, 7));

/** Whitespace at either end (cells are mostly clean: trimming them all would allocate). */
const padded = (value: string) =>
  value.length > 0 && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32);

/** Parsed dates repeat a lot: a bounded cache saves the regular expressions. */
class ParseCache {
  private readonly values = new Map<string, string | undefined>();
  constructor(private readonly parse: (value: string) => string | undefined) {}

  get(value: string): string | undefined {
    const cached = this.values.get(value);
    if (cached !== undefined || this.values.has(value)) return cached;
    const parsed = this.parse(value);
    if (this.values.size < 50_000) this.values.set(value, parsed);
    return parsed;
  }
}

const COLUMN_INDEX: Record<ColumnName, number> = Object.fromEntries(
  COLUMNS.map((column, ordinal) => [column.name, ordinal]),
) as Record<ColumnName, number>;

/**
 * Checks rows one by one as they stream in, turning each valid row into a case record.
 * Errors and warnings are collected, never thrown: the caller decides after the last row.
 * A case id repeated in the file is found by the caller in SQL, so memory stays bounded.
 */
export class RowValidator {
  readonly errors = new IssueList();
  readonly warnings = new IssueList();
  /** Data rows seen (not counting the header or empty lines). */
  rows = 0;
  private readonly positions: number[];
  private readonly labels: string[];
  private readonly width: number;
  private readonly providerSpellings: Set<string>;
  private readonly municipalityByName: Map<string, string>;
  private readonly dates = new ParseCache(parseDate);
  private readonly months = new ParseCache(parseMonth);
  /** The case id of the row checked last, when it is a valid pseudonym (else null). */
  caseId: string | null = null;
  private readonly headerErrors: number;
  private cells: string[] = [];
  private row = 0;
  private failed = false;
  private firstTwoDigitYear: { row: number; column: string; value: string } | undefined;

  /** Throws ImportRefused when the header names personal data. */
  constructor(
    header: SourceRow,
    private readonly context: ValidationContext,
  ) {
    const mapped = mapHeader(header.cells, context.format);
    this.errors.push(...mapped.errors);
    this.headerErrors = mapped.errors.length;
    this.warnings.push(...mapped.warnings);
    this.positions = COLUMNS.map((column) => mapped.index.get(column.name) ?? -1);
    this.labels = COLUMNS.map((column) => mapped.names.get(column.name) ?? column.alias);
    this.width = header.cells.length;
    const { directory, provider } = context;
    this.providerSpellings = new Set(
      (directory.providers.get(provider) ?? [provider]).map((s) => s.toLowerCase()),
    );
    this.municipalityByName = new Map(
      [...directory.municipalities].map(([ags, name]) => [name.toLowerCase(), ags]),
    );
  }

  /** The case id column as the file names it. */
  get caseIdLabel(): string {
    return this.labels[COLUMN_INDEX.case_id] as string;
  }

  /** Whether the header allows reading rows at all (all required columns present, once). */
  get headerUsable(): boolean {
    return this.headerErrors === 0;
  }

  private cell(column: ColumnName): string {
    const position = this.positions[COLUMN_INDEX[column]] as number;
    if (position < 0) return '';
    const value = this.cells[position];
    if (value === undefined) return '';
    return padded(value) ? value.trim() : value;
  }

  private labelOf(column: ColumnName): string {
    return this.labels[COLUMN_INDEX[column]] as string;
  }

  private fail(column: ColumnName, message: string, value?: string) {
    this.failed = true;
    this.errors.push({
      row: this.row,
      column: this.labelOf(column),
      message,
      ...(value === undefined ? {} : { value }),
    });
  }

  private warn(column: ColumnName, message: string, value: string) {
    this.warnings.push({
      row: this.row,
      column: this.labels[COLUMN_INDEX[column]] as string,
      value,
      message,
    });
  }

  private required(column: ColumnName): string | undefined {
    const value = this.cell(column);
    if (value === '') {
      this.fail(column, 'Pflichtfeld ist leer.');
      return undefined;
    }
    return value;
  }

  private date(column: ColumnName): string | null {
    const value = this.cell(column);
    if (value === '') return null;
    const parsed = this.dates.get(value);
    if (!parsed) {
      if (TWO_DIGIT_YEAR_DATE.test(value)) this.twoDigitYear(column, value, 'TT.MM.JJJJ');
      else
        this.fail(column, 'Kein gültiges Datum. Erwartet wird TT.MM.JJJJ oder JJJJ-MM-TT.', value);
      return null;
    }
    if (parsed > this.context.asOf) {
      this.fail(
        column,
        `Datum liegt nach dem Stand des Exports (${formatDateDe(this.context.asOf)}).`,
        value,
      );
    }
    return parsed;
  }

  /** A date whose year has two digits: refused, and the file's diagnosis says why. */
  private twoDigitYear(column: ColumnName, value: string, expected: string) {
    this.fail(
      column,
      `Zweistellige Jahreszahl: welches Jahrhundert gemeint ist, wird nicht geraten. Erwartet wird ${expected} mit vierstelliger Jahreszahl.`,
      value,
    );
    this.firstTwoDigitYear ??= { row: this.row, column: this.labelOf(column), value };
  }

  /**
   * After the last row: one diagnosis of the whole file where many cells share a cause,
   * put before the errors it explains.
   */
  finish() {
    const seen = this.firstTwoDigitYear;
    if (!seen) return;
    this.errors.pushFirst({
      row: null,
      column: null,
      value: seen.value,
      message: `Die Datei schreibt Jahreszahlen zweistellig (zuerst „${seen.value}“ in Zeile ${seen.row.toLocaleString('de-DE')}, Spalte „${seen.column}“), wie LibreOffice deutsche Datumsangaben ohne eigene Einstellung speichert. Welches Jahrhundert gemeint ist, wird nicht geraten: Bitte die Datumsspalten mit vierstelliger Jahreszahl speichern. In Excel: die Spalten markieren, Zellen formatieren → Zahlen → Benutzerdefiniert → TT.MM.JJJJ. In LibreOffice: die Spalten markieren, Format → Zellen → Zahlen → Datum → Formatcode TT.MM.JJJJ. Dann die Datei erneut speichern und hochladen.`,
    });
  }

  private code(column: keyof typeof CODE_LISTS): string | null {
    const value = this.cell(column);
    if (value === '') return null;
    const list = CODE_LISTS[column];
    // Exact spellings first: most files write codes as listed, so no lower-casing.
    const found = list.lookup.get(value) ?? list.lookup.get(value.toLowerCase());
    if (!found) {
      const allowed = list.codes.map((c) =>
        c.code === c.label ? c.code : `${c.code} (${c.label})`,
      );
      this.fail(column, `Unbekannter Wert. Erlaubt: ${allowed.join(', ')}.`, value);
    }
    return found ?? null;
  }

  private pseudonym(column: ColumnName, pattern: RegExp, length: string): string | null {
    const value = this.cell(column);
    if (value === '') return null;
    if (!pattern.test(value)) {
      this.fail(
        column,
        `Ungültige Kennung: ${length} Zeichen aus A-Z, a-z, 0-9, Punkt, Unterstrich und Bindestrich.`,
        value,
      );
    }
    return value;
  }

  /** The shape of the row: as many fields as the header, nothing beyond it. */
  private checkWidth(): boolean {
    const { cells, width } = this;
    if (cells.length < width) {
      this.failed = true;
      this.errors.push({
        row: this.row,
        column: null,
        message: `Die Zeile hat ${cells.length} Felder, die Kopfzeile ${width}. Vermutlich ein Zeilenumbruch ohne Anführungszeichen oder ein fehlendes Trennzeichen.`,
      });
      return false;
    }
    for (let position = width; position < cells.length; position++) {
      if ((cells[position] as string).trim() !== '') {
        this.failed = true;
        this.errors.push({
          row: this.row,
          column: null,
          value: (cells[position] as string).slice(0, 100),
          message: `Die Zeile hat mehr Felder (${cells.length}) als die Kopfzeile (${width}). Vermutlich ein Trennzeichen im Text ohne Anführungszeichen.`,
        });
        return false;
      }
    }
    return true;
  }

  /** One data row: its record, or null when the row has errors (they are collected). */
  check(source: SourceRow): CaseRecord | null {
    this.cells = source.cells;
    this.row = source.row;
    this.failed = false;
    this.caseId = null;
    this.rows++;
    if (!this.checkWidth()) return null;
    const { asOf, directory, provider: uploadedFor } = this.context;

    const caseId = this.required('case_id') && this.pseudonym('case_id', PSEUDONYM, '4 bis 64');
    this.caseId = caseId && PSEUDONYM.test(caseId) ? caseId : null;

    const provider = this.required('provider');
    if (provider && !this.providerSpellings.has(provider.toLowerCase())) {
      this.fail(
        'provider',
        `Die Datei wurde für den Träger ${uploadedFor} hochgeladen, die Zeile nennt einen anderen Träger.`,
        provider,
      );
    }

    const municipalityValue = this.required('municipality');
    let municipality: string | undefined;
    if (municipalityValue) {
      municipality = directory.municipalities.has(municipalityValue)
        ? municipalityValue
        : // A key that lost its leading zero in a spreadsheet (8118048 for 08118048).
          /^\d{7}$/.test(municipalityValue) && directory.municipalities.has(`0${municipalityValue}`)
          ? `0${municipalityValue}`
          : this.municipalityByName.get(municipalityValue.toLowerCase());
      if (!municipality) {
        this.fail(
          'municipality',
          'Gemeinde nicht im Gemeindeverzeichnis des Landkreises: bitte den 8-stelligen Gemeindeschlüssel (AGS) oder den Namen der Gemeinde angeben.',
          municipalityValue,
        );
      }
    }

    const managerId =
      this.required('manager_id') && this.pseudonym('manager_id', SHORT_PSEUDONYM, '1 bis 64');
    const householdId = this.pseudonym('household_id', SHORT_PSEUDONYM, '1 bis 64');
    const sex = this.code('sex');

    const birthValue = this.required('birth_month');
    let birthMonth: string | undefined;
    if (birthValue) {
      if (looksLikeFullDate(birthValue)) {
        // The value itself is a full date of birth: it is not repeated in the answer.
        this.fail(
          'birth_month',
          'Vollständiges Geburtsdatum: exportiert werden darf nur der Geburtsmonat (MM.JJJJ). Die Datei wurde abgewiesen, es wurde nichts gespeichert.',
        );
      } else {
        birthMonth = this.months.get(birthValue);
        if (!birthMonth && TWO_DIGIT_YEAR_MONTH.test(birthValue))
          this.twoDigitYear('birth_month', birthValue, 'MM.JJJJ');
        else if (!birthMonth)
          this.fail(
            'birth_month',
            'Kein gültiger Geburtsmonat. Erwartet wird MM.JJJJ, MM/JJJJ oder JJJJ-MM.',
            birthValue,
          );
        else if (birthMonth > asOf)
          this.fail(
            'birth_month',
            `Geburtsmonat liegt nach dem Stand des Exports (${formatDateDe(asOf)}).`,
            birthValue,
          );
        else if (ageInYears(birthMonth, asOf) > OLDEST_PLAUSIBLE_AGE) {
          this.warn(
            'birth_month',
            `Alter über ${OLDEST_PLAUSIBLE_AGE} Jahre: bitte prüfen.`,
            birthValue,
          );
        }
      }
    }

    const countryValue = this.cell('country_of_origin');
    let country: string | null = null;
    if (countryValue !== '') {
      if (/^[A-Za-z]{3}$/.test(countryValue)) country = countryValue.toUpperCase();
      else
        this.fail(
          'country_of_origin',
          'Herkunftsland als dreistelliger ISO-3166-Code angeben (z. B. SYR, AFG, IRQ).',
          countryValue,
        );
    }

    const startedOn = this.required('started_on') ? this.date('started_on') : null;
    if (startedOn && startedOn < EARLIEST_PLAUSIBLE_START) {
      this.warn(
        'started_on',
        `Beginn vor ${formatDateDe(EARLIEST_PLAUSIBLE_START)}: bitte prüfen.`,
        this.cell('started_on'),
      );
    }
    const endedOn = this.date('ended_on');
    if (startedOn && endedOn && endedOn < startedOn) {
      this.fail('ended_on', 'Ende liegt vor dem Beginn.', this.cell('ended_on'));
    }
    const endReason = this.code('end_reason');
    if (endedOn && !endReason && this.cell('end_reason') === '') {
      this.fail('end_reason', 'Bei beendeten Fällen ist der Beendigungsgrund Pflicht.');
    }
    if (!endedOn && this.cell('ended_on') === '' && this.cell('end_reason') !== '') {
      this.fail(
        'end_reason',
        'Beendigungsgrund ohne Ende: bitte das Ende des Falls eintragen oder den Grund löschen.',
        this.cell('end_reason'),
      );
    }

    const [languageLevel, languageLevelSince] = this.statusPair(
      'language_level',
      'language_level_since',
    );
    const [employment, employmentSince] = this.statusPair('employment', 'employment_since');
    const housing = this.code('housing');
    const planCreatedOn = this.date('plan_created_on');
    const leaseSignedOn = this.date('lease_signed_on');

    if (this.failed) return null;
    return {
      case_id: caseId as string,
      municipality: municipality as string,
      manager_id: managerId as string,
      household_id: householdId,
      sex,
      birth_month: birthMonth as string,
      country,
      started_on: startedOn as string,
      ended_on: endedOn,
      end_reason: endReason,
      plan_created_on: planCreatedOn,
      language_level: languageLevel,
      language_level_since: languageLevelSince,
      employment,
      employment_since: employmentSince,
      housing,
      lease_signed_on: leaseSignedOn,
    };
  }

  private statusPair(
    status: 'language_level' | 'employment',
    since: 'language_level_since' | 'employment_since',
  ) {
    const value = this.code(status);
    const sinceDate = this.date(since);
    const label = this.labels[COLUMN_INDEX[status]];
    if (this.cell(status) !== '' && this.cell(since) === '')
      this.fail(since, `Datum fehlt: zu „${label}“ gehört das Datum, seit dem der Stand gilt.`);
    if (this.cell(status) === '' && this.cell(since) !== '')
      this.fail(
        since,
        `Datum ohne Wert: bitte „${label}“ ausfüllen oder das Datum löschen.`,
        this.cell(since),
      );
    return [value, sinceDate] as const;
  }
}
