// One import of a provider's export, as the command line and the HTTP API run it. All or
// nothing: on one connection, in one transaction, the rows stream from the file through
// validation into a temporary staging table by COPY, and one set-based merge moves them
// into the case tables. Any error, a dry run or a crash rolls the whole transaction back.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { todayInBerlin } from '../../contract/dates.ts';
import type { DatabaseHandle, Session } from '../db/connect.ts';
import type { Database } from '../db/types.ts';
import {
  beginMonthlyUpdate,
  type MonthlyUpdate,
  refreshMonthlyFigures,
} from '../indicators/figures-monthly.ts';
import { type ImportIssue, ImportRefused } from './issues.ts';
import {
  copyLine,
  createStaging,
  findDuplicates,
  idOnlyLine,
  mergeSnapshot,
  type OnStep,
  STAGING_COLUMNS,
  timed,
} from './merge-snapshot.ts';
import { DEFAULT_LIMITS, type ReadLimits } from './rows.ts';
import { type FileKind, type Inspection, inspectFile, readRows } from './source.ts';
import {
  type Directory,
  formatDateDe,
  IssueList,
  LISTED_ISSUES,
  RowValidator,
} from './validate.ts';

export { LISTED_ISSUES };

export interface ImportProgress {
  phase: 'check' | 'load' | 'merge' | 'done';
  /** Bytes of the file read so far, and its size. */
  bytes: number;
  totalBytes: number;
  /** Data rows read so far. */
  rows: number;
}

export interface ImportRequest {
  district: string;
  provider: string;
  asOf: string;
  fileName: string | null;
  /** The export: a file on disk, or its bytes (spooled to a private temporary file). */
  path?: string;
  bytes?: Uint8Array;
  dryRun?: boolean;
  /** Accept a snapshot older than the newest one already imported for the provider. */
  force?: boolean;
  limits?: ReadLimits;
  onProgress?: (progress: ImportProgress) => void;
  /** Durations of the import's steps (inspection, loading, each merge statement). */
  onStep?: OnStep;
}

