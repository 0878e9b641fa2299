// Remakes fixtures/formats/lra-2021-03-01.* from the seeded demonstration export of the
// Landratsamt (German headers and labels, `;`, Windows-1252, dates TT.MM.JJJJ): the same
// rows in the other file kinds a provider may send (Arrow, LibreOffice's XLSX), and as
// LibreOffice saves them when nobody changes its settings (ODS; CSV with two-digit years).
// Usage: npm run fixtures:formats   (all but the Arrow file need LibreOffice: soffice)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateDay, Table, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';

const root = resolve(import.meta.dirname, '..');
const SOURCE = join(root, 'fixtures/demo/lra-2021-03-01.csv');
const OUT = join(root, 'fixtures/formats');
/** German headers of the columns that hold dates (birth month stays text). */
const DATE_COLUMNS = new Set([
  'Beginn',
  'Ende',
  'Integrationsplan_seit',
  'Sprachniveau_seit',
  'Beschaeftigung_seit',
  'Mietvertrag_seit',
]);

export function readSource() {
  const text = new TextDecoder('windows-1252').decode(readFileSync(SOURCE));
  const [header = [], ...rows] = text
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => line.split(';'));
  if (text.includes('"')) throw new Error('The source has quoted fields; split needs a parser');
  return { header, rows };
}

/** Arrow IPC file: dates as date32 (days), everything else as UTF-8 text, empty = null. */
export function arrowOf({ header, rows }: ReturnType<typeof readSource>): Uint8Array {
  const columns: Record<string, Vector> = {};
  header.forEach((name, index) => {
    const values = rows.map((row) => row[index] || null);
    columns[name] = DATE_COLUMNS.has(name)
      ? vectorFromArray(
          values.map((value) => {
            if (!value) return null;
            const [day, month, year] = value.split('.');
            return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
          }),
          new DateDay(),
        )
      : vectorFromArray(values, new Utf8());
  });
  return tableToIPC(new Table(columns), 'file');
}

/**
 * The source opened in LibreOffice (the date columns as dates D.M.Y, everything else as
 * text, which keeps 08118… and MM.JJJJ) and saved as `target` (`xlsx`, `ods`, or a `csv:`
 * filter). LibreOffice takes its locale, and with it the default date format of the cells,
 * from LC_ALL: TT.MM.JJ with `de_DE.UTF-8` (as a German office has it), MM/DD/YY without.
 */
function libreOffice(
  header: string[],
  target: string,
  extension: string,
  locale?: 'de_DE.UTF-8',
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'zwischenbilanz-lo-'));
  try {
    // CSV filter options: separator ; (59), quote " (34), Windows-1252 (1), from line 1,
    // then column/format pairs: 4 = date D.M.Y, 2 = text.
    const formats = header
      .map((name, index) => `${index + 1}/${DATE_COLUMNS.has(name) ? 4 : 2}`)
      .join('/');
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        `--infilter=CSV:59,34,1,1,${formats}`,
        '--convert-to',
        target,
        '--outdir',
        dir,
        SOURCE,
      ],
      { env: locale ? { ...process.env, LC_ALL: locale, LANG: locale } : process.env },
    );
    return readFileSync(join(dir, `lra-2021-03-01.${extension}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = readSource();
  writeFileSync(join(OUT, 'lra-2021-03-01.arrow'), arrowOf(source));
  writeFileSync(
    join(OUT, 'lra-2021-03-01.libreoffice.xlsx'),
    libreOffice(source.header, 'xlsx', 'xlsx'),
  );
  writeFileSync(
    join(OUT, 'lra-2021-03-01.ods'),
    libreOffice(source.header, 'ods', 'ods', 'de_DE.UTF-8'),
  );
  // "Text CSV" with separator ;, quote ", UTF-8 (76), from line 1; cells as shown, so the
  // dates as LibreOffice shows them in German by default: 15.02.20.
  writeFileSync(
    join(OUT, 'lra-2021-03-01.two-digit-years.csv'),
    libreOffice(source.header, 'csv:Text - txt - csv (StarCalc):59,34,76,1', 'csv', 'de_DE.UTF-8'),
  );
  console.log(`${source.rows.length} rows written as Arrow, XLSX, ODS and CSV to ${OUT}`);
}
