// The Cell Key Method (docs/disclosure.md), as the statistical offices use it for flexible
// online tables (Destatis for the 2022 census database, the ABS for TableBuilder): every
// case carries a random record key (sql/009_cell_keys.sql); the key of a count is the sum of
// the keys of the cases it counts, taken modulo 2^32 and read as a number in [0, 1); the
// count is then moved by a small amount looked up in a perturbation table at that key. The
// same cases always give the same key, so a figure reads the same in every table, on every
// request and after every import that leaves its cases alone; averaging repeated answers
// learns nothing.
//
// The perturbation table follows the maximum-entropy construction of Giessing (2016), as in
// Destatis's `ptable` package: for a true count i, the published count j lies within
// i ± maxDeviation, is never from 1 to `threshold` (small counts appear as 0 or above the
// threshold), the move is unbiased with variance `variance` wherever the allowed values
// permit it, and among such distributions the one of maximum entropy is taken.

export interface CellKeyParameters {
  /** The largest move of a count: a published count is within ±maxDeviation of the truth. */
  maxDeviation: number;
  /** The variance of a move, where the allowed values permit it. */
  variance: number;
  /** Published counts are never from 1 to `threshold` (k - 1 of the rules). */
  threshold: number;
}

interface Outcome {
  /** The published count. */
  count: number;
  probability: number;
  /** The cumulative probability up to and including this outcome: keys below it land here. */
  upTo: number;
}

export interface PerturbationTable {
  parameters: CellKeyParameters;
  /** rows[i]: the outcomes of a true count i; the last row holds for every larger count, shifted. */
  rows: Outcome[][];
}

const KEY_RANGE = 2 ** 32;

/**
 * A sum of 32-bit record keys (any integer, negative too) modulo 2^32, in [0, 2^32): all the
 * cell key reads of it, so two sums with the same residue give the same key.
 */
export function keySumResidue(keySum: number): number {
  return ((keySum % KEY_RANGE) + KEY_RANGE) % KEY_RANGE;
}

/** The cell key in [0, 1) of a sum of 32-bit record keys (any integer, negative too). */
export function cellKeyOf(keySum: number): number {
  return keySumResidue(keySum) / KEY_RANGE;
}

/** The values a true count may be published as (before probabilities). */
function allowedCounts(count: number, { maxDeviation, threshold }: CellKeyParameters): number[] {
  const allowed: number[] = [];
  for (let j = Math.max(0, count - maxDeviation); j <= count + maxDeviation; j++) {
    if (j >= 1 && j <= threshold) continue;
    allowed.push(j);
  }
  return allowed;
}

/** p_j ∝ exp(a·d + b·d²) over the moves d = j - i. */
function exponentialFamily(moves: readonly number[], a: number, b: number): number[] {
  const exponents = moves.map((d) => a * d + b * d * d);
  const top = Math.max(...exponents);
  const weights = exponents.map((e) => Math.exp(e - top));
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

const moment = (moves: readonly number[], p: readonly number[], power: number) =>
  moves.reduce((sum, d, i) => sum + (p[i] as number) * d ** power, 0);

/** Maximum entropy with mean 0 and the given variance of the moves; undefined if none. */
function withVariance(moves: readonly number[], variance: number): number[] | undefined {
  let a = 0;
  let b = -1 / (2 * variance);
  for (let step = 0; step < 200; step++) {
    const p = exponentialFamily(moves, a, b);
    const m1 = moment(moves, p, 1);
    const m2 = moment(moves, p, 2);
    const f1 = m1;
    const f2 = m2 - variance;
    if (Math.abs(f1) < 1e-12 && Math.abs(f2) < 1e-12) return p;
    // Jacobian: the covariances of (d, d²) under p.
    const m3 = moment(moves, p, 3);
    const m4 = moment(moves, p, 4);
    const j11 = m2 - m1 * m1;
    const j12 = m3 - m1 * m2;
    const j22 = m4 - m2 * m2;
    const det = j11 * j22 - j12 * j12;
    if (!(Math.abs(det) > 1e-15)) return undefined;
    const da = (f1 * j22 - f2 * j12) / det;
    const db = (j11 * f2 - j12 * f1) / det;
    a -= da;
    b -= db;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  }
  return undefined;
}

/** Maximum entropy with mean 0 only (p ∝ exp(a·d)), by bisection on a. */
function withMeanOnly(moves: readonly number[]): number[] {
  let low = -50;
  let high = 50;
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (moment(moves, exponentialFamily(moves, middle, 0), 1) > 0) high = middle;
    else low = middle;
  }
  return exponentialFamily(moves, (low + high) / 2, 0);
}

