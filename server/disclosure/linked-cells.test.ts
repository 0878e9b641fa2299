import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { determinedCells, protectLinkedCells, type Relation, sumRelation } from './linked-cells.ts';

describe('cells tied by linear relations', () => {
  it('finds a cell alone in a sum and hides the smallest other non-zero cell', () => {
    // Parts 40, 3, 0, 12, 25 of the total 80 (cell 5).
    const values = [40, 3, 0, 12, 25, 80];
    const relations = [sumRelation(5, [0, 1, 2, 3, 4])];
    const hidden = [false, true, false, false, false, false];
    expect(determinedCells(values, hidden, relations)).toEqual([1]);
    protectLinkedCells(values, hidden, relations);
    expect(hidden).toEqual([false, true, false, true, false, false]);
    expect(determinedCells(values, hidden, relations)).toEqual([]);
  });

  it('takes a hidden zero as known: it protects nothing', () => {
    const values = [40, 3, 0, 12, 55];
    const relations = [sumRelation(4, [0, 1, 2, 3])];
    const hidden = [false, true, true, false, false];
    expect(determinedCells(values, hidden, relations)).toEqual([1]);
    protectLinkedCells(values, hidden, relations);
    expect(hidden).toEqual([false, true, true, true, false]);
  });

  it('works a cell out from a stock on two dates and the flows between them', () => {
    // Active at the end of 2018, begun and closed in 2019, active at the end of 2019.
    const values = [100, 30, 3, 127];
    const relations: Relation[] = [
      [
        [3, 1],
        [2, 1],
        [0, -1],
        [1, -1],
      ],
    ];
    const hidden = [false, false, true, false];
    protectLinkedCells(values, hidden, relations);
    expect(hidden).toEqual([false, true, true, false]);
  });

  it('finds a cell that only several relations together give away', () => {
    // A 4 × 4 table with row and column totals, in which every row and every column with a
    // hidden cell has at least two. Cell (0,0) is still determined: rows 0 and 2 with
    // columns 1 and 2 form one closed group of hidden cells, rows 1 and 3 with columns 0
    // and 3 another, and (0,0) is the only hidden cell between the two groups.
    const n = 4;
    const grid = [
      [7, 9, 8, 20],
      [6, 30, 40, 8],
      [50, 7, 9, 60],
      [9, 70, 80, 7],
    ];
    const cell = (r: number, c: number) => r * (n + 1) + c;
    const values: number[] = [];
    for (const row of grid)
      values.push(
        ...row,
        row.reduce((a, b) => a + b, 0),
      );
    for (let c = 0; c < n; c++) values.push(grid.reduce((sum, row) => sum + (row[c] as number), 0));
    values.push(grid.flat().reduce((a, b) => a + b, 0));
    const relations: Relation[] = [];
    for (let r = 0; r <= n; r++)
      relations.push(
        sumRelation(
          cell(r, n),
          [0, 1, 2, 3].map((c) => cell(r, c)),
        ),
      );
    for (let c = 0; c <= n; c++)
      relations.push(
        sumRelation(
          cell(n, c),
          [0, 1, 2, 3].map((r) => cell(r, c)),
        ),
      );
    const hidden = values.map(() => false);
    for (const [r, c] of [
      [0, 0],
      [0, 1],
      [0, 2],
      [2, 1],
      [2, 2],
      [1, 0],
      [3, 0],
      [1, 3],
      [3, 3],
    ] as const)
      hidden[cell(r, c)] = true;
    // No line holds exactly one hidden cell.
    for (const relation of relations)
      expect(relation.filter(([i]) => hidden[i]).length).not.toBe(1);
    expect(determinedCells(values, hidden, relations)).toEqual([cell(0, 0)]);
    protectLinkedCells(values, hidden, relations);
    expect(determinedCells(values, hidden, relations)).toEqual([]);
  });

  it('leaves no hidden cell determined in random tables with stocks and flows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }), {
          minLength: 2,
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 60 }),
        (flows, start) => {
          // Rows: providers; per row a started and a closed count per year, and the stock.
          const values: number[] = [];
          const relations: Relation[] = [];
          let stock = start;
          values.push(stock);
          for (const [started = 0, extra = 0, reasonA = 0] of flows) {
            const closed = Math.min(stock + started, reasonA + extra);
            const a = Math.min(reasonA, closed);
            const cells = values.length;
            values.push(started, closed, a, closed - a, stock + started - closed);
            relations.push(sumRelation(cells + 1, [cells + 2, cells + 3]));
            relations.push([
              [cells + 4, 1],
              [cells + 1, 1],
              [cells - 1, -1],
              [cells, -1],
            ]);
            stock = stock + started - closed;
          }
          const hidden = values.map((value) => value >= 1 && value < 5);
          protectLinkedCells(values, hidden, relations);
          expect(determinedCells(values, hidden, relations)).toEqual([]);
          expect(values.every((value, i) => hidden[i] || value === 0 || value >= 5)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
