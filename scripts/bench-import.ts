// npm run bench:import [-- --rows N] [--only postgres|pglite]
// Generates a seeded export of N rows (default 1,000,000) and measures, in the same run,
// the full import path (inspect, parse, validate, COPY into staging, merge) against a raw
// COPY of the same file into an empty table of text columns: rows per second and ratio.
// The full import runs in a process of its own so its peak resident memory is measured.
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { SCALE_HEADER, writeScaleExport } from './lib/scale-export.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    only: { type: 'string' },
  },
});
const ROWS = Number(values.rows);
const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
const PROVIDER = 'LRA';
/** The heap limit `npm run import` runs with (package.json): the measured peak is the CLI's. */
const IMPORT_HEAP = '--max-old-space-size=256';
const AS_OF = '2024-06-30';
const NEXT_AS_OF = '2024-09-30';
const fmt = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const fmt1 = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const fmt2 = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

interface Measured {
  seconds: number;
  steps: Record<string, number>;
  maxRssMB: number;
  status: string;
  rows: number;
  errors: number;
  firstError?: string;
}

function measureImport(target: string[], file: string, asOf: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        IMPORT_HEAP,
        '--import',
        'tsx',
        'scripts/lib/measure-import.ts',
        ...target,
        '--provider',
        PROVIDER,
        '--as-of',
        asOf,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (data) => {
      out += data;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measure-import exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').at(-1) as string) as Measured;
      if (result.status !== 'imported') {
        return reject(new Error(`import ${result.status}: ${result.firstError ?? ''}`));
      }
      resolve(result);
    });
  });
}

const RAW_TABLE = `CREATE TABLE raw_copy (${SCALE_HEADER.map((c) => `${c} text`).join(', ')})`;

async function municipalities(): Promise<string[]> {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync('sql/002_registry_ludwigsburg.sql', 'utf8');
  return [...text.matchAll(/'(0811\d{4})'/g)].map((m) => m[1] as string);
}

async function benchPostgres(file: string, next: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const name = `zb_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(RAW_TABLE);
    let started = performance.now();
    await pipeline(
      createReadStream(file),
      client.query(copyFrom(`COPY raw_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)`)),
    );
    const raw = (performance.now() - started) / 1000;
    await client.query('DROP TABLE raw_copy');
    await client.end();
    started = performance.now();
    const first = await measureImport(['--url', url.toString()], file, AS_OF);
    const second = await measureImport(['--url', url.toString()], next, NEXT_AS_OF);
    return { raw, first, second };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function benchPGlite(dir: string, file: string, next: string) {
  const rawDir = join(dir, 'pglite-raw');
  const db = await PGlite.create(rawDir);
  await db.exec(RAW_TABLE);
  const started = performance.now();
  // PGlite copies from a blob: the file in chunks of whole lines, as the import does.
  let pending = '';
  let header = true;
  const copy = async (text: string) => {
    await db.query(
      `COPY raw_copy FROM '/dev/blob' (FORMAT csv, DELIMITER ';', HEADER ${header})`,
      [],
      {
        blob: new Blob([text]),
      },
    );
    header = false;
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
    pending += chunk;
    const cut = pending.lastIndexOf('\n') + 1;
    await copy(pending.slice(0, cut));
    pending = pending.slice(cut);
  }
  if (pending) await copy(pending);
  const raw = (performance.now() - started) / 1000;
  await db.close();
  await rm(rawDir, { recursive: true, force: true });
  const dataDir = join(dir, 'pglite-import');
  const first = await measureImport(['--data-dir', dataDir], file, AS_OF);
  const second = await measureImport(['--data-dir', dataDir], next, NEXT_AS_OF);
  return { raw, first, second };
}

function report(engine: string, result: Awaited<ReturnType<typeof benchPostgres>>) {
  const rate = (seconds: number) => ROWS / seconds;
  const phase = (m: Measured) =>
    Object.entries(m.steps)
      .map(([name, s]) => `${name} ${fmt1.format(s)} s`)
      .join(', ');
  console.log(`\n${engine}`);
  console.log(`| Weg | Sekunden | Zeilen/s | Verhältnis zu COPY | Spitzen-RSS |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  console.log(
    `| COPY roh (leere Tabelle, Textspalten) | ${fmt1.format(result.raw)} | ${fmt.format(rate(result.raw))} | 1,00 | – |`,
  );
  for (const [label, m] of [
    ['Import, erster Stand (alle Fälle neu)', result.first],
    ['Import, neuerer Stand (10 % geändert)', result.second],
  ] as const) {
    console.log(
      `| ${label} | ${fmt1.format(m.seconds)} | ${fmt.format(rate(m.seconds))} | ${fmt2.format(result.raw / m.seconds)} | ${fmt.format(m.maxRssMB)} MB |`,
    );
  }
  console.log(
    `Schritte, erster Stand: ${phase(result.first)}\nSchritte, neuerer Stand: ${phase(result.second)}`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'zwischenbilanz-bench-'));
try {
  const munis = await municipalities();
  const file = join(dir, 'export.csv');
  const next = join(dir, 'export-next.csv');
  let started = performance.now();
  const size = await writeScaleExport(file, {
    rows: ROWS,
    seed: 1,
    provider: PROVIDER,
    asOf: AS_OF,
    municipalities: munis,
  });
  await writeScaleExport(next, {
    rows: ROWS,
    seed: 1,
    provider: PROVIDER,
    asOf: AS_OF,
    municipalities: munis,
    changeShare: 0.1,
  });
  console.log(
    `Erzeugt: ${fmt.format(ROWS)} Zeilen, ${fmt1.format(size / 1024 / 1024)} MB CSV, ${fmt1.format((performance.now() - started) / 1000)} s`,
  );
  started = performance.now();
  const cpu = cpus()[0]?.model ?? 'unbekannt';
  console.log(
    `Rechner: ${cpus().length} Kerne (${cpu}), ${fmt.format(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${execFileSync('psql', ['--version']).toString().trim()}`,
  );
  if (values.only !== 'pglite') report('PostgreSQL', await benchPostgres(file, next));
  if (values.only !== 'postgres') report('PGlite', await benchPGlite(dir, file, next));
} finally {
  await rm(dir, { recursive: true, force: true });
}
