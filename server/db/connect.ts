// Opens the database: PostgreSQL through `pg` when a URL is given, PGlite on disk (or in
// memory) otherwise. Both hand the same value shapes to the code above them.
import { connect as connectSocket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type DataFolderLock, lockDataFolder } from './data-folder-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import {
  type ClusterKind,
  checkDataFolder,
  folderCluster,
  noteDataFolder,
  PGLITE_CLUSTER,
} from './pglite-folder.ts';
import { freshCluster, PGLITE_START_PARAMS, writeFreshCluster } from './pglite-memory.ts';
import type { Database } from './types.ts';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;
const asText = (value: string) => value;

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<Database>;
  /**
   * The database for the work of one request whose client may go away: once `signal` is
   * aborted, no query waits any longer for a connection of the pool, and a query under way
   * is cancelled in PostgreSQL (its connection is then closed rather than reused, so that
   * the cancel cannot reach a later query). On PGlite the same as `db`: its queries run one
   * at a time in this process and cannot be interrupted.
   */
  cancellable(signal: AbortSignal): Kysely<Database>;
  /**
   * Resolves when the database is there, rejects when not. PostgreSQL: a `SELECT 1` over the
   * pool, another process reached over connections that can fail. PGlite runs in this
   * process one query at a time: a query would wait behind any long one under way (a
   * district's headline audit, an import) and say no more than that it is open.
   */
  alive(): Promise<void>;
  /** Runs a script of several statements in one round trip (the simple query protocol). */
  runScript(script: string): Promise<void>;
  /**
   * Runs `work` on one connection held for its whole duration, as a bulk load needs it: a
   * transaction, temporary tables and COPY all live on that one connection.
   */
  session<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Listens for NOTIFY on `channel` (sent by a transaction when it commits, in this process
   * or another): `onNotify` after each notification, and also as soon as a `session` of this
   * handle has ended (the bulk work that changes data: this process sees its own changes at
   * once, before PostgreSQL's notification has come back on the other connection);
   * `onListening` once notifications are sure to arrive (again); `onLost` when some may have
   * been missed because the listening connection ended (PostgreSQL only: it is opened again
   * by itself, with growing pauses). Returns the function that stops listening.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotify(): void;
  onListening(): void;
  onLost(): void;
}

/** Pauses before the listening connection is opened again after a loss: growing, bounded. */
const LISTEN_RETRY_MS = { first: 250, most: 30_000 } as const;
/** How long the listening connection may take to open before it counts as lost. */
const LISTEN_CONNECT_TIMEOUT_MS = 5_000;

export interface Session {
  /** Queries on the session's connection (BEGIN … COMMIT here spans the whole session). */
  readonly db: Kysely<Database>;
  /**
   * `COPY table (columns) FROM STDIN` in PostgreSQL's text format: every chunk holds whole
   * lines, tab-separated, `\N` for null. PostgreSQL streams the chunks with back pressure;
   * PGlite copies each chunk from a blob.
   */
  copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number>;
}

/**
 * Memory a bulk session may use on the database side: hash joins and aggregates over a
 * million staged rows stay in memory instead of spilling to disk. PGlite's memory is this
 * process's own and never given back, so it gets less (64 MB peaked at 685 MB for 200,000
 * rows, 16 MB at 550 MB; with the stored stretches 16 MB peaked at 479 to 510 MB, 8 MB at
 * 411 MB and the import was faster: docs/benchmarks.md).
 */
const BULK_MEMORY = {
  postgres: { tempBuffers: '256MB', workMem: '256MB' },
  pglite: { workMem: '8MB' },
} as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`Not an identifier for COPY: ${name}`);
  }
  return `COPY ${table} (${columns.join(', ')}) FROM ${source}`;
}

/**
 * A database to open: a PostgreSQL server, a PGlite folder, or PGlite in memory, which may
 * start from an archive of another in-memory database (`dumpDataDir`; the tests' prepared
 * copies, server/test/global-setup.ts) instead of the fresh cluster.
 */
