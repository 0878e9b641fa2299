// Merges one validated snapshot of a provider into the stored cases, set-based, inside
// the caller's transaction: stage the rows, count what is new, changed and missing, then
// upsert cases and append status history.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import type { ImportIssue } from './issues.ts';
import type { CaseRecord } from './validate.ts';

/** Case ids listed by name when a newer snapshot no longer contains them; all are counted. */
const LISTED_MISSING = 200;

export interface MergeCounts {
  new: number;
  changed: number;
  unchanged: number;
  missing: number;
  /** The first missing case ids, in order. */
  missingListed: string[];
}

interface Snapshot {
  district: string;
  provider: string;
  asOf: string;
  importId: string;
}

type Trx = Kysely<Database>;

/** Reports how long a step of the import took, for benchmarks and diagnosis. */
export type OnStep = (step: string, milliseconds: number) => void;

export async function timed<T>(step: string, onStep: OnStep, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  onStep(step, performance.now() - started);
  return result;
}

/** The staging table's columns, in the order the COPY lines hold them. */
export const STAGING_COLUMNS = [
  'row_number',
  'case_id',
  'municipality',
  'manager_id',
  'household_id',
  'sex',
  'birth_month',
  'country',
  'started_on',
  'ended_on',
  'end_reason',
  'plan_created_on',
  'language_level',
  'language_level_since',
  'employment',
  'employment_since',
  'housing',
  'lease_signed_on',
] as const;

/** Lives until the transaction ends: a crash or rollback leaves nothing behind. */
export async function createStaging(trx: Trx) {
  await sql`
    CREATE TEMP TABLE import_rows (
      row_number integer NOT NULL,
      case_id text NOT NULL,
      -- Nullable: a row with errors is staged with its case id alone, so that a repeated
      -- id is found even among rows with other errors. Such a file is never merged.
      municipality text,
      manager_id text,
      household_id text,
      sex text,
      birth_month date,
      country text,
      started_on date,
      ended_on date,
      end_reason text,
      plan_created_on date,
      language_level text,
      language_level_since date,
      employment text,
      employment_since date,
      housing text,
      lease_signed_on date
    ) ON COMMIT DROP`.execute(trx);
}

const field = (value: string | null) => (value === null ? '\\N' : value);

/**
 * One line of COPY text format. Validation has already restricted every value to
 * pseudonym characters, codes, digits and ISO dates, so no value holds a tab, a line
 * break or a backslash that would need escaping.
 */
export function copyLine(row: number, r: CaseRecord): string {
  return `${row}\t${r.case_id}\t${r.municipality}\t${r.manager_id}\t${field(r.household_id)}\t${field(r.sex)}\t${r.birth_month}\t${field(r.country)}\t${r.started_on}\t${field(r.ended_on)}\t${field(r.end_reason)}\t${field(r.plan_created_on)}\t${field(r.language_level)}\t${field(r.language_level_since)}\t${field(r.employment)}\t${field(r.employment_since)}\t${field(r.housing)}\t${field(r.lease_signed_on)}\n`;
}

/** A row with errors: only its case id is staged, to find repeated ids. */
export function idOnlyLine(row: number, caseId: string): string {
  return `${row}\t${caseId}${'\t\\N'.repeat(STAGING_COLUMNS.length - 2)}\n`;
}

/** A case id that appears more than once in the file: every repetition is an error. */
export async function findDuplicates(
  trx: Trx,
  column: string,
  limit: number,
): Promise<{ count: number; listed: ImportIssue[] }> {
  // Fresh statistics: temporary tables are never analysed automatically.
  await sql`ANALYZE import_rows`.execute(trx);
  const { rows } = await sql<{
    case_id: string;
    row_number: number;
    first_row: number;
    total: string;
  }>`
    WITH repeated AS (
      SELECT case_id, row_number, min(row_number) OVER (PARTITION BY case_id) AS first_row
      FROM import_rows
      WHERE case_id IN (SELECT case_id FROM import_rows GROUP BY case_id HAVING count(*) > 1)
    )
    SELECT case_id, row_number, first_row, count(*) OVER () AS total
    FROM repeated WHERE row_number > first_row
    ORDER BY row_number
    LIMIT ${limit}`.execute(trx);
  return {
    count: rows.length === 0 ? 0 : Number(rows[0]?.total),
    listed: rows.map((row) => ({
      row: row.row_number,
      column,
      value: row.case_id,
      message: `Fall-ID kommt doppelt vor (zuerst in Zeile ${row.first_row}).`,
    })),
  };
}

/**
 * The status each row states, and the date it applies from. Housing has no date of its
 * own in the export: a private lease applies from the lease's date, anything else is
 * known only from the snapshot's date on.
 */
