// Sessions, CSRF, expiry, login throttling, API tokens, the audit log and what each role
// sees, through the HTTP API on a real database.
import { randomBytes, scryptSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { loadConfig } from '../config.ts';
import { ensureDemoAdmin } from '../demo-data.ts';
import { bearerFor, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { addUser, createToken, findUser, setDisabled } from './accounts.ts';
import { generatePassword, hashPassword, needsRehash, verifyPassword } from './secrets.ts';

const PASSWORD = 'korrekt Pferd Batterie Heftklammer';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
let logged = '';
const db = () => database.handle.db;

beforeAll(async () => {
  const test = await createTestApp({
    demonstrationData: true,
    // Everything the server logs, to show that no password gets there.
    logger: {
      level: 'trace',
      stream: new Writable({
        write(chunk, _encoding, done) {
          logged += String(chunk);
          done();
        },
      }),
    },
  });
  ({ app, database, close } = test);
});
afterAll(() => close?.());

const login = (name: string, password: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, headers });

const auditRows = (action: string) =>
  db()
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .execute();

describe(`passwords`, () => {
  it("are hashed with scrypt at OWASP's minimum (N = 2^17, r = 8, p = 1), salted, and verified in constant form", async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);
    expect(first).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword(PASSWORD, first)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, first)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'md5$abc')).toBe(false);
    expect(generatePassword()).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
  });
});

describe(`password hashes on ${DATABASE_KIND}`, () => {
  it('made with the older, cheaper cost are replaced at the next login, and keep working', async () => {
    await addUser(db(), { district: '08118', name: 'a.alt', role: 'press' }, PASSWORD);
    // An account from before the raise: its hash made with N = 2^15, as the old code did.
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 ** 2 });
    const old = ['scrypt', 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join(
      '$',
    );
    await db()
      .updateTable('users')
      .set({ password_hash: old })
      .where('name', '=', 'a.alt')
      .execute();
    const changedAt = () =>
      db()
        .selectFrom('users')
        .select('password_changed_at')
        .where('name', '=', 'a.alt')
        .executeTakeFirstOrThrow();
    const before = await changedAt();
    expect(needsRehash(old)).toBe(true);

    expect((await login('a.alt', `${PASSWORD}!`)).statusCode).toBe(401);
    expect((await findUser(db(), 'a.alt'))?.password_hash).toBe(old);
    expect((await login('a.alt', PASSWORD)).statusCode).toBe(200);
    const after = await findUser(db(), 'a.alt');
    expect(after?.password_hash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(needsRehash(after?.password_hash as string)).toBe(false);
    expect(await changedAt()).toEqual(before);
    expect((await login('a.alt', PASSWORD)).statusCode).toBe(200);
  });
});

