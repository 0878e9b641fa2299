// One address cannot ask for unlimited figures or uploads: past the limit a 429 problem in
// German says when to try again; other addresses, and other kinds of request, go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  test = await createTestApp({
    env: { RATE_LIMIT_FIGURES_PER_MINUTE: '5', RATE_LIMIT_UPLOADS_PER_MINUTE: '2' },
  });
});
afterAll(() => test?.close());

const figures = (remoteAddress: string) =>
  test.app.inject({
    url: '/api/v1/indicators/clients_active/breakdown?date=2020-01-01&by=provider',
    remoteAddress,
  });

describe(`rate limits on ${DATABASE_KIND}`, () => {
  it('refuse the sixth figure query of a minute from one address, in German, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await figures('198.51.100.7')).statusCode).toBe(200);
    const refused = await figures('198.51.100.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({
      status: 429,
      title: 'Zu viele Versuche',
      detail: expect.stringMatching(/mehr als 5 solche Anfragen in einer Minute.*Sekunden/),
    });
    // Another address is not affected, nor is the same address's health check.
    expect((await figures('198.51.100.8')).statusCode).toBe(200);
    expect(
      (await test.app.inject({ url: '/api/v1/health', remoteAddress: '198.51.100.7' })).statusCode,
    ).toBe(200);
  });

  it('count figure endpoints together, and uploads apart from them', async () => {
    const address = '198.51.100.9';
    const urls = [
      '/api/v1/indicators?date=2020-01-01',
      '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-03&interval=month',
      '/api/v1/funding?from=2019&to=2020',
      '/api/v1/indicators/clients_active/crosstab?date=2020-01-01&rows=provider&columns=age_group',
      '/api/v1/indicators/clients_active/breakdown?date=2020-01-01&by=sex',
    ];
    for (const url of urls)
      expect((await test.app.inject({ url, remoteAddress: address })).statusCode).toBe(200);
    expect(
      (await test.app.inject({ url: urls[0] as string, remoteAddress: address })).statusCode,
    ).toBe(429);
    // Uploads by the district office (here without a file, so 4xx) are limited apart: two,
    // then 429. (Without an account an upload ends at 401 before it costs anything.)
    const headers = await bearerFor(test.database.handle.db, 'admin');
    const upload = () =>
      test.app.inject({ method: 'POST', url: '/api/v1/imports', remoteAddress: address, headers });
    const first = await upload();
    expect(first.statusCode).toBeGreaterThanOrEqual(400);
    expect(first.statusCode).not.toBe(429);
    expect((await upload()).statusCode).not.toBe(429);
    expect((await upload()).statusCode).toBe(429);
  });
});
