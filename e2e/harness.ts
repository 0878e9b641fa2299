// The browser tests' setup: `npm start` on a fresh embedded database and a random port,
// Debian's Chromium, and a stop that lets the server close its database before the folder
// goes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
export const ARTIFACTS = join(ROOT, 'artifacts');
export const DEMO_MARKER = 'Demo-Zugang (Administrator): Name „demo“, Passwort';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  base: string;
  browser: Browser;
  /** Everything the server printed on standard output so far. */
  stdout(): string;
  /** With `--demo`: the demo admin's password, which the server prints once. */
  demoPassword(): Promise<string>;
  /** A browser context signed in as the demo admin (the session cookie set through the API). */
  demoAdminContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, deadline: number, exitCode: () => number | null) {
  while (Date.now() < deadline) {
    const code = exitCode();
    if (code !== null)
      throw new Error(`server exited with code ${code} before it answered at ${url}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`server did not answer at ${url}`);
}

/**
 * A port the system has free now, from its ephemeral range (32768 and up on Linux). A port
 * chosen at random below that could land on one the Fetch standard blocks (6665–6669, say):
 * Node's `fetch` and Chromium refuse those without ever connecting.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', done);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

/** Starts the server (`args` after `npm start --`, `settings` added to its environment) and Chromium. */
export async function startHarness(
  args: string[] = [],
  settings: NodeJS.ProcessEnv = {},
): Promise<Harness> {
  // Test files run side by side: each takes a port of its own.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'zb-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...settings,
  };
  delete env.DATABASE_URL;
  const server: ChildProcess = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  server.stdout?.setEncoding('utf8');
  server.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
  });
  try {
    await waitForHealth(`${base}/api/v1/health`, Date.now() + 150_000, () => server.exitCode);
  } catch (error) {
    // Leave no server behind to keep the test run from ending.
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}; the server printed:\n${stdout.slice(-2000)}`);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const demoPassword = async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      // Four spaces in, on the line after the marker.
      const after = stdout.split(DEMO_MARKER)[1];
      const match = after === undefined ? null : /^\s{4}(\S+)\s*$/m.exec(after);
      if (match?.[1]) return match[1];
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`no demo password on stdout:\n${stdout}`);
  };
  return {
    base,
    browser,
    stdout: () => stdout,
    demoPassword,
    async demoAdminContext(options) {
      const context = await browser.newContext(options);
      const response = await context.request.post(`${base}/api/v1/session`, {
        data: { name: 'demo', password: await demoPassword() },
      });
      if (!response.ok()) throw new Error(`demo sign-in failed: ${response.status()}`);
      return context;
    },
    async stop() {
      await browser.close();
      if (server.exitCode === null) {
        const exited = new Promise((done) => server.once('exit', done));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