export type DatabaseTarget =
  | { url: string }
  | { dataDir: string }
  | { memory: true; archive?: Blob };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return 'url' in target ? openPostgres(target.url) : openPGlite(target);
}

const ignoreConnectionError = () => {};

/** The part of a pooled `pg` client that a cancel needs. */
interface BackendOf {
  host: string;
  port: number;
  processID: number | null;
  secretKey: number | null;
}

/**
 * Asks PostgreSQL to cancel what a backend is running: a CancelRequest on a connection of
 * its own (the protocol's way; the backend's own connection is busy with the query).
 */
function cancelBackend({ host, port, processID, secretKey }: BackendOf): void {
  if (processID === null || secretKey === null) return;
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4);
  message.writeInt32BE(processID, 8);
  message.writeInt32BE(secretKey, 12);
  const socket = host.startsWith('/')
    ? connectSocket(`${host}/.s.PGSQL.${port}`)
    : connectSocket(port, host);
  socket.on('error', ignoreConnectionError);
  socket.setTimeout(5000, () => socket.destroy());
  socket.once('connect', () => socket.end(message));
}

/**
 * The pool as Kysely sees it, for the queries of one request: a connection is not waited
 * for once `signal` is aborted, and a query under way then is cancelled.
 */
function cancellablePool(pool: pg.Pool, signal: AbortSignal): pg.Pool {
  const acquire = () =>
    new Promise<pg.PoolClient>((resolve, reject) => {
      const pending = pool.connect();
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (client) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) {
            client.release();
            reject(signal.reason);
          } else resolve(client);
        },
        (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  const wrapper = {
    async connect() {
      signal.throwIfAborted();
      const client = await acquire();
      let cancelled = false;
      return {
        async query(text: string, values?: unknown[]) {
          signal.throwIfAborted();
          const onAbort = () => {
            cancelled = true;
            cancelBackend(client as unknown as BackendOf);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            return await client.query(text, values);
          } finally {
            signal.removeEventListener('abort', onAbort);
          }
        },
        // A connection a cancel was sent to is closed: the cancel may arrive after its query
        // ended and would otherwise stop the next one. So is one whose request has gone, or
        // one Kysely discards (its ROLLBACK failed): it may still hold an open transaction,
        // which the next user of the pool would otherwise commit.
        release: (discard?: unknown) =>
          client.release(
            cancelled || signal.aborted || discard === true
              ? new Error('connection of a stopped request')
              : undefined,
          ),
      };
    },
    end: async () => {},
  };
  return wrapper as unknown as pg.Pool;
}

function openPostgres(url: string): DatabaseHandle {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === OID.date
        ? asText
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  // PostgreSQL's JIT compiles a query to machine code when the planner thinks it costly: the
  // state-wide figures on a day within a month spent over a second compiling (EXPLAIN
  // ANALYZE, 1,000,000 cases) and ran no faster for it. Parallel workers likewise: a day
  // within a month of Ludwigsburg (two index ranges of case_stretches, 2,500 stretches) took
  // 47–58 ms with two workers and 15–16 ms without, and a server's requests already keep
  // the cores busy side by side. Both off for the pool's connections.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    options: '-c jit=off -c max_parallel_workers_per_gather=0',
  });
  // A connection the server ends (a restart, a dropped database) reports an error event.
  // Queries on it fail on their own; an event that nobody listens to would end the process,
  // as it did when a database was dropped while pool.end() was still closing a connection.
  pool.on('connect', (client) => client.on('error', ignoreConnectionError));
  pool.on('error', ignoreConnectionError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const sessionEnded = new Set<() => void>();
  return {
    kind: 'postgres',
    db,
    async alive() {
      await sql`SELECT 1`.execute(db);
    },
    cancellable: (signal) =>
      new Kysely<Database>({
        dialect: new PostgresDialect({ pool: cancellablePool(pool, signal) }),
      }),
    async runScript(script) {
      const client = await pool.connect();
      try {
        await client.query(script);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async session(work) {
      // A connection of its own, outside the pool: its settings for bulk work (memory for
      // temporary tables can only be set before the first one) end with it.
      const client = new pg.Client({ connectionString: url, types });
      client.on('error', ignoreConnectionError);
      await client.connect();
      await client.query(`SET temp_buffers = '${BULK_MEMORY.postgres.tempBuffers}'`);
      await client.query(`SET work_mem = '${BULK_MEMORY.postgres.workMem}'`);
      // A pool of this one client: Kysely's queries in the session all run on it.
      const single = {
        connect: async () => ({ query: client.query.bind(client), release() {} }),
        end: async () => {},
      } as unknown as pg.Pool;
      const sessionDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: single }) });
      let broken = false;
      try {
        return await work({
          db: sessionDb,
          async copyIn(table, columns, chunks) {
            const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
            const failed = new Promise<never>((_, reject) => stream.once('error', reject));
            failed.catch(() => {});
            const finished = new Promise<void>((resolve) => stream.once('finish', resolve));
            const closed = new Promise<void>((resolve) => stream.once('close', resolve));
            try {
              for await (const chunk of chunks) {
                if (!stream.write(chunk)) {
                  await Promise.race([
                    new Promise<void>((resolve) => stream.once('drain', resolve)),
                    failed,
                  ]);
                }
              }
            } catch (error) {
              // CopyFail: the server aborts the COPY and the connection stays usable.
              stream.destroy(error as Error);
              await closed;
              throw error;
            }
            stream.end();
            await Promise.race([finished, failed]);
            return stream.rowCount;
          },
        });
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A session that failed may hold an open transaction: end it, or drop the connection.
        if (broken) await client.query('ROLLBACK').catch(() => {});
        try {
          await client.end().catch(() => {});
          await sessionDb.destroy();
        } finally {
          for (const ended of sessionEnded) ended();
        }
      }
    },
    async listen(channel, { onNotify, onListening, onLost }) {
      if (!IDENTIFIER.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      // A connection of its own, outside the pool: it holds the LISTEN for as long as it
      // lives. It can end under the server (a restart of PostgreSQL, a terminated backend):
      // then notifications may have been missed, which the listener is told, and a new
      // connection listens again.
      let stopped = false;
      /** The connection that listens, or is on its way to: ended by the stop. */
      let current: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;
      let pause: number = LISTEN_RETRY_MS.first;
      const open = async () => {
        const client = new pg.Client({
          connectionString: url,
          types,
          application_name: `zwischenbilanz listen ${channel}`,
          // An idle connection that died without a word (a network or a firewall dropping
          // it) is found by TCP keep-alive probes instead of waiting for ever.
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
          // A server that takes the connection but does not answer holds neither the start
          // (this runs while the server's plugins load) nor the stop for long.
          connectionTimeoutMillis: LISTEN_CONNECT_TIMEOUT_MS,
        });
        current = client;
        let ended = false;
        const lose = () => {
          if (ended) return;
          ended = true;
          if (current === client) current = undefined;
          client.end().catch(ignoreConnectionError);
          if (stopped) return;
          onLost();
          retry = setTimeout(() => void open(), pause);
          retry.unref();
          pause = Math.min(pause * 2, LISTEN_RETRY_MS.most);
        };
        client.on('error', lose);
        client.on('end', lose);
        client.on('notification', (message) => {
          if (message.channel === channel) onNotify();
        });
        try {
          await client.connect();
          await client.query(`LISTEN ${channel}`);
        } catch {
          lose();
          return;
        }
        if (stopped || ended) {
          ended = true;
          await client.end().catch(ignoreConnectionError);
          return;
        }
        pause = LISTEN_RETRY_MS.first;
        onListening();
      };
      sessionEnded.add(onNotify);
      await open();
      return async () => {
        stopped = true;
        sessionEnded.delete(onNotify);
        clearTimeout(retry);
        await current?.end().catch(ignoreConnectionError);
      };
    },
    close: () => db.destroy(),
  };
}

