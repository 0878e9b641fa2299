// What every file reader hands to validation: batches of rows of text cells, the header
// first (row 1), each row numbered as a spreadsheet shows it. Readers refuse a file that
// breaks a limit with ImportRefused, quickly and without reading the rest.

export interface SourceRow {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: number;
  /** Cell texts as the user sees them; empty string for an empty cell. */
  cells: string[];
}

export type RowBatches = AsyncGenerator<SourceRow[], void, void>;

/** Called with the number of bytes of the file consumed so far, for progress. */
export type OnBytes = (bytesRead: number) => void;

export interface ReadLimits {
  /** More columns than this refuses the file (a sane export has about 20). */
  maxColumns: number;
  /** A single record (CSV line, XLSX row) longer than this many characters refuses the file. */
  maxRecordChars: number;
  /** An XLSX whose parts expand to more than this many bytes is refused before inflating. */
  maxExpandedBytes: number;
  /** An XLSX whose parts expand more than this factor over their compressed size is refused. */
  maxExpansionRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = Object.freeze({
  maxColumns: 200,
  maxRecordChars: 64 * 1024,
  maxExpandedBytes: 2 * 1024 ** 3,
  maxExpansionRatio: 200,
});

/** Rows handed on per batch: big enough to keep per-batch overhead small. */
export const BATCH_ROWS = 2000;
