// Computes indicators on a reporting date, whole or broken down by a dimension, in one
// aggregate query over the case facts.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { caseFactsOn, type FactsScope } from './case-facts.ts';
import type { Category, Dimension, RegistryCategories } from './dimensions.ts';
import { findIndicator, INDICATORS, type Indicator, type IndicatorId } from './registry.ts';

/** A figure before disclosure control: exact counts, shares as fractions. */
export interface RawFigure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** The SQL aggregates an indicator needs, by column alias. */
function aggregatesOf(indicator: Indicator): [string, RawBuilder<number>][] {
  switch (indicator.kind) {
    case 'count':
      return [[indicator.id, indicator.aggregate]];
    case 'share':
      return [
        [`${indicator.id}__numerator`, indicator.numerator],
        ...aggregatesOf(findIndicator(indicator.denominator) as Indicator),
      ];
    case 'ratio':
      return [
        ...aggregatesOf(findIndicator(indicator.numerator) as Indicator),
        ...aggregatesOf(findIndicator(indicator.denominator) as Indicator),
      ];
  }
}

function figureOf(indicator: Indicator, row: Record<string, number>): RawFigure {
  const count = (id: IndicatorId) => row[id] ?? 0;
  switch (indicator.kind) {
    case 'count':
      return { value: count(indicator.id), numerator: null, denominator: null };
    case 'share':
    case 'ratio': {
      const numerator =
        indicator.kind === 'share'
          ? (row[`${indicator.id}__numerator`] ?? 0)
          : count(indicator.numerator);
      const denominator = count(indicator.denominator);
      return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
    }
  }
}

function selectList(indicators: readonly Indicator[]): RawBuilder<unknown> {
  const columns = new Map(indicators.flatMap(aggregatesOf));
  return sql.join([...columns].map(([alias, aggregate]) => sql`${aggregate} AS ${sql.id(alias)}`));
}

export async function indicatorsOn(
  db: Kysely<Database>,
  scope: FactsScope,
  indicators: readonly Indicator[] = INDICATORS,
): Promise<{ indicator: Indicator; figure: RawFigure }[]> {
  const { rows } = await sql<Record<string, number>>`
    ${caseFactsOn(scope)}
    SELECT ${selectList(indicators)} FROM facts`.execute(db);
  const row = rows[0] ?? {};
  return indicators.map((indicator) => ({ indicator, figure: figureOf(indicator, row) }));
}

export interface BreakdownRow extends Category {
  figure: RawFigure;
}

export async function breakdownOn(
  db: Kysely<Database>,
  scope: FactsScope,
  indicator: Indicator,
  dimension: Dimension,
  registry: RegistryCategories,
): Promise<{ rows: BreakdownRow[]; total: RawFigure }> {
  const { rows } = await sql<Record<string, number> & { category: string | null }>`
    ${caseFactsOn(scope)}
    SELECT ${dimension.key} AS category, ${selectList([indicator])}
    FROM facts
    GROUP BY ROLLUP (1)`.execute(db);
  const totalRow = rows.find((row) => row.category === null) ?? {};
  const found = new Map(
    rows.filter((row) => row.category !== null).map((row) => [row.category as string, row]),
  );
  const listed = dimension.categories?.(registry) ?? [];
  const listedKeys = new Set(listed.map((category) => category.key));
  const extra = [...found.keys()]
    .filter((key) => !listedKeys.has(key))
    .sort()
    .map((key) => ({ key, label: key === 'unknown' ? 'unbekannt' : key }));
  return {
    rows: [...listed, ...extra].map((category) => ({
      ...category,
      figure: figureOf(indicator, found.get(category.key) ?? {}),
    })),
    total: figureOf(indicator, totalRow),
  };
}
