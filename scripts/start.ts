// npm start: builds the front end when it is missing, then starts the server (which
// migrates and, on an empty database, loads the demonstration data).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../dist/index.html');
if (!existsSync(dist)) {
  console.log('Das Frontend wird gebaut (einmalig) …');
  const { build } = await import('vite');
  await build({ configFile: resolve(import.meta.dirname, '../vite.config.ts'), logLevel: 'warn' });
}
await import('../server/main.ts');
