// The front end's built files, as the server sends them: the compressed sibling the build
// wrote (vite.config.ts) to a client that takes it, the file itself to one that does not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DATABASE_KIND } from './test/database.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
let dist: string;
const script = `export const figures = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => i))};\n`;
const small = 'export {};\n';

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'zb-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dist, 'assets', 'charts-abc123.js'), script);
  writeFileSync(join(dist, 'assets', 'charts-abc123.js.br'), brotliCompressSync(script));
  writeFileSync(join(dist, 'assets', 'charts-abc123.js.gz'), gzipSync(script));
  // Too small to be worth compressing: the build writes no siblings.
  writeFileSync(join(dist, 'assets', 'tiny-abc123.js'), small);
  test = await createTestApp({ webDist: dist });
});
afterAll(async () => {
  await test?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe(`built files on ${DATABASE_KIND}`, () => {
  const get = (url: string, acceptEncoding?: string) =>
    test.app.inject({
      url,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  it('go out as Brotli or gzip to a client that takes it, the same script unpacked', async () => {
    const brotli = await get('/assets/charts-abc123.js', 'gzip, deflate, br');
    expect(brotli.statusCode).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(script);

    const gzip = await get('/assets/charts-abc123.js', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(script);
    // Each representation has a tag of its own, so a cache never mixes them up.
    expect(gzip.headers.etag).not.toBe(brotli.headers.etag);
  });

  it('go out as they are to a client that takes no compression, or refuses it', async () => {
    for (const acceptEncoding of [undefined, 'identity', 'gzip;q=0, br;q=0']) {
      const plain = await get('/assets/charts-abc123.js', acceptEncoding);
      expect(plain.statusCode, String(acceptEncoding)).toBe(200);
      expect(plain.headers['content-encoding'], String(acceptEncoding)).toBeUndefined();
      expect(plain.body, String(acceptEncoding)).toBe(script);
      expect(plain.headers.vary, String(acceptEncoding)).toMatch(/accept-encoding/i);
    }
    const tiny = await get('/assets/tiny-abc123.js', 'br, gzip');
    expect(tiny.statusCode).toBe(200);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body).toBe(small);
  });
});