describe(`sessions on ${DATABASE_KIND}`, () => {
  it('sign in with an HTTP-only SameSite cookie; the password is never stored or logged', async () => {
    await addUser(db(), { district: '08118', name: 'k.muster', role: 'admin' }, PASSWORD);
    const response = await login('K.Muster', PASSWORD);
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(
      /^zb_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(response.json()).toMatchObject({
      authenticated: true,
      user: { name: 'k.muster', role: 'admin', provider: null },
      via: 'cookie',
      audience: 'internal',
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const state = await app.inject({
      url: '/api/v1/session',
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(state.json().user.name).toBe('k.muster');

    // The database keeps hashes only: neither the password nor the cookie's secret.
    const secret = (cookie.split(';')[0] as string).split('=')[1] as string;
    const { rows } = await sql<{ dump: string }>`
      SELECT (SELECT string_agg(u::text, '|') FROM users u) ||
             (SELECT string_agg(s::text, '|') FROM sessions s) ||
             (SELECT string_agg(a::text, '|') FROM audit_log a) AS dump`.execute(db());
    expect(rows[0]?.dump).not.toContain(PASSWORD);
    expect(rows[0]?.dump).not.toContain(secret);
    expect(logged).toContain('/api/v1/session');
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain(secret);
    const [entry] = await auditRows('login');
    expect(entry).toMatchObject({
      actor: 'k.muster',
      actor_role: 'admin',
      target: 'k.muster',
      source: '127.0.0.1',
    });
  });

  it('need the CSRF token for every change the cookie authorises, and refuse other origins', async () => {
    const admin = await signedIn(app, db(), { name: 'csrf.test', role: 'admin' });
    const token = { name: 'Skript', role: 'press' };
    const without = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: token,
      headers: admin.read,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().detail).toContain('CSRF');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: token,
      headers: { ...admin.read, 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.statusCode).toBe(403);
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: token,
      headers: { ...admin.write, origin: 'https://example.org' },
    });
    expect(foreign.statusCode).toBe(403);
    const logout = await app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: admin.read,
    });
    expect(logout.statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          payload: token,
          headers: admin.write,
        })
      ).statusCode,
    ).toBe(201);
    // A bearer token is not sent by browsers on their own: no CSRF token needed.
    const script = await bearerFor(db(), 'admin');
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/tokens', payload: token, headers: script }))
        .statusCode,
    ).toBe(201);

    const out = await app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: admin.write,
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain(
      'zb_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    );
    const after = await app.inject({ url: '/api/v1/tokens', headers: admin.read });
    expect(after.statusCode).toBe(401);
    expect((await auditRows('logout'))[0]).toMatchObject({ actor: 'csrf.test' });
  });

  it('expire after their lifetime and after idle time', async () => {
    const user = await signedIn(app, db(), { name: 'expiry.test', role: 'admin' });
    const tokens = () => app.inject({ url: '/api/v1/tokens', headers: user.read });
    expect((await tokens()).statusCode).toBe(200);
    const owner = (await findUser(db(), 'expiry.test'))?.id as string;
    await db()
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 61 * 60_000) })
      .where('user_id', '=', owner)
      .execute();
    expect((await tokens()).statusCode).toBe(401);
    await db()
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('user_id', '=', owner)
      .execute();
    expect((await tokens()).statusCode).toBe(200);
    await db()
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', owner)
      .execute();
    const expired = await tokens();
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['content-type']).toContain('application/problem+json');
    const state = await app.inject({ url: '/api/v1/session', headers: user.read });
    expect(state.json()).toMatchObject({ authenticated: false, audience: 'public' });
  });

  it('end when the account is disabled; a disabled account cannot sign in', async () => {
    const user = await signedIn(app, db(), { name: 'disabled.test', role: 'funder' }, PASSWORD);
    expect(
      (await app.inject({ url: '/api/v1/session', headers: user.read })).json().authenticated,
    ).toBe(true);
    await setDisabled(db(), 'disabled.test', true);
    expect(
      (await app.inject({ url: '/api/v1/session', headers: user.read })).json().authenticated,
    ).toBe(false);
    const again = await login('disabled.test', PASSWORD);
    expect(again.statusCode).toBe(401);
    expect((await auditRows('login_failed'))[0]).toMatchObject({
      actor: 'disabled.test',
      detail: { reason: 'Konto gesperrt' },
    });
  });
});

