// A fingerprint of every stored table, to prove that a refused or interrupted import left
// the database exactly as it was. The import log is compared without the rows that a
// refusal adds on purpose.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';

const TABLES = ['districts', 'providers', 'municipalities', 'cases', 'case_status'] as const;

export async function tableChecksums(db: Kysely<Database>): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ sum: string | null; n: string }>`
      SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum, count(*)::text AS n
      FROM ${sql.table(table)} t`.execute(db);
    sums[table] = `${rows[0]?.n}:${rows[0]?.sum ?? ''}`;
  }
  const { rows } = await sql<{ sum: string | null; n: string }>`
    SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS sum, count(*)::text AS n
    FROM imports t WHERE status <> 'rejected'`.execute(db);
  sums.imports = `${rows[0]?.n}:${rows[0]?.sum ?? ''}`;
  return sums;
}
