// Errors and warnings of an import, as a provider's clerk reads them.

export interface ImportIssue {
  /** Row number as a spreadsheet shows it (header = 1); null for the whole file. */
  row: number | null;
  /** The column as named in the file; null for the whole row or file. */
  column: string | null;
  message: string;
  /** The value seen, where showing it exposes nothing personal. */
  value?: string;
}

/** The file is refused as a whole before any row is looked at. */
export class ImportRefused extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((issue) => issue.message).join(' '));
  }
}
