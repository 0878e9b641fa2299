// One writer per data folder, with real processes as an administrator starts them: the server
// (server/main.ts, as npm start runs it) and `npm run user` / `npm run import` on the same
// PGlite folder. The commands either go through the running server or are refused with exit
// 1 and a message, and nothing is ever lost: what a command reported stored is there after
// the server stops and starts again. Two servers on one folder: one is refused; a server
// killed with SIGKILL leaves nothing that blocks the next start. On PostgreSQL several
// processes share one database.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelPath } from '../server/commands/channel.ts';
import { type DatabaseHandle, openDatabase } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import { DEMO_DIR, loadDemonstrationData } from '../server/demo-data.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../server/test/database.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DISTRICT = '08118';
/** The demonstration data less AWO's export, which the tests import. */
const AWO_EXPORT = join(DEMO_DIR, 'awo-2021-03-01.csv');
const ADMIN = { name: 'koordination', password: 'ein sehr langes Passwort' };
const TIMEOUT = 300_000;

let dir: string;
const started = new Set<ChildProcess>();

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PORT: '0' };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.TEST_DATABASE_URL;
  return { ...env, ...extra };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ServerProcess {
  pid: number;
  /** Resolves with the address once the server listens; rejects if it exits first. */
  ready: Promise<string>;
  exited: Promise<Exit>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Starts the server as `npm start` does, on a free port. */
function launchServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<Exit>((done) =>
    child.on('exit', (code, signal) => {
      started.delete(child);
      done({ code, signal });
    }),
  );
  const ready = new Promise<string>((done, fail) => {
    const listening = () => {
      const port = /läuft auf http:\/\/localhost:(\d+)/.exec(stdout)?.[1];
      if (port) done(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', listening);
    exited.then(({ code, signal }) =>
      fail(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
  });
  ready.catch(() => {});
  return {
    pid: child.pid as number,
    ready,
    exited,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** `npm run user` or `npm run import` as a clerk runs it. */
function command(
  script: 'user' | 'import',
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    err += text;
  });
  child.stdin.end(input ?? '');
  return new Promise((done) =>
    child.on('close', (code) => {
      started.delete(child);
      done({ code, out, err });
    }),
  );
}

const shownPassword = (out: string) => /^ {4}(\S+)$/m.exec(out)?.[1] as string;

async function login(base: string, name: string, password: string) {
  const response = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { status: response.status, cookie };
}

async function getJson(base: string, path: string, cookie: string) {
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  expect(response.status, path).toBe(200);
  return response.json();
}

/** AWO's people in counselling on 01.01.2021 as the district office sees them. */
async function awoActive(base: string, cookie: string): Promise<number | null> {
  const body = await getJson(base, '/api/v1/indicators?date=2021-01-01&provider=AWO', cookie);
  return body.indicators.find((i: { id: string }) => i.id === 'clients_active').value;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zb-one-writer-'));
});

afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

if (DATABASE_KIND === 'pglite') {
  describe('one process per PGlite data folder', () => {
    let base: string;

    /** A copy of the prepared folder: the demonstration data less AWO, no accounts. */
    const folder = (name: string) => {
      const copy = join(dir, name);
      cpSync(base, copy, { recursive: true });
      return copy;
    };

    async function withFolder<T>(dataDir: string, work: (handle: DatabaseHandle) => Promise<T>) {
      const handle = await openDatabase({ dataDir });
      try {
        return await work(handle);
      } finally {
        await handle.close();
      }
    }

    beforeAll(async () => {
      const manifest = join(dir, 'manifest');
      cpSync(DEMO_DIR, manifest, { recursive: true });
      const { exports } = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8')) as {
        exports: { provider: string }[];
      };
      writeFileSync(
        join(manifest, 'manifest.json'),
        JSON.stringify({ exports: exports.filter((entry) => entry.provider !== 'AWO') }),
      );
      base = join(dir, 'base');
      await withFolder(base, async (handle) => {
        await migrate(handle);
        await loadDemonstrationData(handle, DISTRICT, manifest);
      });
    }, TIMEOUT);

    it(
      'npm run user and npm run import work through the running server; all is there after a restart',
      async () => {
        const dataDir = folder('through');
        const env = { DATA_DIR: dataDir };
        let server = launchServer(env);
        let url = await server.ready;
        // Only this operating-system user can reach the server's channel.
        expect(statSync(channelPath(dataDir)).mode & 0o777).toBe(0o600);

        const funder = await command('user', ['add', '--role', 'funder', 'rp.stuttgart'], env);
        expect(funder.code, funder.err).toBe(0);
        expect(funder.out).toContain('Konto „rp.stuttgart“ angelegt: Fördermittelgeber.');
        const password = shownPassword(funder.out);
        expect((await login(url, 'rp.stuttgart', password)).status).toBe(200);

        const admin = await command(
          'user',
          ['add', '--role', 'admin', '--password-stdin', ADMIN.name],
          env,
          `${ADMIN.password}\n`,
        );
        expect(admin.code, admin.err).toBe(0);
        expect(admin.out).not.toContain(ADMIN.password);
        // Refusals read and exit as when the command runs on its own.
        const unknown = await command(
          'user',
          ['add', '--role', 'provider', '--provider', 'XYZ', 'x.y'],
          env,
        );
        expect(unknown.code).toBe(1);
        expect(unknown.err).toContain('Den Träger „XYZ“ gibt es nicht. Bekannt: AWO');
        const list = await command('user', ['list'], env);
        expect(list.out).toMatch(/^rp\.stuttgart\s+funder\s+aktiv$/m);
        expect(list.out).not.toMatch(/^x\.y/m);

        let { cookie } = await login(url, ADMIN.name, ADMIN.password);
        expect(await awoActive(url, cookie)).toBe(0);
        const imported = await command(
          'import',
          ['--provider', 'awo', '--as-of', '2021-03-01', AWO_EXPORT],
          env,
        );
        expect(imported.code, imported.err).toBe(0);
        expect(imported.out).toContain('Importiert: AWO, Stand 01.03.2021');
        expect(imported.out).toContain('Zeilen gelesen: 643; neu: 643;');
        const active = await awoActive(url, cookie);
        expect(active).toBeGreaterThan(0);
        const wrongProvider = await command(
          'import',
          ['--provider', 'NOPE', '--as-of', '2021-03-01', AWO_EXPORT],
          env,
        );
        expect(wrongProvider.code).toBe(2);
        expect(wrongProvider.err).toContain('Unbekannter Träger „NOPE“');
        expect(wrongProvider.err).toContain('Aufruf: npm run import');

        // Audit entries as from the command line: its user, from `lokal`.
        const { entries } = await getJson(url, '/api/v1/audit?limit=50', cookie);
        const actor = `cli:${userInfo().username}`;
        expect(entries).toContainEqual(
          expect.objectContaining({ action: 'import', actor, source: 'lokal' }),
        );
        expect(entries).toContainEqual(
          expect.objectContaining({
            action: 'user_added',
            target: 'rp.stuttgart',
            actor,
            source: 'lokal',
          }),
        );

        expect(await server.stop()).toEqual({ code: 0, signal: null });
        expect(existsSync(channelPath(dataDir))).toBe(false);

        server = launchServer(env);
        url = await server.ready;
        expect((await login(url, 'rp.stuttgart', password)).status).toBe(200);
        ({ cookie } = await login(url, ADMIN.name, ADMIN.password));
        expect(await awoActive(url, cookie)).toBe(active);
        const log = await getJson(url, '/api/v1/imports', cookie);
        expect(log.imports).toContainEqual(
          expect.objectContaining({ provider: 'AWO', as_of: '2021-03-01', status: 'imported' }),
        );
        await server.stop();
      },
      TIMEOUT,
    );

    it(
      'while another process has the folder, commands and a server are refused with exit 1 and nothing is written',
      async () => {
        const dataDir = folder('held');
        const env = { DATA_DIR: dataDir };
        // The test holds the folder, as a running import or a starting server would.
        const holder = await openDatabase({ dataDir });
        try {
          const added = await command('user', ['add', '--role', 'funder', 'rp.stuttgart'], env);
          expect(added.code).toBe(1);
          expect(added.err).toContain(`Der Datenordner ${dataDir} ist gerade von einem anderen`);
          expect(added.err).toContain('es wurde nichts geändert');
          expect(added.err).toContain('den Server beenden');
          expect(added.out).toBe('');

          const imported = await command(
            'import',
            ['--provider', 'AWO', '--as-of', '2021-03-01', AWO_EXPORT],
            env,
          );
          expect(imported.code).toBe(1);
          expect(imported.err).toContain('es wurde nichts importiert');
          expect(imported.err).toContain('auf der Seite „Daten“');
          expect(imported.out).toBe('');

          const server = launchServer(env);
          expect((await server.exited).code).toBe(1);
          expect(server.stderr()).toContain(
            `Der Datenordner ${dataDir} ist gerade von einem anderen Prozess geöffnet`,
          );
        } finally {
          await holder.close();
        }
        await withFolder(dataDir, async ({ db }) => {
          expect(await db.selectFrom('users').select('name').execute()).toEqual([]);
          expect(
            await db.selectFrom('imports').select('id').where('provider', '=', 'AWO').execute(),
          ).toEqual([]);
          expect(
            await db
              .selectFrom('audit_log')
              .select('action')
              .where('action', 'in', ['user_added', 'import'])
              .execute(),
          ).toEqual([]);
        });
      },
      TIMEOUT,
    );

    it(
      'of two servers on one folder one is refused; a server killed with SIGKILL blocks nothing and loses nothing it stored',
      async () => {
        const dataDir = folder('two');
        const env = { DATA_DIR: dataDir };
        // Both at the same moment: exactly one gets the folder.
        const pair = [launchServer(env), launchServer(env)];
        const outcomes = await Promise.all(
          pair.map((server) =>
            Promise.race([
              server.ready.then(() => 'running' as const),
              server.exited.then(() => 'refused' as const),
            ]),
          ),
        );
        expect([...outcomes].sort()).toEqual(['refused', 'running']);
        const running = pair[outcomes.indexOf('running')] as ServerProcess;
        const refused = pair[outcomes.indexOf('refused')] as ServerProcess;
        expect((await refused.exited).code).toBe(1);
        expect(refused.stderr()).toContain(`Datenordner ${dataDir}`);
        const url = await running.ready;

        const third = launchServer(env);
        expect((await third.exited).code).toBe(1);
        expect(third.stderr()).toContain(
          `Auf dem Datenordner ${dataDir} läuft schon ein Server (Prozess ${running.pid}, http://localhost:${new URL(url).port})`,
        );
        expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);

        const added = await command('user', ['add', '--role', 'press', 'presse'], env);
        expect(added.code, added.err).toBe(0);
        expect(await running.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
        // The killed server's socket is left behind; nobody listens on it any more.
        expect(existsSync(channelPath(dataDir))).toBe(true);

        const list = await command('user', ['list'], env);
        expect(list.code, list.err).toBe(0);
        expect(list.out).toMatch(/^presse\s+press\s+aktiv$/m);
        const next = launchServer(env);
        const nextUrl = await next.ready;
        expect((await login(nextUrl, 'presse', shownPassword(added.out))).status).toBe(200);
        await next.stop();
      },
      TIMEOUT,
    );

    it(
      'commands started at the same moment without a server: each is stored or refused, none lost',
      async () => {
        const dataDir = folder('race');
        const env = { DATA_DIR: dataDir };
        const names = ['eins.a', 'zwei.b', 'drei.c'];
        const results = await Promise.all(
          names.map((name) => command('user', ['add', '--role', 'press', name], env)),
        );
        for (const result of results) {
          if (result.code === 0) expect(result.out).toContain('angelegt');
          else expect(result.err).toContain('ist gerade von einem anderen Prozess geöffnet');
          expect([0, 1]).toContain(result.code);
        }
        const stored = names.filter((_, index) => results[index]?.code === 0);
        expect(stored.length).toBeGreaterThan(0);
        await withFolder(dataDir, async ({ db }) => {
          const users = await db.selectFrom('users').select('name').orderBy('name').execute();
          expect(users.map((user) => user.name)).toEqual([...stored].sort());
        });
      },
      TIMEOUT,
    );

    it(
      'without the flock program a folder is not opened unlocked',
      async () => {
        const dataDir = folder('no-flock');
        const result = await command('user', ['list'], { DATA_DIR: dataDir, PATH: '/nonexistent' });
        expect(result.code).toBe(1);
        expect(result.err).toContain('das Programm „flock“ fehlt');
        expect(result.out).toBe('');
      },
      TIMEOUT,
    );
  });
} else {
  describe('several processes on one PostgreSQL database', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase({ demonstrationData: true });
    }, TIMEOUT);
    afterAll(async () => {
      await database?.drop();
    });

    it(
      'two servers and npm run user share it; the new account logs in on both at once',
      async () => {
        const env = { DATABASE_URL: database.url as string, DATA_DIR: join(dir, 'unused') };
        const servers = [launchServer(env), launchServer(env)];
        const urls = await Promise.all(servers.map((server) => server.ready));
        const added = await command('user', ['add', '--role', 'funder', 'rp.stuttgart'], env);
        expect(added.code, added.err).toBe(0);
        for (const url of urls) {
          expect((await login(url, 'rp.stuttgart', shownPassword(added.out))).status).toBe(200);
        }
        // No data folder is opened at all.
        expect(existsSync(join(dir, 'unused'))).toBe(false);
        await Promise.all(servers.map((server) => server.stop()));
      },
      TIMEOUT,
    );
  });
}
