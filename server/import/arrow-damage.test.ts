// Damaged Arrow files end in the same clear German refusal as a damaged CSV or XLSX,
// through the service, POST /api/v1/imports and `npm run import` (exit code 1, no stack
// trace), and nothing is stored. These are the damages that once ended the command with an
// unhandled exception or hung it: only the end-of-stream marker, only a stream marker, bytes
// flipped at random (20 or 200), a file cut off.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { bearerFor } from '../test/accounts.ts';
import { tableChecksums } from '../test/checksums.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { importExport } from './import-export.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FILE = readFileSync(join(ROOT, 'fixtures/formats/lra-2021-03-01.arrow'));
const STREAM = Buffer.from(tableToIPC(tableFromIPC(FILE), 'stream'));

function mulberry32(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` bytes flipped at places drawn from `seed`. */
function flipped(bytes: Buffer, count: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const copy = Buffer.from(bytes);
  for (let i = 0; i < count; i++) {
    const place = Math.floor(random() * copy.length);
    copy[place] = (copy[place] as number) ^ (1 + Math.floor(random() * 255));
  }
  return copy;
}

const UNREADABLE =
  /^Die Datei ist keine lesbare Arrow-Datei: sie (ist|enthält) [^.(]*( \([^)]*\))?\. Bitte den Export erneut als Arrow-Datei speichern oder als CSV exportieren\.$/;

/**
 * Each damage, with the kind the file still starts as; seeds where the reader once threw.
 * The command runs (seconds each) for the two that ended it with a stack trace.
 */
const DAMAGED = [
  {
    what: 'only the end-of-stream marker',
    bytes: Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
    format: 'arrow-stream',
    cli: true,
  },
  {
    what: 'only a stream marker',
    bytes: Buffer.from([0xff, 0xff, 0xff, 0xff]),
    format: 'arrow-stream',
  },
  {
    what: '20 bytes of a file flipped',
    bytes: flipped(FILE, 20, 6),
    format: 'arrow-file',
    cli: true,
  },
  { what: '20 bytes of a stream flipped', bytes: flipped(STREAM, 20, 3), format: 'arrow-stream' },
  { what: '200 bytes of a stream flipped', bytes: flipped(STREAM, 200, 1), format: 'arrow-stream' },
  { what: '200 bytes of a file flipped', bytes: flipped(FILE, 200, 1), format: 'arrow-file' },
  {
    what: 'a file cut off in the middle',
    bytes: FILE.subarray(0, FILE.length >> 1),
    format: 'arrow-file',
  },
  {
    what: 'a stream cut off in the middle',
    bytes: STREAM.subarray(0, STREAM.length >> 1),
    format: 'arrow-stream',
  },
] as const;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe(`damaged Arrow files on ${DATABASE_KIND}`, () => {
  it('are refused in German by the service, and nothing is stored', async () => {
    const before = await tableChecksums(database.handle.db);
    for (const { what, bytes, format } of DAMAGED) {
      const summary = await importExport(database.handle, {
        district: '08118',
        provider: 'LRA',
        asOf: '2021-03-01',
        fileName: 'lra.arrow',
        bytes,
      });
      expect({ what, ...summary }).toMatchObject({
        what,
        status: 'rejected',
        format,
        error_count: 1,
      });
      expect(summary.errors, what).toEqual([
        { row: null, column: null, message: expect.stringMatching(UNREADABLE) },
      ]);
    }
    expect(await tableChecksums(database.handle.db)).toEqual(before);
  });

  it('are answered 422 with the same refusal by POST /api/v1/imports', async () => {
    const app = await buildApp({
      config: loadConfig({}),
      database: database.handle,
      webDist: '/nonexistent',
    });
    const admin = await bearerFor(database.handle.db, 'admin');
    const boundary = 'zwischenbilanz-test';
    for (const { what, bytes } of DAMAGED) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...admin },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="provider"\r\n\r\nLRA\r\n` +
              `--${boundary}\r\nContent-Disposition: form-data; name="as_of"\r\n\r\n2021-03-01\r\n` +
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lra.arrow"\r\nContent-Type: application/vnd.apache.arrow.file\r\n\r\n`,
          ),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect([what, response.statusCode]).toEqual([what, 422]);
      expect(response.json().errors, what).toEqual([
        { row: null, column: null, message: expect.stringMatching(UNREADABLE) },
      ]);
    }
    await app.close();
  });

  it('end `npm run import` with exit code 1 and the refusal, no stack trace, nothing stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zwischenbilanz-arrow-'));
    try {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && key !== 'DATABASE_URL' && key !== 'DATA_DIR') env[key] = value;
      }
      // The command opens the same database as the test: PostgreSQL by URL; PGlite, which
      // one process holds at a time, in a data directory of its own.
      const dataDir = join(dir, 'data');
      Object.assign(env, database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir });
      for (const { what, bytes } of DAMAGED.filter((damage) => 'cli' in damage)) {
        const file = join(dir, 'lra.arrow');
        writeFileSync(file, bytes);
        const run = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            'scripts/import.ts',
            '--provider',
            'LRA',
            '--as-of',
            '2021-03-01',
            file,
          ],
          { cwd: ROOT, env, encoding: 'utf8' },
        );
        expect([what, run.status]).toEqual([what, 1]);
        expect(run.stdout, what).toContain('Abgewiesen, nichts gespeichert: LRA, Stand 01.03.2021');
        expect(run.stdout, what).toMatch(/^ {4}Die Datei ist keine lesbare Arrow-Datei: .*$/m);
        expect(run.stderr, what).not.toMatch(/^\s+at |Error/m);
      }
      const handle = database.url ? database.handle : await openDatabase({ dataDir });
      try {
        const cases = await handle.db
          .selectFrom('cases')
          .select('case_id')
          .where('provider', '=', 'LRA')
          .execute();
        expect(cases).toEqual([]);
        const refused = await handle.db
          .selectFrom('imports')
          .select(['status', 'file_format', 'file_name'])
          .where('file_name', '=', 'lra.arrow')
          .where('error_count', '=', 1)
          .execute();
        expect(refused.filter((row) => row.status === 'rejected').length).toBeGreaterThanOrEqual(2);
        expect(refused.every((row) => row.status === 'rejected')).toBe(true);
      } finally {
        if (!database.url) await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