export interface ImportSummary {
  status: 'imported' | 'unchanged' | 'dry_run' | 'rejected';
  import_id: string | null;
  provider: string;
  as_of: string;
  /** What the file was told to be from its content, also when that is why it is refused. */
  format: FileKind | null;
  /** Size of the file in bytes. */
  bytes: number;
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

/** Ends the transaction without storing anything; the summary is complete by then. */
class Rollback extends Error {}

/** COPY chunks of about this many characters: few round trips, and short-lived enough to stay cheap for the garbage collector (4 MiB chunks loaded a quarter slower). */
const COPY_CHUNK_CHARS = 1024 * 1024;

export async function loadDirectory(db: Kysely<Database>, district: string): Promise<Directory> {
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
  database: DatabaseHandle,
  request: ImportRequest,
): Promise<ImportSummary> {
  if (request.path) return importFile(database, request, request.path);
  if (!request.bytes) throw new ImportRequestError('Keine Datei angegeben.');
  // Private to this process (mode 0700) and removed at once, whatever happens.
  const dir = await mkdtemp(join(tmpdir(), 'zwischenbilanz-import-'));
  try {
    const path = join(dir, 'export');
    await writeFile(path, request.bytes, { mode: 0o600 });
    return await importFile(database, request, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importFile(
  database: DatabaseHandle,
  request: ImportRequest,
  path: string,
): Promise<ImportSummary> {
  const { district, provider, asOf } = request;
  const onStep = request.onStep ?? (() => {});
  const directory = await loadDirectory(database.db, district);
  if (!directory.providers.has(provider)) {
    throw new ImportRequestError(
      `Unbekannter Träger „${provider}“. Bekannt sind: ${[...directory.providers.keys()].join(', ')}.`,
    );
  }
  if (asOf > todayInBerlin()) {
    throw new ImportRequestError(`Der Stand ${formatDateDe(asOf)} liegt in der Zukunft.`);
  }
  const summary: ImportSummary = {
    status: 'rejected',
    import_id: null,
    provider,
    as_of: asOf,
    format: null,
    bytes: 0,
    rows: 0,
    new: 0,
    changed: 0,
    unchanged: 0,
    missing: 0,
    warnings: [],
    warning_count: 0,
    errors: [],
    error_count: 0,
    checksum: '',
  };
  summary.bytes = (await stat(path)).size;
  const errors = new IssueList();
  const warnings = new IssueList();
  const finish = async () => {
    summary.errors = errors.described();
    summary.error_count = errors.count;
    summary.warnings = warnings.described();
    summary.warning_count = warnings.count;
    if (summary.status === 'rejected' && !request.dryRun) {
      summary.import_id = await logImport(database.db, request, summary);
    }
    request.onProgress?.({ phase: 'done', bytes: 0, totalBytes: 0, rows: summary.rows });
    return summary;
  };

  let inspection: Inspection;
  try {
    inspection = await timed('file inspected', onStep, () => inspectFile(path));
  } catch (error) {
    if (!(error instanceof ImportRefused)) throw error;
    errors.push(...error.issues);
    summary.format = error.kind ?? null;
    summary.checksum = await checksumOf(path);
    return finish();
  }
  summary.checksum = inspection.checksum;
  summary.format = inspection.format;

  try {
    await database.session(async (session) => {
      await sql`BEGIN`.execute(session.db);
      const go = await checkSnapshotOrder(session.db, request, summary, errors);
      if (go === 'stop') throw new Rollback();
      await createStaging(session.db);
      const validator = await timed('rows loaded', onStep, () =>
        load(session, request, path, inspection, summary),
      );
      if (validator) {
        errors.absorb(validator.errors);
        warnings.absorb(validator.warnings);
      }
      if (validator?.headerUsable) {
        const duplicates = await timed('repeated ids sought', onStep, () =>
          findDuplicates(session.db, validator.caseIdLabel, LISTED_ISSUES),
        );
        mergeIssues(errors, duplicates);
      }
      if (errors.count > 0) throw new Rollback();

      request.onProgress?.({
        phase: 'merge',
        bytes: inspection.size,
        totalBytes: inspection.size,
        rows: summary.rows,
      });
      const importId = await logImport(session.db, request, { ...summary, status: 'imported' });
      // The provider's monthly figures change with its cases, in the same transaction: by
      // what the changed cases contribute, noted before the merge writes them.
      let monthly: MonthlyUpdate | undefined;
      const counts = await mergeSnapshot(
        session.db,
        { district, provider, asOf, importId },
        onStep,
        request.dryRun
          ? undefined
          : async () => {
              monthly = await timed('monthly figures, old contribution', onStep, () =>
                beginMonthlyUpdate(session.db, district, provider, importId, onStep),
              );
            },
      );
      Object.assign(summary, {
        status: request.dryRun ? 'dry_run' : 'imported',
        import_id: request.dryRun ? null : importId,
        new: counts.new,
        changed: counts.changed,
        unchanged: counts.unchanged,
        missing: counts.missing,
      });
      warnings.count += counts.missing - counts.missingListed.length;
      warnings.push(
        ...counts.missingListed.map((caseId) => ({
          row: null,
          column: 'fall_id',
          value: caseId,
          message: `Fall ${caseId} fehlt in diesem Stand. Er bleibt gespeichert; bitte beim Träger klären, ob er versehentlich fehlt.`,
        })),
      );
      await session.db
        .updateTable('imports')
        .set({
          cases_new: counts.new,
          cases_changed: counts.changed,
          cases_unchanged: counts.unchanged,
          cases_missing: counts.missing,
          warning_count: warnings.count,
        })
        .where('id', '=', importId)
        .execute();
      if (request.dryRun) throw new Rollback();
      await timed('monthly figures', onStep, () =>
        monthly ? monthly.finish() : refreshMonthlyFigures(session.db, district, provider, onStep),
      );
      await timed('committed', onStep, () => sql`COMMIT`.execute(session.db));
    });
  } catch (error) {
    if (error instanceof ImportRefused) {
      errors.push(...error.issues);
      summary.format = error.kind ?? summary.format;
    } else if (!(error instanceof Rollback)) throw error;
  }
  // Fresh statistics keep the planner on index lookups for the figures, and give it the
  // stored stretches' for the next import's old contribution: PGlite runs no autovacuum, and
  // without them a newer 200,000-row snapshot's old contribution took 50 s instead of 4.5.
  if (summary.status === 'imported' && (await statisticsStale(database.db))) {
    await timed('analysed', onStep, () =>
      sql`ANALYZE cases, case_status, case_stretches`.execute(database.db),
    );
  }
  return finish();
}

/**
 * Whether the case tables' statistics are stale after an import: never gathered (or lost
 * with a crash), or the cases that imports have added or changed since they were gathered
 * reach 50 and a tenth of the table (autovacuum's rule, which PGlite does not run).
 * Gathering them takes about as long after a small import as after a large one (1.4 s at
 * 1,000,000 cases); after every import, it was four fifths of building a state of 681
 * imports. The imports are counted from the import log, not from the statistics system,
 * whose counts of changed rows can arrive after the ANALYZE that saw them. An import's log
 * entry dates from its start: on PostgreSQL, one that ran beside another import which
 * gathered them in the meantime is not counted; autovacuum, with the same rule, counts it
 * there. PGlite runs one session at a time.
 */
async function statisticsStale(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ analysed: Date | null; tuples: number; touched: string | null }>`
    WITH analysed AS (
      SELECT min(greatest(s.last_analyze, s.last_autoanalyze)) AS at,
             bool_or(s.last_analyze IS NULL AND s.last_autoanalyze IS NULL) AS never
      FROM pg_stat_user_tables s
      WHERE s.relid IN (to_regclass('cases'), to_regclass('case_status'), to_regclass('case_stretches'))
    )
    SELECT CASE WHEN a.never THEN NULL ELSE a.at END AS analysed,
           (SELECT reltuples FROM pg_class WHERE oid = to_regclass('cases')) AS tuples,
           (SELECT sum(i.cases_new + i.cases_changed)::text FROM imports i
            WHERE i.status = 'imported' AND i.created_at >= a.at) AS touched
    FROM analysed a`.execute(db);
  const row = rows[0];
  if (!row || row.analysed === null || row.tuples < 0) return true;
  return Number(row.touched ?? 0) >= 50 + 0.1 * row.tuples;
}

/**
 * Within the transaction, with the provider locked: an older snapshot is refused unless
 * forced; the very file imported last for the same date changes nothing and says so.
 */
async function checkSnapshotOrder(
  db: Kysely<Database>,
  request: ImportRequest,
  summary: ImportSummary,
  errors: IssueList,
): Promise<'go' | 'stop'> {
  const { district, provider, asOf } = request;
  // Imports of one provider run one after another.
  await db
    .selectFrom('providers')
    .select('code')
    .where('district_key', '=', district)
    .where('code', '=', provider)
    .forUpdate()
    .execute();
  const newest = await db
    .selectFrom('imports')
    .select(['as_of', 'checksum', 'rows_read', 'cases_new', 'cases_changed', 'cases_unchanged'])
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
      message: `Für ${provider} ist bereits ein neuerer Stand gespeichert (${formatDateDe(newest.as_of)}). Ein älterer Stand wird nur übernommen, wenn er ausdrücklich nachgetragen wird: im Befehl mit --force, über die API mit force=true.`,
      code: 'older_snapshot',
    });
    return 'stop';
  }
  if (newest && newest.as_of === asOf && newest.checksum === summary.checksum) {
    summary.status = request.dryRun ? 'dry_run' : 'unchanged';
    summary.rows = newest.rows_read;
    summary.unchanged = newest.cases_new + newest.cases_changed + newest.cases_unchanged;
    if (!request.dryRun) {
      summary.import_id = await logImport(db, request, summary);
      await sql`COMMIT`.execute(db);
    }
    return 'stop';
  }
  return 'go';
}