describe(`login throttling on ${DATABASE_KIND}`, () => {
  it('refuses an account after five failures, even with the right password, until the window passes', async () => {
    await addUser(db(), { district: '08118', name: 'throttle.test', role: 'press' }, PASSWORD);
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await login('throttle.test', `falsch ${attempt}`, {
        'x-forwarded-for': '10.0.0.1',
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().detail).toBe(
        'Name oder Passwort stimmen nicht, oder das Konto ist gesperrt.',
      );
    }
    const refused = await login('throttle.test', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(refused.json().detail).toMatch(/in 1[45] Minuten/);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await auditRows('login_throttled'))[0]).toMatchObject({ target: 'throttle.test' });

    await sql`UPDATE audit_log SET at = at - interval '16 minutes' WHERE target = 'throttle.test'`.execute(
      db(),
    );
    expect((await login('throttle.test', PASSWORD)).statusCode).toBe(200);
  });

  it('refuses an address after twenty failures, and does not record names that have no account', async () => {
    const source = '198.51.100.7';
    const base = await db()
      .selectFrom('audit_log')
      .select(sql<string>`max(id)`.as('id'))
      .executeTakeFirst();
    // Failures recorded from this address, as twenty failed logins would leave them.
    for (let i = 0; i < 20; i++)
      await recordAudit(db(), { actor: null, action: 'login_failed', source });
    const app2 = await buildApp({
      config: loadConfig({ TRUST_PROXY: 'true' }),
      database: database.handle,
      webDist: '/nonexistent',
    });
    try {
      const response = await app2.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { name: 'k.muster', password: PASSWORD },
        headers: { 'x-forwarded-for': source },
      });
      expect(response.statusCode).toBe(429);
      const other = await app2.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { name: 'mein-geheimes-passwort', password: 'x' },
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(other.statusCode).toBe(401);
    } finally {
      await app2.close();
    }
    const recent = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', base?.id ?? '0')
      .where('source', '=', '203.0.113.9')
      .execute();
    expect(recent).toHaveLength(1);
    expect(recent[0]).toMatchObject({ action: 'login_failed', actor: null, target: null });
    expect(JSON.stringify(recent)).not.toContain('mein-geheimes-passwort');
  });
});

describe(`API tokens on ${DATABASE_KIND}`, () => {
  it('are stored hashed, shown once, and stop working when revoked or expired', async () => {
    const admin = await signedIn(app, db(), { name: 'token.admin', role: 'admin' });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'Auswertung Regierungspräsidium', role: 'funder', expires_on: '2099-12-31' },
      headers: admin.write,
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^zb_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      role: 'funder',
      prefix: secret.slice(0, 9),
      created_by: 'token.admin',
    });
    const { rows } = await sql<{
      dump: string;
    }>`SELECT string_agg(t::text, '|') AS dump FROM api_tokens t`.execute(db());
    expect(rows[0]?.dump).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    const figures = await app.inject({
      url: '/api/v1/indicators?date=2021-01-01',
      headers: bearer,
    });
    expect(figures.json()).toMatchObject({
      audience: 'restricted',
      rules: { k: 5, minDenominator: 20 },
    });
    const list = await app.inject({ url: '/api/v1/tokens', headers: admin.read });
    const listed = list.json().tokens.find((t: { id: string }) => t.id === token.id);
    expect(listed.last_used_at).not.toBeNull();
    expect(JSON.stringify(list.json())).not.toContain(secret);

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: admin.write,
    });
    expect(revoked.statusCode).toBe(204);
    const refused = await app.inject({
      url: '/api/v1/indicators?date=2021-01-01',
      headers: bearer,
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="zwischenbilanz"');
    const missing = await app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/999999',
      headers: admin.write,
    });
    expect(missing.statusCode).toBe(404);

    const expiring = await createToken(db(), {
      district: '08118',
      name: 'alt',
      role: 'press',
      createdBy: 'test',
    });
    await db()
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.id)
      .execute();
    expect(
      (
        await app.inject({
          url: '/api/v1/session',
          headers: { authorization: `Bearer ${expiring.secret}` },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ url: '/api/v1/session', headers: { authorization: 'Basic abc' } }))
        .statusCode,
    ).toBe(401);

    const actions = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor', 'target'])
      .where('action', 'like', 'token_%')
      .execute();
    expect(actions).toContainEqual({
      action: 'token_created',
      actor: 'token.admin',
      target: `Auswertung Regierungspräsidium (${token.prefix}…)`,
    });
    expect(actions).toContainEqual({
      action: 'token_revoked',
      actor: 'token.admin',
      target: `Auswertung Regierungspräsidium (${token.prefix}…)`,
    });
  });

  it('refuse a provider role without a known provider, and an expiry in the past', async () => {
    const admin = await bearerFor(db(), 'admin');
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/api/v1/tokens', payload, headers: admin });
    const noProvider = await post({ name: 'x', role: 'provider' });
    expect(noProvider.statusCode).toBe(400);
    expect(noProvider.json().detail).toContain('Träger');
    expect((await post({ name: 'x', role: 'provider', provider: 'XYZ' })).json().detail).toContain(
      'XYZ',
    );
    expect((await post({ name: 'x', role: 'press', expires_on: '2020-01-01' })).statusCode).toBe(
      400,
    );
    expect((await post({ name: 'x', role: 'root' })).statusCode).toBe(400);
    expect((await post({ name: 'x', role: 'press', extra: 1 })).statusCode).toBe(400);
  });

  it('record their last use to the minute, without a write on every request', async () => {
    const { secret, id } = await createToken(db(), {
      district: '08118',
      name: 'Zuletzt benutzt',
      role: 'press',
      createdBy: 'test',
    });
    const lastUsed = async () =>
      (
        await db()
          .selectFrom('api_tokens')
          .select(sql<string>`last_used_at::text`.as('at'))
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).at;
    const use = () =>
      app.inject({
        url: '/api/v1/indicators?date=2021-01-01',
        headers: { authorization: `Bearer ${secret}` },
      });
    expect((await use()).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    // Used again within the minute: the use is known already, nothing is written.
    await sql`UPDATE api_tokens SET last_used_at = now() - interval '30 seconds' WHERE id = ${id}`.execute(
      db(),
    );
    const recorded = await lastUsed();
    expect((await use()).statusCode).toBe(200);
    expect(await lastUsed()).toBe(recorded);
    // More than a minute later: written again.
    await sql`UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = ${id}`.execute(
      db(),
    );
    const older = await lastUsed();
    expect((await use()).statusCode).toBe(200);
    expect(await lastUsed()).not.toBe(older);
  });
});

