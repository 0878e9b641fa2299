// The browser tests' setup: `npm start` on a fresh embedded database and a random port,
// Debian's Chromium, and a stop that lets the server close its database before the folder
// goes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
export const ARTIFACTS = join(ROOT, 'artifacts');
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
  stop(): Promise<void>;
}

async function waitForHealth(url: string, deadline: number) {
  while (Date.now() < deadline) {
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

/** Starts the server (`args` after `npm start --`) and Chromium. */
export async function startHarness(args: string[] = []): Promise<Harness> {
  // Test files run side by side: each takes a port of its own.
  const port = 3000 + Math.floor(Math.random() * 5000) + 3000;
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'zb-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const server: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', ...args],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  server.stdout?.setEncoding('utf8');
  server.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
  });
  await waitForHealth(`${base}/api/v1/health`, Date.now() + 150_000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    base,
    browser,
    stdout: () => stdout,
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
