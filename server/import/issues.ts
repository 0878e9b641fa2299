// Errors and warnings of an import, as a provider's clerk reads them.
import type { FileKind } from './source.ts';

export interface ImportIssue {
  /** Row number as a spreadsheet shows it (header = 1); null for the whole file. */
  row: number | null;
  /** The column as named in the file; null for the whole row or file. */
  column: string | null;
  message: string;
  /** The value seen, where showing it exposes nothing personal. */
  value?: string;
  /** For the same message in the same column on several rows: how many rows in all. */
  count?: number;
  /** ... and the first of them (up to ten), `row` among them. */
  rows?: number[];
  /**
   * A refusal that a caller can lift without changing the file: `older_snapshot`, a Stand
   * older than the one stored, is taken when forced. A page says how, in its own words.
   */
  code?: 'older_snapshot';
}

/** The file is refused as a whole before any row is looked at. */
export class ImportRefused extends Error {
  constructor(
    readonly issues: ImportIssue[],
    /** What the file turned out to be, when that is why it is refused (an .ods, an .xls). */
    readonly kind?: FileKind,
  ) {
    super(issues.map((issue) => issue.message).join(' '));
  }
}