describe(`what each role sees on ${DATABASE_KIND}`, () => {
  const figures = async (headers: Record<string, string>, query = '') =>
    (await app.inject({ url: `/api/v1/indicators?date=2021-01-01${query}`, headers })).json();

  it('gives the admin every figure unsuppressed, a provider its own, funders and press the rules', async () => {
    const db0 = db();
    const admin = await bearerFor(db0, 'admin');
    const awo = await bearerFor(db0, 'provider', 'AWO');
    const funder = await bearerFor(db0, 'funder');
    const press = await bearerFor(db0, 'press');

    const internal = await figures(admin, '&provider=AWO');
    expect(internal).toMatchObject({ audience: 'internal', rules: null });
    const own = await figures(awo, '&provider=AWO');
    expect(own).toMatchObject({ audience: 'provider', rules: null });
    expect(own.indicators).toEqual(internal.indicators);

    const others = await figures(awo, '&provider=KDV');
    expect(others).toMatchObject({ audience: 'provider', rules: { k: 5, minDenominator: 20 } });
    expect(await figures(awo)).toMatchObject({ rules: { k: 5 } });
    expect(await figures(funder)).toMatchObject({ audience: 'restricted', rules: { k: 5 } });
    expect(await figures(press)).toMatchObject({ audience: 'public', rules: { k: 5 } });
    expect(await figures({})).toMatchObject({ audience: 'public', rules: { k: 5 } });

    // Somewhere in a provider's own figures there is a small count the rules would hide.
    const small = (response: {
      indicators: { value: number | null; suppressed: boolean; kind: string }[];
    }) =>
      response.indicators.filter(
        (i) => i.kind === 'count' && i.value !== null && i.value > 0 && i.value < 5,
      );
    const ownSmall = (
      await Promise.all(
        ['AWO', 'CARITAS', 'KDV', 'DRK', 'LRA'].map((p) => figures(admin, `&provider=${p}`)),
      )
    ).flatMap(small);
    expect(ownSmall.length).toBeGreaterThan(0);
    for (const p of ['AWO', 'CARITAS', 'KDV', 'DRK', 'LRA'])
      expect(small(await figures(funder, `&provider=${p}`))).toEqual([]);
  });

  it('lets a provider import and read the log for its own provider only', async () => {
    const awo = await bearerFor(db(), 'provider', 'AWO');
    const log = await app.inject({ url: '/api/v1/imports', headers: awo });
    const providers = new Set(log.json().imports.map((i: { provider: string }) => i.provider));
    expect([...providers]).toEqual(['AWO']);
  });
});

