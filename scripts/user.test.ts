// npm run user: adds, resets, disables and lists accounts on the configured database, as a
// clerk runs it; passwords are generated and shown once, or read from standard input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUser } from '../server/accounts/accounts.ts';
import { verifyPassword } from '../server/accounts/secrets.ts';
import { openDatabase } from '../server/db/connect.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../server/test/database.ts';

const ROOT = resolve(import.meta.dirname, '..');
let env: NodeJS.ProcessEnv;
let database: TestDatabase | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  env = { ...process.env, DATABASE_URL: '', DATA_DIR: '', LOG_LEVEL: 'warn' };
  if (DATABASE_KIND === 'postgres') {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'zb-user-'));
    env.DATA_DIR = dataDir;
  }
});
afterAll(async () => {
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function user(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], {
    cwd: ROOT,
    env,
    input,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

async function withDatabase<T>(
  work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>,
) {
  const handle = await openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir as string },
  );
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const shownPassword = (out: string) => /^ {4}(\S+)$/m.exec(out)?.[1] as string;

// Each test runs the command up to eleven times, each a Node process of its own.
describe(`npm run user on ${DATABASE_KIND}`, { timeout: 180_000 }, () => {
  it('adds accounts with a password shown once, resets, disables and lists them', async () => {
    const added = user(['add', '--role', 'provider', '--provider', 'awo', 'A.Berger']);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('Konto „a.berger“ angelegt: Träger AWO.');
    const password = shownPassword(added.out);
    expect(password).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);

    const piped = user(
      ['add', '--role', 'admin', '--password-stdin', 'koordination'],
      'ein sehr langes Passwort\n',
    );
    expect(piped.code, piped.err).toBe(0);
    expect(piped.out).not.toContain('ein sehr langes Passwort');

    const reset = user(['reset', 'a.berger']);
    expect(reset.code, reset.err).toBe(0);
    const newPassword = shownPassword(reset.out);
    expect(user(['disable', 'a.berger']).out).toContain('gesperrt und abgemeldet');
    const list = user(['list']);
    expect(list.out).toMatch(/^a\.berger\s+provider\s+AWO\s+gesperrt$/m);
    expect(list.out).toMatch(/^koordination\s+admin\s+aktiv$/m);

    await withDatabase(async (db) => {
      const berger = await findUser(db, 'a.berger');
      expect(berger?.disabled_at).not.toBeNull();
      expect(await verifyPassword(newPassword, berger?.password_hash as string)).toBe(true);
      expect(await verifyPassword(password, berger?.password_hash as string)).toBe(false);
      const koordination = await findUser(db, 'koordination');
      expect(
        await verifyPassword('ein sehr langes Passwort', koordination?.password_hash as string),
      ).toBe(true);
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'target', 'source'])
        .orderBy('id')
        .execute();
      expect(audit.map((entry) => entry.action)).toEqual([
        'user_added',
        'user_added',
        'user_password_reset',
        'user_disabled',
      ]);
      expect(audit[0]).toMatchObject({ target: 'A.Berger'.toLowerCase(), source: 'lokal' });
    });
  });

  it('says what to change: exit 2 on wrong usage, 1 on a refused account', () => {
    const noRole = user(['add', 'x.y']);
    expect(noRole.code).toBe(2);
    expect(noRole.err).toContain('--role');
    expect(user(['frobnicate', 'x.y']).code).toBe(2);
    const unknown = user(['add', '--role', 'provider', '--provider', 'XYZ', 'x.y']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Den Träger „XYZ“ gibt es nicht. Bekannt: AWO');
    const short = user(['add', '--role', 'press', '--password-stdin', 'x.y'], 'kurz\n');
    expect(short.code).toBe(2);
    expect(short.err).toContain('mindestens 12 Zeichen');
    expect(user(['add', '--role', 'press', 'A B']).err).toContain('Der Name „a b“ geht nicht');
    expect(user(['disable', 'niemand']).code).toBe(1);
  });
});
