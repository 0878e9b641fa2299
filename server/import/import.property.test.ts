// Property tests of the import over generated exports (docs/export-format.md):
// A. every valid rendering of a valid export (CSV, XLSX or Arrow, any delimiter, header
//    spelling, code spelling, date style, quoting, encoding, column order) is imported as
//    the model says, and the SQL figures equal an oracle computed here in plain TypeScript;
// B. one corruption that the format calls an error is rejected, naming its row and column,
//    and leaves every table as it was;
// C. arbitrary damage to the bytes (of CSV, XLSX and Arrow files alike) is either rejected
//    cleanly or imported with figures true to what was stored.
// FC_SEED=<n> replays a run.
import { readFileSync } from 'node:fs';
import {
  Table as ArrowTable,
  DateDay,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Code,
  EMPLOYMENT,
  END_REASONS,
  HOUSING,
  LANGUAGE_LEVELS,
  SEX,
} from '../../contract/vocabulary.ts';
import { type DirectoryCategories, directoryCategories } from '../indicators/dimensions.ts';
import { breakdownOn, indicatorsOn, type RawFigure } from '../indicators/figures.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';
import { tableChecksums } from '../test/checksums.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { COLUMNS, type ColumnName } from './format.ts';
import { type ImportSummary, importExport } from './import-export.ts';
import type { ImportIssue } from './issues.ts';
import { writeXlsx, type XlsxValue } from './xlsx-writer.ts';

const DISTRICT = '08118';
/** The provider whose exports are generated, with the spellings the registry accepts. */
const PROVIDER = 'KDV';
const SPELLINGS: Record<string, string[]> = {
  KDV: ['KDV', 'Kreisdiakonieverband'],
  AWO: ['AWO', 'Arbeiterwohlfahrt'],
};
const BASELINE_PROVIDER = 'AWO';
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
/** Once a property has failed, shrinking (a database round per step) gets this long. */
const SHRINK_MS = 30_000;

/**
 * A property body that stops trying shrink candidates SHRINK_MS after its first failure:
 * later candidates pass at once, so fast-check reports the smallest counterexample found so
 * far. The initial runs are never cut short.
 */
function shrinkBounded<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  let failedAt: number | null = null;
  return async (...args: A) => {
    if (failedAt !== null && Date.now() - failedAt > SHRINK_MS) return;
    try {
      await body(...args);
    } catch (error) {
      failedAt ??= Date.now();
      throw error;
    }
  };
}

// ---------------------------------------------------------------------------------------
// Dates as day numbers

const DAY_MS = 86_400_000;
const dayOf = (iso: string) =>
  Math.round(
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) /
      DAY_MS,
  );
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const germanOf = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const pad2 = (n: number) => String(n).padStart(2, '0');
/** The first of the month, `months` months after the month of `iso`. */
const monthsLater = (iso: string, months: number) => {
  const index = Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1 + months;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}-01`;
};
/** `iso` minus whole years (plus, if negative); 29 February becomes the 28th, as in PostgreSQL. */
const yearsEarlier = (iso: string, years: number) => {
  const year = Number(iso.slice(0, 4)) - years;
  const month = Number(iso.slice(5, 7));
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad2(month)}-${pad2(Math.min(Number(iso.slice(8, 10)), last))}`;
};
/** A value in [low, high] chosen by a raw natural number (shrinks towards `low`). */
const within = (low: number, high: number, u: number) =>
  high <= low ? low : low + (u % (high - low + 1));

const EARLIEST = dayOf('2016-01-01');

// ---------------------------------------------------------------------------------------
// The model: one provider's cases as the export means them

interface ModelCase {
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

interface Model {
  asOf: string;
  cases: ModelCase[];
}

/** The district's municipalities, read from the migration that registers them. */
const MUNICIPALITIES = Array.from(
  readFileSync(new URL('../../sql/002_registry_ludwigsburg.sql', import.meta.url), 'utf8').matchAll(
    /\('08118', '(\d{8})', '([^']+)'/g,
  ),
  (match) => ({ ags: match[1] as string, name: match[2] as string }),
);
const NAME_OF = new Map(MUNICIPALITIES.map((m) => [m.ags, m.name]));

const ID_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'];
const MANAGERS = ['IM-1', 'IM-2', 'im.3', 'X', 'IM_04', '5'];
const HOUSEHOLDS = ['HH-1', 'HH-2', 'h.3', '7'];
const COUNTRIES = ['SYR', 'AFG', 'IRQ', 'ERI', 'NGA', 'TUR', 'GMB', 'UKR'];
const codesOf = (list: readonly Code[]) => list.map((c) => c.code);

const caseIdArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 99_999 }).map((n) => `F-${String(n).padStart(4, '0')}`),
  },
  {
    weight: 3,
    arbitrary: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 4, maxLength: 12 }),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 60, maxLength: 64 }),
  },
);

function caseArb(asOfDay: number): fc.Arbitrary<ModelCase> {
  const asOf = isoOf(asOfDay);
  /** Empty one time in `freq`. */
  const optional = <T>(arb: fc.Arbitrary<T>, freq = 3) => fc.option(arb, { nil: null, freq });
  return fc
    .record({
      case_id: caseIdArb,
      municipality: fc.constantFrom(...MUNICIPALITIES.map((m) => m.ags)),
      manager_id: fc.constantFrom(...MANAGERS),
      household_id: optional(fc.constantFrom(...HOUSEHOLDS)),
      sex: optional(fc.constantFrom(...codesOf(SEX))),
      // Months before the export's month: many minors, adults up to 85.
      birthBack: fc.oneof(
        fc.integer({ min: 0, max: 20 * 12 }),
        fc.integer({ min: 0, max: 85 * 12 }),
      ),
      country: optional(fc.constantFrom(...COUNTRIES)),
      started: fc.integer({ min: EARLIEST, max: asOfDay }),
      // Half of the cases open, half closed.
      end: optional(
        fc.record({ u: fc.nat(), reason: fc.constantFrom(...codesOf(END_REASONS)) }),
        2,
      ),
      plan: optional(fc.nat()),
      language: optional(
        fc.record({ u: fc.nat(), value: fc.constantFrom(...codesOf(LANGUAGE_LEVELS)) }),
      ),
      employment: optional(
        fc.record({ u: fc.nat(), value: fc.constantFrom(...codesOf(EMPLOYMENT)) }),
      ),
      housing: optional(fc.constantFrom(...codesOf(HOUSING))),
      lease: optional(fc.nat()),
    })
    .map((raw): ModelCase => {
      const ended = raw.end ? within(raw.started, asOfDay, raw.end.u) : null;
      const spanEnd = ended ?? asOfDay;
      const inSpan = (u: number) => isoOf(within(raw.started, spanEnd, u));
      return {
        case_id: raw.case_id,
        municipality: raw.municipality,
        manager_id: raw.manager_id,
        household_id: raw.household_id,
        sex: raw.sex,
        birth_month: monthsLater(asOf, -raw.birthBack),
        country: raw.country,
        started_on: isoOf(raw.started),
        ended_on: ended === null ? null : isoOf(ended),
        end_reason: raw.end ? raw.end.reason : null,
        plan_created_on: raw.plan === null ? null : inSpan(raw.plan),
        language_level: raw.language?.value ?? null,
        language_level_since: raw.language ? inSpan(raw.language.u) : null,
        employment: raw.employment?.value ?? null,
        employment_since: raw.employment ? inSpan(raw.employment.u) : null,
        housing: raw.housing,
        lease_signed_on:
          raw.lease === null ? null : isoOf(within(raw.started - 400, asOfDay, raw.lease)),
      };
    });
}

