// npm run bench:pglite-memory
// Peak resident memory of the embedded database: (1) a bare PGlite.create on a new folder and
// (2) on that folder again, each in a process of its own; (3) `npm start` (scripts/start.mjs,
// the front end already built) on a new data folder, which migrates and loads the
// demonstration data, measured when it says it listens. Peak = VmHWM of the process. Prints
// the load average beside each number: the machine is shared.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const dir = mkdtempSync(join(tmpdir(), 'zb-bench-pglite-'));

const bare = `
import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const started = Date.now();
const db = await PGlite.create(process.argv[1]);
const { rows } = await db.query("SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb");
const ms = Date.now() - started;
await db.close();
const hwm = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\\s+(\\d+)/)[1];
console.log(JSON.stringify({ ...rows[0], ms, peakMB: Math.round(hwm / 1024) }));
`;
function bareRun(label: string, folder: string) {
  const before = load();
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', bare, folder], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  console.log(`${label}: ${out.stdout.trim()}  (load ${before} → ${load()})`);
}

function productRun(label: string, folder: string) {
  const before = load();
  const out = spawnSync(
    process.execPath,
    ['--max-old-space-size=256', '--import', 'tsx', 'scripts/lib/open-pglite.ts', folder],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(out.stderr);
  console.log(`${label}: ${out.stdout.trim()}  (load ${before} → ${load()})`);
}

async function serverRun() {
  const before = load();
  const started = Date.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: join(dir, 'server'), PORT: '38417' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listening = await new Promise<boolean>((done) => {
    const look = (chunk: Buffer) => {
      text += chunk;
      if (text.includes('läuft auf')) done(true);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', () => done(false));
  });
  if (!listening) throw new Error(text);
  const ms = Date.now() - started;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peak = Number(status.match(/VmHWM:\s+(\d+)/)?.[1]) / 1024;
  const now = Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024;
  child.kill('SIGTERM');
  await new Promise((done) => child.on('exit', done));
  console.log(
    `npm start, new folder with demo data: listening after ${ms} ms, peak ${Math.round(peak)} MB, then ${Math.round(now)} MB  (load ${before} → ${load()})`,
  );
}

try {
  bareRun('PGlite.create, new folder', join(dir, 'bare'));
  bareRun('PGlite.create, same folder again', join(dir, 'bare'));
  bareRun('PGlite.create, memory://', 'memory://');
  productRun('product open + migrate, new folder', join(dir, 'product'));
  productRun('product open + migrate, same folder again', join(dir, 'product'));
  productRun('product open + migrate, memory://', 'memory://');
  await serverRun();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