/**
 * Streams the file's rows through validation into the staging table. Returns the
 * validator, or null when the file has no header at all.
 */
async function load(
  session: Session,
  request: ImportRequest,
  path: string,
  inspection: Inspection,
  summary: ImportSummary,
): Promise<RowValidator | null> {
  const context = {
    provider: request.provider,
    asOf: request.asOf,
    directory: await loadDirectory(session.db, request.district),
    format: inspection.format,
  };
  let validator: RowValidator | null = null;
  let bytes = 0;
  const progress = (phase: ImportProgress['phase']) =>
    request.onProgress?.({ phase, bytes, totalBytes: inspection.size, rows: summary.rows });
  const rows = readRows(path, inspection, request.limits ?? DEFAULT_LIMITS, (read) => {
    bytes = read;
  });

  async function* lines(): AsyncGenerator<string> {
    let chunk = '';
    for await (const batch of rows) {
      let start = 0;
      if (!validator) {
        const header = batch[0];
        if (!header) continue;
        validator = new RowValidator(header, context);
        start = 1;
        // Without the required columns no row can be read: the header errors are all.
        if (!validator.headerUsable) return;
      }
      for (let index = start; index < batch.length; index++) {
        const source = batch[index] as (typeof batch)[number];
        const record = validator.check(source);
        // Every row with a usable case id is staged, also after errors, so that repeated
        // ids are found among all rows; a file with errors is never merged.
        if (record) chunk += copyLine(source.row, record);
        else if (validator.caseId) chunk += idOnlyLine(source.row, validator.caseId);
      }
      summary.rows = validator.rows;
      if (chunk.length >= COPY_CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
      progress(validator.errors.count === 0 ? 'load' : 'check');
    }
    if (chunk.length > 0) yield chunk;
  }

  await session.copyIn('import_rows', STAGING_COLUMNS, lines());
  const found = validator as RowValidator | null;
  if (!found) {
    summary.rows = 0;
    throw new ImportRefused([
      { row: null, column: null, message: 'Die Datei ist leer: keine Kopfzeile gefunden.' },
    ]);
  }
  found.finish();
  if (found.rows === 0 && found.headerUsable) {
    found.errors.push({
      row: null,
      column: null,
      message: 'Die Datei enthält keine Fälle: nur die Kopfzeile wurde gefunden.',
    });
  }
  return found;
}

/** Adds issues found later (in SQL) so that the listed ones stay the first by row. */
function mergeIssues(list: IssueList, found: { count: number; listed: ImportIssue[] }) {
  const merged = [...list.listed, ...found.listed].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  list.listed.splice(0, list.listed.length, ...merged.slice(0, LISTED_ISSUES));
  list.count += found.count;
}

async function checksumOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function logImport(
  db: Kysely<Database>,
  request: ImportRequest,
  summary: Pick<
    ImportSummary,
    'status' | 'rows' | 'checksum' | 'unchanged' | 'format' | 'bytes'
  > & {
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
      file_format: summary.format,
      file_bytes: String(summary.bytes),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
