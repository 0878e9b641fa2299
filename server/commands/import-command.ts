// npm run import: one export imported and its summary printed. Runs in the command's own
// process, or in the running server when the command hands itself over (channel.ts).
import { importAuditDetail, recordAudit } from '../audit/audit-log.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import {
  type ImportProgress,
  ImportRequestError,
  type ImportSummary,
  importExport,
} from '../import/import-export.ts';
import { FORMAT_LABELS } from '../import/source.ts';
import { formatDateDe } from '../import/validate.ts';
import type { CommandActor, CommandOutput } from './output.ts';

export const IMPORT_USAGE =
  'Aufruf: npm run import -- --provider CODE --as-of JJJJ-MM-TT [--dry-run] [--force] DATEI';

export interface ImportCommand {
  district: string;
  provider: string;
  asOf: string;
  /** The name the file has where the command runs, for the import log. */
  fileName: string;
  dryRun: boolean;
  force: boolean;
}

const n = (value: number) => value.toLocaleString('de-DE');

export function printSummary(summary: ImportSummary, log: (line: string) => void = console.log) {
  const titles = {
    imported: 'Importiert',
    unchanged: 'Unverändert (dieser Stand ist bereits importiert)',
    dry_run: 'Probelauf, nichts gespeichert',
    rejected: 'Abgewiesen, nichts gespeichert',
  };
  log(`${titles[summary.status]}: ${summary.provider}, Stand ${formatDateDe(summary.as_of)}`);
  log(
    `  Zeilen gelesen: ${n(summary.rows)}; neu: ${n(summary.new)}; geändert: ${n(summary.changed)}; unverändert: ${n(summary.unchanged)}; fehlend: ${n(summary.missing)}`,
  );
  if (summary.format) log(`  Format: ${FORMAT_LABELS[summary.format]}`);
  log(`  Prüfsumme (SHA-256): ${summary.checksum}`);
  const where = (issue: ImportSummary['errors'][number]) =>
    [
      issue.row === null ? null : `Zeile ${issue.row}`,
      issue.column === null ? null : `Spalte ${issue.column}`,
    ]
      .filter(Boolean)
      .join(', ');
  const list = (label: string, issues: ImportSummary['errors'], total: number) => {
    if (total === 0) return;
    // An issue may stand for many rows (its count): only beyond those is anything left out.
    const covered = issues.reduce((sum, issue) => sum + (issue.count ?? 1), 0);
    log(
      `  ${label}: ${n(total)}${total > covered ? ` (die ersten ${issues.length} aufgeführt)` : ''}`,
    );
    for (const issue of issues) {
      const value = issue.value === undefined ? '' : ` [Wert: ${issue.value}]`;
      log(`    ${where(issue) ? `${where(issue)}: ` : ''}${issue.message}${value}`);
    }
  };
  list('Fehler', summary.errors, summary.error_count);
  list('Hinweise', summary.warnings, summary.warning_count);
}

/**
 * Imports the file at `path` and prints its summary; resolves with the exit code: 0 stored,
 * unchanged or a dry run, 1 rejected, 2 a request that cannot be carried out as asked.
 */
export async function runImportCommand(
  handle: DatabaseHandle,
  command: ImportCommand,
  path: string,
  actor: CommandActor,
  output: CommandOutput,
  onProgress: (progress: ImportProgress) => void,
): Promise<number> {
  let summary: ImportSummary;
  try {
    summary = await importExport(handle, {
      district: command.district,
      provider: command.provider,
      asOf: command.asOf,
      fileName: command.fileName,
      path,
      onProgress,
      dryRun: command.dryRun,
      force: command.force,
    });
  } catch (error) {
    if (!(error instanceof ImportRequestError)) throw error;
    output.err(`${error.message}\n${IMPORT_USAGE}`);
    return 2;
  }
  printSummary(summary, (line) => output.out(line));
  await recordAudit(handle.db, {
    ...actor,
    action: summary.status === 'dry_run' ? 'import_dry_run' : 'import',
    target: `${summary.provider} Stand ${summary.as_of}`,
    detail: importAuditDetail(summary, command.fileName),
  });
  return summary.status === 'rejected' ? 1 : 0;
}