async function stageStatus(trx: Trx, snapshot: Snapshot) {
  const { district, provider, asOf } = snapshot;
  await sql`
    CREATE TEMP TABLE import_status ON COMMIT DROP AS
    SELECT case_id, 'language_level'::text AS kind, language_level_since AS since, language_level AS value
      FROM import_rows WHERE language_level IS NOT NULL
    UNION ALL
    SELECT case_id, 'employment', employment_since, employment
      FROM import_rows WHERE employment IS NOT NULL
    UNION ALL
    SELECT case_id, 'housing',
           CASE WHEN housing = 'private_lease' AND lease_signed_on IS NOT NULL
                THEN lease_signed_on ELSE ${asOf}::date END,
           housing
      FROM import_rows WHERE housing IS NOT NULL`.execute(trx);
  await sql`ANALYZE import_status`.execute(trx);
  // A statement that repeats what is already on record changes nothing; for housing the
  // value alone counts, since its date is only the snapshot's.
  // The record in force on the snapshot's date per case and kind. Ordered the way the
  // primary key index runs backwards, so the records need no sort.
  await sql`
    DELETE FROM import_status s
    USING (
      SELECT DISTINCT ON (case_id, kind) case_id, kind, since, value
      FROM case_status
      WHERE district_key = ${district} AND provider = ${provider} AND since <= ${asOf}::date
      ORDER BY case_id DESC, kind DESC, since DESC
    ) AS on_record
    WHERE on_record.case_id = s.case_id AND on_record.kind = s.kind
      AND on_record.value = s.value
      AND (s.kind = 'housing' OR on_record.since = s.since)`.execute(trx);
}

async function countChanges(trx: Trx, snapshot: Snapshot): Promise<MergeCounts> {
  const { district, provider } = snapshot;
  // Set-based: one pass over the staged rows, hash joins to the stored cases and to the
  // cases whose status changed (never a lookup per row into an unindexed table).
  const { rows } = await sql<{ new: number; changed: number; unchanged: number }>`
    WITH status_changed AS (SELECT DISTINCT case_id FROM import_status)
    SELECT
      count(*) FILTER (WHERE c.case_id IS NULL)::int AS new,
      count(*) FILTER (WHERE c.case_id IS NOT NULL AND changed)::int AS changed,
      count(*) FILTER (WHERE c.case_id IS NOT NULL AND NOT changed)::int AS unchanged
    FROM import_rows r
    LEFT JOIN cases c
      ON c.district_key = ${district} AND c.provider = ${provider} AND c.case_id = r.case_id
    LEFT JOIN status_changed s ON s.case_id = r.case_id
    CROSS JOIN LATERAL (SELECT
      (c.municipality, c.manager_id, c.household_id, c.sex, c.birth_month, c.country,
       c.started_on, c.ended_on, c.end_reason, c.plan_created_on, c.lease_signed_on)
      IS DISTINCT FROM
      (r.municipality, r.manager_id, r.household_id, r.sex, r.birth_month, r.country,
       r.started_on, r.ended_on, r.end_reason, r.plan_created_on, r.lease_signed_on)
      OR s.case_id IS NOT NULL AS changed
    ) AS diff`.execute(trx);
  // A set difference, not NOT EXISTS: with statistics gathered before the provider's first
  // import, the planner expects one stored case and anti-joins each of them against every
  // staged row (a third of a second per import at 1,000,000 cases).
  const missing = await sql<{ case_id: string; total: string }>`
    WITH gone AS (
      SELECT case_id FROM cases WHERE district_key = ${district} AND provider = ${provider}
      EXCEPT
      SELECT case_id FROM import_rows
    )
    SELECT case_id, count(*) OVER () AS total FROM gone
    ORDER BY case_id
    LIMIT ${LISTED_MISSING}`.execute(trx);
  const counts = rows[0] ?? { new: 0, changed: 0, unchanged: 0 };
  return {
    ...counts,
    missing: Number(missing.rows[0]?.total ?? 0),
    missingListed: missing.rows.map((row) => row.case_id),
  };
}

/** A case's attributes in the export (a change to any of them changes the case). */
export const CASE_ATTRIBUTES = `municipality, manager_id, household_id, sex, birth_month, country,
  started_on, ended_on, end_reason, plan_created_on, lease_signed_on`;

/**
 * Changed cases are updated and new ones inserted, each in one statement; a case the
 * snapshot repeats unchanged is not written at all. A new case gets a random record key
 * (the column's default); its manager's and municipality's keys follow from their ids
 * (sql/009_cell_keys.sql).
 */
