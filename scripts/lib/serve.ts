// The server as a child process for the benchmarks: `node --import tsx server/main.ts` on a
// PostgreSQL database, on loopback, on a free port, rate limits off, warnings only.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The checkout whose server runs: this one, or another (`BENCH_SERVER_ROOT`) to compare. */
const ROOT = process.env.BENCH_SERVER_ROOT || resolve(import.meta.dirname, '../..');

export interface Server {
  child: ChildProcess;
  base: string;
  /** Milliseconds from the spawn until the server said it listens. */
  listeningAfter: number;
  stop(): Promise<void>;
}

export async function startServer(
  url: string,
  options: { cpuProf?: string; district?: string; quiet?: boolean } = {},
): Promise<Server> {
  const started = performance.now();
  const args = [
    ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : []),
    '--import',
    'tsx',
    'server/main.ts',
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
