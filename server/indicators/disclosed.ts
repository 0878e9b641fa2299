// Figures as they leave the server: computed, then put through disclosure control for the
// audience of the request (server/disclosure/).
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import { belowClosingsFloor, type WithheldDays } from '../disclosure/closings-floor.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  exactFigure,
  perturbedFigure,
} from '../disclosure/disclose.ts';
import type { AuditedHeadline } from '../disclosure/headline-audit.ts';
import {
  additiveParts,
  type KnownTotal,
  partCondition,
  protectTable,
  type TableLinks,
} from '../disclosure/protect-table.ts';
import type { FactsScope } from './case-facts.ts';
import type { Category, DimensionId, DirectoryCategories } from './dimensions.ts';
import {
  breakdownOn,
  type CountOptions,
  crossTableOn,
  indicatorsOn,
  type Point,
  type RawFigure,
  seriesOn,
  tableClassesOn,
} from './figures.ts';
import type { Indicator } from './registry.ts';

/** How a request's figures are disclosed. */
export interface Disclosure {
  audience: Audience;
  rules: DisclosureRules;
  /**
   * The audited headline figures, where the request is about a district as a whole (no
   * provider or municipality): its totals on a release date are then published exactly.
   */
  headline?: AuditedHeadline | undefined;
  /**
   * The days on which figures of closings are withheld by the floor under the first
   * closings (`closingsWithheld`); unused for the district office.
   */
  closingsWithheld: readonly WithheldDays[];
}

/** A figure withheld whole: by the floor under the first closings. */
const WITHHELD: DisclosedFigure = Object.freeze({
  value: null,
  numerator: null,
  denominator: null,
  suppressed: true,
  protection: 'perturbed',
});

/**
 * Whether a figure of `indicator` on a date (over a period from `periodFrom`, for a period
 * count) is withheld by the floor under the district's first closings
 * (server/disclosure/closings-floor.ts): every cell of it, zeros too.
 */
export const floored = (indicator: Indicator, disclosure: Disclosure, on: Point): boolean =>
  disclosure.audience !== 'internal' &&
  indicator.closings === true &&
  belowClosingsFloor(
    {
      date: on.date,
      periodFrom: indicator.kind === 'count' && indicator.period ? on.periodFrom : undefined,
    },
    disclosure.closingsWithheld,
  );

/**
 * What the floor under the first closings tells a reader of a whole district's table of its
 * closings on or after the day of its 20th (server/disclosure/closings-floor.ts): the total
 * is at least 20, which the table's audit has to know too. For closings over a period that
 * begins by the first closing, the same (none closed before it).
 */
function knownTotals(
  indicator: Indicator,
  disclosure: Disclosure,
  scope: FactsScope,
): KnownTotal[] {
  if (disclosure.audience === 'internal' || !indicator.closings) return [];
  if (scope.district === undefined || scope.provider || scope.municipality) return [];
  const [days] = disclosure.closingsWithheld;
  if (!days || days.until === null || scope.date < days.until) return [];
  const atLeast = disclosure.rules.minDenominator;
  if (indicator.id === 'cases_closed') return [{ part: 'value', atLeast }];
  if (indicator.kind === 'share' && indicator.denominator === 'cases_closed')
    return [{ part: 'denominator', atLeast }];
  if (indicator.id === 'cases_closed_in_period' && scope.periodFrom <= days.from)
    return [{ part: 'value', atLeast }];
  return [];
}

/**
 * One figure for the audience: as computed for the district office; the audited exact
 * figure where the headline holds it (a total of a whole district on a release date);
 * otherwise perturbed by the Cell Key Method.
 */
export function disclose(
  indicator: Indicator,
  figure: RawFigure,
  disclosure: Disclosure,
  on: Point,
  { total = false } = {},
): DisclosedFigure {
  if (disclosure.audience === 'internal') return exactFigure(figure);
  if (floored(indicator, disclosure, on)) return { ...WITHHELD };
  const audited = total ? disclosure.headline?.figure(indicator, on.date) : undefined;
  return audited ?? perturbedFigure(indicator, figure, disclosure.rules);
}

export interface DisclosedIndicator extends DisclosedFigure {
  id: string;
  label: string;
  definition: string;
  kind: Indicator['kind'];
}

export async function discloseIndicators(
  db: Kysely<Database>,
  scope: FactsScope,
  disclosure: Disclosure,
  counts: CountOptions = {},
): Promise<DisclosedIndicator[]> {
  const computed = await indicatorsOn(db, scope, undefined, counts);
  return computed.map(({ indicator, figure }) => ({
    id: indicator.id,
    label: indicator.label,
    definition: indicator.definition,
    kind: indicator.kind,
    ...disclose(indicator, figure, disclosure, scope, { total: true }),
  }));
}

/**
 * On a release date, a whole district's table is published beside its audited exact
 * headline counts: they go into the table's audit, over classes of the table's cases
 * (docs/disclosure.md, "Each table audited after perturbation").
 */
