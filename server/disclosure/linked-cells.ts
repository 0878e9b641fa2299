// Secondary suppression for figures tied together by more than one kind of sum: cells and
// linear relations among them (a total and its parts; a stock on two dates and the flows
// between them). A hidden cell is given away when the shown cells and the relations
// determine it, whether alone in one relation or only through several taken together; then
// another cell is hidden, until none is given away (shared/spec/disclosure.md, rule 2).

/** Cells whose values, each times its sign, add up to zero. */
export type Relation = readonly (readonly [cell: number, sign: 1 | -1])[];

/** A total and its parts: the parts minus the total are zero. */
export const sumRelation = (total: number, parts: readonly number[]): Relation => [
  ...parts.map((part) => [part, 1] as const),
  [total, -1],
];

const EPSILON = 1e-9;

interface Derivation {
  /** A hidden cell that can be worked out. */
  cell: number;
  /** The shown cells it is worked out from (hiding one of them stops this way). */
  from: number[];
}

/**
 * The unknown cells that the relations determine, each with the shown cells it follows
 * from: reduced row echelon form over the unknown cells, with the same row operations
 * carried over the shown cells of the relations.
 */
function solve(unknowns: readonly number[], relations: readonly Relation[]): Derivation[] {
  const unknown = new Set(unknowns);
  const shown = [
    ...new Set(relations.flatMap((relation) => relation.map(([cell]) => cell))),
  ].filter((cell) => !unknown.has(cell));
  const columns = [...unknowns, ...shown];
  const column = new Map(columns.map((cell, index) => [cell, index]));
  const rows: number[][] = relations.map((relation) => {
    const row = new Array<number>(columns.length).fill(0);
    for (const [cell, sign] of relation) {
      const index = column.get(cell) as number;
      row[index] = (row[index] as number) + sign;
    }
    return row;
  });
  const pivots: { row: number; column: number }[] = [];
  let next = 0;
  for (let col = 0; col < unknowns.length && next < rows.length; col++) {
    let best = next;
    for (let r = next + 1; r < rows.length; r++) {
      if (
        Math.abs((rows[r] as number[])[col] as number) >
        Math.abs((rows[best] as number[])[col] as number)
      )
        best = r;
    }
    const pivotRow = rows[best] as number[];
    const pivot = pivotRow[col] as number;
    if (Math.abs(pivot) < EPSILON) continue;
    [rows[next], rows[best]] = [pivotRow, rows[next] as number[]];
    for (let c = 0; c < columns.length; c++) pivotRow[c] = (pivotRow[c] as number) / pivot;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as number[];
      const factor = row[col] as number;
      if (r === next || Math.abs(factor) < EPSILON) continue;
      for (let c = col; c < columns.length; c++)
        row[c] = (row[c] as number) - factor * (pivotRow[c] as number);
    }
    pivots.push({ row: next, column: col });
    next += 1;
  }
  // Determined: the pivot row names no other unknown cell.
  return pivots.flatMap(({ row, column: col }) => {
    const entries = rows[row] as number[];
    for (let c = 0; c < unknowns.length; c++)
      if (c !== col && Math.abs(entries[c] as number) > EPSILON) return [];
    const from = shown.filter((_, k) => Math.abs(entries[unknowns.length + k] as number) > EPSILON);
    return [{ cell: unknowns[col] as number, from }];
  });
}

/**
 * The hidden cells that the shown cells and the relations determine, with what they follow
 * from. A hidden zero counts as known, since a reader may know that it is zero: it protects
 * nothing. Unknown cells that share no relation, directly or through others, are solved
 * apart.
 */
function derivations(
  values: readonly number[],
  hidden: readonly boolean[],
  relations: readonly Relation[],
): Derivation[] {
  const isUnknown = (cell: number) => hidden[cell] === true && values[cell] !== 0;
  const parent = new Map<number, number>();
  const root = (cell: number): number => {
    let top = cell;
    while (parent.get(top) !== top) top = parent.get(top) as number;
    parent.set(cell, top);
    return top;
  };
  const touching = relations.filter((relation) => relation.some(([cell]) => isUnknown(cell)));
  for (const relation of touching) {
    const cells = relation.map(([cell]) => cell).filter(isUnknown);
    for (const cell of cells) if (!parent.has(cell)) parent.set(cell, cell);
    for (const cell of cells.slice(1)) parent.set(root(cell), root(cells[0] as number));
  }
  const groups = new Map<number, { cells: number[]; relations: Relation[] }>();
  for (const cell of [...parent.keys()].sort((a, b) => a - b)) {
    const group = groups.get(root(cell)) ?? { cells: [], relations: [] };
    group.cells.push(cell);
    groups.set(root(cell), group);
  }
  for (const relation of touching) {
    const first = relation.find(([cell]) => isUnknown(cell)) as readonly [number, number];
    groups.get(root(first[0]))?.relations.push(relation);
  }
  return [...groups.values()]
    .flatMap((group) => solve(group.cells, group.relations))
    .sort((a, b) => a.cell - b.cell);
}

/** The hidden cells that the shown cells and the relations determine. */
export function determinedCells(
  values: readonly number[],
  hidden: readonly boolean[],
  relations: readonly Relation[],
): number[] {
  return derivations(values, hidden, relations).map((derivation) => derivation.cell);
}

/**
 * Hides further cells until the shown ones give no hidden cell away. First relation by
 * relation: where one alone holds a single hidden cell, its smallest shown non-zero cell is
 * hidden too (the first on a tie). Then across relations: for a cell that several together
 * give away, the smallest shown non-zero cell it is worked out from. Changes `hidden`.
 */
export function protectLinkedCells(
  values: readonly number[],
  hidden: boolean[],
  relations: readonly Relation[],
): void {
  const bySize = (a: number, b: number) => (values[a] as number) - (values[b] as number) || a - b;
  const isUnknown = (cell: number) => hidden[cell] === true && values[cell] !== 0;
  const smallestShown = (cells: readonly number[]) =>
    cells.filter((cell) => !hidden[cell] && values[cell] !== 0).sort(bySize)[0];
  for (;;) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const relation of relations) {
        const cells = relation.map(([cell]) => cell);
        if (cells.filter(isUnknown).length !== 1) continue;
        const next = smallestShown(cells);
        if (next === undefined) continue;
        hidden[next] = true;
        changed = true;
      }
    }
    const [givenAway] = derivations(values, hidden, relations);
    if (!givenAway) return;
    // Cannot be missing while the relations hold: a cell worked out from zeros alone is zero.
    const next = smallestShown(givenAway.from);
    if (next === undefined) return;
    hidden[next] = true;
  }
}
