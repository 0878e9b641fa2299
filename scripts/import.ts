// npm run import -- --provider CODE --as-of YYYY-MM-DD [--dry-run] [--force] FILE
// Exit 0 when stored, unchanged or dry run; 1 when the file is rejected; 2 on wrong usage.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { commandLineActor, importAuditDetail, recordAudit } from '../server/audit/audit-log.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import {
  ImportRequestError,
  type ImportSummary,
  importExport,
} from '../server/import/import-export.ts';
import { FORMAT_LABELS } from '../server/import/source.ts';
import { formatDateDe, parseDate } from '../server/import/validate.ts';
import { progressReporter } from './lib/progress.ts';

const USAGE =
  'Aufruf: npm run import -- --provider CODE --as-of JJJJ-MM-TT [--dry-run] [--force] DATEI';

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
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
    log(
      `  ${label}: ${n(total)}${total > issues.length ? ` (die ersten ${issues.length} aufgeführt)` : ''}`,
    );
    for (const issue of issues) {
      const value = issue.value === undefined ? '' : ` [Wert: ${issue.value}]`;
      log(`    ${where(issue) ? `${where(issue)}: ` : ''}${issue.message}${value}`);
    }
  };
  list('Fehler', summary.errors, summary.error_count);
  list('Hinweise', summary.warnings, summary.warning_count);
}

async function main() {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        provider: { type: 'string' };
        'as-of': { type: 'string' };
        'dry-run': { type: 'boolean' };
        force: { type: 'boolean' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      options: {
        provider: { type: 'string' },
        'as-of': { type: 'string' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.provider) usage('--provider fehlt.');
  if (!values['as-of']) usage('--as-of fehlt.');
  const asOf = parseDate(values['as-of']);
  if (!asOf) usage(`--as-of: „${values['as-of']}“ ist kein Datum (JJJJ-MM-TT).`);
  if (positionals.length !== 1) usage('Genau eine Datei angeben.');
  const file = positionals[0] as string;
  try {
    if (!statSync(file).isFile()) usage(`${file} ist keine Datei.`);
  } catch {
    usage(`Die Datei ${file} kann nicht gelesen werden.`);
  }
  const config = loadConfig();
  const handle = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
  );
  try {
    await migrate(handle);
    const summary = await importExport(handle, {
      district: config.district,
      provider: values.provider.toUpperCase(),
      asOf,
      fileName: basename(file),
      path: file,
      onProgress: progressReporter(),
      dryRun: values['dry-run'] ?? false,
      force: values.force ?? false,
    });
    printSummary(summary);
    await recordAudit(handle.db, {
      ...commandLineActor(),
      action: summary.status === 'dry_run' ? 'import_dry_run' : 'import',
      target: `${summary.provider} Stand ${summary.as_of}`,
      detail: importAuditDetail(summary, basename(file)),
    });
    process.exitCode = summary.status === 'rejected' ? 1 : 0;
  } catch (error) {
    if (error instanceof ImportRequestError) usage(error.message);
    throw error;
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
