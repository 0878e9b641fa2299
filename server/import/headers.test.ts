// Headers as German exports write them: umlauts and ß, any case, hyphens, spaces,
// underscores or dots between words, a trailing non-breaking space. The Landratsamt's
// demonstration export with canonical headers and with such spellings, in CSV (UTF-8 and
// Windows-1252), XLSX and Arrow, stores the same cases and gives the same figures. Two
// headers naming one column are an error naming both; personal data is refused however
// its header is spelled.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateDay, Table, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicatorsOn } from '../indicators/figures.ts';
import { INDICATORS } from '../indicators/registry.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { COLUMNS, columnOfHeader, foldHeader, namesPersonalData } from './format.ts';
import { importExport } from './import-export.ts';
import { mapHeader } from './validate.ts';
import { writeXlsx, type XlsxValue } from './xlsx-writer.ts';

const root = resolve(import.meta.dirname, '../..');
const [sourceHeader = [], ...sourceRows] = new TextDecoder('windows-1252')
  .decode(readFileSync(resolve(root, 'fixtures/demo/lra-2021-03-01.csv')))
  .split(/\r?\n/)
  .filter((line) => line !== '')
  .map((line) => line.split(';'));
/** A third of the export is enough to compare figures, and keeps 17 imports quick. */
const ROWS = sourceRows.slice(0, 300);
const DATE_COLUMNS = new Set<string>([
  'started_on',
  'ended_on',
  'plan_created_on',
  'language_level_since',
  'employment_since',
  'lease_signed_on',
]);

const CANONICAL = COLUMNS.map((column) => column.name);
/** Each spelling names the columns in the export's order, which is the format's. */
const SPELLINGS: Record<string, string[]> = {
  'Träger, Beschäftigung_seit, Fall-ID': [
    'Fall-ID',
    'Träger',
    'Gemeinde',
    'IM-Kennung',
    'Haushalt-ID',
    'Geschlecht',
    'Geburtsmonat',
    'Herkunftsland',
    'Beginn',
    'Ende',
    'Beendigungsgrund',
    'Integrationsplan-seit',
    'Sprachniveau',
    'Sprachniveau-seit',
    'Beschäftigung',
    'Beschäftigung_seit',
    'Wohnsituation',
    'Mietvertrag-seit',
  ],
  'TRAEGER, Fall ID, BESCHÄFTIGUNG SEIT': [
    'Fall ID',
    'TRAEGER',
    'GEMEINDE',
    'IM KENNUNG',
    'HAUSHALT ID',
    'GESCHLECHT',
    'GEBURTSMONAT',
    'HERKUNFTSLAND',
    'BEGINN',
    'ENDE',
    'BEENDIGUNGSGRUND',
    'INTEGRATIONSPLAN SEIT',
    'SPRACHNIVEAU',
    'SPRACHNIVEAU SEIT',
    'BESCHÄFTIGUNG',
    'BESCHÄFTIGUNG SEIT',
    'WOHNSITUATION',
    'MIETVERTRAG SEIT',
  ],
  'fall_id, trailing non-breaking spaces, dots': [
    'fall_id',
    'träger\u00a0',
    'gemeinde\u00a0',
    'im.kennung',
    'haushalt.id',
    'geschlecht\u00a0',
    'geburtsmonat',
    'herkunftsland',
    'beginn\u00a0',
    'ende',
    'beendigungsgrund',
    'integrationsplan.seit',
    'sprachniveau',
    'sprachniveau.seit',
    'beschaeftigung\u00a0',
    'Beschäftigung.seit\u00a0',
    'wohnsituation',
    'mietvertrag.seit',
  ],
  'FALL_ID, Case-ID style canonical names': [
    'FALL_ID',
    'Provider',
    'Municipality',
    'Manager-ID',
    'Household ID',
    'Sex',
    'Birth Month',
    'Country of Origin',
    'Started On',
    'Ended-On',
    'End.Reason',
    'Plan Created On',
    'Language Level',
    'Language-Level-Since',
    'Employment',
    'Employment Since',
    'Housing',
    'Lease Signed On',
  ],
};

const KINDS = ['csv-utf-8', 'csv-windows-1252', 'xlsx', 'arrow'] as const;
type Kind = (typeof KINDS)[number];

const isoOf = (german: string) => {
  const [day, month, year] = german.split('.');
  return `${year}-${month}-${day}`;
};

function windows1252(text: string): Buffer {
  // Every character here is at its Latin-1 place in Windows-1252 too.
  const bytes = Buffer.from(text, 'latin1');
  expect(new TextDecoder('windows-1252').decode(bytes)).toBe(text);
  return bytes;
}

