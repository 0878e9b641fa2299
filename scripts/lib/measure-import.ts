// Runs one import in a process of its own and prints what it cost as JSON: the benchmark
// starts it so that the peak resident memory is the import's alone.
// Usage: tsx scripts/lib/measure-import.ts (--url URL | --data-dir DIR) --provider P --as-of D FILE
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../server/db/connect.ts';
import { migrate } from '../../server/db/migrate.ts';
import { importExport } from '../../server/import/import-export.ts';

const { values, positionals } = parseArgs({
  options: {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    provider: { type: 'string' },
    'as-of': { type: 'string' },
    district: { type: 'string', default: '08118' },
  },
  allowPositionals: true,
});
const file = positionals[0] as string;
const handle = await openDatabase(
  values.url ? { url: values.url } : { dataDir: values['data-dir'] as string },
);
await migrate(handle);
const steps: Record<string, number> = {};
const started = performance.now();
const summary = await importExport(handle, {
  district: values.district as string,
  provider: values.provider as string,
  asOf: values['as-of'] as string,
  fileName: basename(file),
  path: file,
  onStep(step, milliseconds) {
    steps[step] = milliseconds / 1000;
  },
});
const seconds = (performance.now() - started) / 1000;
await handle.close();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    steps,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    status: summary.status,
    rows: summary.rows,
    new: summary.new,
    changed: summary.changed,
    unchanged: summary.unchanged,
    errors: summary.error_count,
    firstError: summary.errors[0]?.message,
  })}\n`,
);