/**
 * A PGlite release to open a folder with: the installed one, or (for `npm run data:upgrade`
 * alone, pglite-upgrade.ts) the earlier one that made an old folder, with what it runs.
 */
export interface PGliteEngine {
  create: typeof PGlite.create;
  cluster: ClusterKind;
  /** Options of the installed release that keep its memory down (pglite-memory.ts). */
  lean?: boolean;
}
const INSTALLED: PGliteEngine = {
  create: PGlite.create.bind(PGlite),
  cluster: PGLITE_CLUSTER,
  lean: true,
};

/** PGlite with the engine and the PGlite instance itself, for copying between two of them. */
export async function openPGlite(
  target: { dataDir: string } | { memory: true; archive?: Blob },
  engine: PGliteEngine = INSTALLED,
): Promise<DatabaseHandle & { pglite: PGlite }> {
  // Held until close(): no other process may open the folder meanwhile (data-folder-lock.ts).
  const lock: DataFolderLock | undefined =
    'dataDir' in target ? lockDataFolder(target.dataDir) : undefined;
  let pglite: PGlite;
  try {
    // A folder another PGlite made would open empty here (pglite-folder.ts).
    if ('dataDir' in target) checkDataFolder(target.dataDir, engine.cluster);
    // A new folder (or database in memory) starts from the shipped fresh cluster rather than
    // being made by initdb, whose peak is twice the 500 MB a process may use
    // (pglite-memory.ts): a folder gets it written before PGlite opens it, a database in
    // memory has PGlite load it.
    let loadDataDir: Blob | undefined;
    if (!('dataDir' in target))
      loadDataDir = target.archive ?? (engine.lean ? freshCluster() : undefined);
    if (engine.lean && 'dataDir' in target && folderCluster(target.dataDir) === null) {
      writeFreshCluster(target.dataDir);
    }
    pglite = await engine.create('dataDir' in target ? target.dataDir : 'memory://', {
      parsers: { [OID.int8]: asText, [OID.numeric]: asText, [OID.date]: asText },
      ...(engine.lean ? { startParams: [...PGLITE_START_PARAMS] } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  if ('dataDir' in target) noteDataFolder(target.dataDir, engine.cluster);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const sessionEnded = new Set<() => void>();
  return {
    kind: 'pglite',
    pglite,
    db,
    async alive() {
      if (pglite.closed) throw new Error('The embedded database (PGlite) is closed.');
    },
    cancellable: () => db,
    async runScript(script) {
      // Borrow the dialect's single connection so the script cannot interleave with queries.
      await db.connection().execute(async () => {
        try {
          await pglite.exec(script);
        } catch (error) {
          await pglite.exec('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          await pglite.exec('RESET work_mem').catch(() => {});
        }
      });
    },
    session(work) {
      return db.connection().execute(async (connection) => {
        try {
          await pglite.exec(`SET work_mem = '${BULK_MEMORY.pglite.workMem}'`);
          return await work({
            db: connection,
            async copyIn(table, columns, chunks) {
              const statement = copyStatement(table, columns, "'/dev/blob'");
              let rows = 0;
              for await (const chunk of chunks) {
                const result = await pglite.query(statement, [], { blob: new Blob([chunk]) });
                rows += result.affectedRows ?? 0;
              }
              return rows;
            },
          });
        } catch (error) {
          await pglite.exec('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          for (const ended of sessionEnded) ended();
        }
      });
    },
    async listen(channel, { onNotify, onListening }) {
      if (!IDENTIFIER.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      // On the dialect's one connection, so that the LISTEN cannot land inside another
      // caller's transaction (a rollback would undo it). PGlite hands a notification over
      // when the query that committed it returns; this process is the only one on the folder.
      const unlisten = await db.connection().execute(() => pglite.listen(channel, onNotify));
      sessionEnded.add(onNotify);
      onListening();
      return async () => {
        sessionEnded.delete(onNotify);
        await db
          .connection()
          .execute(() => unlisten())
          .catch(() => {});
      };
    },
    async close() {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
