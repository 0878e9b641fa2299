// The running server's door for `npm run user` and `npm run import` on its PGlite data
// folder. Only one process may open the folder (db/data-folder-lock.ts), so while the server
// runs it carries these commands out itself: the command sends what it was asked, and the
// file, over a Unix domain socket in the data folder; the server runs the same code the
// command runs on its own (user-command.ts, import-command.ts) and sends back, line by line,
// what that prints, the import's progress and the exit code. The socket is the server's
// operating-system user's alone (mode 0600), as the data folder is: whoever can connect could
// open the folder anyway.
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger } from 'fastify';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { ROLES } from '../../contract/labels.ts';
import { passwordProblem } from '../accounts/secrets.ts';
import { commandLineActor } from '../audit/audit-log.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Role } from '../db/types.ts';
import type { ImportProgress } from '../import/import-export.ts';
import { runImportCommand } from './import-command.ts';
import type { CommandOutput } from './output.ts';
import { runUserCommand } from './user-command.ts';

const SOCKET_FILE = 'zwischenbilanz.sock';
/** A Unix socket's address is short: 108 bytes on Linux, 104 on macOS, the final zero included. */
const MAX_SOCKET_PATH = 103;

export const channelPath = (dataDir: string) => join(dataDir, SOCKET_FILE);

/** What the server sends back: one JSON object a line. */
type ChannelEvent =
  | { out: string }
  | { err: string }
  | { progress: ImportProgress }
  | { exit: number };

/** The operating-system account running the command: `cli:NAME`, as the audit log names it. */
const Actor = Type.String({ pattern: '^cli:', maxLength: 200 });
/** The district of the command's own configuration. */
const District = Type.String({ pattern: '^[0-9]{5}$' });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Password = Type.String({ maxLength: 1000 });

const UserRequest = Type.Object({
  actor: Actor,
  district: District,
  command: Type.Union([
    Type.Object({
      command: Type.Literal('add'),
      name: Name,
      role: Type.Unsafe<Role>(Type.Union(ROLES.map((role) => Type.Literal(role)))),
      provider: Type.Union([Type.String({ maxLength: 50 }), Type.Null()]),
      password: Password,
      generated: Type.Boolean(),
    }),
    Type.Object({
      command: Type.Literal('reset'),
      name: Name,
      password: Password,
      generated: Type.Boolean(),
    }),
    Type.Object({
      command: Type.Union([Type.Literal('disable'), Type.Literal('enable')]),
      name: Name,
    }),
    Type.Object({ command: Type.Literal('list') }),
  ]),
});
export type UserRequest = Static<typeof UserRequest>;

const ImportRequest = Type.Object({
  actor: Actor,
  command: Type.Object({
    district: District,
    provider: Type.String({ minLength: 1, maxLength: 50 }),
    asOf: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
    fileName: Type.String({ maxLength: 1000 }),
    dryRun: Type.Boolean(),
    force: Type.Boolean(),
  }),
});
export type ImportRequest = Static<typeof ImportRequest>;

const USER_REQUEST_LIMIT = 64 * 1024;
/** Only a command of another version than the server's sends what the server cannot read. */
const NOT_UNDERSTOOD =
  'Der Server versteht diesen Befehl nicht: Befehl und Server sind wohl verschieden alt. ' +
  'Den Server neu starten und den Befehl wiederholen.';

export interface ChannelOwner {
  /** The server's process. */
  pid: number;
  /** The port it answers HTTP on, once it listens. */
  port: number | null;
}

export interface LocalChannelOptions {
  dataDir: string;
  database: DatabaseHandle;
  log: FastifyBaseLogger;
  port(): number | null;
}

export interface LocalChannel {
  /** Takes no more commands, lets those running finish, and removes the socket. */
  close(): Promise<void>;
}

/**
 * Opens the channel in the data folder; the caller holds the folder's lock. Undefined when the
 * folder's path is too long for a socket: commands are then refused while the server runs.
 */
export async function openLocalChannel(
  options: LocalChannelOptions,
): Promise<LocalChannel | undefined> {
  const path = channelPath(options.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    options.log.warn(
      { path },
      'data folder path too long for a Unix socket: npm run user and npm run import are refused while the server runs',
    );
    return undefined;
  }
  // This process holds the folder's lock: a socket left here is from a server that was killed.
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    serve(options, req, res).catch((error: unknown) => {
      options.log.error({ err: error }, 'local command failed');
      if (res.headersSent && !res.writableEnded) {
        // What the command prints when it fails on its own is Node's trace; the server keeps
        // that in its log and says where it is.
        res.end(
          `${JSON.stringify({ err: 'Der Befehl ist im Server fehlgeschlagen; Einzelheiten stehen im Log des Servers.' })}\n${JSON.stringify({ exit: 1 })}\n`,
        );
      } else {
        res.destroy();
      }
    });
  });
  // The socket file is created with the process's umask: for that moment, one that leaves it
  // to this user alone (0600), so that no one else can ever connect.
  const umask = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(umask);
  }
  await once(server, 'listening');
  return {
    async close() {
      await new Promise((done) => server.close(done));
      rmSync(path, { force: true });
    },
  };
}

