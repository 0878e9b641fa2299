// The security headers on pages, API answers and errors alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let dist: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dist = mkdtempSync(join(tmpdir(), 'zb-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  app = await buildApp({ config: loadConfig({}), database: database.handle, webDist: dist });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
  rmSync(dist, { recursive: true, force: true });
});

describe(`security headers on ${DATABASE_KIND}`, () => {
  it('forbid inline scripts, framing and sniffing on every answer', async () => {
    for (const url of ['/', '/api/v1/health', '/api/v1/gibt-es-nicht', '/api/v1/audit']) {
      const response = await app.inject({ url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp, url).toContain("frame-ancestors 'none'");
      // Only images may come from blob: URLs (the PNG download); scripts and frames may not.
      expect(csp, url).toContain("img-src 'self' data: blob:");
      expect(csp.replace(/img-src[^;]*/, ''), url).not.toContain('blob:');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
    const api = await app.inject({ url: '/api/v1/health' });
    expect(api.headers['cache-control']).toBe('no-store');
  });

  it('answer errors as problem+json without internals', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).not.toMatch(/node_modules|\.ts:\d+|stack/);
    const form = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: 'name=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // A cross-site form cannot post JSON: a form post to the login is refused.
    expect(form.statusCode).toBe(415);
    expect(form.headers['content-type']).toContain('application/problem+json');
  });
});
