// Downloads of what a page shows: a chart as SVG and PNG, a table as CSV and XLSX, each
// file with its title, "Stand" and source line. (Stub until implemented, issue #6.)
import { element } from '../dom.ts';

/** What every downloaded file says about itself. */
export interface DownloadMeta {
  /** The chart's or table's title, as on the page. */
  title: string;
  /** "Stand 01.01.2021", or a period ("Stand 31.12.2022, Monatsenden 2018 bis 2022"). */
  stand: string;
  /** Defaults to the site's source line (Fallexporte der Träger …). */
  source?: string;
  /** File name without extension, e.g. "sprachniveau-2021-01-01". */
  fileName: string;
}

export interface DownloadColumn {
  label: string;
  /** number: a count or ratio; share: a fraction 0..1 (CSV: whole percent, XLSX: 0 %). */
  kind: 'text' | 'number' | 'share';
}

/** A table as the page shows it; `null` in a number or share column is a withheld value ("."). */
export interface DownloadTable {
  columns: DownloadColumn[];
  rows: (string | number | null)[][];
}

/** Buttons "SVG" and "PNG" for a chart (the <svg> Plot drew, or a <figure> holding it). */
export function chartDownloads(_chart: Element, _meta: DownloadMeta): HTMLElement {
  return element('span');
}

/** Buttons "CSV" and "XLSX" for a table. */
export function tableDownloads(_table: DownloadTable, _meta: DownloadMeta): HTMLElement {
  return element('span');
}