async function linksOf(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  dimensions: readonly DimensionId[],
  disclosure: Disclosure,
  counts: CountOptions,
): Promise<TableLinks | undefined> {
  const { headline } = disclosure;
  if (disclosure.audience === 'internal' || !headline?.dates.has(scope.date)) return undefined;
  const parts = additiveParts(indicator);
  const linked = headline.counts.flatMap((count) => {
    const published = headline.count(count.alias, scope.date);
    return published === undefined ? [] : [{ condition: count.condition, published }];
  });
  if (parts.length === 0 || linked.length === 0) return undefined;
  const classes = await tableClassesOn(
    db,
    scope,
    dimensions,
    [
      ...parts.map((part) => partCondition(indicator, part)),
      ...linked.map((count) => count.condition),
    ],
    counts,
  );
  return { classes, linked };
}

export interface DisclosedBreakdown {
  rows: (Category & DisclosedFigure)[];
  total: DisclosedFigure;
}

export async function discloseBreakdown(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  by: DimensionId,
  directory: DirectoryCategories,
  disclosure: Disclosure,
  counts: CountOptions = {},
): Promise<DisclosedBreakdown> {
  const withheld = floored(indicator, disclosure, scope);
  // The table and the classes it is audited over are independent queries: side by side.
  const [{ rows, total }, links] = await Promise.all([
    breakdownOn(db, scope, indicator, by, directory, counts),
    withheld ? undefined : linksOf(db, scope, indicator, [by], disclosure, counts),
  ]);
  const shown = rows.map((row) => disclose(indicator, row.figure, disclosure, scope));
  const shownTotal = disclose(indicator, total, disclosure, scope, { total: true });
  if (disclosure.audience !== 'internal' && !withheld)
    await protectTable(
      indicator,
      rows.map((row) => row.figure),
      [
        ...rows.map((row, i) => ({
          members: [i],
          keys: [row.key],
          raw: row.figure,
          shown: shown[i] as DisclosedFigure,
        })),
        { members: rows.map((_, i) => i), keys: [undefined], raw: total, shown: shownTotal },
      ],
      disclosure.rules,
      links,
      knownTotals(indicator, disclosure, scope),
    );
  return {
    rows: rows.map((row, i) => ({
      key: row.key,
      label: row.label,
      ...(shown[i] as DisclosedFigure),
    })),
    total: shownTotal,
  };
}

export type { DirectoryCategories };

export interface SeriesPoint extends DisclosedFigure {
  date: string;
}

/** One figure on several dates, each point on its own. */
export async function discloseSeries(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  indicator: Indicator,
  points: readonly Point[],
  disclosure: Disclosure,
  counts: CountOptions = {},
): Promise<SeriesPoint[]> {
  const figures = await seriesOn(db, scope, indicator, points, counts);
  return figures.map(({ point, figure }) => ({
    date: point.date,
    ...disclose(indicator, figure, disclosure, point, { total: true }),
  }));
}

export interface DisclosedCrossTable {
  rows: Category[];
  columns: Category[];
  cells: DisclosedFigure[][];
  rowTotals: DisclosedFigure[];
  columnTotals: DisclosedFigure[];
  total: DisclosedFigure;
}

export async function discloseCrossTable(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  rowsBy: DimensionId,
  columnsBy: DimensionId,
  directory: DirectoryCategories,
  disclosure: Disclosure,
  counts: CountOptions = {},
): Promise<DisclosedCrossTable> {
  const withheld = floored(indicator, disclosure, scope);
  const [table, links] = await Promise.all([
    crossTableOn(db, scope, indicator, rowsBy, columnsBy, directory, counts),
    withheld ? undefined : linksOf(db, scope, indicator, [rowsBy, columnsBy], disclosure, counts),
  ]);
  const one = (figure: RawFigure) => disclose(indicator, figure, disclosure, scope);
  const cells = table.cells.map((row) => row.map(one));
  const rowTotals = table.rowTotals.map(one);
  const columnTotals = table.columnTotals.map(one);
  const total = disclose(indicator, table.total, disclosure, scope, { total: true });
  if (disclosure.audience !== 'internal' && !withheld) {
    const width = table.columns.length;
    const at = (r: number, c: number) => r * width + c;
    const rowIndices = table.rows.map((_, r) => r);
    const columnIndices = table.columns.map((_, c) => c);
    await protectTable(
      indicator,
      table.cells.flat(),
      [
        ...table.cells.flatMap((row, r) =>
          row.map((raw, c) => ({
            members: [at(r, c)],
            keys: [table.rows[r]?.key, table.columns[c]?.key],
            raw,
            shown: cells[r]?.[c] as DisclosedFigure,
          })),
        ),
        ...table.rowTotals.map((raw, r) => ({
          members: columnIndices.map((c) => at(r, c)),
          keys: [table.rows[r]?.key, undefined],
          raw,
          shown: rowTotals[r] as DisclosedFigure,
        })),
        ...table.columnTotals.map((raw, c) => ({
          members: rowIndices.map((r) => at(r, c)),
          keys: [undefined, table.columns[c]?.key],
          raw,
          shown: columnTotals[c] as DisclosedFigure,
        })),
        {
          members: rowIndices.flatMap((r) => columnIndices.map((c) => at(r, c))),
          keys: [undefined, undefined],
          raw: table.total,
          shown: total,
        },
      ],
      disclosure.rules,
      links,
      knownTotals(indicator, disclosure, scope),
    );
  }
  return { rows: table.rows, columns: table.columns, cells, rowTotals, columnTotals, total };
}