async function upsertCases(trx: Trx, snapshot: Snapshot) {
  const { district, provider, importId } = snapshot;
  // Each manager's and municipality's key once (a few thousand, not one call per row).
  await sql`
    CREATE TEMP TABLE import_keys ON COMMIT DROP AS
    SELECT 'manager' AS kind, manager_id AS value, cell_key(${district} || '/' || manager_id) AS key
    FROM (SELECT DISTINCT manager_id FROM import_rows) m
    UNION ALL
    SELECT 'municipality', municipality, cell_key(${district} || '/' || municipality)
    FROM (SELECT DISTINCT municipality FROM import_rows) m`.execute(trx);
  await sql`ANALYZE import_keys`.execute(trx);
  const keyed = sql`import_rows r
    JOIN import_keys mk ON mk.kind = 'manager' AND mk.value = r.manager_id
    JOIN import_keys uk ON uk.kind = 'municipality' AND uk.value = r.municipality`;
  await sql`
    UPDATE cases c SET
      municipality = r.municipality,
      manager_id = r.manager_id,
      household_id = r.household_id,
      sex = r.sex,
      birth_month = r.birth_month,
      country = r.country,
      started_on = r.started_on,
      ended_on = r.ended_on,
      end_reason = r.end_reason,
      plan_created_on = r.plan_created_on,
      lease_signed_on = r.lease_signed_on,
      manager_key = r.manager_key,
      municipality_key = r.municipality_key,
      changed_import_id = ${importId}
    FROM (SELECT r.*, mk.key AS manager_key, uk.key AS municipality_key FROM ${keyed}) r
    WHERE c.district_key = ${district} AND c.provider = ${provider} AND c.case_id = r.case_id
      AND (${sql.raw(CASE_ATTRIBUTES.replace(/(\w+)/g, 'c.$1'))})
          IS DISTINCT FROM (${sql.raw(CASE_ATTRIBUTES.replace(/(\w+)/g, 'r.$1'))})`.execute(trx);
  await sql`
    INSERT INTO cases (district_key, provider, case_id, ${sql.raw(CASE_ATTRIBUTES)},
      manager_key, municipality_key, first_import_id, changed_import_id)
    SELECT ${district}, ${provider}, r.case_id, ${sql.raw(CASE_ATTRIBUTES.replace(/(\w+)/g, 'r.$1'))},
      mk.key, uk.key, ${importId}, ${importId}
    FROM ${keyed}
    WHERE NOT EXISTS (
      SELECT 1 FROM cases c
      WHERE c.district_key = ${district} AND c.provider = ${provider} AND c.case_id = r.case_id
    )
    -- In key order: the primary key index then grows at its end instead of at random
    -- pages, which matters once it no longer fits in memory.
    ORDER BY r.case_id`.execute(trx);
}

async function appendStatus(trx: Trx, snapshot: Snapshot) {
  const { district, provider, asOf, importId } = snapshot;
  // A snapshot saying "B1 since 01.10.2020" as of 01.03.2021 also says nothing else held
  // in between: records from that span are corrections' casualties and go.
  await sql`
    DELETE FROM case_status h
    USING import_status s
    WHERE h.district_key = ${district} AND h.provider = ${provider}
      AND h.case_id = s.case_id AND h.kind = s.kind
      AND h.since > s.since AND h.since <= ${asOf}::date`.execute(trx);
  // A status stated again for the same date with another value corrects the record;
  // all others are new. Two set-based statements, no per-row conflict handling.
  await sql`
    UPDATE case_status h SET value = s.value, import_id = ${importId}
    FROM import_status s
    WHERE h.district_key = ${district} AND h.provider = ${provider}
      AND h.case_id = s.case_id AND h.kind = s.kind AND h.since = s.since
      AND h.value <> s.value`.execute(trx);
  await sql`
    INSERT INTO case_status (district_key, provider, case_id, kind, since, value, import_id)
    SELECT ${district}, ${provider}, case_id, kind, since, value, ${importId}
    FROM import_status s
    WHERE NOT EXISTS (
      SELECT 1 FROM case_status h
      WHERE h.district_key = ${district} AND h.provider = ${provider}
        AND h.case_id = s.case_id AND h.kind = s.kind AND h.since = s.since
    )
    ORDER BY case_id, kind, since`.execute(trx);
}

/** Merges the staged rows (checked, no case id twice) into cases and their status history. */
export async function mergeSnapshot(
  trx: Trx,
  snapshot: Snapshot,
  onStep: OnStep = () => {},
  /** Runs once the changes are known (`import_rows`, `import_status`), before any is written. */
  beforeWrite?: () => Promise<void>,
): Promise<MergeCounts> {
  await timed('status staged', onStep, () => stageStatus(trx, snapshot));
  const counts = await timed('changes counted', onStep, () => countChanges(trx, snapshot));
  await beforeWrite?.();
  await timed('cases written', onStep, () => upsertCases(trx, snapshot));
  await timed('status written', onStep, () => appendStatus(trx, snapshot));
  return counts;
}
