// Every API route, called by every role and by nobody: the answer each must get. A route
// added without a line here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../accounts/accounts.ts';
import type { ApiRoute } from '../plugins/auth.ts';
import { bearerFor, type SignedIn, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

type CallerName =
  | 'nobody'
  | 'admin'
  | 'admin token'
  | 'provider AWO'
  | 'provider token KDV'
  | 'funder'
  | 'press';
const CALLERS: CallerName[] = [
  'nobody',
  'admin',
  'admin token',
  'provider AWO',
  'provider token KDV',
  'funder',
  'press',
];

const EXPORT_HEADER =
  'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason;language_level;language_level_since;employment;employment_since;housing;lease_signed_on';
const EXPORT_ROW =
  'AWO-0001;AWO;08118048;IM-1;f;03.1990;SYR;2019-02-01;;;A2;2019-10-01;language_course;2019-03-01;follow_up;';

function upload(provider: string) {
  const boundary = 'access-test';
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const rows = EXPORT_ROW.replaceAll('AWO', provider);
  return {
    payload: Buffer.from(
      `${field('provider', provider)}${field('as_of', '2021-03-01')}${field('dry_run', 'true')}` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${EXPORT_HEADER}\n${rows}\n\r\n--${boundary}--\r\n`,
    ),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

interface Case {
  method: 'GET' | 'POST' | 'DELETE';
  /** The route as registered. */
  route: string;
  url: (ids: { token: string; caller: CallerName }) => string;
  request?: (caller: CallerName) => { payload?: unknown; headers?: Record<string, string> };
  expect: Record<CallerName, number>;
}

const all = (status: number) =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Record<CallerName, number>;
const adminOnly = (status: number) => ({
  ...all(403),
  nobody: 401,
  admin: status,
  'admin token': status,
});

// DELETE /api/v1/session comes last: it ends the sessions the other lines use.
const CASES: Case[] = [
  { method: 'GET', route: '/api/v1/health', url: () => '/api/v1/health', expect: all(200) },
  { method: 'GET', route: '/api/v1/', url: () => '/api/v1/', expect: all(200) },
  {
    method: 'GET',
    route: '/api/v1/openapi.json',
    url: () => '/api/v1/openapi.json',
    expect: all(200),
  },
  { method: 'GET', route: '/api/v1/docs', url: () => '/api/v1/docs', expect: all(200) },
  { method: 'GET', route: '/api/v1/session', url: () => '/api/v1/session', expect: all(200) },
  {
    method: 'POST',
    route: '/api/v1/session',
    url: () => '/api/v1/session',
    request: () => ({ payload: { name: 'niemand', password: 'falsch' } }),
    expect: all(401),
  },
  {
    method: 'GET',
    route: '/api/v1/indicators',
    url: () => '/api/v1/indicators?date=2021-01-01',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/interim-report',
    url: () => '/api/v1/interim-report?stichtag=2021-01-01&beendet_bis=2021-03-01',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/indicators/:id/breakdown',
    url: () => '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=provider',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/definitions',
    url: () => '/api/v1/definitions',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/indicators/:id/crosstab',
    url: () =>
      '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=sex&columns=provider',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/indicators/:id/series',
    url: () => '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-12&interval=quarter',
    expect: all(200),
  },
  {
    method: 'GET',
    route: '/api/v1/funding',
    url: () => '/api/v1/funding?from=2018&to=2022',
    expect: all(200),
  },
  {
    method: 'POST',
    route: '/api/v1/imports',
    url: () => '/api/v1/imports',
    // Each caller uploads for AWO: the AWO account may, the KDV token may not.
    request: () => upload('AWO'),
    expect: { ...adminOnly(200), 'provider AWO': 200, 'provider token KDV': 403 },
  },
  {
    method: 'GET',
    route: '/api/v1/imports',
    url: () => '/api/v1/imports',
    expect: { ...adminOnly(200), 'provider AWO': 200, 'provider token KDV': 200 },
  },
  {
    method: 'GET',
    route: '/api/v1/quality',
    url: () => '/api/v1/quality?date=2021-03-01',
    expect: { ...adminOnly(200), 'provider AWO': 200, 'provider token KDV': 200 },
  },
  { method: 'GET', route: '/api/v1/tokens', url: () => '/api/v1/tokens', expect: adminOnly(200) },
  {
    method: 'POST',
    route: '/api/v1/tokens',
    url: () => '/api/v1/tokens',
    request: () => ({ payload: { name: 'Skript der Pressestelle', role: 'press' } }),
    expect: adminOnly(201),
  },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/:id',
    url: ({ token }) => `/api/v1/tokens/${token}`,
    expect: adminOnly(204),
  },
  { method: 'GET', route: '/api/v1/audit', url: () => '/api/v1/audit', expect: adminOnly(200) },
  {
    method: 'POST',
    route: '/api/v1/reports',
    url: () => '/api/v1/reports',
    // Admin and admin token each publish one: the second gets the address with "-2". With
    // no export stored every figure is provisional, and the same report twice needs saying.
    request: () => ({
      payload: {
        title: 'Zugriffstest',
        stichtag: '2021-01-01',
        beendet_bis: '2021-03-01',
        provisional_confirmed: true,
        republish_confirmed: true,
      },
    }),
    expect: adminOnly(201),
  },
  { method: 'GET', route: '/api/v1/reports', url: () => '/api/v1/reports', expect: all(200) },
  {
    method: 'GET',
    route: '/api/v1/reports/:slug',
    url: () => '/api/v1/reports/2021-03-01-zugriffstest',
    expect: all(200),
  },
  {
    method: 'POST',
    route: '/api/v1/reports/:slug/withdrawal',
    // Each admin withdraws the report it published; a report is withdrawn once.
    url: ({ caller }) =>
      `/api/v1/reports/2021-03-01-zugriffstest${caller === 'admin token' ? '-2' : ''}/withdrawal`,
    request: () => ({ payload: { reason: 'Nur ein Test des Zugriffs.' } }),
    expect: adminOnly(201),
  },
  {
    method: 'DELETE',
    route: '/api/v1/session',
    url: () => '/api/v1/session',
    expect: all(204),
  },
];

describe(`access by role on ${DATABASE_KIND}`, () => {
  let test: Awaited<ReturnType<typeof createTestApp>>;
  const headers = new Map<
    CallerName,
    { read: Record<string, string>; write: Record<string, string> }
  >();
  let tokenId: string;

  beforeAll(async () => {
    test = await createTestApp();
    const { app } = test;
    const db = test.database.handle.db;
    const session = (s: SignedIn) => ({ read: s.read, write: s.write });
    const bearer = (h: { authorization: string }) => ({ read: h, write: h });
    headers.set('nobody', { read: {}, write: {} });
    headers.set('admin', session(await signedIn(app, db, { name: 'koordination', role: 'admin' })));
    headers.set('admin token', bearer(await bearerFor(db, 'admin')));
    headers.set(
      'provider AWO',
      session(await signedIn(app, db, { name: 'awo', role: 'provider', provider: 'AWO' })),
    );
    headers.set('provider token KDV', bearer(await bearerFor(db, 'provider', 'KDV')));
    headers.set('funder', session(await signedIn(app, db, { name: 'land', role: 'funder' })));
    headers.set('press', session(await signedIn(app, db, { name: 'presse', role: 'press' })));
    tokenId = (
      await createToken(db, {
        district: '08118',
        name: 'zu widerrufen',
        role: 'funder',
        createdBy: 'test',
      })
    ).id;
  });
  afterAll(() => test?.close());

  it('has a line for every API route, and every body is checked by a schema', () => {
    const registered = test.app.apiRoutes.map((r: ApiRoute) => `${r.method} ${r.url}`).sort();
    const covered = [...new Set(CASES.map((c) => `${c.method} ${c.route}`))].sort();
    expect(covered).toEqual(registered);
    for (const route of test.app.apiRoutes) {
      if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH')
        expect(route.bodyChecked, `${route.method} ${route.url}`).toBe(true);
    }
  });

  it('answers every route for every caller as the table says', async () => {
    const seen: Record<string, Record<string, number>> = {};
    const wanted: Record<string, Record<string, number>> = {};
    for (const testCase of CASES) {
      const key = `${testCase.method} ${testCase.route}`;
      seen[key] = {};
      wanted[key] = testCase.expect;
      for (const caller of CALLERS) {
        const own = headers.get(caller) as {
          read: Record<string, string>;
          write: Record<string, string>;
        };
        const extra = testCase.request?.(caller) ?? {};
        const response = await test.app.inject({
          method: testCase.method,
          url: testCase.url({ token: tokenId, caller }),
          ...(extra.payload === undefined ? {} : { payload: extra.payload as string }),
          headers: { ...(testCase.method === 'GET' ? own.read : own.write), ...extra.headers },
        });
        (seen[key] as Record<string, number>)[caller] = response.statusCode;
        if (response.statusCode >= 400) {
          expect(response.headers['content-type'], `${key} as ${caller}`).toContain(
            'application/problem+json',
          );
          const problem = response.json();
          expect(problem.detail, `${key} as ${caller}`).toEqual(expect.any(String));
          expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts:\d+|stack/);
        }
      }
    }
    expect(seen).toEqual(wanted);
  });
});
