import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The built page asks for nothing before its content: the server renders the figures and
 * charts into it (server/routes/report-page.ts, pages.ts), so nothing in <head> may hold
 * back their first paint. The stylesheet (about 5 kB gzipped) is inlined, so the first
 * paint waits for no second request; the module script and its modulepreloads move to the
 * end of <body>, so they are found after the content (a module script runs after parsing
 * anyway). bench:web measures the effect.
 */
function contentFirst(): Plugin {
  return {
    name: 'zwischenbilanz-content-first',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const scripts: string[] = [];
        let page = html.replace(
          /\s*<(?:script type="module"[^>]*><\/script>|link rel="modulepreload"[^>]*>)/g,
          (tag) => {
            scripts.push(tag.trim());
            return '';
          },
        );
        page = page.replace(
          /\s*<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g,
          (tag, file: string) => {
            const asset = context.bundle?.[file];
            if (asset?.type !== 'asset' || String(asset.source).includes('</')) return tag;
            return `\n    <style>${String(asset.source)}</style>`;
          },
        );
        return page.replace('</body>', `    ${scripts.join('\n    ')}\n  </body>`);
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [contentFirst()],
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
