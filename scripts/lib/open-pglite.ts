// Opens the embedded database as the product does (server/db/connect.ts, with the settings of
// server/db/pglite-memory.ts) and prints what that cost as JSON: its peak resident memory is
// the process's own (npm run bench:pglite-memory).
// Usage: tsx scripts/lib/open-pglite.ts (DIR | memory://)
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openDatabase } from '../../server/db/connect.ts';
import { migrate } from '../../server/db/migrate.ts';

const where = process.argv[2] as string;
const started = performance.now();
const handle = await openDatabase(where === 'memory://' ? { memory: true } : { dataDir: where });
await migrate(handle);
const { rows } = await sql<{ sb: string }>`SELECT current_setting('shared_buffers') AS sb`.execute(
  handle.db,
);
const ms = Math.round(performance.now() - started);
await handle.close();
const hwm = Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)?.[1]);
console.log(JSON.stringify({ sb: rows[0]?.sb, ms, peakMB: Math.round(hwm / 1024) }));
