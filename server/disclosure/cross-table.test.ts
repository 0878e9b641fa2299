import { describe, expect, it } from 'vitest';
import type { RawFigure } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { type CrossTableDisclosed, type CrossTableRaw, discloseCrossTable } from './cross-table.ts';
import { DEFAULT_RULES, type DisclosedFigure } from './disclose.ts';

const count = findIndicator('clients_active') as Indicator;
const distinctCount = findIndicator('managers_active') as Indicator;
const share = findIndicator('language_b1_plus_share') as Indicator;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const columnsOf = <T>(rows: T[][]) => (rows[0] ?? []).map((_, c) => rows.map((row) => row[c] as T));

/** A table of counts with its margins. */
function counts(rows: number[][]): CrossTableRaw {
  const figure = (value: number): RawFigure => ({ value, numerator: null, denominator: null });
  return {
    cells: rows.map((row) => row.map(figure)),
    rowTotals: rows.map((row) => figure(sum(row))),
    columnTotals: columnsOf(rows).map((column) => figure(sum(column))),
    total: figure(sum(rows.flat())),
  };
}

/** A table of shares, each cell [numerator, denominator], with its margins. */
function shares(rows: [number, number][][]): CrossTableRaw {
  const figure = (parts: [number, number][]): RawFigure => {
    const numerator = sum(parts.map(([n]) => n));
    const denominator = sum(parts.map(([, d]) => d));
    return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
  };
  return {
    cells: rows.map((row) => row.map((cell) => figure([cell]))),
    rowTotals: rows.map(figure),
    columnTotals: columnsOf(rows).map(figure),
    total: figure(rows.flat()),
  };
}

/** The table as a reader sees it: `.` for a suppressed figure, margins last. */
function render(
  table: CrossTableDisclosed,
  show: (figure: DisclosedFigure) => string = (f) => String(f.value),
): string[] {
  const cell = (figure: DisclosedFigure) => (figure.suppressed ? '.' : show(figure));
  return [
    ...table.cells.map((row, r) =>
      [...row, table.rowTotals[r] as DisclosedFigure].map(cell).join(' '),
    ),
    [...table.columnTotals, table.total].map(cell).join(' '),
  ];
}

