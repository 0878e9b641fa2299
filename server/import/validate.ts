// Checks every row of an export against the format and turns it into case records.
// Collects all errors; refuses files that carry personal data before reading any row.
import {
  COLUMNS,
  type Code,
  type ColumnName,
  EMPLOYMENT,
  END_REASONS,
  HOUSING,
  LANGUAGE_LEVELS,
  REFUSED_HEADER_PARTS,
  REFUSED_HEADERS,
  SEX,
} from './format.ts';
import { type ImportIssue, ImportRefused } from './issues.ts';
import type { Table } from './read-csv.ts';

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

export interface Registry {
  /** Provider code -> accepted spellings (code and German labels). */
  providers: Map<string, string[]>;
  /** AGS -> municipality name. */
  municipalities: Map<string, string>;
}

export interface ValidationContext {
  provider: string;
  asOf: string;
  registry: Registry;
}

export interface Validated {
  records: CaseRecord[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

const EARLIEST_PLAUSIBLE_START = '2015-01-01';
const OLDEST_PLAUSIBLE_AGE = 100;
const PSEUDONYM = /^[A-Za-z0-9._-]{4,64}$/;
const SHORT_PSEUDONYM = /^[A-Za-z0-9._-]{1,64}$/;

const normaliseHeader = (header: string) => header.trim().toLowerCase();
const compactHeader = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

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
    for (const spelling of [code, label, ...aliases]) lookup.set(spelling.toLowerCase(), code);
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

/** Maps the file's header to canonical columns; refuses personal data; lists what is missing. */
function mapHeader(header: string[]) {
  const refused = header.filter((name) => {
    const compact = compactHeader(name);
    return (
      (REFUSED_HEADERS as readonly string[]).includes(compact) ||
      REFUSED_HEADER_PARTS.some((part) => compact.includes(part))
    );
  });
  if (refused.length > 0) {
    throw new ImportRefused(
      refused.map((name) => ({
        row: 1,
        column: name,
        message: `Die Spalte „${name}“ enthält personenbezogene Daten. Der Export muss anonymisiert sein: Bitte die Spalte aus der Datei entfernen. Es wurde nichts gespeichert.`,
      })),
    );
  }
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const index = new Map<ColumnName, number>();
  const names = new Map<ColumnName, string>();
  header.forEach((name, position) => {
    const key = normaliseHeader(name);
    const column = COLUMNS.find((c) => c.name === key || c.alias === key);
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
        message: `Die Spalte „${column.alias}“ (${column.name}) kommt zweimal vor. Bitte eine davon entfernen.`,
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
        message: `Pflichtspalte „${column.alias}“ (${column.name}) fehlt. Bitte die Spalte ergänzen.`,
      });
    }
  }
  return { index, names, errors, warnings };
}

function ageInYears(birthMonth: string, on: string): number {
  const [by, bm] = birthMonth.split('-').map(Number) as [number, number];
  const [y, m] = on.split('-').map(Number) as [number, number];
  return y - by - (m < bm ? 1 : 0);
}