const casesArb = (asOfDay: number) =>
  fc.uniqueArray(caseArb(asOfDay), { minLength: 1, maxLength: 25, selector: (c) => c.case_id });

const modelArb: fc.Arbitrary<Model> = fc
  .integer({ min: dayOf('2018-01-01'), max: dayOf('2025-12-31') })
  .chain((asOfDay) => casesArb(asOfDay).map((cases) => ({ asOf: isoOf(asOfDay), cases })));

// ---------------------------------------------------------------------------------------
// Renderings: how a provider's software might write the model

interface Rendering {
  format: 'csv' | 'xlsx' | 'arrow-file' | 'arrow-stream';
  order: number[];
  omitEmptyColumns: boolean;
  headers: 'canonical' | 'alias' | 'mixed';
  headerCase: 'as-is' | 'mixed';
  /** German aliases with umlauts (`Träger`), words split by space, hyphen or dot. */
  headerSpelling: 'plain' | 'written';
  headerPadding: boolean;
  extraColumn: { header: string; at: number } | null;
  dates: 'iso' | 'german' | 'mixed';
  months: 'iso' | 'dot' | 'slash' | 'mixed';
  codes: 'code' | 'label' | 'mixed';
  codeCase: 'as-is' | 'mixed';
  municipality: 'ags' | 'name' | 'mixed';
  delimiter: ';' | ',';
  bom: boolean;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  quoting: 'none' | 'all' | 'random';
  encoding: 'utf8' | 'windows-1252';
  dateCells: 'none' | 'all' | 'mixed';
  sharedStrings: boolean;
  formulas: boolean;
  seed: number;
}

const renderingArb: fc.Arbitrary<Rendering> = fc.record({
  format: fc.constantFrom('csv', 'csv', 'xlsx', 'arrow-file', 'arrow-stream'),
  order: fc.shuffledSubarray([...COLUMNS.keys()], {
    minLength: COLUMNS.length,
    maxLength: COLUMNS.length,
  }),
  omitEmptyColumns: fc.boolean(),
  headers: fc.constantFrom('canonical', 'alias', 'mixed'),
  headerCase: fc.constantFrom('as-is', 'mixed'),
  headerSpelling: fc.constantFrom('plain', 'written'),
  headerPadding: fc.boolean(),
  extraColumn: fc.option(
    fc.record({
      header: fc.constantFrom('Export-Version', 'interne_nummer', 'Stand intern', 'Prüfvermerk'),
      at: fc.nat(),
    }),
    { nil: null },
  ),
  dates: fc.constantFrom('iso', 'german', 'mixed'),
  months: fc.constantFrom('iso', 'dot', 'slash', 'mixed'),
  codes: fc.constantFrom('code', 'label', 'mixed'),
  codeCase: fc.constantFrom('as-is', 'mixed'),
  municipality: fc.constantFrom('ags', 'name', 'mixed'),
  delimiter: fc.constantFrom(';', ','),
  bom: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  quoting: fc.constantFrom('none', 'all', 'random'),
  encoding: fc.constantFrom('utf8', 'windows-1252'),
  dateCells: fc.constantFrom('none', 'all', 'mixed'),
  sharedStrings: fc.boolean(),
  formulas: fc.boolean(),
  seed: fc.noBias(fc.integer()),
});

/** The plainest rendering: canonical headers, codes, ISO dates, `;`, UTF-8. */
const PLAIN: Rendering = {
  format: 'csv',
  order: [...COLUMNS.keys()],
  omitEmptyColumns: false,
  headers: 'canonical',
  headerCase: 'as-is',
  headerSpelling: 'plain',
  headerPadding: false,
  extraColumn: null,
  dates: 'iso',
  months: 'iso',
  codes: 'code',
  codeCase: 'as-is',
  municipality: 'ags',
  delimiter: ';',
  bom: false,
  eol: '\n',
  finalNewline: true,
  quoting: 'none',
  encoding: 'utf8',
  dateCells: 'none',
  sharedStrings: false,
  formulas: false,
  seed: 1,
};

/** Extra values that need RFC 4180 quoting: delimiters, quotes, a line break. */
const EXTRA_VALUES = [
  'v1',
  'a;b,c',
  'Zeile 1\nZeile 2',
  'sagt "ja"',
  'Größe',
  '',
  'ok',
  '„geprüft“ – 5 €',
];

/** Characters of Windows-1252 that are not at their Latin-1 place (0x80-0x9F). */
const CP1252: Record<string, number> = { '€': 0x80, '„': 0x84, '“': 0x93, '”': 0x94, '–': 0x96 };

function windows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = c.charCodeAt(0);
      const byte = CP1252[c] ?? (code <= 0xff && (code < 0x80 || code > 0x9f) ? code : undefined);
      if (byte === undefined) throw new Error(`not writable as Windows-1252: ${c}`);
      return byte;
    }),
  );
}

