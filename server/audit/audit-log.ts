// The audit log: logins, imports, account and token changes. Written by the server and the
// command line; read by admins. Rows are only ever appended.
import { userInfo } from 'node:os';
import { type Kysely, sql } from 'kysely';
import type { AuditAction } from '../../contract/labels.ts';
import type { Database } from '../db/types.ts';
import type { ImportSummary } from '../import/import-export.ts';

export interface AuditEntry {
  actor: string | null;
  actorRole?: string | null;
  action: AuditAction;
  target?: string | null;
  source?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      actor_role: entry.actorRole ?? null,
      action: entry.action,
      target: entry.target ?? null,
      source: entry.source ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute();
}

/** The command line acts as the operating-system account that runs it, on this machine. */
export const commandLineActor = () => ({
  actor: `cli:${userInfo().username}`,
  actorRole: 'admin',
  source: 'lokal',
});

export interface AuditQuery {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditAction | undefined;
  limit: number;
}

/** Newest first; `from` and `to` are calendar days in the server's time zone, inclusive. */
export async function auditEntries(db: Kysely<Database>, query: AuditQuery) {
  let select = db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'actor_role', 'action', 'target', 'source', 'detail'])
    .orderBy('id', 'desc')
    .limit(query.limit);
  if (query.from) select = select.where('at', '>=', sql<Date>`${query.from}::date`);
  if (query.to) select = select.where('at', '<', sql<Date>`${query.to}::date + 1`);
  if (query.action) select = select.where('action', '=', query.action);
  return select.execute();
}

/** Failed logins in the last `minutes`, from one address and for one account name. */
export async function recentLoginFailures(
  db: Kysely<Database>,
  { source, account, minutes }: { source: string; account: string | null; minutes: number },
) {
  const row = await db
    .selectFrom('audit_log')
    .select([
      sql<number>`count(*) FILTER (WHERE source = ${source})::int`.as('from_source'),
      sql<number>`count(*) FILTER (WHERE target = ${account ?? ''})::int`.as('for_account'),
      sql<Date | null>`min(at) FILTER (WHERE source = ${source} OR target = ${account ?? ''})`.as(
        'oldest',
      ),
    ])
    .where('action', '=', 'login_failed')
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirstOrThrow();
  return { fromSource: row.from_source, forAccount: row.for_account, oldest: row.oldest };
}

/**
 * What the audit log keeps of an import: outcome, counts and checksum. Never the errors or
 * warnings, which quote values from the file (a rejected file may hold personal data).
 */
export function importAuditDetail(summary: ImportSummary, fileName: string | null) {
  return {
    status: summary.status,
    import_id: summary.import_id,
    file_name: fileName,
    format: summary.format,
    bytes: summary.bytes,
    checksum: summary.checksum,
    rows: summary.rows,
    new: summary.new,
    changed: summary.changed,
    missing: summary.missing,
    error_count: summary.error_count,
    warning_count: summary.warning_count,
  };
}
