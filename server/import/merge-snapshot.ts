// Merges one validated snapshot of a provider into the stored cases, set-based, inside
// the caller's transaction: stage the rows, count what is new, changed and missing, then
// upsert cases and append status history.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import type { CaseRecord } from './validate.ts';

const BATCH_ROWS = 1000;

export interface MergeCounts {
  new: number;
  changed: number;
  unchanged: number;
  /** Case ids stored for the provider that this snapshot no longer contains. */
  missing: string[];
}

interface Snapshot {
  district: string;
  provider: string;
  asOf: string;
  importId: string;
  records: CaseRecord[];
}

type Staging = { import_rows: CaseRecord };

async function stageRows(trx: Transaction<Database>, records: CaseRecord[]) {
  await sql`
    CREATE TEMP TABLE import_rows (
      case_id text PRIMARY KEY,
      municipality text NOT NULL,
      manager_id text NOT NULL,
      household_id text,
      sex text,
      birth_month date NOT NULL,
      country text,
      started_on date NOT NULL,
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
  const staging = trx.withTables<Staging>() as unknown as Kysely<Staging>;
  for (let start = 0; start < records.length; start += BATCH_ROWS) {
    await staging
      .insertInto('import_rows')
      .values(records.slice(start, start + BATCH_ROWS))
      .execute();
  }
}

/**
 * The status each row states, and the date it applies from. Housing has no date of its
 * own in the export: a private lease applies from the lease's date, anything else is
 * known only from the snapshot's date on.
 */
async function stageStatus(trx: Transaction<Database>, snapshot: Snapshot) {
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
  // A statement that repeats what is already on record changes nothing; for housing the
  // value alone counts, since its date is only the snapshot's.
  await sql`
    DELETE FROM import_status s
    USING (
      SELECT DISTINCT ON (case_id, kind) case_id, kind, since, value
      FROM case_status
      WHERE district_key = ${district} AND provider = ${provider} AND since <= ${asOf}::date
      ORDER BY case_id, kind, since DESC
    ) AS on_record
    WHERE on_record.case_id = s.case_id AND on_record.kind = s.kind
      AND on_record.value = s.value
      AND (s.kind = 'housing' OR on_record.since = s.since)`.execute(trx);
}

async function countChanges(trx: Transaction<Database>, snapshot: Snapshot): Promise<MergeCounts> {
  const { district, provider } = snapshot;
  const { rows } = await sql<{ new: number; changed: number; unchanged: number }>`
    SELECT
      count(*) FILTER (WHERE c.case_id IS NULL)::int AS new,
      count(*) FILTER (WHERE c.case_id IS NOT NULL AND changed)::int AS changed,
      count(*) FILTER (WHERE c.case_id IS NOT NULL AND NOT changed)::int AS unchanged
    FROM import_rows r
    LEFT JOIN cases c
      ON c.district_key = ${district} AND c.provider = ${provider} AND c.case_id = r.case_id
    CROSS JOIN LATERAL (SELECT
      (c.municipality, c.manager_id, c.household_id, c.sex, c.birth_month, c.country,
       c.started_on, c.ended_on, c.end_reason, c.plan_created_on, c.lease_signed_on)
      IS DISTINCT FROM
      (r.municipality, r.manager_id, r.household_id, r.sex, r.birth_month, r.country,
       r.started_on, r.ended_on, r.end_reason, r.plan_created_on, r.lease_signed_on)
      OR EXISTS (SELECT 1 FROM import_status s WHERE s.case_id = r.case_id) AS changed
    ) AS diff`.execute(trx);
  const missing = await sql<{ case_id: string }>`
    SELECT case_id FROM cases c
    WHERE c.district_key = ${district} AND c.provider = ${provider}
      AND NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.case_id = c.case_id)
    ORDER BY case_id`.execute(trx);
  const counts = rows[0] ?? { new: 0, changed: 0, unchanged: 0 };
  return { ...counts, missing: missing.rows.map((row) => row.case_id) };
}

async function upsertCases(trx: Transaction<Database>, snapshot: Snapshot) {
  const { district, provider, importId } = snapshot;
  await sql`
    INSERT INTO cases (district_key, provider, case_id, municipality, manager_id, household_id,
      sex, birth_month, country, started_on, ended_on, end_reason, plan_created_on,
      lease_signed_on, first_import_id, last_import_id)
    SELECT ${district}, ${provider}, case_id, municipality, manager_id, household_id,
      sex, birth_month, country, started_on, ended_on, end_reason, plan_created_on,
      lease_signed_on, ${importId}, ${importId}
    FROM import_rows
    ON CONFLICT (district_key, provider, case_id) DO UPDATE SET
      municipality = excluded.municipality,
      manager_id = excluded.manager_id,
      household_id = excluded.household_id,
      sex = excluded.sex,
      birth_month = excluded.birth_month,
      country = excluded.country,
      started_on = excluded.started_on,
      ended_on = excluded.ended_on,
      end_reason = excluded.end_reason,
      plan_created_on = excluded.plan_created_on,
      lease_signed_on = excluded.lease_signed_on,
      last_import_id = excluded.last_import_id`.execute(trx);
}

async function appendStatus(trx: Transaction<Database>, snapshot: Snapshot) {
  const { district, provider, asOf, importId } = snapshot;
  // A snapshot saying "B1 since 01.10.2020" as of 01.03.2021 also says nothing else held
  // in between: records from that span are corrections' casualties and go.
  await sql`
    DELETE FROM case_status h
    USING import_status s
    WHERE h.district_key = ${district} AND h.provider = ${provider}
      AND h.case_id = s.case_id AND h.kind = s.kind
      AND h.since > s.since AND h.since <= ${asOf}::date`.execute(trx);
  await sql`
    INSERT INTO case_status (district_key, provider, case_id, kind, since, value, import_id)
    SELECT ${district}, ${provider}, case_id, kind, since, value, ${importId}
    FROM import_status
    ON CONFLICT (district_key, provider, case_id, kind, since) DO UPDATE SET
      value = excluded.value,
      import_id = excluded.import_id`.execute(trx);
}

export async function mergeSnapshot(
  trx: Transaction<Database>,
  snapshot: Snapshot,
): Promise<MergeCounts> {
  await stageRows(trx, snapshot.records);
  await stageStatus(trx, snapshot);
  const counts = await countChanges(trx, snapshot);
  await upsertCases(trx, snapshot);
  await appendStatus(trx, snapshot);
  return counts;
}
