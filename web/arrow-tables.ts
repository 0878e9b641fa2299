// Figure tables from the server's Arrow IPC answers (`format=arrow`), checked column by
// column. Apart from api.ts so that the Arrow library loads only where a page reads Arrow.
import { type Table, tableFromIPC } from 'apache-arrow';
import type { BreakdownTable, Figure, Protection, SeriesPoint } from './api.ts';

function readTable(ipc: Uint8Array): Table {
  try {
    return tableFromIPC(ipc);
  } catch {
    throw new Error('Die Antwort des Servers ist keine lesbare Arrow-Tabelle.');
  }
}

/** The cells of one column, checked against the type the server promises for it. */
function column<T>(table: Table, name: string, isCell: (cell: unknown) => cell is T) {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`Der Arrow-Tabelle fehlt die Spalte „${name}“.`);
  return (row: number): T => {
    const cell = vector.get(row);
    if (!isCell(cell))
      throw new Error(`Die Arrow-Spalte „${name}“ enthält einen unerwarteten Wert.`);
    return cell;
  };
}

const isText = (cell: unknown): cell is string => typeof cell === 'string';
const isNumberOrNull = (cell: unknown): cell is number | null =>
  cell === null || typeof cell === 'number';
const isFlag = (cell: unknown): cell is boolean => typeof cell === 'boolean';
/** A Date32 cell: milliseconds since 1970 at midnight UTC. */
const isDay = (cell: unknown): cell is number =>
  typeof cell === 'number' && cell % 86_400_000 === 0;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isProtection = (cell: unknown): cell is Protection =>
  cell === 'none' || cell === 'audited' || cell === 'perturbed';

/** The figure columns every figure table has; `suppressed` is a Bool. */
function figureColumns(table: Table) {
  const value = column(table, 'value', isNumberOrNull);
  const numerator = column(table, 'numerator', isNumberOrNull);
  const denominator = column(table, 'denominator', isNumberOrNull);
  const suppressed = column(table, 'suppressed', isFlag);
  const protection = column(table, 'protection', isProtection);
  return (row: number): Figure => ({
    value: value(row),
    numerator: numerator(row),
    denominator: denominator(row),
    suppressed: suppressed(row),
    protection: protection(row),
  });
}

/** A breakdown from its Arrow IPC file, whose last line is the total (`is_total`). */
export function breakdownFromArrow(ipc: Uint8Array): BreakdownTable {
  const table = readTable(ipc);
  const key = column(table, 'key', isText);
  const label = column(table, 'label', isText);
  const isTotal = column(table, 'is_total', isFlag);
  const figure = figureColumns(table);
  const last = table.numRows - 1;
  if (last < 0 || !isTotal(last)) throw new Error('Der Arrow-Tabelle fehlt die Zeile „Insgesamt“.');
  return {
    rows: Array.from({ length: last }, (_, row) => ({
      key: key(row),
      label: label(row),
      ...figure(row),
    })),
    total: figure(last),
  };
}

/** A monthly series from its Arrow IPC file: months as their first day, dates as days (Date32). */
export function seriesFromArrow(ipc: Uint8Array): SeriesPoint[] {
  const table = readTable(ipc);
  const period = column(table, 'period', isDay);
  const date = column(table, 'date', isDay);
  const figure = figureColumns(table);
  return Array.from({ length: table.numRows }, (_, row) => ({
    period: isoDay(period(row)).slice(0, 7),
    date: isoDay(date(row)),
    ...figure(row),
  }));
}
