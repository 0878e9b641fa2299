// Disclosure control for a cross-table of one indicator with its margins
// (shared/spec/disclosure.md): the primary rules of discloseTable, and secondary
// suppression until no hidden figure can be worked out from the shown ones.
import type { RawFigure } from '../indicators/figures.ts';
import type { Indicator } from '../indicators/registry.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  discloseTable,
  protectAdditiveCells,
} from './disclose.ts';

export interface CrossTableRaw {
  /** [row][column] */
  cells: RawFigure[][];
  rowTotals: RawFigure[];
  columnTotals: RawFigure[];
  total: RawFigure;
}

export interface CrossTableDisclosed {
  cells: DisclosedFigure[][];
  rowTotals: DisclosedFigure[];
  columnTotals: DisclosedFigure[];
  total: DisclosedFigure;
}

/**
 * A table with its margins is a grid of (rows + 1) × (columns + 1) figures, the row totals
 * as its last column and the column totals and the total as its last row, in which every
 * row and every column adds up. Figures are numbered row by row.
 */
interface Grid {
  rows: number;
  columns: number;
}

/** The row and the column of the grid that a figure is part of, numbered as one set. */
const ends = ({ rows, columns }: Grid, figure: number) => ({
  row: Math.floor(figure / columns),
  column: rows + (figure % columns),
});

/** The rows and columns of the grid that `edges` (figures) connect to `start`. */
function reachable(grid: Grid, edges: number[], start: number): Set<number> {
  const reached = new Set([start]);
  const pending = [start];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    for (const figure of edges) {
      const { row, column } = ends(grid, figure);
      const next = row === node ? column : column === node ? row : undefined;
      if (next === undefined || reached.has(next)) continue;
      reached.add(next);
      pending.push(next);
    }
  }
  return reached;
}

/**
 * Whether `figure`, one of the unknown figures, can be worked out. Take some rows and
 * columns of the grid (a side): adding up its rows and subtracting its columns leaves the
 * figures with one end on the side and one off it, which add up (with signs) to zero. So
 * `figure` can be worked out when it is the only unknown across some cut, which is so when
 * no chain of other unknowns links its row to its column. Returns the figures across that
 * cut, around the smaller side (a line in which `figure` is the only unknown, if there is
 * one), or undefined.
 */
function cutAround(grid: Grid, unknowns: number[], figure: number): number[] | undefined {
  const others = unknowns.filter((other) => other !== figure);
  const { row, column } = ends(grid, figure);
  const rowSide = reachable(grid, others, row);
  if (rowSide.has(column)) return undefined;
  const columnSide = reachable(grid, others, column);
  const side = columnSide.size < rowSide.size ? columnSide : rowSide;
  return [...Array(grid.rows * grid.columns).keys()].filter((i) => {
    const other = ends(grid, i);
    return side.has(other.row) !== side.has(other.column);
  });
}

/**
 * Secondary suppression: wherever a hidden figure can be worked out, alone in a line or
 * across any cut, the smallest other non-zero figure across it (the first in the grid on a
 * tie) is hidden too, until none can. A hidden zero is taken both as unknown and as known
 * (a share's numerator hidden for its small denominator may well be known to be zero): it
 * needs protection itself, and gives none. Changes `hidden`.
 */
function protectGrid(grid: Grid, values: readonly (number | null)[], hidden: boolean[]): void {
  const unknownWhen = [
    (i: number) => hidden[i] === true,
    (i: number) => hidden[i] === true && values[i] !== 0,
  ];
  let changed = true;
  while (changed) {
    changed = false;
    for (const isUnknown of unknownWhen) {
      // Figures hidden on the way wait for the next round: their cuts often close by then.
      for (const figure of [...values.keys()].filter(isUnknown)) {
        const across = cutAround(grid, [...values.keys()].filter(isUnknown), figure);
        if (across === undefined) continue;
        const hiddenAcross = across.map((i) => i === figure);
        protectAdditiveCells(
          across.map((i) => values[i] ?? null),
          hiddenAcross,
        );
        across.forEach((i, position) => {
          if (hiddenAcross[position] && !hidden[i]) {
            hidden[i] = true;
            changed = true;
          }
        });
      }
    }
  }
}

/**
 * Applies the rules to a two-dimensional table of one indicator. Primary suppression is
 * discloseTable's. If the cells add up (`additive`: counts of cases, shares), counts,
 * or a share's denominators and then its numerators, are protected across the table.
 */
export function discloseCrossTable(
  indicator: Indicator,
  table: CrossTableRaw,
  audience: Audience,
  rules: DisclosureRules,
  additive: boolean,
): CrossTableDisclosed {
  const rows = table.rowTotals.length;
  const columns = table.columnTotals.length;
  if (table.cells.length !== rows || table.cells.some((row) => row.length !== columns)) {
    throw new Error(`A cross-table needs ${rows} rows of ${columns} cells, one per margin.`);
  }
  const figures = [
    ...table.cells.flatMap((row, r) => [...row, table.rowTotals[r] as RawFigure]),
    ...table.columnTotals,
    table.total,
  ];
  const primary = discloseTable(indicator, figures, audience, rules, false);
  // A hidden share keeps its denominator unless the denominator is hidden too.
  const hidden = primary.map((figure) => figure.suppressed);
  const denominatorHidden = primary.map(
    (figure, i) => figure.denominator !== figures[i]?.denominator,
  );
  if (additive) {
    const grid = { rows: rows + 1, columns: columns + 1 };
    if (indicator.kind === 'share') {
      protectGrid(
        grid,
        figures.map((figure) => figure.denominator),
        denominatorHidden,
      );
      denominatorHidden.forEach((denominator, i) => {
        if (denominator) hidden[i] = true;
      });
    }
    protectGrid(
      grid,
      figures.map((figure) => (indicator.kind === 'count' ? figure.value : figure.numerator)),
      hidden,
    );
  }
  const disclosed = figures.map(
    (figure, i): DisclosedFigure =>
      hidden[i]
        ? {
            value: null,
            numerator: null,
            denominator: denominatorHidden[i] ? null : figure.denominator,
            suppressed: true,
          }
        : { ...figure, suppressed: false },
  );
  const gridRows = [...Array(rows + 1).keys()].map((r) =>
    disclosed.slice(r * (columns + 1), (r + 1) * (columns + 1)),
  );
  const marginRow = gridRows.pop() as DisclosedFigure[];
  return {
    cells: gridRows.map((row) => row.slice(0, columns)),
    rowTotals: gridRows.map((row) => row[columns] as DisclosedFigure),
    columnTotals: marginRow.slice(0, columns),
    total: marginRow[columns] as DisclosedFigure,
  };
}