function mulberry32(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Cell = string | null | { date: 'day' | 'month'; iso: string };

interface Table {
  /** Canonical column of each position; null for a column the format does not know. */
  columns: (ColumnName | null)[];
  header: string[];
  rows: Cell[][];
}

const DATE_COLUMNS = [
  'started_on',
  'ended_on',
  'plan_created_on',
  'language_level_since',
  'employment_since',
  'lease_signed_on',
] as const satisfies readonly ColumnName[];
type DateColumn = (typeof DATE_COLUMNS)[number];
const CODE_LISTS = {
  sex: SEX,
  language_level: LANGUAGE_LEVELS,
  employment: EMPLOYMENT,
  housing: HOUSING,
  end_reason: END_REASONS,
} as const;
type CodeColumn = keyof typeof CODE_LISTS;
const CODE_COLUMNS = Object.keys(CODE_LISTS) as CodeColumn[];
const REQUIRED: ColumnName[] = COLUMNS.filter((c) => c.required).map((c) => c.name);

/** Writes cells in the rendering's styles; the choices per cell come from its seed. */
class Renderer {
  readonly random: () => number;
  constructor(
    readonly rendering: Rendering,
    readonly providerCode = PROVIDER,
  ) {
    this.random = mulberry32(rendering.seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  casing(text: string, mode: 'as-is' | 'mixed'): string {
    if (mode === 'as-is') return text;
    switch (this.pick(['as-is', 'lower', 'upper', 'each'] as const)) {
      case 'as-is':
        return text;
      case 'lower':
        return text.toLowerCase();
      case 'upper':
        return text.toUpperCase();
      case 'each':
        return [...text]
          .map((c) => {
            const flipped = this.random() < 0.5 ? c.toUpperCase() : c.toLowerCase();
            return flipped.length === 1 ? flipped : c;
          })
          .join('');
    }
  }

  header(column: ColumnName): string {
    const { headers, headerCase, headerSpelling, headerPadding } = this.rendering;
    const spec = COLUMNS.find((c) => c.name === column) as (typeof COLUMNS)[number];
    const alias = headers === 'alias' || (headers === 'mixed' && this.random() < 0.5);
    let name: string = alias ? spec.alias : spec.name;
    if (headerSpelling === 'written') {
      name = name
        .replace('ae', 'ä')
        .replaceAll('_', () => this.pick(['_', ' ', '-', '.']))
        .replace(/^./, (first) => first.toUpperCase());
    }
    name = this.casing(name, headerCase);
    if (!headerPadding || this.random() >= 0.3) return name;
    return this.pick([` ${name}  `, `${name}\u00a0`, `\t${name}`]);
  }

  date(iso: string | null): Cell {
    if (iso === null) return null;
    const { format, dateCells, dates } = this.rendering;
    if (format !== 'csv' && (dateCells === 'all' || (dateCells === 'mixed' && this.chance()))) {
      return { date: 'day', iso };
    }
    const german = dates === 'german' || (dates === 'mixed' && this.chance());
    return german ? germanOf(iso) : iso;
  }

  month(iso: string): Cell {
    const { format, dateCells, months } = this.rendering;
    if (format !== 'csv' && (dateCells === 'all' || (dateCells === 'mixed' && this.chance()))) {
      return { date: 'month', iso: iso.slice(0, 7) };
    }
    const style = months === 'mixed' ? this.pick(['iso', 'dot', 'slash'] as const) : months;
    const [year, month] = [iso.slice(0, 4), iso.slice(5, 7)];
    return style === 'iso' ? `${year}-${month}` : `${month}${style === 'dot' ? '.' : '/'}${year}`;
  }

  code(list: readonly Code[], code: string | null): Cell {
    if (code === null) return null;
    const entry = list.find((c) => c.code === code) as Code;
    const labels = [entry.label, ...(entry.aliases ?? [])];
    const { codes, codeCase } = this.rendering;
    const spelling =
      codes === 'code'
        ? entry.code
        : codes === 'label'
          ? this.pick(labels)
          : this.pick([entry.code, ...labels]);
    return this.casing(spelling, codeCase);
  }

  provider(): string {
    const { codes, codeCase } = this.rendering;
    const spellings = SPELLINGS[this.providerCode] as string[];
    const spelling = codes === 'code' ? this.providerCode : this.pick(spellings);
    return this.casing(spelling, codeCase);
  }

  municipality(ags: string): string {
    const { municipality } = this.rendering;
    const name = municipality === 'name' || (municipality === 'mixed' && this.chance());
    return name ? (NAME_OF.get(ags) as string) : ags;
  }

  chance(): boolean {
    return this.random() < 0.5;
  }

  cell(column: ColumnName, c: ModelCase): Cell {
    switch (column) {
      case 'case_id':
        return c.case_id;
      case 'provider':
        return this.provider();
      case 'municipality':
        return this.municipality(c.municipality);
      case 'manager_id':
        return c.manager_id;
      case 'household_id':
        return c.household_id;
      case 'sex':
        return this.code(SEX, c.sex);
      case 'birth_month':
        return this.month(c.birth_month);
      case 'country_of_origin':
        return c.country === null ? null : this.casing(c.country, this.rendering.codeCase);
      case 'end_reason':
      case 'language_level':
      case 'employment':
      case 'housing':
        return this.code(CODE_LISTS[column], c[column]);
      default:
        return this.date(c[column]);
    }
  }
}

/** The model as a table of cells in the rendering's column order and spellings. */
function buildTable(model: Model, renderer: Renderer): Table {
  const { rendering } = renderer;
  const modelValue = (column: ColumnName, c: ModelCase) =>
    column === 'country_of_origin' ? c.country : column === 'provider' ? PROVIDER : c[column];
  const columns: (ColumnName | null)[] = rendering.order
    .map((index) => (COLUMNS[index] as (typeof COLUMNS)[number]).name)
    .filter(
      (column) =>
        !rendering.omitEmptyColumns ||
        REQUIRED.includes(column) ||
        model.cases.some((c) => modelValue(column, c) !== null),
    );
  const header = columns.map((column) => renderer.header(column as ColumnName));
  const rows = model.cases.map((c) =>
    columns.map((column) => renderer.cell(column as ColumnName, c)),
  );
  if (rendering.extraColumn) {
    const at = rendering.extraColumn.at % (columns.length + 1);
    columns.splice(at, 0, null);
    header.splice(at, 0, rendering.extraColumn.header);
    for (const row of rows) row.splice(at, 0, renderer.pick(EXTRA_VALUES));
  }
  return { columns, header, rows };
}

const cellText = (cell: Cell): string =>
  cell === null ? '' : typeof cell === 'string' ? cell : cell.iso;

/**
 * An Arrow IPC file or stream: a column whose cells are all days is `date32` (as a database
 * or pandas writes dates), any other column UTF-8 text; the rows in up to three batches.
 * Built field by field, so that two columns may have one name.
 */
function arrowOf(table: Table, rendering: Rendering): Buffer {
  const random = mulberry32(rendering.seed ^ 0x1b873593);
  const n = table.rows.length;
  const cuts = [0, ...[random(), random()].map((u) => Math.floor(u * n)).sort((a, b) => a - b), n];
  const batches: RecordBatch[] = [];
  let schema: Schema | undefined;
  for (let b = 0; b + 1 < cuts.length; b++) {
    const rows = table.rows.slice(cuts[b], cuts[b + 1]);
    if (rows.length === 0) continue;
    const vectors: Vector[] = table.header.map((_, index) => {
      const cells = table.rows.map((row) => row[index] ?? null);
      const days = cells.every(
        (cell) => cell === null || (typeof cell === 'object' && cell.date === 'day'),
      );
      const mine = rows.map((row) => row[index] ?? null);
      return days && cells.some((cell) => cell !== null)
        ? vectorFromArray(
            mine.map((cell) => (cell === null ? null : new Date(`${cellText(cell)}T00:00:00Z`))),
            new DateDay(),
          )
        : vectorFromArray(
            mine.map((cell) => (cell === null ? null : cellText(cell))),
            new Utf8(),
          );
    });
    const fields = table.header.map(
      (name, index) => new Field(name, (vectors[index] as Vector).type, true),
    );
    schema ??= new Schema(fields);
    const data = makeData({
      type: new Struct(fields),
      length: rows.length,
      nullCount: 0,
      children: vectors.map((vector) => vector.data[0] as never),
    });
    batches.push(new RecordBatch(schema, data));
  }
  const arrow = new ArrowTable(schema as Schema, batches);
  return Buffer.from(tableToIPC(arrow, rendering.format === 'arrow-stream' ? 'stream' : 'file'));
}

function serialize(table: Table, rendering: Rendering): Buffer {
  if (rendering.format === 'arrow-file' || rendering.format === 'arrow-stream') {
    return arrowOf(table, rendering);
  }
  if (rendering.format === 'xlsx') {
    const rows: XlsxValue[][] = [
      table.header,
      ...table.rows.map((row) =>
        row.map((cell) =>
          cell === null || typeof cell === 'string' ? cell : { value: cell.iso, date: cell.date },
        ),
      ),
    ];
    return writeXlsx(rows, {
      sharedStrings: rendering.sharedStrings,
      formulas: rendering.formulas,
    });
  }
  const random = mulberry32(rendering.seed ^ 0x5bd1e995);
  const { delimiter, quoting, eol } = rendering;
  const field = (text: string) => {
    const must = text.includes(delimiter) || /["\r\n]/.test(text);
    const quote = must || quoting === 'all' || (quoting === 'random' && random() < 0.3);
    return quote ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [table.header, ...table.rows.map((row) => row.map(cellText))].map((fields) =>
    fields.map(field).join(delimiter),
  );
  const text = lines.join(eol) + (rendering.finalNewline ? eol : '');
  if (rendering.encoding === 'windows-1252') return windows1252(text);
  const utf8 = Buffer.from(text, 'utf8');
  return rendering.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

// ---------------------------------------------------------------------------------------
// The oracle: the figures of docs/indicators.md, computed from cases as stored

interface StatusRecord {
  provider: string;
  case_id: string;
  kind: string;
  since: string;
  value: string;
}

interface OracleCase {
  manager_id: string;
  municipality: string;
  birth_month: string;
  started_on: string;
  ended_on: string | null;
  plan_created_on: string | null;
  lease_signed_on: string | null;
  statuses: StatusRecord[];
}

const STORED_ATTRIBUTES = [
  'case_id',
  'municipality',
  'manager_id',
  'household_id',
  'sex',
  'birth_month',
  'country',
  'started_on',
  'ended_on',
  'end_reason',
  'plan_created_on',
  'lease_signed_on',
] as const;
type StoredCase = Pick<ModelCase, Exclude<(typeof STORED_ATTRIBUTES)[number], 'country'>> & {
  provider: string;
  country: string | null;
};

const keyOf = (c: { provider: string; case_id: string }) => `${c.provider}\t${c.case_id}`;
const byCaseId = <T extends { provider: string; case_id: string }>(a: T, b: T) =>
  keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
const byStatus = (a: StatusRecord, b: StatusRecord) =>
  byCaseId(a, b) ||
  (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
  (a.since < b.since ? -1 : 1);

/** What one snapshot of the model into an empty provider must store. */
function expectedStore(
  model: Model,
  provider: string,
): { cases: StoredCase[]; statuses: StatusRecord[] } {
  const cases = model.cases.map((c) => ({
    provider,
    case_id: c.case_id,
    municipality: c.municipality,
    manager_id: c.manager_id,
    household_id: c.household_id,
    sex: c.sex,
    birth_month: c.birth_month,
    country: c.country,
    started_on: c.started_on,
    ended_on: c.ended_on,
    end_reason: c.end_reason,
    plan_created_on: c.plan_created_on,
    lease_signed_on: c.lease_signed_on,
  }));
  const statuses: StatusRecord[] = [];
  for (const c of model.cases) {
    if (c.language_level !== null) {
      const since = c.language_level_since as string;
      const value = c.language_level;
      statuses.push({ provider, case_id: c.case_id, kind: 'language_level', since, value });
    }
    if (c.employment !== null) {
      const since = c.employment_since as string;
      const value = c.employment;
      statuses.push({ provider, case_id: c.case_id, kind: 'employment', since, value });
    }
    if (c.housing !== null) {
      // README, "How figures are computed": a private lease counts from the lease's date,
      // any other housing from the snapshot's date.
      const since =
        c.housing === 'private_lease' && c.lease_signed_on !== null
          ? c.lease_signed_on
          : model.asOf;
      statuses.push({ provider, case_id: c.case_id, kind: 'housing', since, value: c.housing });
    }
  }
  return { cases: cases.sort(byCaseId), statuses: statuses.sort(byStatus) };
}

function oracleCases(cases: StoredCase[], statuses: StatusRecord[]): OracleCase[] {
  const byCase = new Map<string, StatusRecord[]>();
  for (const s of statuses) byCase.set(keyOf(s), [...(byCase.get(keyOf(s)) ?? []), s]);
  return cases.map((c) => ({ ...c, statuses: byCase.get(keyOf(c)) ?? [] }));
}

function statusOn(c: OracleCase, kind: string, date: string): string {
  let found: StatusRecord | undefined;
  for (const s of c.statuses) {
    if (s.kind === kind && s.since <= date && (!found || s.since > found.since)) found = s;
  }
  return found?.value ?? 'unknown';
}

/** Full years from the first day of the birth month to the date. */
function ageOn(birthMonth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthMonth.slice(0, 4));
  return Number(date.slice(5, 7)) < Number(birthMonth.slice(5, 7)) ? years - 1 : years;
}

function oracle(cases: OracleCase[], date: string, periodFrom: string) {
  const active = cases.filter(
    (c) => c.started_on <= date && (c.ended_on === null || c.ended_on > date),
  );
  const adults = active.filter((c) => ageOn(c.birth_month, date) >= 18);
  const minors = active.filter((c) => ageOn(c.birth_month, date) < 18);
  const closed = cases.filter((c) => c.ended_on !== null && c.ended_on <= date);
  const withLease = closed.filter(
    (c) => c.lease_signed_on !== null && c.lease_signed_on <= (c.ended_on as string),
  );
  const employed = (codes: string[]) =>
    adults.filter((c) => codes.includes(statusOn(c, 'employment', date))).length;
  const b1 = adults.filter((c) =>
    ['B1', 'B2', 'C1', 'C2'].includes(statusOn(c, 'language_level', date)),
  ).length;
  const planned = active.filter((c) => c.plan_created_on !== null && c.plan_created_on <= date);
  const managers = new Set(active.map((c) => c.manager_id)).size;
  const municipalities = new Set(active.map((c) => c.municipality)).size;
  const inPeriod = (day: string | null) => day !== null && periodFrom <= day && day <= date;

  const count = (n: number): RawFigure => ({ value: n, numerator: null, denominator: null });
  const share = (n: number, d: number): RawFigure => ({
    value: d === 0 ? null : n / d,
    numerator: n,
    denominator: d,
  });
  const figures: Record<string, RawFigure> = {
    clients_active: count(active.length),
    clients_minor: count(minors.length),
    clients_adult: count(adults.length),
    language_b1_plus_share: share(b1, adults.length),
    employment_sv_share: share(employed(['sv_employment']), adults.length),
    training_share: share(
      employed(['vocational_training', 'internship', 'studies']),
      adults.length,
    ),
    private_lease_share: share(
      active.filter((c) => statusOn(c, 'housing', date) === 'private_lease').length,
      active.length,
    ),
    cases_closed: count(closed.length),
    cases_closed_with_lease: count(withLease.length),
    cases_closed_with_lease_share: share(withLease.length, closed.length),
    plan_coverage_share: share(planned.length, active.length),
    managers_active: count(managers),
    caseload_per_manager: share(active.length, managers),
    municipalities_active: count(municipalities),
    cases_started_in_period: count(cases.filter((c) => inPeriod(c.started_on)).length),
    cases_closed_in_period: count(cases.filter((c) => inPeriod(c.ended_on)).length),
    cases_over_max_duration: count(
      active.filter((c) => yearsEarlier(c.started_on, -3) < date).length,
    ),
  };
  const housing: Record<string, number> = { follow_up: 0, private_lease: 0, other: 0, unknown: 0 };
  for (const c of active) {
    const value = statusOn(c, 'housing', date);
    housing[value] = (housing[value] ?? 0) + 1;
  }
  return { figures, housing };
}

// ---------------------------------------------------------------------------------------
// Reporting dates: random ones and the boundaries the definitions turn on

interface DatePick {
  how: number;
  a: number;
  delta: number;
  back: number;
}
const datePicksArb = fc.array(
  fc.record({
    how: fc.nat(3),
    a: fc.nat(),
    delta: fc.integer({ min: -1, max: 1 }),
    back: fc.nat(800),
  }),
  { minLength: 4, maxLength: 4 },
);

function reportingDates(model: Model, picks: DatePick[]) {
  const asOfDay = dayOf(model.asOf);
  const dates = [{ date: model.asOf, periodFrom: `${model.asOf.slice(0, 4)}-01-01` }];
  for (const { how, a, delta, back } of picks) {
    const c = model.cases[a % model.cases.length] as ModelCase;
    let day: number;
    if (how === 0) day = within(EARLIEST, asOfDay + 400, a);
    else if (how === 1) {
      const candidates = [
        c.started_on,
        c.ended_on,
        c.language_level_since,
        c.employment_since,
        c.lease_signed_on,
        c.plan_created_on,
      ].filter((d): d is string => d !== null);
      day = dayOf(candidates[(a >> 5) % candidates.length] as string) + delta;
    } else if (how === 2) day = dayOf(monthsLater(c.birth_month, 18 * 12)) + delta;
    else day = dayOf(yearsEarlier(c.started_on, -3)) + delta;
    dates.push({ date: isoOf(day), periodFrom: isoOf(day - back) });
  }
  return dates;
}

// ---------------------------------------------------------------------------------------
// Corruptions that the format calls errors

const INVALID_DATES = [
  '31.02.2020',
  '2021-02-29',
  '2020-13-01',
  '00.01.2020',
  '2020/03/01',
  '1.1.20',
  '2020-1-5',
  '20200301',
  '12.2020',
  '2020-03-01T10:00',
  'gestern',
  '15.05.19',
];
const UNKNOWN_CODES = ['zzz', 'B3', 'Vollzeit', 'ja', '-', '?', 'n/a', '0'];
const UNKNOWN_MUNICIPALITIES = ['08118999', 'Stuttgart', '8118', '08111000', 'Ludwigsburg-Ost'];
const BAD_COUNTRIES = ['SY', 'Syrien', 'SYRA', '123', 'S-Y'];
const BAD_CASE_IDS = [
  'ab',
  'abc',
  'KD V1',
  'KDV#12',
  'Müller-1',
  'a/b/c',
  'x'.repeat(65),
  'ab,cd',
  'ab;cd',
  'fall"1"',
];
const WRONG_PROVIDERS = ['AWO', 'Caritas', 'DRK-Kreisverband', 'lra', 'XYZ', 'Diakonie'];
const PERSONAL_COLUMNS: [string, string][] = [
  ['Vorname', 'Aylin'],
  ['Nachname', 'Mustermann'],
  ['Name', 'Haddad'],
  ['Geburtsdatum', '17.03.1990'],
  ['date_of_birth', '1990-03-17'],
  ['Birth Date', '03/17/1990'],
  ['E-Mail', 'a.b@example.org'],
  ['Telefon', '07141 12345'],
  ['Adresse', 'Hauptstr. 1'],
  ['Straße', 'Lindenweg 5'],
  ['PLZ', '71634'],
  ['Aktenzeichen', 'AZ-2019-117'],
  ['BAMF', '7123456-423'],
  ['Notiz', 'kommt montags'],
  ['Bemerkung', 'Rückruf erbeten'],
  ['Religion', 'katholisch'],
  ['Gesundheit', 'Diabetes'],
  ['Vorname Klient', 'Omar'],
  ['first_name', 'Samira'],
  ['Last Name', 'Rahimi'],
];
const BIRTH_DATE_STYLES = ['german', 'iso', 'slash', 'compact', 'short', 'cell'] as const;

type Corruption =
  | { kind: 'bad_date'; row: number; column: DateColumn; text: string }
  | { kind: 'after_as_of'; row: number; column: DateColumn | 'birth_month'; days: number }
  | { kind: 'end_before_start'; row: number; days: number }
  | { kind: 'unknown_code'; row: number; column: CodeColumn; text: string }
  | { kind: 'unknown_municipality'; row: number; text: string }
  | { kind: 'bad_country'; row: number; text: string }
  | { kind: 'empty_required'; row: number; column: ColumnName }
  | { kind: 'duplicate_id'; row: number; from: number }
  | { kind: 'bad_case_id'; row: number; text: string }
  | {
      kind: 'full_birth_date';
      row: number;
      day: number;
      style: (typeof BIRTH_DATE_STYLES)[number];
    }
  | { kind: 'missing_column'; column: ColumnName }
  | { kind: 'duplicate_column'; at: number }
  | { kind: 'personal_column'; header: [string, string]; at: number }
  | { kind: 'wrong_provider'; row: number; text: string }
  | { kind: 'reason_without_end'; row: number }
  | { kind: 'end_without_reason'; row: number }
  | { kind: 'status_without_since'; row: number; column: 'language_level' | 'employment' }
  | { kind: 'since_without_status'; row: number; column: 'language_level' | 'employment' }
  | { kind: 'wrong_width'; row: number; text: string };

const row = fc.nat();
const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({
    kind: fc.constant('bad_date'),
    row,
    column: fc.constantFrom(...DATE_COLUMNS),
    text: fc.constantFrom(...INVALID_DATES),
  }),
  fc.record({
    kind: fc.constant('after_as_of'),
    row,
    column: fc.constantFrom<DateColumn | 'birth_month'>(...DATE_COLUMNS, 'birth_month'),
    days: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3000 })),
  }),
  fc.record({ kind: fc.constant('end_before_start'), row, days: fc.integer({ min: 1, max: 500 }) }),
  fc.record({
    kind: fc.constant('unknown_code'),
    row,
    column: fc.constantFrom(...CODE_COLUMNS),
    text: fc.constantFrom(...UNKNOWN_CODES),
  }),
  fc.record({
    kind: fc.constant('unknown_municipality'),
    row,
    text: fc.constantFrom(...UNKNOWN_MUNICIPALITIES),
  }),
  fc.record({ kind: fc.constant('bad_country'), row, text: fc.constantFrom(...BAD_COUNTRIES) }),
  fc.record({ kind: fc.constant('empty_required'), row, column: fc.constantFrom(...REQUIRED) }),
  fc.record({ kind: fc.constant('duplicate_id'), row, from: fc.nat() }),
  fc.record({ kind: fc.constant('bad_case_id'), row, text: fc.constantFrom(...BAD_CASE_IDS) }),
  fc.record({
    kind: fc.constant('full_birth_date'),
    row,
    day: fc.integer({ min: 2, max: 28 }),
    style: fc.constantFrom(...BIRTH_DATE_STYLES),
  }),
  fc.record({ kind: fc.constant('missing_column'), column: fc.constantFrom(...REQUIRED) }),
  fc.record({ kind: fc.constant('duplicate_column'), at: fc.nat() }),
  fc.record({
    kind: fc.constant('personal_column'),
    header: fc.constantFrom(...PERSONAL_COLUMNS),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('wrong_provider'),
    row,
    text: fc.constantFrom(...WRONG_PROVIDERS),
  }),
  fc.record({ kind: fc.constant('reason_without_end'), row }),
  fc.record({ kind: fc.constant('end_without_reason'), row }),
  fc.record({
    kind: fc.constant('status_without_since'),
    row,
    column: fc.constantFrom('language_level', 'employment'),
  }),
  fc.record({
    kind: fc.constant('since_without_status'),
    row,
    column: fc.constantFrom('language_level', 'employment'),
  }),
  fc.record({ kind: fc.constant('wrong_width'), row, text: fc.constantFrom('x', 'überzählig') }),
) as fc.Arbitrary<Corruption>;

/** Where the error must be reported: a row and the column as the file names it. */
interface Expected {
  row: number;
  /** Acceptable names of the column (compared case-insensitively); null: the whole row. */
  columns: string[] | null;
  /** Values that must not appear anywhere in the answer. */
  secrets: string[];
}

const SINCE = { language_level: 'language_level_since', employment: 'employment_since' } as const;

function corrupt(
  table: Table,
  model: Model,
  corruption: Corruption,
  renderer: Renderer,
): { table: Table; expected: Expected } {
  const t: Table = {
    columns: [...table.columns],
    header: [...table.header],
    rows: table.rows.map((r) => [...r]),
  };
  const n = t.rows.length;
  const spec = (column: ColumnName) =>
    COLUMNS.find((c) => c.name === column) as (typeof COLUMNS)[number];
  const ensure = (column: ColumnName) => {
    let index = t.columns.indexOf(column);
    if (index < 0) {
      index = t.columns.length;
      t.columns.push(column);
      t.header.push(column);
      for (const r of t.rows) r.push(null);
    }
    return index;
  };
  const get = (r: number, column: ColumnName) => {
    const index = t.columns.indexOf(column);
    return index < 0 ? null : ((t.rows[r] as Cell[])[index] ?? null);
  };
  const set = (r: number, column: ColumnName, cell: Cell) => {
    (t.rows[r] as Cell[])[ensure(column)] = cell;
  };
  const label = (column: ColumnName) => (t.header[ensure(column)] as string).trim();
  const at = (r: number, column: ColumnName, secrets: string[] = []): Expected => ({
    row: r + 2,
    columns: [label(column)],
    secrets,
  });
  const validCode = (column: CodeColumn) => (CODE_LISTS[column][0] as Code).code;

  switch (corruption.kind) {
    case 'bad_date': {
      const r = corruption.row % n;
      set(r, corruption.column, corruption.text);
      return { table: t, expected: at(r, corruption.column) };
    }
    case 'after_as_of': {
      const r = corruption.row % n;
      if (corruption.column === 'birth_month') {
        const months = Math.max(1, Math.floor(corruption.days / 30));
        set(r, 'birth_month', renderer.month(monthsLater(model.asOf, months)));
      } else {
        set(r, corruption.column, renderer.date(isoOf(dayOf(model.asOf) + corruption.days)));
      }
      return { table: t, expected: at(r, corruption.column) };
    }
    case 'end_before_start': {
      const r = corruption.row % n;
      const c = model.cases[r] as ModelCase;
      set(r, 'ended_on', renderer.date(isoOf(dayOf(c.started_on) - corruption.days)));
      if (cellText(get(r, 'end_reason')) === '') set(r, 'end_reason', validCode('end_reason'));
      return { table: t, expected: at(r, 'ended_on') };
    }
    case 'unknown_code': {
      const r = corruption.row % n;
      set(r, corruption.column, corruption.text);
      return { table: t, expected: at(r, corruption.column) };
    }
    case 'unknown_municipality': {
      const r = corruption.row % n;
      set(r, 'municipality', corruption.text);
      return { table: t, expected: at(r, 'municipality') };
    }
    case 'bad_country': {
      const r = corruption.row % n;
      set(r, 'country_of_origin', corruption.text);
      return { table: t, expected: at(r, 'country_of_origin') };
    }
    case 'empty_required': {
      const r = corruption.row % n;
      set(r, corruption.column, renderer.chance() ? null : '');
      return { table: t, expected: at(r, corruption.column) };
    }
    case 'duplicate_id': {
      if (n < 2)
        return corrupt(table, model, { kind: 'bad_case_id', row: 0, text: 'ab' }, renderer);
      const r = corruption.row % n;
      const from = (r + 1 + (corruption.from % (n - 1))) % n;
      set(r, 'case_id', get(from, 'case_id'));
      return { table: t, expected: at(Math.max(r, from), 'case_id') };
    }
    case 'bad_case_id': {
      const r = corruption.row % n;
      set(r, 'case_id', corruption.text);
      return { table: t, expected: at(r, 'case_id') };
    }
    case 'full_birth_date': {
      const r = corruption.row % n;
      const month = (model.cases[r] as ModelCase).birth_month;
      let iso = `${month.slice(0, 8)}${pad2(corruption.day)}`;
      if (iso === model.asOf) iso = `${month.slice(0, 8)}${pad2(corruption.day - 1)}`;
      const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
      const style =
        corruption.style === 'cell' && renderer.rendering.format !== 'xlsx'
          ? 'german'
          : corruption.style;
      const text = {
        german: `${d}.${m}.${y}`,
        iso,
        slash: `${d}/${m}/${y}`,
        compact: `${y}${m}${d}`,
        short: `${d}.${m}.${y.slice(2)}`,
        cell: iso,
      }[style];
      set(r, 'birth_month', style === 'cell' ? { date: 'day', iso } : text);
      return { table: t, expected: at(r, 'birth_month', [text, iso, `${d}.${m}.${y}`]) };
    }
    case 'missing_column': {
      const index = t.columns.indexOf(corruption.column);
      t.columns.splice(index, 1);
      t.header.splice(index, 1);
      for (const r of t.rows) r.splice(index, 1);
      const { name, alias } = spec(corruption.column);
      return { table: t, expected: { row: 1, columns: [name, alias], secrets: [] } };
    }
    case 'duplicate_column': {
      const known = t.columns.flatMap((column, index) => (column === null ? [] : [index]));
      const index = known[corruption.at % known.length] as number;
      const column = t.columns[index] as ColumnName;
      const { name, alias } = spec(column);
      const other = (t.header[index] as string).trim().toLowerCase() === name ? alias : name;
      t.columns.push(column);
      t.header.push(other);
      for (const r of t.rows) r.push(r[index] ?? null);
      return { table: t, expected: { row: 1, columns: [other], secrets: [] } };
    }
    case 'personal_column': {
      const [header, value] = corruption.header;
      const index = corruption.at % (t.columns.length + 1);
      t.columns.splice(index, 0, null);
      t.header.splice(index, 0, header);
      for (const r of t.rows) r.splice(index, 0, value);
      return { table: t, expected: { row: 1, columns: [header], secrets: [value] } };
    }
    case 'wrong_provider': {
      const r = corruption.row % n;
      set(r, 'provider', corruption.text);
      return { table: t, expected: at(r, 'provider') };
    }
    case 'reason_without_end': {
      const r = corruption.row % n;
      set(r, 'ended_on', null);
      if (cellText(get(r, 'end_reason')) === '') set(r, 'end_reason', validCode('end_reason'));
      return { table: t, expected: at(r, 'end_reason') };
    }
    case 'end_without_reason': {
      const r = corruption.row % n;
      if (cellText(get(r, 'ended_on')) === '') {
        set(r, 'ended_on', renderer.date((model.cases[r] as ModelCase).started_on));
      }
      set(r, 'end_reason', null);
      return { table: t, expected: at(r, 'end_reason') };
    }
    case 'status_without_since': {
      const r = corruption.row % n;
      const { column } = corruption;
      if (cellText(get(r, column)) === '') set(r, column, validCode(column));
      if (t.columns.includes(SINCE[column])) set(r, SINCE[column], null);
      // Without the date column at all, the error names the column by its German alias.
      const columns = t.columns.includes(SINCE[column])
        ? [label(SINCE[column])]
        : [spec(SINCE[column]).alias, SINCE[column]];
      return { table: t, expected: { row: r + 2, columns, secrets: [] } };
    }
    case 'since_without_status': {
      const r = corruption.row % n;
      const { column } = corruption;
      if (cellText(get(r, SINCE[column])) === '') {
        set(r, SINCE[column], renderer.date((model.cases[r] as ModelCase).started_on));
      }
      if (t.columns.includes(column)) set(r, column, null);
      return { table: t, expected: at(r, SINCE[column]) };
    }
    case 'wrong_width': {
      // An Arrow table has no rows of their own width: a bad id instead.
      if (renderer.rendering.format !== 'csv' && renderer.rendering.format !== 'xlsx')
        return corrupt(
          table,
          model,
          { kind: 'bad_case_id', row: corruption.row, text: 'ab' },
          renderer,
        );
      const r = corruption.row % n;
      const cells = t.rows[r] as Cell[];
      // A field too many (a delimiter in unquoted text), or in CSV also one too few (a line
      // break without quotes); XLSX pads a short row, so there only the first applies.
      if (renderer.rendering.format === 'csv' && corruption.text === 'x') cells.pop();
      else cells.push(corruption.text);
      return { table: t, expected: { row: r + 2, columns: null, secrets: [] } };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Byte-level damage

interface Damage {
  /** `scatter`: `count` bytes flipped at places chosen from `at`, as a bad disk or line does. */
  kind: 'flip' | 'scatter' | 'insert' | 'delete' | 'truncate';
  at: number;
  byte: number;
  count: number;
}
const damageArb: fc.Arbitrary<Damage> = fc.record({
  kind: fc.constantFrom('flip', 'scatter', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  byte: fc.integer({ min: 1, max: 255 }),
  count: fc.constantFrom(20, 200),
});

function damage(bytes: Buffer, { kind, at, byte, count }: Damage): Buffer {
  const position = at % bytes.length;
  switch (kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[position] = (copy[position] as number) ^ byte;
      return copy;
    }
    case 'scatter': {
      const copy = Buffer.from(bytes);
      const random = mulberry32(at);
      for (let i = 0; i < count; i++) {
        const place = Math.floor(random() * copy.length);
        copy[place] = (copy[place] as number) ^ (1 + Math.floor(random() * 255));
      }
      return copy;
    }
    case 'insert':
      return Buffer.concat([
        bytes.subarray(0, position),
        Buffer.from([byte]),
        bytes.subarray(position),
      ]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + 1)]);
    case 'truncate':
      return bytes.subarray(0, position);
  }
}

// ---------------------------------------------------------------------------------------
// The database

let database: TestDatabase;
let directory: DirectoryCategories;
let baseline: OracleCase[];
const db = () => database.handle.db;

const importAs = (
  provider: string,
  bytes: Buffer,
  asOf: string,
  extra: { dryRun?: boolean } = {},
): Promise<ImportSummary> =>
  importExport(database.handle, {
    district: DISTRICT,
    provider,
    asOf,
    fileName: 'export',
    bytes,
    ...extra,
  });

/** Removes everything of the provider: each run starts from the same database. */
async function reset(provider: string) {
  await sql`DELETE FROM case_status WHERE district_key = ${DISTRICT} AND provider = ${provider}`.execute(
    db(),
  );
  await sql`DELETE FROM cases WHERE district_key = ${DISTRICT} AND provider = ${provider}`.execute(
    db(),
  );
  await sql`DELETE FROM imports WHERE district_key = ${DISTRICT} AND provider = ${provider}`.execute(
    db(),
  );
}

async function stored(
  provider?: string,
): Promise<{ cases: StoredCase[]; statuses: StatusRecord[] }> {
  let cases = db()
    .selectFrom('cases')
    .select(['provider', ...STORED_ATTRIBUTES])
    .where('district_key', '=', DISTRICT);
  let statuses = db()
    .selectFrom('case_status')
    .select(['provider', 'case_id', 'kind', 'since', 'value'])
    .where('district_key', '=', DISTRICT);
  if (provider) {
    cases = cases.where('provider', '=', provider);
    statuses = statuses.where('provider', '=', provider);
  }
  return {
    cases: (await cases.execute()).sort(byCaseId),
    statuses: (await statuses.execute()).sort(byStatus),
  };
}

const CLIENTS_ACTIVE = findIndicator('clients_active') as Indicator;

/** The SQL figures on each date equal the oracle's over the given cases. */
async function expectFigures(cases: OracleCase[], dates: { date: string; periodFrom: string }[]) {
  for (const { date, periodFrom } of dates) {
    const scope = { district: DISTRICT, date, periodFrom };
    const figures = Object.fromEntries(
      (await indicatorsOn(db(), scope, INDICATORS)).map(
        ({ indicator, figure: { keys: _, ...figure } }) => [indicator.id, figure],
      ),
    );
    const breakdown = await breakdownOn(db(), scope, CLIENTS_ACTIVE, 'housing', directory);
    const housing = Object.fromEntries(breakdown.rows.map((r) => [r.key, r.figure.value]));
    const want = oracle(cases, date, periodFrom);
    expect({ date, periodFrom, figures, housing }).toEqual({ date, periodFrom, ...want });
  }
}

function expectLocated(errors: ImportIssue[], expected: Expected) {
  const names = expected.columns?.map((c) => c.toLowerCase()) ?? null;
  // An error standing for several rows names them in `rows`.
  const found = errors.some(
    (e) =>
      (e.row === expected.row || (e.rows ?? []).includes(expected.row)) &&
      (names === null
        ? e.column === null
        : e.column !== null && names.includes(e.column.toLowerCase())),
  );
  if (!found) {
    throw new Error(
      `no error at row ${expected.row}, column ${JSON.stringify(expected.columns)}: ${JSON.stringify(errors)}`,
    );
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  directory = await directoryCategories(db(), DISTRICT);
  // Another provider's cases are in the database throughout: nothing may disturb them.
  const [awo] = fc.sample(casesArb(dayOf('2021-03-01')), { numRuns: 1, seed: 2021 });
  const model = { asOf: '2021-03-01', cases: awo as ModelCase[] };
  const bytes = serialize(buildTable(model, new Renderer(PLAIN, BASELINE_PROVIDER)), PLAIN);
  const summary = await importAs(BASELINE_PROVIDER, bytes, model.asOf);
  expect(summary.errors).toEqual([]);
  expect(summary).toMatchObject({ status: 'imported', rows: model.cases.length, error_count: 0 });
  const awoStored = await stored(BASELINE_PROVIDER);
  expect(awoStored).toEqual(expectedStore(model, BASELINE_PROVIDER));
  baseline = oracleCases(awoStored.cases, awoStored.statuses);
});
afterAll(async () => database?.drop());

describe(`import properties on ${DATABASE_KIND}`, () => {
  it('imports every valid rendering of a valid export with the oracle’s figures', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb,
        renderingArb,
        datePicksArb,
        fc.boolean(),
        shrinkBounded(async (model, rendering, picks, dryRunFirst) => {
          await reset(PROVIDER);
          const bytes = serialize(buildTable(model, new Renderer(rendering)), rendering);
          const n = model.cases.length;
          const before = await tableChecksums(db());
          const dry = dryRunFirst
            ? await importAs(PROVIDER, bytes, model.asOf, { dryRun: true })
            : null;
          if (dry) {
            expect(dry.errors).toEqual([]);
            expect(dry).toMatchObject({ status: 'dry_run', import_id: null, rows: n, new: n });
            expect(await tableChecksums(db())).toEqual(before);
          }
          const summary = await importAs(PROVIDER, bytes, model.asOf);
          // A dry run answers what the import then does.
          if (dry)
            expect({ ...dry, status: 'imported', import_id: summary.import_id }).toEqual(summary);
          expect(summary.errors).toEqual([]);
          expect(summary).toMatchObject({
            status: 'imported',
            rows: n,
            new: n,
            changed: 0,
            unchanged: 0,
            missing: 0,
            error_count: 0,
            // The only warning a valid export can earn here: an unknown column.
            warning_count: rendering.extraColumn ? 1 : 0,
          });
          const expected = expectedStore(model, PROVIDER);
          expect(await stored(PROVIDER)).toEqual(expected);
          await expectFigures(
            [...baseline, ...oracleCases(expected.cases, expected.statuses)],
            reportingDates(model, picks),
          );
          // The same file again changes nothing and says so (in a log row of its own).
          const { imports: _, ...after } = await tableChecksums(db());
          const again = await importAs(PROVIDER, bytes, model.asOf);
          expect(again).toMatchObject({ status: 'unchanged', unchanged: n, error_count: 0 });
          const { imports: __, ...afterAgain } = await tableChecksums(db());
          expect(afterAgain).toEqual(after);
        }),
      ),
      { numRuns: 30, seed },
    );
  }, 120_000);

  it('rejects any corruption the format calls an error, naming it, and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb,
        renderingArb,
        corruptionArb,
        fc.boolean(),
        fc.boolean(),
        shrinkBounded(async (model, rendering, corruption, preload, dryRunFirst) => {
          await reset(PROVIDER);
          const renderer = new Renderer(rendering);
          const table = buildTable(model, renderer);
          if (preload) {
            // The same provider's valid snapshot is already stored: it must stay as it is.
            const valid = await importAs(PROVIDER, serialize(table, rendering), model.asOf);
            expect(valid.status).toBe('imported');
          }
          const broken = corrupt(table, model, corruption, renderer);
          const bytes = serialize(broken.table, rendering);
          const before = await tableChecksums(db());
          const dry = dryRunFirst
            ? await importAs(PROVIDER, bytes, model.asOf, { dryRun: true })
            : null;
          const summary = await importAs(PROVIDER, bytes, model.asOf);
          // A dry run makes the same checks and gives the same answer, without a log entry.
          if (dry) expect({ ...dry, import_id: summary.import_id }).toEqual(summary);
          expect(summary.status).toBe('rejected');
          expect(summary.error_count).toBeGreaterThanOrEqual(1);
          expect(summary.errors.length).toBeGreaterThanOrEqual(1);
          expectLocated(summary.errors, broken.expected);
          expect(await tableChecksums(db())).toEqual(before);
          // Without the checksum: its hex digits could hold a digit-only value by chance.
          const answer = JSON.stringify({ ...summary, checksum: '' });
          for (const secret of broken.expected.secrets) expect(answer).not.toContain(secret);
        }),
      ),
      { numRuns: 80, seed },
    );
  }, 120_000);

  it('either rejects damaged bytes cleanly or imports what it stores, figures included', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb,
        renderingArb,
        damageArb,
        datePicksArb,
        shrinkBounded(async (model, rendering, hit, picks) => {
          await reset(PROVIDER);
          const bytes = damage(
            serialize(buildTable(model, new Renderer(rendering)), rendering),
            hit,
          );
          const before = await tableChecksums(db());
          const summary = await importAs(PROVIDER, bytes, model.asOf);
          if (summary.status === 'rejected') {
            expect(summary.error_count).toBeGreaterThanOrEqual(1);
            expect(summary.errors.length).toBeGreaterThanOrEqual(1);
            expect(await tableChecksums(db())).toEqual(before);
            return;
          }
          expect(summary).toMatchObject({ status: 'imported', error_count: 0 });
          const mine = await stored(PROVIDER);
          expect(mine.cases).toHaveLength(summary.rows);
          expect(summary.new).toBe(summary.rows);
          // Whatever got through is still a valid export: no date after the export's date.
          for (const c of mine.cases) {
            for (const day of [
              c.birth_month,
              c.started_on,
              c.ended_on,
              c.plan_created_on,
              c.lease_signed_on,
            ]) {
              if (day !== null) expect(day <= model.asOf).toBe(true);
            }
            if (c.ended_on !== null) expect(c.ended_on >= c.started_on).toBe(true);
          }
          for (const s of mine.statuses) expect(s.since <= model.asOf).toBe(true);
          const all = await stored();
          await expectFigures(oracleCases(all.cases, all.statuses), reportingDates(model, picks));
        }),
      ),
      { numRuns: 50, seed },
    );
  }, 120_000);
});