/** The export's rows under `header`, written as `kind`: dates as a program of that kind would. */
function exportAs(kind: Kind, header: string[]): Buffer {
  const isDate = COLUMNS.map((column) => DATE_COLUMNS.has(column.name));
  switch (kind) {
    case 'csv-utf-8':
      // "CSV UTF-8" as Excel saves it: with a byte order mark.
      return Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from([header, ...ROWS].map((cells) => cells.join(';')).join('\r\n'), 'utf8'),
      ]);
    case 'csv-windows-1252':
      return windows1252(`${[header, ...ROWS].map((cells) => cells.join(';')).join('\r\n')}\r\n`);
    case 'xlsx':
      return writeXlsx(
        [
          header,
          ...ROWS.map((cells) =>
            cells.map((cell, index): XlsxValue => {
              if (cell === '') return null;
              return isDate[index] ? { value: isoOf(cell), date: 'day' } : cell;
            }),
          ),
        ],
        { sharedStrings: true },
      );
    case 'arrow': {
      const columns: Record<string, Vector> = {};
      header.forEach((name, index) => {
        const values = ROWS.map((cells) => cells[index] || null);
        columns[name] = isDate[index]
          ? vectorFromArray(
              values.map((value) => (value ? new Date(`${isoOf(value)}T00:00:00Z`) : null)),
              new DateDay(),
            )
          : vectorFromArray(values, new Utf8());
      });
      return Buffer.from(tableToIPC(new Table(columns), 'file'));
    }
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

/** Imports into an empty provider; the cases, status records and figures stored. */
async function importLra(bytes: Buffer) {
  const db = database.handle.db;
  await sql`DELETE FROM cases`.execute(db);
  await sql`DELETE FROM imports`.execute(db);
  const summary = await importExport(database.handle, {
    district: '08118',
    provider: 'LRA',
    asOf: '2021-03-01',
    fileName: 'export',
    bytes,
  });
  const cases = await sql`
    SELECT case_id, municipality, manager_id, household_id, sex, birth_month, country,
           started_on, ended_on, end_reason, plan_created_on, lease_signed_on
    FROM cases ORDER BY case_id`.execute(db);
  const statuses = await sql`
    SELECT case_id, kind, since, value FROM case_status ORDER BY case_id, kind, since`.execute(db);
  const figures = [];
  for (const date of ['2020-06-30', '2021-01-01', '2021-03-01']) {
    // Without the cell keys: each import draws new record keys.
    const computed = await indicatorsOn(
      db,
      { district: '08118', date, periodFrom: '2021-01-01' },
      INDICATORS,
    );
    figures.push(
      computed.map(({ indicator, figure: { keys: _, ...figure } }) => ({ indicator, figure })),
    );
  }
  return { summary, cases: cases.rows, statuses: statuses.rows, figures };
}

describe('header folding', () => {
  it('folds case, white space, umlauts and ß, and treats space, hyphen, underscore and dot alike', () => {
    const spellings: Record<string, string[]> = {
      traeger: [
        'Träger',
        'TRAEGER',
        'traeger',
        'TRÄGER',
        'Tra\u0308ger',
        ' Träger\u00a0',
        '\ufeffTräger',
      ],
      beschaeftigung: ['Beschäftigung', 'BESCHÄFTIGUNG', 'Beschaeftigung'],
      beschaeftigung_seit: [
        'Beschäftigung_seit',
        'Beschäftigung seit',
        'Beschäftigung-seit',
        'Beschäftigung.seit',
        'Beschäftigung - seit',
        'BESCHAEFTIGUNG_SEIT',
      ],
      fall_id: [
        'Fall-ID',
        'Fall ID',
        'fall_id',
        'FALL_ID',
        'Fall\u00a0ID',
        'Fall–ID',
        'fall_id\u00a0',
      ],
      strasse: ['Straße', 'STRASSE', 'Strasse'],
    };
    for (const [folded, headers] of Object.entries(spellings)) {
      for (const header of headers) expect([header, foldHeader(header)]).toEqual([header, folded]);
    }
  });

  it('knows each column by its canonical name and its German alias, however spelled', () => {
    expect(columnOfHeader('Träger')?.name).toBe('provider');
    expect(columnOfHeader('TRAEGER')?.name).toBe('provider');
    expect(columnOfHeader('Beschäftigung')?.name).toBe('employment');
    expect(columnOfHeader('Beschäftigung_seit')?.name).toBe('employment_since');
    for (const header of ['Fall-ID', 'Fall ID', 'fall_id', 'FALL_ID', 'Case ID', 'fall_id\u00a0']) {
      expect([header, columnOfHeader(header)?.name]).toEqual([header, 'case_id']);
    }
    for (const spelling of Object.values(SPELLINGS)) {
      expect(spelling.map((header) => columnOfHeader(header)?.name)).toEqual(
        COLUMNS.map((column) => column.name),
      );
    }
    expect(sourceHeader.map((header) => columnOfHeader(header)?.name)).toEqual(
      COLUMNS.map((column) => column.name),
    );
    // Words must still be separated where the format separates them.
    expect(columnOfHeader('FallID')).toBeUndefined();
    expect(columnOfHeader('Trager')).toBeUndefined();
  });

  it('refuses personal data however its header is spelled', () => {
    for (const header of [
      'Straße',
      'STRASSE\u00a0',
      'E-Mail',
      'e mail',
      'Geburts-Datum',
      'GEBURTSDATUM',
      'Vorname Klient',
      'Nach-Name',
      'Date of Birth',
      'Telefon-Nr.',
    ]) {
      expect([header, namesPersonalData(header)]).toEqual([header, true]);
    }
    for (const header of ['Träger', 'Gemeinde', 'Geburtsmonat', 'Beschäftigung_seit', 'Fall-ID']) {
      expect([header, namesPersonalData(header)]).toEqual([header, false]);
    }
  });

  it('names both headers when two fold to the same column', () => {
    const header = [...CANONICAL.slice(0, 1), 'Träger', 'TRAEGER', ...CANONICAL.slice(2)];
    const { errors } = mapHeader(header);
    expect(errors).toEqual([
      {
        row: 1,
        column: 'TRAEGER',
        message:
          'Die Spalten „Träger“ und „TRAEGER“ bezeichnen beide die Spalte „traeger“ (provider). Bitte eine davon entfernen.',
      },
    ]);
  });
});