export function validateTable(table: Table, context: ValidationContext): Validated {
  const { index, names, errors, warnings } = mapHeader(table.header);
  if (errors.length > 0) return { records: [], errors, warnings };

  const { asOf, registry } = context;
  const providerSpellings = new Set(
    (registry.providers.get(context.provider) ?? [context.provider]).map((s) => s.toLowerCase()),
  );
  const municipalityByName = new Map(
    [...registry.municipalities].map(([ags, name]) => [name.toLowerCase(), ags]),
  );
  const firstRowOfCase = new Map<string, number>();
  const records: CaseRecord[] = [];

  for (const { row, cells } of table.rows) {
    const rowErrors: ImportIssue[] = [];
    const label = (column: ColumnName) => names.get(column) ?? column;
    const cell = (column: ColumnName): string => {
      const position = index.get(column);
      return position === undefined ? '' : (cells[position] ?? '');
    };
    const fail = (column: ColumnName, message: string, value?: string) =>
      rowErrors.push({
        row,
        column: label(column),
        message,
        ...(value === undefined ? {} : { value }),
      });
    const required = (column: ColumnName): string | undefined => {
      const value = cell(column);
      if (value === '') fail(column, 'Pflichtfeld ist leer.');
      return value === '' ? undefined : value;
    };
    const date = (column: ColumnName): string | null => {
      const value = cell(column);
      if (value === '') return null;
      const parsed = parseDate(value);
      if (!parsed) {
        fail(column, 'Kein gültiges Datum. Erwartet wird TT.MM.JJJJ oder JJJJ-MM-TT.', value);
        return null;
      }
      if (parsed > asOf) {
        fail(column, `Datum liegt nach dem Stand des Exports (${formatDateDe(asOf)}).`, value);
      }
      return parsed;
    };
    const code = (column: keyof typeof CODE_LISTS): string | null => {
      const value = cell(column);
      if (value === '') return null;
      const list = CODE_LISTS[column];
      const found = list.lookup.get(value.toLowerCase());
      if (!found) {
        const allowed = list.codes.map((c) =>
          c.code === c.label ? c.code : `${c.code} (${c.label})`,
        );
        fail(column, `Unbekannter Wert. Erlaubt: ${allowed.join(', ')}.`, value);
      }
      return found ?? null;
    };
    const pseudonym = (column: ColumnName, pattern: RegExp, length: string): string | null => {
      const value = cell(column);
      if (value === '') return null;
      if (!pattern.test(value)) {
        fail(
          column,
          `Ungültige Kennung: ${length} Zeichen aus A-Z, a-z, 0-9, Punkt, Unterstrich und Bindestrich.`,
          value,
        );
      }
      return value;
    };

    const caseId = required('case_id') && pseudonym('case_id', PSEUDONYM, '4 bis 64');
    if (caseId) {
      const first = firstRowOfCase.get(caseId);
      if (first !== undefined)
        fail('case_id', `Fall-ID kommt doppelt vor (zuerst in Zeile ${first}).`, caseId);
      else firstRowOfCase.set(caseId, row);
    }

    const provider = required('provider');
    if (provider && !providerSpellings.has(provider.toLowerCase())) {
      fail(
        'provider',
        `Die Datei wurde für den Träger ${context.provider} hochgeladen, die Zeile nennt einen anderen Träger.`,
        provider,
      );
    }

    const municipalityValue = required('municipality');
    let municipality: string | undefined;
    if (municipalityValue) {
      municipality = registry.municipalities.has(municipalityValue)
        ? municipalityValue
        : municipalityByName.get(municipalityValue.toLowerCase());
      if (!municipality) {
        fail(
          'municipality',
          'Gemeinde nicht im Gemeindeverzeichnis des Landkreises: bitte den 8-stelligen Gemeindeschlüssel (AGS) oder den Namen der Gemeinde angeben.',
          municipalityValue,
        );
      }
    }

    const managerId =
      required('manager_id') && pseudonym('manager_id', SHORT_PSEUDONYM, '1 bis 64');
    const householdId = pseudonym('household_id', SHORT_PSEUDONYM, '1 bis 64');
    const sex = code('sex');

    const birthValue = required('birth_month');
    let birthMonth: string | undefined;
    if (birthValue) {
      if (looksLikeFullDate(birthValue)) {
        // The value itself is a full date of birth: it is not repeated in the answer.
        fail(
          'birth_month',
          'Vollständiges Geburtsdatum: exportiert werden darf nur der Geburtsmonat (MM.JJJJ). Die Datei wurde abgewiesen, es wurde nichts gespeichert.',
        );
      } else {
        birthMonth = parseMonth(birthValue);
        if (!birthMonth)
          fail(
            'birth_month',
            'Kein gültiger Geburtsmonat. Erwartet wird MM.JJJJ, MM/JJJJ oder JJJJ-MM.',
            birthValue,
          );
        else if (birthMonth > asOf)
          fail(
            'birth_month',
            `Geburtsmonat liegt nach dem Stand des Exports (${formatDateDe(asOf)}).`,
            birthValue,
          );
        else if (ageInYears(birthMonth, asOf) > OLDEST_PLAUSIBLE_AGE) {
          warnings.push({
            row,
            column: label('birth_month'),
            value: birthValue,
            message: `Alter über ${OLDEST_PLAUSIBLE_AGE} Jahre: bitte prüfen.`,
          });
        }
      }
    }

    const countryValue = cell('country_of_origin');
    let country: string | null = null;
    if (countryValue !== '') {
      if (/^[A-Za-z]{3}$/.test(countryValue)) country = countryValue.toUpperCase();
      else
        fail(
          'country_of_origin',
          'Herkunftsland als dreistelliger ISO-3166-Code angeben (z. B. SYR, AFG, IRQ).',
          countryValue,
        );
    }

    const startedOn = required('started_on') ? date('started_on') : null;
    if (startedOn && startedOn < EARLIEST_PLAUSIBLE_START) {
      warnings.push({
        row,
        column: label('started_on'),
        value: cell('started_on'),
        message: `Beginn vor ${formatDateDe(EARLIEST_PLAUSIBLE_START)}: bitte prüfen.`,
      });
    }
    const endedOn = date('ended_on');
    if (startedOn && endedOn && endedOn < startedOn) {
      fail('ended_on', 'Ende liegt vor dem Beginn.', cell('ended_on'));
    }
    const endReason = code('end_reason');
    if (endedOn && !endReason && cell('end_reason') === '') {
      fail('end_reason', 'Bei beendeten Fällen ist der Beendigungsgrund Pflicht.');
    }
    if (!endedOn && cell('ended_on') === '' && cell('end_reason') !== '') {
      fail(
        'end_reason',
        'Beendigungsgrund ohne Ende: bitte das Ende des Falls eintragen oder den Grund löschen.',
        cell('end_reason'),
      );
    }

    const statusPair = (
      status: 'language_level' | 'employment',
      since: 'language_level_since' | 'employment_since',
    ) => {
      const value = code(status);
      const sinceDate = date(since);
      if (cell(status) !== '' && cell(since) === '')
        fail(
          since,
          `Datum fehlt: zu „${label(status)}“ gehört das Datum, seit dem der Stand gilt.`,
        );
      if (cell(status) === '' && cell(since) !== '')
        fail(
          since,
          `Datum ohne Wert: bitte „${label(status)}“ ausfüllen oder das Datum löschen.`,
          cell(since),
        );
      return [value, sinceDate] as const;
    };
    const [languageLevel, languageLevelSince] = statusPair(
      'language_level',
      'language_level_since',
    );
    const [employment, employmentSince] = statusPair('employment', 'employment_since');
    const housing = code('housing');
    const planCreatedOn = date('plan_created_on');
    const leaseSignedOn = date('lease_signed_on');

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    records.push({
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
    });
  }
  if (table.rows.length === 0) {
    errors.push({
      row: null,
      column: null,
      message: 'Die Datei enthält keine Fälle: nur die Kopfzeile wurde gefunden.',
    });
  }
  return { records, errors, warnings };
}
