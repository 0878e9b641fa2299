// The server as a child process for the benchmarks, started as `npm start` starts it: the
// bundled server (scripts/server-bundle.mjs, made first when missing or stale), or with
// `source: 'tsx'` the TypeScript sources through tsx (`node --import tsx server/main.ts`, as
// before issue #15). On a PostgreSQL database, on loopback, on a free port, rate limits off,
// warnings only.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The bundle of the checkout's server, made (outside the timing) when missing or stale. */
async function serverBundleOf(root: string): Promise<string> {
  const module = (await import(pathToFileURL(resolve(root, 'scripts/server-bundle.mjs')).href)) as {
    serverBundle(log?: (line: string) => void): Promise<string | null>;
  };
  const bundle = await module.serverBundle(() => undefined);
  if (!bundle) throw new Error(`No server bundle in ${root}: is esbuild installed?`);
  return bundle;
}

/** The checkout whose server runs: this one, or another (`BENCH_SERVER_ROOT`) to compare. */
const ROOT = process.env.BENCH_SERVER_ROOT || resolve(import.meta.dirname, '../..');

export interface Server {
  child: ChildProcess;
  base: string;
  /** Milliseconds from the spawn until the server said it listens. */
  listeningAfter: number;
  stop(): Promise<void>;
}

/** The arguments that start the server: the bundle (made now if missing or stale) or tsx. */
export async function serverEntry(source: 'bundle' | 'tsx' = 'bundle'): Promise<string[]> {
  // A checkout from before the bundle (BENCH_SERVER_ROOT) runs its sources through tsx.
  if (source === 'tsx' || !existsSync(resolve(ROOT, 'scripts/server-bundle.mjs')))
    return ['--import', 'tsx', 'server/main.ts'];
  return [await serverBundleOf(ROOT)];
}

export async function startServer(
  url: string,
  options: { cpuProf?: string; district?: string; quiet?: boolean; source?: 'bundle' | 'tsx' } = {},
): Promise<Server> {
  const entry = await serverEntry(options.source);
  const started = performance.now();
  const args = [
    ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : []),
    ...entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: '0',
      HOST: '127.0.0.1',
      DISTRICT: options.district ?? '08118',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_FIGURES_PER_MINUTE: '0',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /läuft auf http:\/\/localhost:(\d+)/.exec(output);
      if (match) done(`http://127.0.0.1:${match[1]}`);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stderr.write(chunk);
    });
    child.once('exit', (code) =>
      fail(new Error(`Server ended (${code}) before listening:\n${output}`)),
    );
  });
  const listeningAfter = performance.now() - started;
  return {
    child,
    base,
    listeningAfter,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
