// npm start: builds the front end when it is missing and the build tools are installed,
// then starts the server (which migrates and, on an empty database, loads the
// demonstration data). A production install (`npm ci --omit=dev`) has no build tools: build
// first (`npm run build`, then `npm prune --omit=dev`), or the server starts with the API
// alone and says so.
// The server runs as one bundled file (scripts/server-bundle.mjs), made again after any change
// of its sources: loading the TypeScript sources one by one through tsx took most of a start.
// Plain JavaScript, so that no TypeScript loader starts first.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverBundle } from './server-bundle.mjs';

const dist = resolve(import.meta.dirname, '../dist/index.html');
if (!existsSync(dist)) {
  let vite;
  try {
    vite = createRequire(import.meta.url).resolve('vite');
  } catch {
    vite = undefined;
  }
  if (vite) {
    console.log('Das Frontend wird gebaut (einmalig) …');
    const { build } = await import('vite');
    await build({
      configFile: resolve(import.meta.dirname, '../vite.config.ts'),
      logLevel: 'warn',
    });
  } else {
    console.warn(
      'Das Frontend ist nicht gebaut (dist/ fehlt), und Vite ist nicht installiert (Installation ohne Entwicklungswerkzeuge). Der Server startet nur mit der Schnittstelle /api/v1/. Für die Seiten: vor „npm prune --omit=dev“ einmal „npm run build“ ausführen.',
    );
  }
}

let bundle = null;
try {
  bundle = await serverBundle();
} catch (error) {
  console.warn(
    `Der Server konnte nicht gebündelt werden (${error instanceof Error ? error.message : error}); er startet aus den Quellen (langsamer).`,
  );
}
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  // Without esbuild: the TypeScript sources through tsx, as in development.
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/main.ts');
}
