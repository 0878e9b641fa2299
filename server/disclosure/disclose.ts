// Disclosure control (shared/spec/disclosure.md): which figures leave the server for which
// audience. Internal callers see everything; restricted and public callers get small
// counts hidden (primary), a second cell hidden wherever one alone could be worked out
// from a shown total (secondary), and shares only on a large enough base.
import type { RawFigure } from '../indicators/figures.ts';
import type { Indicator } from '../indicators/registry.ts';

export type Audience = 'internal' | 'provider' | 'restricted' | 'public';

export interface DisclosureRules {
  /** Counts from 1 to k-1 are hidden; zero is shown. Never below 3. */
  k: number;
  /** A share on a smaller denominator is hidden. */
  minDenominator: number;
}

export const DEFAULT_RULES: DisclosureRules = Object.freeze({ k: 5, minDenominator: 20 });

export interface DisclosedFigure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

/** The rule set a response reports: null for audiences that see unsuppressed figures. */
export function rulesFor(audience: Audience, rules: DisclosureRules): DisclosureRules | null {
  return audience === 'internal' ? null : rules;
}

const isSmall = (count: number | null, { k }: DisclosureRules) =>
  count !== null && count >= 1 && count < k;

/** The index of the smallest shown non-zero cell (the first of equals), or -1. */
function smallestShown(values: readonly (number | null)[], hidden: readonly boolean[]): number {
  let smallest = -1;
  values.forEach((value, index) => {
    if (hidden[index] || value === null || value === 0) return;
    if (smallest === -1 || value < (values[smallest] as number)) smallest = index;
  });
  return smallest;
}

/**
 * Secondary suppression for one column of cells that add up to a shown total: if exactly
 * one cell is hidden, hide the smallest other non-zero cell too. Changes `hidden`; returns
 * true when there is no such cell, so that the total must be hidden instead.
 */
export function protectAdditiveCells(
  values: readonly (number | null)[],
  hidden: boolean[],
): boolean {
  if (hidden.filter(Boolean).length !== 1) return false;
  const smallest = smallestShown(values, hidden);
  if (smallest === -1) return true;
  hidden[smallest] = true;
  return false;
}

/**
 * The same for a line whose readers may know which hidden cells are zero: a hidden zero
 * protects nothing, so cells are hidden until two non-zero ones are (or the total is).
 */
function protectLine(values: readonly (number | null)[], hidden: boolean[]): boolean {
  for (;;) {
    const count = hidden.filter(Boolean).length;
    const nonZero = values.filter((value, i) => hidden[i] && value !== 0).length;
    if (count === 0 || (count >= 2 && nonZero !== 1)) return false;
    const smallest = smallestShown(values, hidden);
    if (smallest === -1) return true;
    hidden[smallest] = true;
  }
}

const shown = (figure: RawFigure): DisclosedFigure => ({ ...figure, suppressed: false });
const hiddenFigure = (figure: RawFigure, denominatorHidden: boolean): DisclosedFigure => ({
  value: null,
  numerator: null,
  denominator: denominatorHidden ? null : figure.denominator,
  suppressed: true,
});

/**
 * Applies the rules to one table: the cells of a breakdown (or a single figure, as a
 * table of one) of one indicator. Cells of a count that counts cases, and the numerators
 * and denominators of shares, add up to the total, so they are protected as columns.
 */
export function discloseTable(
  indicator: Indicator,
  cells: readonly RawFigure[],
  audience: Audience,
  rules: DisclosureRules,
  additive: boolean,
): DisclosedFigure[] {
  return discloseBreakdown(indicator, cells, undefined, audience, rules, additive).cells;
}

/**
 * A breakdown and its total as one table: the total is shown beside the cells, so when a
 * hidden cell has no other cell to hide with it, the total is hidden instead.
 */
export function discloseBreakdown(
  indicator: Indicator,
  cells: readonly RawFigure[],
  total: RawFigure | undefined,
  audience: Audience,
  rules: DisclosureRules,
  additive: boolean,
): { cells: DisclosedFigure[]; total: DisclosedFigure | undefined } {
  const all = total ? [...cells, total] : [...cells];
  const last = cells.length;
  if (audience === 'internal') return split(all.map(shown), total !== undefined);
  // Protects the cells of one additive column; the total, when there is one, is hidden
  // when it alone would give a cell away.
  const protect = (values: (number | null)[], hidden: boolean[]) => {
    if (!additive || (total !== undefined && hidden[last])) return;
    const cellsHidden = hidden.slice(0, last);
    const totalMustGo = protectLine(values.slice(0, last), cellsHidden);
    cellsHidden.forEach((value, i) => {
      hidden[i] = value;
    });
    if (totalMustGo && total !== undefined) hidden[last] = true;
  };
  if (indicator.kind === 'count') {
    const hidden = all.map((cell) => isSmall(cell.value, rules));
    protect(
      all.map((cell) => cell.value),
      hidden,
    );
    return split(
      all.map((cell, i) => (hidden[i] ? hiddenFigure(cell, true) : shown(cell))),
      total !== undefined,
    );
  }
  const denominatorHidden = all.map((cell) => isSmall(cell.denominator, rules));
  if (indicator.kind === 'share')
    protect(
      all.map((cell) => cell.denominator),
      denominatorHidden,
    );
  const numeratorHidden = all.map(
    (cell, i) =>
      denominatorHidden[i] === true ||
      isSmall(cell.numerator, rules) ||
      (indicator.kind === 'share' &&
        (cell.denominator ?? 0) < rules.minDenominator &&
        cell.denominator !== 0),
  );
  protect(
    all.map((cell) => cell.numerator),
    numeratorHidden,
  );
  return split(
    all.map((cell, i) =>
      numeratorHidden[i] ? hiddenFigure(cell, denominatorHidden[i] === true) : shown(cell),
    ),
    total !== undefined,
  );
}

function split(figures: DisclosedFigure[], hasTotal: boolean) {
  return hasTotal
    ? { cells: figures.slice(0, -1), total: figures.at(-1) }
    : { cells: figures, total: undefined };
}
