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
  return sql`
    WITH status_on AS (
      SELECT DISTINCT ON (provider, case_id, kind) provider, case_id, kind, value
      FROM case_status
      WHERE district_key = ${district} AND since <= ${date}::date
      ORDER BY provider, case_id, kind, since DESC
    ),
    facts AS (
      SELECT
        c.provider, c.case_id, c.municipality, c.manager_id, c.country, c.started_on,
        c.ended_on, c.lease_signed_on, c.plan_created_on,
        coalesce(c.sex, 'x') AS sex,
        ${date}::date AS reporting_date,
        ${periodFrom}::date AS period_from,
        c.started_on <= ${date}::date AND (c.ended_on IS NULL OR c.ended_on > ${date}::date) AS active,
        coalesce(c.ended_on <= ${date}::date, false) AS closed,
        date_part('year', age(${date}::date, c.birth_month))::int AS age,
        coalesce(language.value, 'unknown') AS language_level,
        coalesce(employment.value, 'unknown') AS employment,
        coalesce(housing.value, 'unknown') AS housing
      FROM cases c
      LEFT JOIN status_on language
        ON language.provider = c.provider AND language.case_id = c.case_id AND language.kind = 'language_level'
      LEFT JOIN status_on employment
        ON employment.provider = c.provider AND employment.case_id = c.case_id AND employment.kind = 'employment'
      LEFT JOIN status_on housing
        ON housing.provider = c.provider AND housing.case_id = c.case_id AND housing.kind = 'housing'
      WHERE c.district_key = ${district} ${providerFilter} ${municipalityFilter}
    )`;
}
