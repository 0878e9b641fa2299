// The one CSV writer, for the API's `format=csv` (server/routes/formats.ts) and the page's
// downloads (web/downloads/csv.ts): what German Excel opens as it is. UTF-8 with a BOM (else
// Excel reads Windows-1252), ";" between fields, CRLF, a decimal comma and no thousands
// separator (Excel would read "2.469" as a date or as 2,469), flags as "ja"/"nein". A field is
// quoted when it holds ";", a quote or a line break, or begins or ends with white space (which
// Excel would drop); a text that Excel would run as a formula (=, +, -, @, tab, CR: OWASP's
// CSV injection) is written with a leading "'". Plain code without dependencies: the browser
// bundles it.

export type CsvValue = string | number | boolean | null;

const BOM = '\uFEFF';
const CRLF = '\r\n';
const NEEDS_QUOTES = /[;"\r\n]|^\s|\s$/;
const FORMULA_START = /^[=+\-@\t\r]/;

const decimal = new Intl.NumberFormat('de-DE', { useGrouping: false, maximumFractionDigits: 10 });

/** One field: text guarded and quoted as needed, a number with a decimal comma, null empty. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'ja' : 'nein';
  if (typeof value === 'number') return decimal.format(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The file's text, BOM included (a Blob of it is UTF-8): one line per list of fields, each
 * field written by csvField unless it is already a written field (`{ written }`, e.g. the "."
 * of a withheld value).
 */
export function csvText(lines: readonly (readonly (CsvValue | { written: string })[])[]): string {
  const text = lines.map((fields) =>
    fields
      .map((field) =>
        field !== null && typeof field === 'object' ? field.written : csvField(field),
      )
      .join(';'),
  );
  return BOM + text.join(CRLF) + CRLF;
}
