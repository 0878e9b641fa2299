// The cases as they stood on a reporting date: one row per case with everything an
// indicator or a breakdown looks at. Every figure is an aggregate over these rows, whether
// computed directly for one date or ahead of time for every month (figures-monthly.ts).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/types.ts';

export interface FactsScope {
  /** A district key, or undefined for the whole state (every district). */
  district: string | undefined;
  /** The reporting date (Stichtag), `YYYY-MM-DD`. */
  date: string;
  /** First day of the period for the `*_in_period` indicators. */
  periodFrom: string;
  provider?: string | undefined;
  municipality?: string | undefined;
}

/**
 * The columns of a fact row for case `c` on the date `on` (an SQL date expression). Status
 * on a date is the latest record dated on or before it across all snapshots; none known is
 * `unknown`. Without `status`, the three status columns are left out (cheaper). With
 * `status: 'stretch'`, they are read from `s`, the case's stored stretch that runs on the date
 * (case_stretches, sql/014), instead of three lookups in the status history.
 */
export function factColumns(
  on: RawBuilder<unknown>,
  { status = true }: { status?: boolean | 'stretch' } = {},
): RawBuilder<unknown> {
  // One index lookup per case and status kind along the primary key of case_status.
  const statusOn = (kind: string) => sql`coalesce((
    SELECT s.value FROM case_status s
    WHERE s.district_key = c.district_key AND s.provider = c.provider AND s.case_id = c.case_id
      AND s.kind = ${kind} AND s.since <= ${on}
    ORDER BY s.since DESC LIMIT 1), 'unknown')`;
  return sql`
    c.district_key, c.provider, c.case_id, c.municipality, c.manager_id, c.country,
    c.started_on, c.ended_on, c.lease_signed_on, c.plan_created_on,
    c.record_key, c.manager_key, c.municipality_key,
    coalesce(c.sex, 'x') AS sex,
    ${on} AS reporting_date,
    c.started_on <= ${on} AND (c.ended_on IS NULL OR c.ended_on > ${on}) AS active,
    coalesce(c.ended_on <= ${on}, false) AS closed,
    date_part('year', age(${on}, c.birth_month))::int AS age
    ${
      status === 'stretch'
        ? sql`,
    s.d_language_level AS language_level, s.d_employment AS employment, s.d_housing AS housing`
        : status
          ? sql`,
    ${statusOn('language_level')} AS language_level,
    ${statusOn('employment')} AS employment,
    ${statusOn('housing')} AS housing`
          : sql``
    }`;
}

/** The filters of a scope on `cases c`. */
export function caseFilter(scope: Omit<FactsScope, 'date' | 'periodFrom'>): RawBuilder<unknown> {
  return sql.join(
    [
      scope.district === undefined ? sql`true` : sql`c.district_key = ${scope.district}`,
      scope.provider ? sql`c.provider = ${scope.provider}` : sql`true`,
      scope.municipality ? sql`c.municipality = ${scope.municipality}` : sql`true`,
    ],
    sql` AND `,
  );
}

/**
 * The date up to which the figures are complete: the oldest of the newest stored exports of
 * the providers with cases in scope. Later figures would count as open what a provider has
 * not reported yet. Null without any export.
 */
export async function dataAsOf(
  db: Kysely<Database>,
  scope: Omit<FactsScope, 'date' | 'periodFrom'>,
): Promise<string | null> {
  const { rows } = await sql<{ as_of: string | null }>`
    SELECT min(latest.as_of)::text AS as_of
    FROM (SELECT DISTINCT c.district_key, c.provider FROM cases c WHERE ${caseFilter(scope)}) p
    CROSS JOIN LATERAL (
      SELECT max(i.as_of) AS as_of FROM imports i
      WHERE i.district_key = p.district_key AND i.provider = p.provider
        AND i.status IN ('imported', 'unchanged')
    ) latest`.execute(db);
  return rows[0]?.as_of ?? null;
}
