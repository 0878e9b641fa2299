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

/**
 * Secondary suppression for one column of cells that add up to a shown total: if exactly
 * one cell is hidden, hide the smallest other non-zero cell too. Changes `hidden`.
 */
export function protectAdditiveCells(values: readonly (number | null)[], hidden: boolean[]): void {
  if (hidden.filter(Boolean).length !== 1) return;
  let smallest = -1;
  values.forEach((value, index) => {
    if (hidden[index] || value === null || value === 0) return;
    if (smallest === -1 || value < (values[smallest] as number)) smallest = index;
  });
  if (smallest !== -1) hidden[smallest] = true;
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
  if (audience === 'internal') return cells.map(shown);
  if (indicator.kind === 'count') {
    const hidden = cells.map((cell) => isSmall(cell.value, rules));
    if (additive)
      protectAdditiveCells(
        cells.map((cell) => cell.value),
        hidden,
      );
    return cells.map((cell, i) => (hidden[i] ? hiddenFigure(cell, true) : shown(cell)));
  }
  const denominatorHidden = cells.map((cell) => isSmall(cell.denominator, rules));
  if (additive && indicator.kind === 'share') {
    protectAdditiveCells(
      cells.map((cell) => cell.denominator),
      denominatorHidden,
    );
  }
  const numeratorHidden = cells.map(
    (cell, i) =>
      denominatorHidden[i] === true ||
      isSmall(cell.numerator, rules) ||
      (indicator.kind === 'share' &&
        (cell.denominator ?? 0) < rules.minDenominator &&
        cell.denominator !== 0),
  );
  if (additive)
    protectAdditiveCells(
      cells.map((cell) => cell.numerator),
      numeratorHidden,
    );
  return cells.map((cell, i) =>
    numeratorHidden[i] ? hiddenFigure(cell, denominatorHidden[i] === true) : shown(cell),
  );
}