describe(`header spellings in every file kind on ${DATABASE_KIND}`, () => {
  it('import to the same cases and figures as the canonical headers', async () => {
    const canonical = await importLra(exportAs('csv-utf-8', CANONICAL));
    expect(canonical.summary).toMatchObject({ status: 'imported', rows: ROWS.length });
    expect(canonical.summary.warning_count).toBe(0);
    expect(canonical.cases).toHaveLength(ROWS.length);
    const spellings = Object.entries(SPELLINGS);
    for (const [k, kind] of KINDS.entries()) {
      // One spelling per kind imported into an empty database: the same cases, status
      // records and figures as the canonical headers.
      const [name, header] = spellings[k % spellings.length] as [string, string[]];
      const imported = await importLra(exportAs(kind, header));
      const what = `${name} as ${kind}`;
      expect({ what, ...imported.summary }).toMatchObject({
        what,
        status: 'imported',
        rows: ROWS.length,
        new: ROWS.length,
        error_count: 0,
        warning_count: 0,
      });
      expect(imported.cases, what).toEqual(canonical.cases);
      expect(imported.statuses, what).toEqual(canonical.statuses);
      expect(imported.figures, what).toEqual(canonical.figures);
      // Every other spelling in this kind, as a dry run over those stored cases: nothing
      // new, changed or missing, so an import would store the same and give the same.
      for (const [other, otherHeader] of spellings) {
        if (other === name) continue;
        const dry = await importExport(database.handle, {
          district: '08118',
          provider: 'LRA',
          asOf: '2021-03-01',
          fileName: 'export',
          bytes: exportAs(kind, otherHeader),
          dryRun: true,
        });
        const dryWhat = `${other} as ${kind}`;
        expect({ dryWhat, ...dry }).toMatchObject({
          dryWhat,
          status: 'dry_run',
          rows: ROWS.length,
          new: 0,
          changed: 0,
          unchanged: ROWS.length,
          missing: 0,
          error_count: 0,
          warning_count: 0,
        });
      }
    }
  }, 120_000);

  it('refuses two headers naming one column, naming both, in every file kind', async () => {
    const header = SPELLINGS['Träger, Beschäftigung_seit, Fall-ID'] as string[];
    // `Träger` and a second provider column `TRAEGER` in place of the municipality.
    const twice = header.map((name, index) => (index === 2 ? 'TRAEGER' : name));
    for (const kind of KINDS) {
      const { summary, cases } = await importLra(exportAs(kind, twice));
      expect(summary.status, kind).toBe('rejected');
      expect(summary.errors, kind).toContainEqual({
        row: 1,
        column: 'TRAEGER',
        message:
          'Die Spalten „Träger“ und „TRAEGER“ bezeichnen beide die Spalte „traeger“ (provider). Bitte eine davon entfernen.',
      });
      expect(cases, kind).toEqual([]);
    }
  });
});