function rowOf(count: number, parameters: CellKeyParameters): Outcome[] {
  const allowed = allowedCounts(count, parameters);
  const lowest = allowed[0] as number;
  const highest = allowed.at(-1) as number;
  let probabilities: number[];
  if (count === 0) probabilities = allowed.map((j) => (j === 0 ? 1 : 0));
  else if (count <= lowest || count >= highest) {
    // No unbiased move exists: the nearest allowed value, always.
    const nearest = count <= lowest ? lowest : highest;
    probabilities = allowed.map((j) => (j === nearest ? 1 : 0));
  } else {
    const moves = allowed.map((j) => j - count);
    const below = Math.max(...allowed.filter((j) => j <= count));
    const above = Math.min(...allowed.filter((j) => j >= count));
    const least = (count - below) * (above - count);
    const most = (count - lowest) * (highest - count);
    const feasible = parameters.variance > least && parameters.variance < most;
    probabilities =
      (feasible ? withVariance(moves, parameters.variance) : undefined) ?? withMeanOnly(moves);
  }
  let upTo = 0;
  return allowed
    .map((j, i) => ({ count: j, probability: probabilities[i] as number }))
    .filter((outcome) => outcome.probability > 1e-12)
    .map((outcome) => {
      upTo += outcome.probability;
      return { ...outcome, upTo };
    });
}

export function perturbationTable(parameters: CellKeyParameters): PerturbationTable {
  const { maxDeviation, threshold, variance } = parameters;
  if (!Number.isInteger(maxDeviation) || maxDeviation < 1)
    throw new Error('maxDeviation must be a whole number of at least 1.');
  if (!Number.isInteger(threshold) || threshold < 0)
    throw new Error('threshold must be a whole number of at least 0.');
  if (!(variance > 0)) throw new Error('variance must be positive.');
  // From threshold + maxDeviation + 1 on, every value within ±maxDeviation is allowed, and
  // the row is the same for every larger count, shifted.
  const last = threshold + maxDeviation + 1;
  const rows = Array.from({ length: last + 1 }, (_, i) => rowOf(i, parameters));
  return { parameters, rows };
}

/**
 * The outcomes of a true count: its row, and how far to shift their counts (for counts beyond
 * the table). Not copied: perturb runs for every figure of every public answer.
 */
function outcomesOf(count: number, table: PerturbationTable): { row: Outcome[]; shift: number } {
  const last = table.rows.length - 1;
  if (count <= last) return { row: table.rows[count] as Outcome[], shift: 0 };
  return { row: table.rows[last] as Outcome[], shift: count - last };
}

/** The published count of a true count with the given cell key in [0, 1). */
export function perturb(count: number, cellKey: number, table: PerturbationTable): number {
  const { row, shift } = outcomesOf(count, table);
  const hit = row.find((outcome) => cellKey < outcome.upTo);
  return (hit ?? (row.at(-1) as Outcome)).count + shift;
}

/**
 * The true counts that can be published as `published`: what a reader who knows the table
 * (its parameters are public) can conclude from a published count alone.
 */
export function possibleCounts(
  published: number,
  table: PerturbationTable,
): { lowest: number; highest: number } {
  const { maxDeviation } = table.parameters;
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (let i = Math.max(0, published - maxDeviation); i <= published + maxDeviation; i++) {
    const { row, shift } = outcomesOf(i, table);
    if (row.some((outcome) => outcome.count + shift === published)) {
      lowest = Math.min(lowest, i);
      highest = Math.max(highest, i);
    }
  }
  return { lowest, highest };
}