describe(`the audit log on ${DATABASE_KIND}`, () => {
  it('records imports without the values of a rejected file, and reads as CSV', async () => {
    const admin = await signedIn(app, db(), { name: 'audit.admin', role: 'admin' });
    const boundary = 'audit-test';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="provider"\r\n\r\nDRK\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="as_of"\r\n\r\n2021-03-02\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="=cmd.csv"\r\n\r\n` +
      `case_id;nachname\nDRK-1;Mustermann\r\n--${boundary}--\r\n`;
    const rejected = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      payload: body,
      headers: { ...admin.write, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(rejected.statusCode).toBe(422);
    const [entry] = await auditRows('import');
    expect(entry).toMatchObject({
      actor: 'audit.admin',
      actor_role: 'admin',
      target: 'DRK Stand 2021-03-02',
      detail: { status: 'rejected', file_name: '=cmd.csv' },
    });
    expect(JSON.stringify(entry)).not.toContain('Mustermann');

    const json = await app.inject({
      url: '/api/v1/audit?action=import&limit=1',
      headers: admin.read,
    });
    expect(json.json().entries).toEqual([
      expect.objectContaining({ action: 'import', action_label: 'Import', actor: 'audit.admin' }),
    ]);
    const csv = await app.inject({
      url: '/api/v1/audit?format=csv&action=import',
      headers: admin.read,
    });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFNr.;Zeitpunkt;Wer;Rolle;Aktion;Aktion (Text);Betrifft;Von wo;Einzelheiten;Einzelheiten (Daten)',
    );
    expect(lines[1]).toMatch(
      /^\d+;\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2};audit\.admin;admin;import;Import;DRK Stand 2021-03-02;127\.0\.0\.1;Datei „=cmd\.csv“ \(CSV, \d+ KB\) abgelehnt wegen 1 Fehler: Nichts wurde gespeichert\.;/,
    );
    // A cell that Excel would run as a formula is kept as text.
    await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: '=1+1', role: 'press' },
      headers: admin.write,
    });
    const tokens = await app.inject({
      url: '/api/v1/audit?format=csv&action=token_created&limit=1',
      headers: admin.read,
    });
    expect(tokens.body).toMatch(/;token_created;API-Token erstellt;'=1\+1 \(zb_/);
    const today = new Date().toISOString().slice(0, 10);
    const none = await app.inject({
      url: `/api/v1/audit?from=2000-01-01&to=2000-01-02`,
      headers: admin.read,
    });
    expect(none.json().entries).toEqual([]);
    const todays = await app.inject({ url: `/api/v1/audit?from=${today}`, headers: admin.read });
    expect(todays.json().entries.length).toBeGreaterThan(0);
  });
});

describe(`the demonstration admin on ${DATABASE_KIND}`, () => {
  it('is created only once, with a password that works', async () => {
    const first = await ensureDemoAdmin(db(), '08118');
    expect(first.created).toBe(true);
    if (!first.created) return;
    expect((await login('demo', first.password)).statusCode).toBe(200);
    expect(await ensureDemoAdmin(db(), '08118')).toEqual({ name: 'demo', created: false });
  });
});
