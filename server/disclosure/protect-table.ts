// A breakdown or cross-table for a reader who adds it up: each count of cases behind its
// figures (a count's value, a share's numerator and denominator, a rate's counts of cases)
// is audited as one perturbed table (table-audit.ts), and what the audit withholds is
// withheld in the figures, in place. Distinct counts (managers, towns) do not add up over
// cells and are left as perturbed.
import type { RawFigure, TableClass } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { type DisclosedFigure, type DisclosureRules, perturbationTableOf } from './disclose.ts';
import { auditPerturbedTable, type TableCount } from './table-audit.ts';

export type Part = 'value' | 'numerator' | 'denominator';

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

/** The condition on a fact row of the cases an additive part of an indicator counts. */
export function partCondition(indicator: Indicator, part: Part) {
  const condition =
    indicator.kind === 'count'
      ? indicator.condition
      : indicator.kind === 'share' && part === 'numerator'
        ? indicator.numerator.condition
        : (
            findIndicator(
              (part === 'numerator' ? indicator.numerator : indicator.denominator) as string,
            ) as Indicator & { kind: 'count' }
          ).condition;
  if (!condition) throw new Error(`${indicator.id}: its ${part} is no count of cases.`);
  return condition;
}

/** One figure of a table: the interior cells it adds up, as computed and as disclosed. */
export interface TableFigure {
  members: readonly number[];
  /** Its category in each of the table's dimensions; undefined for a total over one. */
  keys?: readonly (string | undefined)[];
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
 * What a reader knows of a table's grand total besides the table: that a part of it is at
 * least `atLeast` (the district's closings from its 20th on, by the floor under the first
 * closings, server/disclosure/closings-floor.ts).
 */
export interface KnownTotal {
  part: Part;
  atLeast: number;
}

/** The figure over every category of every dimension of the table. */
const isGrandTotal = (figure: TableFigure) =>
  figure.keys?.every((key) => key === undefined) === true;

/**
 * What else is published exactly about the table's cases: on a release date, the district's
 * audited headline counts (docs/disclosure.md). `classes` group the cases by their
 * categories and by the counts that hold them: bit j of `flags` for the j-th of the
 * indicator's additive parts, then one bit per linked count.
 */
export interface TableLinks {
  classes: readonly TableClass[];
  linked: readonly { published: number | null }[];
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
  links?: TableLinks,
  known: readonly KnownTotal[] = [],
): Promise<void> {
  const table = perturbationTableOf(rules);
  if (links && (await protectLinked(indicator, figures, rules, links, known))) return;
  const grandTotal = figures.findIndex((figure) => isGrandTotal(figure));
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
    const total = counts[grandTotal];
    for (const fact of known)
      if (fact.part === part && total)
        counts.push({ ...total, published: { kind: 'withheld', atLeast: fact.atLeast } });
    const withheld = await auditPerturbedTable(truths, counts, { k: rules.k, table });
    withheld.forEach((out, index) => {
      const figure = figures[index];
      if (out && figure) withhold(figure.shown, part);
    });
  }
}

/**
 * The table and the counts linked to it as one linear program whose unknowns are the classes
 * of cases (as the reader of the attack test sees them): every part of every figure, every
 * linked count, and what nests in what (a share's numerator in its denominator, a cell in
 * a linked count) follow from the classes. False, and nothing changed, where the classes do
 * not add up to the table's figures (then the table is audited on its own).
 */
let linkedAudits = 0;
/** How many tables were audited with their links (the classes added up): for tests. */
export const linkedTableAudits = () => linkedAudits;

async function protectLinked(
  indicator: Indicator,
  figures: readonly TableFigure[],
  rules: DisclosureRules,
  { classes, linked }: TableLinks,
  known: readonly KnownTotal[],
): Promise<boolean> {
  const parts = additiveParts(indicator);
  const holds = (figure: TableFigure, keys: readonly (string | null)[]) =>
    (figure.keys ?? []).every((key, d) => key === undefined || key === keys[d]);
  const sizes = classes.map((c) => c.size);
  const sumOf = (members: readonly number[]) =>
    members.reduce((sum, m) => sum + (sizes[m] as number), 0);
  const counts: TableCount[] = [];
  const places: { figure: TableFigure; part: Part }[] = [];
  for (const [bit, part] of parts.entries()) {
    for (const figure of figures) {
      if (!figure.keys) return false;
      const members = classes.flatMap((c, m) =>
        c.flags & (2 ** bit) && holds(figure, c.keys) ? [m] : [],
      );
      const truth = figure.raw[part] ?? 0;
      if (sumOf(members) !== truth) return false;
      counts.push({ members, truth, published: publishedPart(figure.shown, part) });
      places.push({ figure, part });
    }
  }
  for (const [j, count] of linked.entries()) {
    const bit = parts.length + j;
    const members = classes.flatMap((c, m) => (c.flags & (2 ** bit) ? [m] : []));
    const truth = sumOf(members);
    if (count.published !== null && count.published !== truth) return false;
    counts.push({
      members,
      truth,
      published:
        count.published === null
          ? { kind: 'withheld', atLeast: 1 }
          : { kind: 'exact', value: count.published },
    });
  }
  for (const fact of known) {
    const total = places.findIndex(
      (place) => place.part === fact.part && isGrandTotal(place.figure),
    );
    const count = counts[total];
    if (count) counts.push({ ...count, published: { kind: 'withheld', atLeast: fact.atLeast } });
  }
  const withheld = await auditPerturbedTable(sizes, counts, {
    k: rules.k,
    table: perturbationTableOf(rules),
  });
  places.forEach(({ figure, part }, index) => {
    if (withheld[index]) withhold(figure.shown, part);
  });
  linkedAudits += 1;
  return true;
}
