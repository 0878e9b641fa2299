import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The built page asks for no script before its content: the server renders the figures and
 * charts into it (server/routes/report-page.ts, pages.ts), and the module script moves to the
 * end of <body>, so that the parser reaches the charts before anything of the script is asked
 * for (a module script runs after parsing anyway). The entry's modulepreload links are
 * dropped: Chromium's preload scanner issues every request it finds in the HTML before the
 * parser starts, and the four preloads held the first chart back by about 15 ms (same HTML
 * with and without them, 31 loads each, docs/benchmarks.md); the entry asks for its imports
 * itself, after the content. The stylesheet stays a link in <head> (about 5 kB gzipped,
 * cached for good under its hashed name): inlined into every page, it made the first chart
 * later in bench:web (130 ms against 73 ms, docs/benchmarks.md), and the first paint no
 * earlier.
 */
function scriptsLast(): Plugin {
  return {
    name: 'zwischenbilanz-scripts-last',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const scripts: string[] = [];
        const page = html
          .replace(/\s*<link rel="modulepreload"[^>]*>/g, '')
          .replace(/\s*<script type="module"[^>]*><\/script>/g, (tag) => {
            scripts.push(tag.trim());
            return '';
          });
        return page.replace('</body>', `  ${scripts.join('\n    ')}\n  </body>`);
      },
    },
  };
}

/** Files worth compressing, and the size below which compression saves less than it costs. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt)$/;
const COMPRESS_FROM_BYTES = 1024;

/**
 * Every script, stylesheet and page file of the build is written beside itself compressed,
 * once, at the strongest settings: `name.br` (Brotli) and `name.gz` (gzip). The server sends
 * them to browsers that take them (`preCompressed` in server/app.ts); the largest chunk, the
 * charts, is 247 kB as built, 83 kB gzipped, 70 kB with Brotli: what a reader on a slow phone
 * waits for. A compressed file that is no smaller is not written.
 */
function precompress(): Plugin {
  return {
    name: 'zwischenbilanz-precompress',
    apply: 'build',
    writeBundle: {
      order: 'post',
      handler(options, bundle) {
        const outDir = options.dir ?? 'dist';
        for (const fileName of Object.keys(bundle)) {
          if (!COMPRESSIBLE.test(fileName) || fileName.startsWith('.')) continue;
          const path = join(outDir, fileName);
          const bytes = readFileSync(path);
          if (bytes.length < COMPRESS_FROM_BYTES) continue;
          const brotli = brotliCompressSync(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          });
          const gzip = gzipSync(bytes, { level: 9 });
          if (brotli.length < bytes.length) writeFileSync(`${path}.br`, brotli);
          if (gzip.length < bytes.length) writeFileSync(`${path}.gz`, gzip);
        }
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [scriptsLast(), precompress()],
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
          // The migrated and the demonstration database, prepared once for all files.
          globalSetup: ['server/test/global-setup.ts'],
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
