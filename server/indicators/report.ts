// Figures as they leave the server: computed, then put through disclosure control for the
// audience of the request.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import { type CrossTableDisclosed, discloseCrossTable } from '../disclosure/cross-table.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  discloseBreakdown,
  discloseTable,
  protectAdditiveCells,
} from '../disclosure/disclose.ts';
import type { FactsScope } from './case-facts.ts';
import type { Category, DimensionId, RegistryCategories } from './dimensions.ts';
import { breakdownOn, crossTableOn, indicatorsOn, type Point, seriesOn } from './figures.ts';
import { ADDITIVE_PARTS, type Indicator } from './registry.ts';

export interface ReportedIndicator extends DisclosedFigure {
  id: string;
  label: string;
  definition: string;
  kind: Indicator['kind'];
}

export async function indicatorReport(
  db: Kysely<Database>,
  scope: FactsScope,
  audience: Audience,
  rules: DisclosureRules,
): Promise<ReportedIndicator[]> {
  const computed = await indicatorsOn(db, scope);
  const disclosed = new Map(
    computed.map(({ indicator, figure }) => [
      indicator.id,
      discloseTable(indicator, [figure], audience, rules, false)[0] as DisclosedFigure,
    ]),
  );
  if (audience !== 'internal') {
    for (const { parts } of ADDITIVE_PARTS) {
      const figures = parts.map((id) => disclosed.get(id) as DisclosedFigure);
      const raw = parts.map(
        (id) => computed.find((c) => c.indicator.id === id)?.figure.value ?? null,
      );
      const hidden = figures.map((figure) => figure.suppressed);
      protectAdditiveCells(raw, hidden);
      parts.forEach((id, i) => {
        if (hidden[i] && !figures[i]?.suppressed) {
          disclosed.set(id, { value: null, numerator: null, denominator: null, suppressed: true });
        }
      });
    }
  }
  return computed.map(({ indicator }) => ({
    id: indicator.id,
    label: indicator.label,
    definition: indicator.definition,
    kind: indicator.kind,
    ...(disclosed.get(indicator.id) as DisclosedFigure),
  }));
}

export interface BreakdownReport {
  rows: (Category & DisclosedFigure)[];
  total: DisclosedFigure;
}

export async function breakdownReport(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  by: DimensionId,
  registry: RegistryCategories,
  audience: Audience,
  rules: DisclosureRules,
): Promise<BreakdownReport> {
  const { rows, total } = await breakdownOn(db, scope, indicator, by, registry);
  // Distinct counts (managers, municipalities) do not add up over categories.
  const additive = indicator.kind !== 'count' || indicator.countsCases;
  const disclosed = discloseBreakdown(
    indicator,
    rows.map((row) => row.figure),
    total,
    audience,
    rules,
    additive,
  );
  const cells = disclosed.cells;
  const shownTotal = disclosed.total;
  return {
    rows: rows.map((row, i) => ({
      key: row.key,
      label: row.label,
      ...(cells[i] as DisclosedFigure),
    })),
    total: shownTotal as DisclosedFigure,
  };
}

export type { RegistryCategories };

export interface SeriesPoint extends DisclosedFigure {
  date: string;
}

/** One figure on several dates; each point stands alone (a table of one). */
export async function seriesReport(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
  indicator: Indicator,
  points: readonly Point[],
  audience: Audience,
  rules: DisclosureRules,
): Promise<SeriesPoint[]> {
  const figures = await seriesOn(db, scope, indicator, points);
  return figures.map(({ point, figure }) => ({
    date: point.date,
    ...(discloseTable(indicator, [figure], audience, rules, false)[0] as DisclosedFigure),
  }));
}

export interface CrossTableReport extends CrossTableDisclosed {
  rows: Category[];
  columns: Category[];
}

export async function crossTableReport(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  rowsBy: DimensionId,
  columnsBy: DimensionId,
  registry: RegistryCategories,
  audience: Audience,
  rules: DisclosureRules,
): Promise<CrossTableReport> {
  const table = await crossTableOn(db, scope, indicator, rowsBy, columnsBy, registry);
  const additive = indicator.kind !== 'count' || indicator.countsCases;
  return {
    rows: table.rows,
    columns: table.columns,
    ...discloseCrossTable(indicator, table, audience, rules, additive),
  };
}