describe('cross-table disclosure', () => {
  it('hides a small cell, one more in its row and its column, and the cell closing them', () => {
    const out = discloseCrossTable(
      count,
      counts([
        [2, 6, 20],
        [7, 30, 40],
        [9, 50, 60],
      ]),
      'public',
      DEFAULT_RULES,
      true,
    );
    expect(render(out)).toEqual(['. . 20 28', '. . 40 77', '9 50 60 119', '18 86 120 224']);
    expect(out.cells[0]?.[0]).toEqual({
      value: null,
      numerator: null,
      denominator: null,
      suppressed: true,
    });
  });

  it('hides again in the lines a hidden cell leaves with one hidden cell, until all hold', () => {
    // 2 takes 8 (row 0) and 6 (column 1); 8 takes 9 (column 2); 6 takes 11 (row 2);
    // 9 takes 7 (row 1); 7 takes 10 (column 0).
    const out = discloseCrossTable(
      count,
      counts([
        [10, 2, 8],
        [7, 12, 9],
        [15, 6, 11],
      ]),
      'restricted',
      DEFAULT_RULES,
      true,
    );
    expect(render(out)).toEqual(['. . . 20', '. 12 . 28', '15 . . 32', '32 20 28 80']);
  });

  it('protects the margins: a small row total hides another row total', () => {
    const out = discloseCrossTable(
      count,
      counts([
        [1, 2, 0],
        [10, 20, 30],
        [40, 50, 60],
      ]),
      'public',
      DEFAULT_RULES,
      true,
    );
    expect(render(out)).toEqual(['. . 0 .', '. . 30 .', '40 50 60 150', '51 72 90 213']);
  });

  it('hides a total when a hidden cell is the only non-zero figure of its line', () => {
    // 5 is hidden for the 2 in column 0 and is all of row 1, so the row total goes too;
    // then the margins around them.
    const out = discloseCrossTable(
      count,
      counts([
        [2, 30],
        [5, 0],
      ]),
      'public',
      DEFAULT_RULES,
      true,
    );
    expect(render(out)).toEqual(['. . .', '. 0 .', '. . 37']);
  });

  it('protects a cell that several lines together would give away', () => {
    // A second hidden figure in every line is not enough: with 8, 7, 4 and 12, the totals
    // of rows 0 and 1 and those of columns 1 and 2 hidden, rows 0 and 1 still add up to
    // 32 - 16 = 16 and column 0 to 15, which gives away the 1. So column 0's total goes too.
    const out = discloseCrossTable(
      count,
      counts([
        [8, 1, 0],
        [7, 0, 0],
        [0, 4, 12],
      ]),
      'public',
      { ...DEFAULT_RULES, k: 3 },
      true,
    );
    expect(render(out)).toEqual(['. . 0 .', '. 0 0 .', '0 . . 16', '. . . 32']);
  });

  it('uses the configured k', () => {
    const table = counts([
      [5, 6],
      [7, 8],
    ]);
    expect(render(discloseCrossTable(count, table, 'public', DEFAULT_RULES, true))).toEqual([
      '5 6 11',
      '7 8 15',
      '12 14 26',
    ]);
    const strict = { ...DEFAULT_RULES, k: 6 };
    expect(render(discloseCrossTable(count, table, 'public', strict, true))).toEqual([
      '. . 11',
      '. . 15',
      '12 14 26',
    ]);
  });

  it('applies only primary suppression to counts that do not add up', () => {
    const out = discloseCrossTable(
      distinctCount,
      counts([
        [2, 6, 20],
        [7, 30, 40],
      ]),
      'public',
      DEFAULT_RULES,
      false,
    );
    expect(render(out)).toEqual(['. 6 20 28', '7 30 40 77', '9 36 60 105']);
  });

  it('shows everything to the district office', () => {
    const table = counts([
      [1, 2],
      [3, 0],
    ]);
    const out = discloseCrossTable(count, table, 'internal', DEFAULT_RULES, true);
    expect(out.cells.flat().map((figure) => figure.suppressed)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(render(out)).toEqual(['1 2 3', '3 0 3', '4 2 6']);
  });

  it('protects the denominators of shares and hides the shares on them', () => {
    // The denominator 3 is small: the denominators 30 (row), 25 (column) and 50 go with
    // it, and the numerators of those four cells.
    const out = discloseCrossTable(
      share,
      shares([
        [
          [1, 3],
          [10, 30],
          [12, 40],
        ],
        [
          [8, 25],
          [15, 50],
          [20, 60],
        ],
        [
          [9, 35],
          [30, 70],
          [25, 80],
        ],
      ]),
      'public',
      DEFAULT_RULES,
      true,
    );
    const fraction = (f: DisclosedFigure) => `${f.numerator}/${f.denominator}`;
    expect(render(out, fraction)).toEqual([
      '. . 12/40 23/73',
      '. . 20/60 43/135',
      '9/35 30/70 25/80 64/185',
      '18/63 55/150 57/180 130/393',
    ]);
    expect(out.cells[0]?.[0]?.denominator).toBeNull();
    expect(out.cells[1]?.[1]?.denominator).toBeNull();
  });

  it('hides a share on a denominator below the minimum but shows that denominator', () => {
    // 6/15: the denominator is not small, the base is; the numerators 10 (row) and 12
    // (column) are hidden with it, then 30 to close the rectangle.
    const out = discloseCrossTable(
      share,
      shares([
        [
          [6, 15],
          [10, 40],
        ],
        [
          [12, 30],
          [30, 60],
        ],
      ]),
      'restricted',
      DEFAULT_RULES,
      true,
    );
    expect(out.cells.flat()).toEqual([
      { value: null, numerator: null, denominator: 15, suppressed: true },
      { value: null, numerator: null, denominator: 40, suppressed: true },
      { value: null, numerator: null, denominator: 30, suppressed: true },
      { value: null, numerator: null, denominator: 60, suppressed: true },
    ]);
    expect(out.total).toEqual({
      value: 58 / 145,
      numerator: 58,
      denominator: 145,
      suppressed: false,
    });
  });

  it('protects a zero numerator hidden for its small base and does not rely on it', () => {
    // 0/10 is hidden for its base. As a figure the reader does not know, it needs partners
    // in its row and column; as a zero the reader may know, it is nobody's partner, so the
    // non-zero numerators hidden with it need partners of their own.
    const out = discloseCrossTable(
      share,
      shares([
        [
          [0, 10],
          [30, 50],
          [7, 30],
        ],
        [
          [20, 40],
          [25, 60],
          [9, 30],
        ],
      ]),
      'public',
      DEFAULT_RULES,
      true,
    );
    const fraction = (f: DisclosedFigure) => `${f.numerator}/${f.denominator}`;
    expect(render(out, fraction)).toEqual(['. . . 37/90', '. . . 54/130', '. 55/110 . 91/220']);
    expect(out.cells[0]?.[0]).toEqual({
      value: null,
      numerator: null,
      denominator: 10,
      suppressed: true,
    });
  });

  it('refuses a table whose cells do not match its margins', () => {
    const table = counts([
      [5, 6],
      [7, 8],
    ]);
    expect(() =>
      discloseCrossTable(
        count,
        { ...table, rowTotals: table.rowTotals.slice(1) },
        'public',
        DEFAULT_RULES,
        true,
      ),
    ).toThrow(/rows/);
  });
});
