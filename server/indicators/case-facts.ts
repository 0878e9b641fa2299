// The cases of one district as they stood on a reporting date: one row per case with
// everything an indicator or a breakdown looks at. Every figure is an aggregate over it.
import { type RawBuilder, sql } from 'kysely';

export interface FactsScope {
  district: string;
  /** The reporting date (Stichtag), `YYYY-MM-DD`. */
  date: string;
  /** First day of the period for the `*_in_period` indicators. */
  periodFrom: string;
  provider?: string | undefined;
  municipality?: string | undefined;
}

/**
 * A `WITH` clause defining `facts`. Status on S is the latest record dated on or before S
 * across all snapshots; none known is `unknown`.
 */
export function caseFactsOn(scope: FactsScope): RawBuilder<unknown> {
  const { district, date, periodFrom } = scope;
  const providerFilter = scope.provider ? sql`AND c.provider = ${scope.provider}` : sql``;
  const municipalityFilter = scope.municipality
    ? sql`AND c.municipality = ${scope.municipality}`
    : sql``;
  // One index lookup per case and status kind along the primary key of case_status.
  const statusOn = (kind: string) => sql`(
    SELECT s.value FROM case_status s
    WHERE s.district_key = c.district_key AND s.provider = c.provider AND s.case_id = c.case_id
      AND s.kind = ${kind} AND s.since <= ${date}::date
    ORDER BY s.since DESC LIMIT 1)`;
  return sql`
    WITH facts AS (
      SELECT
        c.provider, c.case_id, c.municipality, c.manager_id, c.country, c.started_on,
        c.ended_on, c.lease_signed_on, c.plan_created_on,
        coalesce(c.sex, 'x') AS sex,
        ${date}::date AS reporting_date,
        ${periodFrom}::date AS period_from,
        c.started_on <= ${date}::date AND (c.ended_on IS NULL OR c.ended_on > ${date}::date) AS active,
        coalesce(c.ended_on <= ${date}::date, false) AS closed,
        date_part('year', age(${date}::date, c.birth_month))::int AS age,
        coalesce(${statusOn('language_level')}, 'unknown') AS language_level,
        coalesce(${statusOn('employment')}, 'unknown') AS employment,
        coalesce(${statusOn('housing')}, 'unknown') AS housing
      FROM cases c
      WHERE c.district_key = ${district} ${providerFilter} ${municipalityFilter}
    )`;
}
