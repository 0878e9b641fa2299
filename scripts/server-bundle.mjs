// The server as one JavaScript file (issue #15: a server that starts in seconds). Loading the
// TypeScript sources through tsx means some 900 modules (typebox, kysely and apache-arrow are
// hundreds of small files each), each compiled and resolved through tsx's loader thread:
// 4–6 s of a start on a busy machine before the server does anything. Bundled with esbuild
// (which tsx itself uses), the same code loads in about a second.
//
// The bundle lives in node_modules/.cache/zwischenbilanz/ (never served, never committed) and
// is rebuilt whenever it may differ from the sources: a fingerprint over the content of every
// source file it was made from, package-lock.json (the bundled packages), Node's version
// and this file. Plain JavaScript so that `npm start` runs it without tsx.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
export const BUNDLE_DIR = resolve(ROOT, 'node_modules/.cache/zwischenbilanz');
export const BUNDLE = resolve(BUNDLE_DIR, 'server.mjs');
const MANIFEST = resolve(BUNDLE_DIR, 'server.json');
/**
 * Loaded at run time, not bundled: files of their own next to their code (WebAssembly, data)
 * or only needed by a part that loads late (jsdom for the rendered report page).
 */
const EXTERNAL = ['@electric-sql/pglite', 'highs', 'jsdom', 'pg-native', 'esbuild', 'vite'];

/** The fingerprint of the files a bundle was made from (paths relative to the checkout). */
async function fingerprint(sources) {
  const hash = createHash('sha256');
  hash.update(`${process.version}\n`);
  for (const file of [...sources, 'package-lock.json', 'scripts/server-bundle.mjs'].sort()) {
    hash.update(`${file}\n`);
    try {
      hash.update(await readFile(resolve(ROOT, file)));
    } catch {
      hash.update('(missing)');
    }
  }
  return hash.digest('hex');
}

/** Whether the bundle on disk was made from the sources as they are now. */
export async function bundleIsFresh() {
  if (!existsSync(BUNDLE) || !existsSync(MANIFEST)) return false;
  try {
    const manifest = JSON.parse(await readFile(MANIFEST, 'utf8'));
    return manifest.root === ROOT && manifest.hash === (await fingerprint(manifest.sources ?? []));
  } catch {
    return false;
  }
}

/**
 * `import.meta` of a source file, fixed at build time: the bundle is one file elsewhere, but
 * the server finds its SQL migrations, demonstration data and built pages next to its sources.
 */
const importMetaOfSources = {
  name: 'import-meta-of-sources',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      const contents = text
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

/** Builds the bundle of server/main.ts; returns its path. */
export async function buildServerBundle() {
  const { build } = await import('esbuild');
  await mkdir(BUNDLE_DIR, { recursive: true });
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [resolve(ROOT, 'server/main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    metafile: true,
    logLevel: 'silent',
    plugins: [importMetaOfSources],
    // CommonJS packages inside an ES module still call require().
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
  });
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => relative(ROOT, resolve(ROOT, input)))
    .filter((file) => !file.startsWith('node_modules/') && !file.startsWith('..'));
  await rename(temporary, BUNDLE);
  await writeFile(
    MANIFEST,
    JSON.stringify({ root: ROOT, sources, hash: await fingerprint(sources) }, null, 1),
  );
  return BUNDLE;
}

/**
 * The path of a bundle made from the sources as they are: the one on disk, or a new one.
 * Null when esbuild cannot be loaded (the caller then runs the sources through tsx).
 */
export async function serverBundle(log = (line) => console.log(line)) {
  if (await bundleIsFresh()) return BUNDLE;
  try {
    await import('esbuild');
  } catch {
    return null;
  }
  log('Der Server wird gebündelt (nach jeder Änderung der Quellen einmal) …');
  return buildServerBundle();
}
