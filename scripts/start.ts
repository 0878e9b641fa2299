// npm start: builds the front end when it is missing and the build tools are installed,
// then starts the server (which migrates and, on an empty database, loads the
// demonstration data). A production install (`npm ci --omit=dev`) has no build tools: build
// first (`npm run build`, then `npm prune --omit=dev`), or the server starts with the API
// alone and says so.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../dist/index.html');
if (!existsSync(dist)) {
  let vite: string | undefined;
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
await import('../server/main.ts');
