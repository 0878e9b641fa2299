// A breakdown or cross-table for a reader who adds it up: each count of cases behind its
// figures (a count's value, a share's numerator and denominator, a rate's counts of cases)
// is audited as one perturbed table (table-audit.ts), and what the audit withholds is
// withheld in the figures, in place. Distinct counts (managers, towns) do not add up over
// cells and are left as perturbed.
import type { RawFigure } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { type DisclosedFigure, type DisclosureRules, perturbationTableOf } from './disclose.ts';
import { auditPerturbedTable, type TableCount } from './table-audit.ts';

type Part = 'value' | 'numerator' | 'denominator';

const countsCases = (id: string) => {
  const indicator = findIndicator(id);
  return indicator?.kind === 'count' && indicator.condition !== undefined;
};

/** The parts of an indicator's figures that are counts of cases, which add up over cells. */
export function additiveParts(indicator: Indicator): Part[] {
  if (indicator.kind === 'count') return indicator.condition ? ['value'] : [];
  if (indicator.kind === 'share')
    return countsCases(indicator.denominator) ? ['numerator', 'denominator'] : ['numerator'];
  return (['numerator', 'denominator'] as const).filter((part) => countsCases(indicator[part]));
}

/** One figure of a table: the interior cells it adds up, as computed and as disclosed. */
export interface TableFigure {
  members: readonly number[];
  raw: RawFigure;
  /** Changed in place where the audit withholds one of its counts. */
  shown: DisclosedFigure;
}

function publishedPart(shown: DisclosedFigure, part: Part): TableCount['published'] {
  const value = shown[part];
  if (value === null) return { kind: 'withheld' };
  return shown.protection === 'perturbed' ? { kind: 'perturbed', value } : { kind: 'exact', value };
}

function withhold(shown: DisclosedFigure, part: Part): void {
  shown[part] = null;
  shown.value = null;
  shown.suppressed = true;
}

/**
 * Audits a table's figures. `interior` are the raw figures of the cells no other figure of
 * the table splits; every figure's `members` index into them. A margin that counts more
 * than its cells (cases in no category of a line) gets an unknown of its own for the rest.
 */
export async function protectTable(
  indicator: Indicator,
  interior: readonly RawFigure[],
  figures: readonly TableFigure[],
  rules: DisclosureRules,
): Promise<void> {
  const table = perturbationTableOf(rules);
  for (const part of additiveParts(indicator)) {
    const truths = interior.map((raw) => raw[part] ?? 0);
    const counts: TableCount[] = figures.map((figure) => {
      const truth = figure.raw[part] ?? 0;
      const members = [...figure.members];
      const inside = members.reduce((sum, m) => sum + (truths[m] as number), 0);
      if (truth > inside) {
        // Cases this figure counts that none of its cells does: an unknown of their own.
        members.push(truths.length);
        truths.push(truth - inside);
      }
      return { members, truth, published: publishedPart(figure.shown, part) };
    });
    const withheld = await auditPerturbedTable(truths, counts, { k: rules.k, table });
    withheld.forEach((out, index) => {
      if (out) withhold((figures[index] as TableFigure).shown, part);
    });
  }
}
