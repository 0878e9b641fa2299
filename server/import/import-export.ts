// One import of a provider's export, as the command line and the HTTP API run it:
// read, validate, merge in one transaction, log. All or nothing.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { type ImportIssue, ImportRefused } from './issues.ts';
import { mergeSnapshot } from './merge-snapshot.ts';
import { readCsv } from './read-csv.ts';
import { formatDateDe, type Registry, validateTable } from './validate.ts';

/** At most this many errors and warnings are listed; the counts say how many there were. */
export const LISTED_ISSUES = 200;

export interface ImportRequest {
  district: string;
  provider: string;
  asOf: string;
  fileName: string | null;
  bytes: Uint8Array;
  dryRun?: boolean;
  /** Accept a snapshot older than the newest one already imported for the provider. */
  force?: boolean;
}

export interface ImportSummary {
  status: 'imported' | 'unchanged' | 'dry_run' | 'rejected';
  import_id: string | null;
  provider: string;
  as_of: string;
  rows: number;
  new: number;
  changed: number;
  unchanged: number;
  missing: number;
  warnings: ImportIssue[];
  warning_count: number;
  errors: ImportIssue[];
  error_count: number;
  checksum: string;
}

/** A request that cannot be carried out as asked (unknown provider, date in the future). */
export class ImportRequestError extends Error {}

class DryRunRollback extends Error {}

export async function loadRegistry(db: Kysely<Database>, district: string): Promise<Registry> {
  const [providers, municipalities] = await Promise.all([
    db
      .selectFrom('providers')
      .select(['code', 'labels'])
      .where('district_key', '=', district)
      .execute(),
    db
      .selectFrom('municipalities')
      .select(['ags', 'name'])
      .where('district_key', '=', district)
      .execute(),
  ]);
  return {
    providers: new Map(providers.map((p) => [p.code, [p.code, ...p.labels]])),
    municipalities: new Map(municipalities.map((m) => [m.ags, m.name])),
  };
}

export async function importExport(
  db: Kysely<Database>,
  request: ImportRequest,
): Promise<ImportSummary> {
  const { district, provider, asOf } = request;
  const registry = await loadRegistry(db, district);
  if (!registry.providers.has(provider)) {
    throw new ImportRequestError(
      `Unbekannter Träger „${provider}“. Bekannt sind: ${[...registry.providers.keys()].join(', ')}.`,
    );
  }
  if (asOf > new Date().toISOString().slice(0, 10)) {
    throw new ImportRequestError(`Der Stand ${formatDateDe(asOf)} liegt in der Zukunft.`);
  }
  const checksum = createHash('sha256').update(request.bytes).digest('hex');
  const summary: ImportSummary = {
    status: 'rejected',
    import_id: null,
    provider,
    as_of: asOf,
    rows: 0,
    new: 0,
    changed: 0,
    unchanged: 0,
    missing: 0,
    warnings: [],
    warning_count: 0,
    errors: [],
    error_count: 0,
    checksum,
  };
  const finish = async (errors: ImportIssue[], warnings: ImportIssue[]) => {
    summary.errors = errors.slice(0, LISTED_ISSUES);
    summary.error_count = errors.length;
    summary.warnings = warnings.slice(0, LISTED_ISSUES);
    summary.warning_count = warnings.length;
    if (summary.status === 'rejected' && !request.dryRun) {
      const logged = await logImport(db, request, summary);
      summary.import_id = logged;
    }
    return summary;
  };

  let validated: ReturnType<typeof validateTable>;
  try {
    const table = readCsv(request.bytes);
    summary.rows = table.rows.length;
    validated = validateTable(table, { provider, asOf, registry });
  } catch (error) {
    if (error instanceof ImportRefused) return finish(error.issues, []);
    throw error;
  }
  const { records, errors, warnings } = validated;
  if (errors.length > 0) return finish(errors, warnings);

  try {
    await db.transaction().execute(async (trx) => {
      // Imports of one provider run one after another.
      await trx
        .selectFrom('providers')
        .select('code')
        .where('district_key', '=', district)
        .where('code', '=', provider)
        .forUpdate()
        .execute();
      const newest = await trx
        .selectFrom('imports')
        .select(['as_of', 'checksum'])
        .where('district_key', '=', district)
        .where('provider', '=', provider)
        .where('status', 'in', ['imported', 'unchanged'])
        .orderBy('as_of', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (newest && asOf < newest.as_of && !request.force) {
        errors.push({
          row: null,
          column: null,
          message: `Für ${provider} ist bereits ein neuerer Stand importiert (${formatDateDe(newest.as_of)}). Ein älterer Stand wird nur mit --force (API: force=true) übernommen.`,
        });
        return;
      }
      if (newest && newest.as_of === asOf && newest.checksum === checksum) {
        summary.status = request.dryRun ? 'dry_run' : 'unchanged';
        summary.unchanged = records.length;
        if (!request.dryRun) summary.import_id = await logImport(trx, request, summary);
        return;
      }
      const importId = await logImport(trx, request, { ...summary, status: 'imported' });
      const counts = await mergeSnapshot(trx, { district, provider, asOf, importId, records });
      Object.assign(summary, {
        status: request.dryRun ? 'dry_run' : 'imported',
        import_id: request.dryRun ? null : importId,
        new: counts.new,
        changed: counts.changed,
        unchanged: counts.unchanged,
        missing: counts.missing.length,
      });
      for (const caseId of counts.missing) {
        warnings.push({
          row: null,
          column: 'fall_id',
          value: caseId,
          message: `Fall ${caseId} fehlt in diesem Stand. Er bleibt gespeichert; bitte beim Träger klären, ob er versehentlich fehlt.`,
        });
      }
      await trx
        .updateTable('imports')
        .set({
          cases_new: counts.new,
          cases_changed: counts.changed,
          cases_unchanged: counts.unchanged,
          cases_missing: counts.missing.length,
          warning_count: warnings.length,
        })
        .where('id', '=', importId)
        .execute();
      if (request.dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  // Fresh statistics keep the planner on index lookups for the figures.
  if (summary.status === 'imported') await sql`ANALYZE cases, case_status`.execute(db);
  return finish(errors, warnings);
}

async function logImport(
  db: Kysely<Database>,
  request: ImportRequest,
  summary: Pick<ImportSummary, 'status' | 'rows' | 'checksum' | 'unchanged'> & {
    error_count?: number;
    warning_count?: number;
  },
): Promise<string> {
  const row = await db
    .insertInto('imports')
    .values({
      district_key: request.district,
      provider: request.provider,
      as_of: request.asOf,
      checksum: summary.checksum,
      file_name: request.fileName,
      status: summary.status === 'dry_run' ? 'imported' : summary.status,
      forced: request.force ?? false,
      rows_read: summary.rows,
      cases_unchanged: summary.unchanged,
      error_count: summary.error_count ?? 0,
      warning_count: summary.warning_count ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
