// The audit of one perturbed table (docs/disclosure.md, "Tables audited after perturbation").
// The Cell Key Method moves every count of a breakdown or cross-table on its own, within
// ±D, and shows small counts as 0 or as k and more. A reader who adds a line up can still
// corner a count: two cells of a line published as 0 (each at most D) beside a line total
// published so that it is at least 2·D leave only one value for each. So before a table
// leaves the server, every count from 1 to k-1 in it, as a cell or as the difference of two
// nested cells, is minimised and maximised by linear programming subject to everything the
// table publishes (each perturbed count an interval, an audited one an equation, the margins
// the sums of their cells); where a count has only one possible value, the smallest shown
// count touching it is withheld, until none has.
import { type Cell, smallIsolables } from './audit.ts';
import { type PerturbationTable, possibleCounts } from './cell-key.ts';
import { type Fact, FeasibleSums, solver } from './feasibility.ts';

/** One count of a table as computed and as it would be published. */
export interface TableCount {
  /** The interior cells it adds up (indices into `interior`). */
  members: readonly number[];
  /** The true count. */
  truth: number;
  /**
   * What would be published: a perturbed count, an exact (audited) one, or nothing (withheld
   * already, for another reason).
   */
  published:
    | { kind: 'perturbed'; value: number }
    | { kind: 'exact'; value: number }
    | { kind: 'withheld'; atLeast?: number };
}

/** Audits of tables already asked for, by everything their result depends on. */
const audited = new Map<string, Promise<readonly boolean[]>>();
/** Characters of the keys kept (a cross-table's key is a few kilobytes). */
const AUDITS_KEPT_CHARS = 16 * 1024 * 1024;
let auditedChars = 0;
let computed = 0;
/** How many tables were audited (not answered from memory) in this process: for tests. */
export const tableAuditsComputed = () => computed;

/**
 * Which counts of a table to withhold besides those already withheld, so that no count from
 * 1 to k-1 among its cells and the differences of its nested cells can be learnt exactly.
 * `interior` holds the true counts of the cells no other cell splits (the unknowns).
 * The result depends on nothing else: the same table again (the same figures asked for
 * again, by anyone, in any format) is answered from memory, without linear programs.
 */
export async function auditPerturbedTable(
  interior: readonly number[],
  counts: readonly TableCount[],
  options: { k: number; table: PerturbationTable },
): Promise<boolean[]> {
  const key = JSON.stringify([
    options.k,
    options.table.parameters,
    interior,
    counts.map((count) => [count.members, count.truth, count.published]),
  ]);
  let known = audited.get(key);
  if (known) {
    // Most recently used last: the oldest go first.
    audited.delete(key);
    audited.set(key, known);
  } else {
    const pending = audit(interior, counts, options);
    computed += 1;
    known = pending;
    audited.set(key, pending);
    auditedChars += key.length;
    pending.catch(() => {
      if (audited.get(key) === pending) {
        audited.delete(key);
        auditedChars -= key.length;
      }
    });
    for (const old of audited.keys()) {
      if (auditedChars <= AUDITS_KEPT_CHARS) break;
      audited.delete(old);
      auditedChars -= old.length;
    }
  }
  return [...(await known)];
}

async function audit(
  interior: readonly number[],
  counts: readonly TableCount[],
  { k, table }: { k: number; table: PerturbationTable },
): Promise<boolean[]> {
  const withheld = counts.map(() => false);
  const cells: Cell[] = counts.map((count) => count.members);
  const targets = smallIsolables(cells, interior, k);
  if (targets.length === 0) return withheld;
  // A withheld count is never 0 (zeros are shown), so a reader knows it is at least 1.
  const atLeastOne = (count: TableCount) => (count.truth > 0 ? 1 : 0);
  const facts: Fact[] = counts.map((count) => {
    const { published } = count;
    if (published.kind === 'exact')
      return { members: count.members, lower: published.value, upper: published.value };
    if (published.kind === 'perturbed') {
      const { lowest, highest } = possibleCounts(published.value, table);
      return { members: count.members, lower: lowest, upper: highest };
    }
    return {
      members: count.members,
      lower: published.atLeast ?? 0,
      upper: Number.POSITIVE_INFINITY,
    };
  });
  // A reader may know which cells are empty (nobody of that sex in that town): the audit
  // assumes it does, as τ-ARGUS treats structural zeros. Without this, an empty third cell
  // of a line (published 0: "0 to D") would leave room that the reader knows is not there:
  // f ≈ 0 and m ≈ 0 beside a total ≈ 7 pin both at 3 once d is known to be empty. These
  // facts follow the counts', so the counts' indices stay those of `sums.relax`.
  interior.forEach((truth, member) => {
    if (truth === 0) facts.push({ members: [member], lower: 0, upper: 0 });
  });
  const sums = new FeasibleSums(
    await solver(),
    interior.length,
    facts,
    Float64Array.from(interior),
  );
  const touching = new Map<number, number[]>();
  counts.forEach((count, index) => {
    for (const member of count.members) {
      const list = touching.get(member) ?? [];
      list.push(index);
      touching.set(member, list);
    }
  });
  /** Of the counts at `indices`, the smallest still shown by perturbation (not a zero). */
  const smallestShown = (indices: ReadonlySet<number>) =>
    [...indices]
      .filter(
        (index) =>
          index < counts.length &&
          !withheld[index] &&
          counts[index]?.published.kind === 'perturbed' &&
          (counts[index]?.truth as number) > 0,
      )
      .sort(
        (a, b) =>
          (counts[a]?.truth as number) - (counts[b]?.truth as number) ||
          (counts[a]?.members.length as number) - (counts[b]?.members.length as number) ||
          a - b,
      )[0];
  try {
    // Withholding a count mostly widens intervals, but not always: a count published as 0
    // (0 to D) and then withheld is at least 1, which a reader may use against a count
    // protected earlier. So the targets are gone over again until a whole pass withholds
    // nothing more; the withheld counts only grow, so that ends.
    let changed = true;
    while (changed) {
      changed = false;
      for (const target of targets) {
        while (!sums.atLeast(target.members, 1).wide) {
          const near = new Set(target.members.flatMap((member) => touching.get(member) ?? []));
          // The smallest shown count touching it; once none is left, the smallest shown count
          // among the facts the bounds rest on, which may touch it only through a linked
          // count: cells withheld ("at least 1") beside a perturbed column total and an exact
          // headline count that holds both columns can pin a cell that the column total
          // never touches.
          const next =
            smallestShown(near) ??
            smallestShown(
              new Set(
                (['minimize', 'maximize'] as const).flatMap((sense) =>
                  sums.certificate(target.members, sense),
                ),
              ),
            );
          if (next === undefined) break;
          withheld[next] = true;
          changed = true;
          sums.relax(next, atLeastOne(counts[next] as TableCount), Number.POSITIVE_INFINITY);
        }
      }
    }
  } finally {
    sums.dispose();
  }
  return withheld;
}
