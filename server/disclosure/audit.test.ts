// The audit of exact figures: small counts a reader could isolate (figures, differences of
// nested figures, classes of cases the figures tell apart) are found, and figures are
// withheld until the linear program proves every one of them at least `width` wide.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditExactFigures, type Cell, smallIsolables } from './audit.ts';
import { FeasibleSums, solver } from './feasibility.ts';

/** Whether every small isolable count keeps its width given the shown figures (an independent check). */
async function everyIsolableProtected(
  cells: readonly Cell[],
  sizes: readonly number[],
  withheld: readonly boolean[],
  k: number,
  width: number,
): Promise<string[]> {
  const truth = (cell: Cell) =>
    [...new Set(cell)].reduce((sum, u) => sum + (sizes[u] as number), 0);
  const facts = cells.map((cell, i) =>
    withheld[i]
      ? { members: cell, lower: 1, upper: Number.POSITIVE_INFINITY }
      : { members: cell, lower: truth(cell), upper: truth(cell) },
  );
  const sums = new FeasibleSums(await solver(), sizes.length, facts);
  const narrow: string[] = [];
  // Besides figures, differences and classes: the classes of cases the figures still shown
  // tell apart (a withheld figure joins classes).
  const joined = new Map<string, number[]>();
  sizes.forEach((_, member) => {
    const shown = cells.flatMap((cell, i) => (!withheld[i] && cell.includes(member) ? [i] : []));
    if (shown.length > 0)
      joined.set(shown.join(','), [...(joined.get(shown.join(',')) ?? []), member]);
  });
  const targets = [
    ...smallIsolables(cells, sizes, k, { classes: true }).map((isolable) => ({
      name: isolable.cells.join('-'),
      members: isolable.members,
      truth: isolable.truth,
    })),
    ...[...joined].map(([key, members]) => ({
      name: `class in ${key}`,
      members,
      truth: members.reduce((sum, u) => sum + (sizes[u] as number), 0),
    })),
  ].filter((target) => target.truth >= 1 && target.truth < k);
  try {
    for (const target of targets) {
      const { lowest, highest } = sums.interval(target.members);
      if (highest - lowest < width)
        narrow.push(`${target.name}: ${target.truth} in [${lowest}, ${highest}]`);
    }
  } finally {
    sums.dispose();
  }
  return narrow;
}

describe('the audit of exact figures', () => {
  it('finds small figures and small differences of nested figures', () => {
    // Caseload, minors, adults on one date; closed cases on two dates.
    const sizes = [3, 40, 50, 2];
    const cells: Cell[] = [[0, 1], [0], [1], [2], [2, 3]];
    const found = smallIsolables(cells, sizes, 5).map((i) => [i.cells, i.truth]);
    expect(found).toEqual([
      [[1], 3],
      [[4, 3], 2],
    ]);
  });

  it('finds a small class of cases that is neither a figure nor a difference of two', () => {
    // Closed cases and those with a lease on two release dates. Unknowns: closed with a lease
    // by the first date (0), without (1); closed between them with a lease (2), without (3).
    const sizes = [102, 66, 20, 1];
    const cells: Cell[] = [[0, 1], [0], [0, 1, 2, 3], [0, 2]];
    expect(smallIsolables(cells, sizes, 5).some((i) => i.truth === 1)).toBe(false);
    expect(smallIsolables(cells, sizes, 5, { classes: true })).toContainEqual({
      kind: 'class',
      members: [3],
      truth: 1,
      cells: [2],
    });
  });

  it('withholds a closing figure so that the cases closed without a lease in a month cannot be worked out', async () => {
    // The four exact figures leave the one case closed without a lease exactly 1.
    const sizes = [102, 66, 20, 1];
    const cells: Cell[] = [[0, 1], [0], [0, 1, 2, 3], [0, 2]];
    const { withheld } = await auditExactFigures(cells, sizes, { k: 5, width: 2 });
    expect(withheld.some(Boolean)).toBe(true);
    const facts = cells.map((cell, i) => {
      const truth = cell.reduce((sum, u) => sum + (sizes[u] as number), 0);
      return withheld[i]
        ? { members: cell, lower: 1, upper: Number.POSITIVE_INFINITY }
        : { members: cell, lower: truth, upper: truth };
    });
    const sums = new FeasibleSums(await solver(), sizes.length, facts);
    try {
      const { lowest, highest } = sums.interval([3]);
      expect(highest - lowest).toBeGreaterThanOrEqual(2);
    } finally {
      sums.dispose();
    }
  });

  it('checks the classes that a withheld figure joins: two months of closings without a lease', async () => {
    // With a lease / without by the first date (0, 1); in the next month (2, 3); in the one
    // after (4, 5). One and two cases closed without a lease: withholding the middle date's
    // closed cases joins the months, and the first and last dates give both together, 3.
    const sizes = [100, 60, 20, 1, 20, 2];
    const cells: Cell[] = [[0, 1], [0], [0, 1, 2, 3], [0, 2], [0, 1, 2, 3, 4, 5], [0, 2, 4]];
    const { withheld } = await auditExactFigures(cells, sizes, { k: 5, width: 2 });
    expect(await everyIsolableProtected(cells, sizes, withheld, 5, 2)).toEqual([]);
  });

  it('withholds a second figure so that minors cannot be worked out from the caseload and adults', async () => {
    const sizes = [3, 40];
    const cells: Cell[] = [[0, 1], [0], [1]];
    const { withheld } = await auditExactFigures(cells, sizes, { k: 5, width: 2 });
    expect(withheld[1]).toBe(true);
    expect(withheld.filter(Boolean)).toHaveLength(2);
    expect(await everyIsolableProtected(cells, sizes, withheld, 5, 2)).toEqual([]);
  });

  it('protects the cases closed in a month when the total on both dates is exact', async () => {
    // Closed cases: 30 by the first date, 2 more by the second, 40 more by the third.
    const sizes = [30, 2, 40];
    const cells: Cell[] = [[0], [0, 1], [0, 1, 2]];
    const { withheld } = await auditExactFigures(cells, sizes, { k: 5, width: 2 });
    expect(withheld.some(Boolean)).toBe(true);
    expect(await everyIsolableProtected(cells, sizes, withheld, 5, 2)).toEqual([]);
  });

  it('leaves every random set of nested and linked figures with no small count narrower than the width', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 7, max: 60 })), {
          minLength: 2,
          maxLength: 8,
        }),
        fc.array(fc.array(fc.nat(7), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 3 }),
        async (sizes, rawCells, width) => {
          const cells = rawCells.map((cell) => cell.map((u) => u % sizes.length));
          const { withheld } = await auditExactFigures(cells, sizes, { k: 5, width });
          // Zeros are never withheld: a reader may take a withheld figure to be at least 1.
          cells.forEach((cell, i) => {
            const size = [...new Set(cell)].reduce((sum, u) => sum + (sizes[u] as number), 0);
            if (withheld[i]) expect(size).toBeGreaterThan(0);
          });
          expect(await everyIsolableProtected(cells, sizes, withheld, 5, width)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
