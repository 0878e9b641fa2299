// The headline figures of the interim report, exact where that is safe (docs/disclosure.md):
// for a district as a whole, on the first day of every month up to the date its exports
// reach (the release dates), the counts behind the report's tiles are audited together as
// one linked set. A reader who knows them all, across all release dates (the minors are the
// caseload minus the adults; the cases closed in a month are the difference of two dates),
// must not be able to isolate a count from 1 to k-1 more narrowly than the protection
// width; what would allow it is withheld. Computed once per state of the data.
//
// The reader knows the definitions (which counts lie within which, which counts only grow)
// and which combinations of them occur on each date, but not how each person moved from
// one date to the next: the unknowns are, per date, the cases with the same combination of
// counts, and, for the counts that only grow, the cases with the same path through them.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { dataAsOf, factColumns } from '../indicators/case-facts.ts';
import { countedBitOf, monthlyCovers, stretchFlags } from '../indicators/figures-monthly.ts';
import { findIndicator, type Indicator, type IndicatorId } from '../indicators/registry.ts';
import { auditExactFigures, type Cell } from './audit.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  quotientFigure,
} from './disclose.ts';

/** A count behind a headline figure: an indicator's own count or a share's numerator. */
interface Count {
  alias: string;
  condition: ReturnType<typeof sql<boolean>>;
  monotone: boolean;
}

function countsBehind(indicators: readonly Indicator[]): Count[] {
  const counts = new Map<string, Count>();
  const add = (indicator: Indicator) => {
    if (indicator.kind === 'count') {
      if (!indicator.condition || indicator.period)
        throw new Error(`${indicator.id} is no count of cases on a date and cannot be audited.`);
      counts.set(indicator.id, {
        alias: indicator.id,
        condition: indicator.condition,
        monotone: indicator.monotone === true,
      });
    } else if (indicator.kind === 'share') {
      counts.set(`${indicator.id}__numerator`, {
        alias: `${indicator.id}__numerator`,
        condition: indicator.numerator.condition,
        monotone: indicator.numerator.monotone,
      });
      add(findIndicator(indicator.denominator) as Indicator);
    } else {
      throw new Error(`${indicator.id} is a ratio; ratios are not headline figures.`);
    }
  };
  for (const indicator of indicators) add(indicator);
  return [...counts.values()];
}

export interface AuditedHeadline {
  /** The release dates: the first of every month from the first case to the data's reach. */
  dates: ReadonlySet<string>;
  /** An audited headline figure on a release date; undefined for another date or indicator. */
  figure(indicator: Indicator, date: string): DisclosedFigure | undefined;
  /** Linear programs the audit solved. */
  solved: number;
  /**
   * Where each case's counts on the release dates came from: its stored stretches (the
   * monthly figures current for every date) or its rows, evaluated on every date.
   */
  source: 'stretches' | 'cases';
  /** The counts behind the headline figures (an indicator's count, a share's numerator). */
  counts: readonly { alias: string; condition: Count['condition'] }[];
  /**
   * A count as published on a release date: its exact value, or null where the audit
   * withholds it (then it is at least 1: zeros are shown); undefined on other dates.
   */
  count(alias: string, date: string): number | null | undefined;
}

