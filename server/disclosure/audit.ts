// Secondary suppression for a fixed set of exact figures, audited by linear programming as
// τ-ARGUS and sdcTable do for linked tables (docs/disclosure.md): the figures are sums of
// unknown counts (classes of cases that no figure tells apart); a count from 1 to k-1 that a
// reader could isolate, as a figure itself, as the difference of two figures one of which
// holds the other, or as a class of cases the figures tell apart, must keep an interval at
// least `width` wide given every figure shown. Where it does not, one more figure is
// withheld, until every such count is protected.
import { FeasibleSums, solver } from './feasibility.ts';

/** A figure: the unknowns it adds up (indices into the sizes). */
export type Cell = readonly number[];

/** A count a reader could isolate: a figure, the difference of two nested figures, or a class. */
export type Isolable = {
  members: number[];
  truth: number;
} & (
  | { kind: 'figure' /** The figure it is. */; cells: [number] }
  | { kind: 'difference' /** The outer and the inner figure. */; cells: [number, number] }
  | { kind: 'class' /** Every figure that holds it. */; cells: number[] }
);

const sizeOf = (members: readonly number[], sizes: readonly number[]) =>
  members.reduce((sum, member) => sum + (sizes[member] as number), 0);

/**
 * The counts from 1 to k-1 that the figures could give away: each small figure, and each
 * small difference of two figures one of which holds the other (a figure and its part, the
 * same count on two dates). A difference that is itself a figure is that figure. With
 * `classes`, also each small class of cases that the figures tell apart (an unknown), which
 * is neither: the cases closed without a lease between two release dates are the closed
 * cases of both dates minus those with a lease, four figures, and no difference of two.
 */
export function smallIsolables(
  cells: readonly Cell[],
  sizes: readonly number[],
  k: number,
  { classes = false }: { classes?: boolean } = {},
): Isolable[] {
  const found: Isolable[] = [];
  const seen = new Set<string>();
  const normal = cells.map((cell) => [...new Set(cell)].sort((a, b) => a - b));
  const truths = normal.map((cell) => sizeOf(cell, sizes));
  normal.forEach((cell, index) => {
    const key = cell.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    const truth = truths[index] as number;
    if (truth >= 1 && truth < k)
      found.push({ kind: 'figure', members: cell, truth, cells: [index] });
  });
  const byTruth = new Map<number, number[]>();
  truths.forEach((truth, index) => {
    const same = byTruth.get(truth) ?? [];
    same.push(index);
    byTruth.set(truth, same);
  });
  normal.forEach((outer, o) => {
    const holds = new Set(outer);
    const outerTruth = truths[o] as number;
    for (let gap = 1; gap < k; gap++) {
      for (const i of byTruth.get(outerTruth - gap) ?? []) {
        const inner = normal[i] as number[];
        if (inner.length === 0 || !inner.every((member) => holds.has(member))) continue;
        const inside = new Set(inner);
        const members = outer.filter((member) => !inside.has(member));
        const key = members.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ kind: 'difference', members, truth: gap, cells: [o, i] });
      }
    }
  });
  if (classes) {
    const holding = new Map<number, number[]>();
    normal.forEach((cell, index) => {
      for (const member of cell) {
        const list = holding.get(member) ?? [];
        list.push(index);
        holding.set(member, list);
      }
    });
    sizes.forEach((size, member) => {
      const held = holding.get(member);
      if (size < 1 || size >= k || !held || seen.has(String(member))) return;
      seen.add(String(member));
      found.push({ kind: 'class', members: [member], truth: size, cells: held });
    });
  }
  return found;
}

export interface AuditResult {
  /** Per figure: withheld (primary or secondary) or shown. */
  withheld: boolean[];
  /** Linear programs solved. */
  solved: number;
}

/**
 * Which of the exact figures to withhold so that no count from 1 to k-1 can be isolated to
 * an interval narrower than `width`. Zeros are always shown, so a reader knows a withheld
 * figure is at least 1; a withheld figure is never zero. Secondary suppressions prefer the
 * smallest shown figure that shares an unknown with the count at risk.
 */
export async function auditExactFigures(
  cells: readonly Cell[],
  sizes: readonly number[],
  { k, width }: { k: number; width: number },
): Promise<AuditResult> {
  const truths = cells.map((cell) => sizeOf([...new Set(cell)], sizes));
  const withheld = truths.map((truth) => truth >= 1 && truth < k);
  const cellsOf = new Map<number, number[]>();
  cells.forEach((cell, index) => {
    for (const member of new Set(cell)) {
      const list = cellsOf.get(member) ?? [];
      list.push(index);
      cellsOf.set(member, list);
    }
  });
  const isolables = smallIsolables(cells, sizes, k, { classes: true });
  const checked = new Set(isolables.map((isolable) => isolable.members.join(',')));
  /**
   * The small classes that the figures still shown tell apart and that were not checked
   * yet. A withheld figure joins classes: with the closed cases of 1 September withheld, the
   * cases closed without a lease in August and in September are one class, which the
   * figures of 1 August and 1 October give.
   */
  const joined = (): Isolable[] => {
    const classes = new Map<string, number[]>();
    sizes.forEach((_, member) => {
      const shown = (cellsOf.get(member) ?? []).filter((index) => !withheld[index]);
      if (shown.length === 0) return;
      const key = shown.join(',');
      const members = classes.get(key) ?? [];
      members.push(member);
      classes.set(key, members);
    });
    const found: Isolable[] = [];
    for (const [key, members] of classes) {
      const truth = sizeOf(members, sizes);
      const id = members.join(',');
      if (truth < 1 || truth >= k || checked.has(id)) continue;
      checked.add(id);
      found.push({ kind: 'class', members, truth, cells: key.split(',').map(Number) });
    }
    return found;
  };
  let pending = [...isolables, ...joined()];
  if (pending.length === 0) return { withheld, solved: 0 };
  const highs = await solver();
  const facts = cells.map((cell, index) => ({
    members: cell,
    lower: withheld[index] ? 1 : (truths[index] as number),
    upper: withheld[index] ? Number.POSITIVE_INFINITY : (truths[index] as number),
  }));
  const sums = new FeasibleSums(highs, sizes.length, facts, Float64Array.from(sizes));
  try {
    // Withholding only widens intervals, so a count protected once stays protected; the
    // classes that withheld figures join are checked after each pass, until none is new.
    while (pending.length > 0) {
      for (const isolable of pending) {
        while (!sums.atLeast(isolable.members, width).wide) {
          // The smallest shown non-zero figure touching the count at risk.
          const touching = new Set(isolable.members.flatMap((member) => cellsOf.get(member) ?? []));
          const next = [...touching]
            .filter((index) => !withheld[index] && (truths[index] as number) > 0)
            .sort((a, b) => (truths[a] as number) - (truths[b] as number) || a - b)[0];
          if (next === undefined) break;
          withheld[next] = true;
          sums.relax(next, 1, Number.POSITIVE_INFINITY);
        }
      }
      pending = joined();
    }
  } finally {
    sums.dispose();
  }
  return { withheld, solved: sums.solved };
}
