import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'web',
  // The manifest lists each page's chunks (npm run bench:web reports them).
  build: { outDir: '../dist', emptyOutDir: true, manifest: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  test: {
    root: '.',
    env: { TZ: 'Europe/Berlin' },
    // Vitest takes one worker less than the machine has cores: one on a two-core machine,
    // where the files that start processes (commands, servers, a killed import) or wait on
    // PostgreSQL leave the other core idle. Two files at a time keep both busy.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'web', include: ['web/**/*.test.ts', 'contract/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