/** The first of every month from `first` to `last` (both YYYY-MM-DD). */
function monthFirsts(first: string, last: string): string[] {
  const dates: string[] = [];
  const at = new Date(`${first.slice(0, 7)}-01T00:00:00Z`);
  while (at.toISOString().slice(0, 10) <= last) {
    dates.push(at.toISOString().slice(0, 10));
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return dates;
}

/** How many audits this process has begun (the warm-up's test counts them). */
let auditsBegun = 0;
export const headlineAuditsBegun = () => auditsBegun;

export async function audit(
  db: Kysely<Database>,
  district: string,
  indicators: readonly Indicator[],
  rules: DisclosureRules,
  { source }: { source?: 'cases' } = {},
): Promise<AuditedHeadline> {
  auditsBegun += 1;
  const asOf = await dataAsOf(db, { district });
  const { rows: starts } = await sql<{ first: string | null }>`
    SELECT min(started_on)::text AS first FROM cases WHERE district_key = ${district}`.execute(db);
  const first = starts[0]?.first;
  const empty: AuditedHeadline = {
    dates: new Set(),
    figure: () => undefined,
    solved: 0,
    source: 'cases',
    counts: [],
    count: () => undefined,
  };
  if (!asOf || !first) return empty;
  const dates = monthFirsts(first, asOf).filter((date) => date <= asOf);
  if (dates.length === 0) return empty;
  const counts = countsBehind(indicators);

  const values = sql.join(dates.map((date, i) => sql`(${date}::date, ${i})`));
  // A case counts the same on every day of one of its stored stretches, which carry a bit
  // per monthly count (the same conditions): where the monthly figures are current for every
  // release date, each case's flags on a date are its stretch's bits, without evaluating its
  // facts and status history on every date (a third of the time on the 1,000,000-case state).
  const stretchBits = counts.map((count) => countedBitOf(count.alias));
  const fromStretches =
    source === undefined &&
    stretchBits.every((bit) => bit !== undefined) &&
    (await monthlyCovers(db, { district }, dates));
  const flagged = fromStretches
    ? sql`SELECT s.provider, s.case_id, d.i, ${stretchFlags(stretchBits as number[])} AS flags
      FROM case_stretches s
      JOIN dates d ON d.on_date >= s.from_date AND (s.to_date IS NULL OR d.on_date < s.to_date)
      WHERE s.district_key = ${district} AND s.counted <> 0`
    : sql`SELECT provider, case_id, i, ${sql.join(
        counts.map((count, j) => sql`(CASE WHEN ${count.condition} THEN ${2 ** j} ELSE 0 END)`),
        sql` + `,
      )} AS flags FROM (
        SELECT ${factColumns(sql`d.on_date`)}, d.i
        FROM cases c JOIN dates d ON c.started_on <= d.on_date
        WHERE c.district_key = ${district}
      ) facts`;
  const growingMask = counts.reduce(
    (mask, count, j) => (count.monotone ? mask | (2 ** j) : mask),
    0,
  );
  const growing = sql`${growingMask}::int`;
  const staying = sql`${(2 ** counts.length - 1) & ~growingMask}::int`;
  const { rows } = await sql<{ kind: 'date' | 'path'; key: string; size: number }>`
    WITH dates (on_date, i) AS (VALUES ${values}),
    flagged AS (${flagged}),
    on_dates AS (
      SELECT i || ':' || (flags & ${staying}) AS key FROM flagged WHERE (flags & ${staying}) <> 0
    ),
    paths AS (
      SELECT string_agg(i || ':' || (flags & ${growing}), ',' ORDER BY i) AS key
      FROM flagged WHERE (flags & ${growing}) <> 0 GROUP BY provider, case_id
    )
    SELECT 'date' AS kind, key, count(*)::int AS size FROM on_dates GROUP BY key
    UNION ALL
    SELECT 'path', key, count(*)::int FROM paths GROUP BY key`.execute(db);

  // One figure per count and date: the unknowns that hold that count on that date.
  const cells: number[][] = dates.flatMap(() => counts.map(() => []));
  const cellOf = (date: number, count: number) => date * counts.length + count;
  const sizes = rows.map((row) => row.size);
  rows.forEach((row, unknown) => {
    for (const step of row.key.split(',')) {
      const [i, flags] = step.split(':').map(Number) as [number, number];
      counts.forEach((_, j) => {
        if (flags & (2 ** j)) cells[cellOf(i, j)]?.push(unknown);
      });
    }
  });
  const result = await auditExactFigures(cells as Cell[], sizes, {
    k: rules.k,
    width: rules.protectionWidth,
  });
  const truth = cells.map((cell) => cell.reduce((sum, u) => sum + (sizes[u] as number), 0));
  const dateIndex = new Map(dates.map((date, i) => [date, i]));
  const countIndex = new Map(counts.map((count, j) => [count.alias, j]));
  const published = (date: number, alias: string): number | null => {
    const cell = cellOf(date, countIndex.get(alias) as number);
    return result.withheld[cell] ? null : (truth[cell] as number);
  };
  return {
    dates: new Set(dates),
    solved: result.solved,
    source: fromStretches ? 'stretches' : 'cases',
    counts: counts.map(({ alias, condition }) => ({ alias, condition })),
    count(alias, date) {
      const i = dateIndex.get(date);
      return i === undefined || !countIndex.has(alias) ? undefined : published(i, alias);
    },
    figure(indicator, date) {
      const i = dateIndex.get(date);
      if (i === undefined) return undefined;
      if (indicator.kind === 'count') {
        if (!countIndex.has(indicator.id)) return undefined;
        const value = published(i, indicator.id);
        return {
          value,
          numerator: null,
          denominator: null,
          suppressed: value === null,
          protection: 'audited',
        };
      }
      if (indicator.kind !== 'share' || !countIndex.has(`${indicator.id}__numerator`))
        return undefined;
      const numerator = published(i, `${indicator.id}__numerator`);
      const denominator = published(i, indicator.denominator);
      if (numerator === null || denominator === null)
        return {
          value: null,
          numerator: null,
          denominator,
          suppressed: true,
          protection: 'audited',
        };
      return quotientFigure('share', numerator, denominator, rules, 'audited');
    },
  };
}

/** A state of the data: changes with every stored import. */
async function dataVersion(db: Kysely<Database>, district: string): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    SELECT coalesce(max(id), 0)::text || '/' || count(*)::text AS version
    FROM imports WHERE district_key = ${district} AND status = 'imported'`.execute(db);
  return rows[0]?.version ?? '0/0';
}

/** Per database and district: the audit of the latest state of the data asked for. */
const audits = new WeakMap<
  Kysely<Database>,
  Map<string, { key: string; audit: Promise<AuditedHeadline> }>
>();

/**
 * The audited headline figures of a district for the current data, computed once per state
 * of the data (and set of indicators and rules) and shared by every request.
 */
export async function auditedHeadline(
  db: Kysely<Database>,
  district: string,
  ids: readonly IndicatorId[],
  rules: DisclosureRules,
): Promise<AuditedHeadline> {
  const version = await dataVersion(db, district);
  const key = JSON.stringify([version, ids, rules]);
  let byDistrict = audits.get(db);
  if (!byDistrict) {
    byDistrict = new Map();
    audits.set(db, byDistrict);
  }
  const known = byDistrict.get(district);
  if (known?.key === key) return known.audit;
  const pending = audit(
    db,
    district,
    ids.map((id) => findIndicator(id) as Indicator),
    rules,
  );
  byDistrict.set(district, { key, audit: pending });
  pending.catch(() => {
    if (byDistrict?.get(district)?.audit === pending) byDistrict.delete(district);
  });
  return pending;
}

/**
 * The audited headline figures that apply to a request: for a district as a whole (no
 * provider or municipality) and an audience that does not see every figure as computed.
 */
export async function headlineFor(
  db: Kysely<Database>,
  scope: {
    district: string | undefined;
    provider?: string | undefined;
    municipality?: string | undefined;
  },
  audience: Audience,
  rules: DisclosureRules,
  ids: readonly IndicatorId[],
): Promise<AuditedHeadline | undefined> {
  if (audience === 'internal' || scope.district === undefined) return undefined;
  if (scope.provider || scope.municipality) return undefined;
  return auditedHeadline(db, scope.district, ids, rules);
}
