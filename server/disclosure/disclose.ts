// Disclosure control (docs/disclosure.md): which figures leave the server for which
// audience. The district office, and a provider looking at its own cases, see every figure
// as computed. Everyone else gets figures protected by one of two rules:
// - perturbed by the Cell Key Method (cell-key.ts), for every figure they can ask for: any
//   date, filter, breakdown or cross-table;
// - exact, where the audit of the report's headline figures (headline-audit.ts) shows that
//   the exact value gives no small count away; else withheld.
// A share is withheld when its (perturbed) denominator is below the minimum.
import type { RawFigure } from '../indicators/figures.ts';
import type { Indicator } from '../indicators/registry.ts';
import { cellKeyOf, type PerturbationTable, perturb, perturbationTable } from './cell-key.ts';

export type Audience = 'internal' | 'provider' | 'restricted' | 'public';

export interface DisclosureRules {
  /** No published count is from 1 to k-1; zero is shown. Never below 3. */
  k: number;
  /** A share on a smaller denominator is withheld. */
  minDenominator: number;
  /**
   * The narrowest interval a reader may be able to prove for a count from 1 to k-1 that
   * is not published exactly: its highest possible value minus its lowest.
   */
  protectionWidth: number;
  /** The perturbation of the Cell Key Method. */
  cellKey: {
    /** A published count is within ±maxDeviation of the true count. */
    maxDeviation: number;
    /** The variance of the perturbation of counts above the small ones. */
    variance: number;
  };
}

export const DEFAULT_RULES: DisclosureRules = Object.freeze({
  k: 5,
  minDenominator: 20,
  protectionWidth: 2,
  cellKey: Object.freeze({ maxDeviation: 3, variance: 1 }),
});

/**
 * How a figure was protected: `none` for an audience that sees it as computed, `audited`
 * for an exact figure released after the audit (or withheld by it), `perturbed` for the
 * Cell Key Method.
 */
export type Protection = 'none' | 'audited' | 'perturbed';

export interface DisclosedFigure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  protection: Protection;
}

/** The rule set a response reports: null for audiences that see figures as computed. */
export function rulesFor(audience: Audience, rules: DisclosureRules): DisclosureRules | null {
  return audience === 'internal' ? null : rules;
}

const tables = new Map<string, PerturbationTable>();
/** The perturbation table of a rule set, built once. */
export function perturbationTableOf(rules: DisclosureRules): PerturbationTable {
  const parameters = {
    maxDeviation: rules.cellKey.maxDeviation,
    variance: rules.cellKey.variance,
    threshold: rules.k - 1,
  };
  const key = JSON.stringify(parameters);
  let table = tables.get(key);
  if (!table) {
    table = perturbationTable(parameters);
    tables.set(key, table);
  }
  return table;
}

/** A figure as computed, for an audience that may see it so. */
export const exactFigure = (figure: RawFigure): DisclosedFigure => ({
  value: figure.value,
  numerator: figure.numerator,
  denominator: figure.denominator,
  suppressed: false,
  protection: 'none',
});

/** A count perturbed by the Cell Key Method; its key sum must have been computed with it. */
export function perturbedCount(
  count: number,
  keySum: number | undefined,
  rules: DisclosureRules,
): number {
  if (keySum === undefined) throw new Error('A count to perturb needs its key sum.');
  return perturb(count, cellKeyOf(keySum), perturbationTableOf(rules));
}

/** A quotient of two published counts; a share is withheld on a denominator below the minimum. */
export function quotientFigure(
  kind: 'share' | 'ratio',
  numerator: number,
  denominator: number,
  rules: DisclosureRules,
  protection: Protection,
): DisclosedFigure {
  if (denominator === 0)
    return { value: null, numerator, denominator, suppressed: false, protection };
  if (kind === 'share' && denominator < rules.minDenominator)
    return { value: null, numerator: null, denominator, suppressed: true, protection };
  // Numerator and denominator are perturbed apart: a share of nearly everyone may come out
  // above one, and is then shown as all.
  const value = numerator / denominator;
  return {
    value: kind === 'share' ? Math.min(1, value) : value,
    numerator,
    denominator,
    suppressed: false,
    protection,
  };
}

/** A figure perturbed by the Cell Key Method: each count behind it by its own cell key. */
export function perturbedFigure(
  indicator: Pick<Indicator, 'kind'>,
  figure: RawFigure,
  rules: DisclosureRules,
): DisclosedFigure {
  const keys = figure.keys ?? {};
  if (indicator.kind === 'count')
    return {
      value: perturbedCount(figure.value ?? 0, keys.value, rules),
      numerator: null,
      denominator: null,
      suppressed: false,
      protection: 'perturbed',
    };
  return quotientFigure(
    indicator.kind,
    perturbedCount(figure.numerator ?? 0, keys.numerator, rules),
    perturbedCount(figure.denominator ?? 0, keys.denominator, rules),
    rules,
    'perturbed',
  );
}

/** A figure for an audience: as computed for the district office, perturbed for the rest. */
export function discloseFigure(
  indicator: Pick<Indicator, 'kind'>,
  figure: RawFigure,
  audience: Audience,
  rules: DisclosureRules,
): DisclosedFigure {
  return audience === 'internal' ? exactFigure(figure) : perturbedFigure(indicator, figure, rules);
}