async function serve(options: LocalChannelOptions, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://lokal');
  if (req.method === 'GET' && url.pathname === '/owner') {
    const owner: ChannelOwner = { pid: process.pid, port: options.port() };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(owner));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const send = (event: ChannelEvent) => res.write(`${JSON.stringify(event)}\n`);
  const output: CommandOutput = {
    out: (text) => send({ out: text }),
    err: (text) => send({ err: text }),
  };
  const finish = (code: number) => {
    send({ exit: code });
    res.end();
  };
  const refuse = (message: string) => {
    output.err(message);
    finish(2);
  };
  const actor = (caller: { actor: string }) => ({ ...commandLineActor(), actor: caller.actor });

  if (req.method === 'POST' && url.pathname === '/user') {
    const body = await readJson(req, USER_REQUEST_LIMIT);
    if (!Value.Check(UserRequest, body)) return refuse(NOT_UNDERSTOOD);
    const { command } = body;
    if ('password' in command) {
      const problem = passwordProblem(command.password);
      if (problem) return refuse(problem);
    }
    options.log.info({ command: command.command }, 'npm run user through the local channel');
    finish(await runUserCommand(options.database, body.district, command, actor(body), output));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/import') {
    let body: unknown;
    try {
      body = JSON.parse(url.searchParams.get('request') ?? '');
    } catch {
      body = undefined;
    }
    if (!Value.Check(ImportRequest, body)) return refuse(NOT_UNDERSTOOD);
    options.log.info(
      { provider: body.command.provider, as_of: body.command.asOf },
      'npm run import through the local channel',
    );
    // The file as the command read it, in a private folder until the import is done. An
    // upload cut short (the command stopped) is never imported.
    const dir = await mkdtemp(join(tmpdir(), 'zb-befehl-'));
    try {
      const file = join(dir, 'export');
      await pipeline(req, createWriteStream(file, { mode: 0o600 }));
      if ((await stat(file)).size !== Number(req.headers['content-length'])) {
        output.err('Die Datei kam nicht vollständig beim Server an; nichts wurde importiert.');
        return finish(1);
      }
      finish(
        await runImportCommand(options.database, body.command, file, actor(body), output, (p) =>
          send({ progress: p }),
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  refuse(`Unbekannte Anfrage ${req.method} ${url.pathname}.`);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Errors that mean nobody listens on the socket: no server runs on the folder. */
const NO_SERVER = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'EACCES']);

export type ChannelRequest =
  | { path: '/user'; body: UserRequest }
  | { path: '/import'; body: ImportRequest; file: string; size: number };

/**
 * Hands the command to the server running on the data folder and prints what it sends back;
 * resolves with the exit code, or undefined when no server listens (then nothing was sent).
 */
export function runOnServer(
  dataDir: string,
  ask: ChannelRequest,
  output: CommandOutput,
  onProgress?: (progress: ImportProgress) => void,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    let exit: number | undefined;
    const settle = (code: number | undefined) => {
      if (settled) return;
      settled = true;
      if (code === undefined && connected) {
        output.err(
          'Die Verbindung zum Server brach ab, bevor er das Ergebnis meldete. Ob der Befehl ' +
            'ausgeführt wurde, steht im Protokoll (Seite „Protokoll“ oder GET /api/v1/audit).',
        );
        code = 1;
      }
      resolve(code);
    };
    const path =
      ask.path === '/import'
        ? `/import?request=${encodeURIComponent(JSON.stringify(ask.body))}`
        : '/user';
    const body = ask.path === '/user' ? JSON.stringify(ask.body) : undefined;
    const req = request({
      socketPath: channelPath(dataDir),
      method: 'POST',
      path,
      agent: false,
      headers: {
        'content-type': ask.path === '/user' ? 'application/json' : 'application/octet-stream',
        'content-length': ask.path === '/user' ? Buffer.byteLength(body as string) : ask.size,
      },
    });
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      settle(!connected && NO_SERVER.has(error.code ?? '') ? undefined : exit);
    });
    req.on('response', (res) => {
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        const event = JSON.parse(line) as ChannelEvent;
        if ('out' in event) output.out(event.out);
        else if ('err' in event) output.err(event.err);
        else if ('progress' in event) onProgress?.(event.progress);
        else exit = event.exit;
      });
      lines.on('close', () => settle(exit));
      res.on('error', () => settle(exit));
    });
    if (ask.path === '/import') {
      const file = createReadStream(ask.file);
      file.on('error', (error) => req.destroy(error));
      file.pipe(req);
    } else {
      req.end(body);
    }
  });
}

/**
 * Why a command did not run: another process has the data folder and takes no commands (a
 * server still starting or stopping, or another command). `nothing`: what was not done.
 */
export function folderHeldMessage(dataDir: string, nothing: string): string {
  return (
    `Der Datenordner ${dataDir} ist gerade von einem anderen Prozess geöffnet: einem Server, ` +
    'der noch startet oder endet, oder einem anderen Import- oder Kontobefehl. Auf einen ' +
    `PGlite-Datenordner darf nur ein Prozess zugleich schreiben; ${nothing}\n` +
    'Bitte warten, bis er fertig ist, und den Befehl wiederholen: läuft dann der Server, führt ' +
    'er den Befehl selbst aus. Oder den Server beenden und den Befehl danach ausführen.'
  );
}

/** The server on the data folder, if one answers: for messages that name it. */
export function askOwner(dataDir: string): Promise<ChannelOwner | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: channelPath(dataDir), path: '/owner', agent: false, timeout: 3000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as ChannelOwner);
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
