// GET /api/v1/quality: the success and error shapes, what a provider's account sees, the
// tables as CSV and Arrow, and a share that follows an upload exactly.
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerFor, type SignedIn, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

interface Part {
  cases: number;
  count: number;
  share: number | null;
}

describe(`GET /api/v1/quality with the demonstration data (${DATABASE_KIND})`, () => {
  let test: TestApp;
  let admin: SignedIn;
  let awo: SignedIn;
  beforeAll(async () => {
    test = await createTestApp({ demonstrationData: true });
    const db = test.database.handle.db;
    admin = await signedIn(test.app, db, { name: 'koordination', role: 'admin' });
    awo = await signedIn(test.app, db, { name: 'awo', role: 'provider', provider: 'AWO' });
  });
  afterAll(() => test?.close());

  const get = (url: string, headers: Record<string, string>) => test.app.inject({ url, headers });

  it('answers the district office with every provider and the total', async () => {
    const response = await get('/api/v1/quality?date=2021-03-01', admin.read);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      date: '2021-03-01',
      provider: null,
      delivery_rule: {
        months: 3,
        grace_days: 42,
        description: expect.stringContaining('6 Wochen'),
      },
    });
    expect(body.providers.map((p: { code: string }) => p.code)).toEqual([
      'AWO',
      'CARITAS',
      'DRK',
      'KDV',
      'LRA',
    ]);
    const groups = [...body.providers.map((p: { code: string }) => p.code), null];
    expect(body.completeness).toHaveLength(18 * 6);
    expect(body.status_unknown.map((row: { provider: string | null }) => row.provider)).toEqual(
      groups,
    );
    expect(body.duration.map((row: { provider: string | null }) => row.provider)).toEqual(groups);
    const total = body.duration.at(-1) as { active: number; over_three_years: Part };
    expect(total.active).toBeGreaterThan(2000);
    expect(total.over_three_years.count).toBeGreaterThan(0);
    // On the Stand of the demonstration exports every snapshot is current.
    expect(body.snapshots).toHaveLength(5);
    for (const snapshot of body.snapshots)
      expect(snapshot).toMatchObject({
        latest_as_of: '2021-03-01',
        next_due: '2021-07-13',
        state: 'current',
      });
    // Aggregates only: no case id of any provider leaves.
    expect(response.body).not.toMatch(/\b(AWO|CAR|KDV|DRK|LRA)-[A-Z0-9]{6}\b/);
  });

  it("shows a provider's account its own provider only, by session or token", async () => {
    const bodies = [
      (await get('/api/v1/quality?date=2021-03-01', awo.read)).json(),
      (
        await get(
          '/api/v1/quality?date=2021-03-01',
          await bearerFor(test.database.handle.db, 'provider', 'AWO'),
        )
      ).json(),
    ];
    const adminBody = (await get('/api/v1/quality?date=2021-03-01', admin.read)).json();
    for (const body of bodies) {
      expect(body.provider).toBe('AWO');
      expect(body.providers).toEqual([{ code: 'AWO', name: 'Arbeiterwohlfahrt' }]);
      for (const section of ['completeness', 'status_unknown', 'duration', 'snapshots'])
        expect(new Set(body[section].map((row: { provider: string }) => row.provider))).toEqual(
          new Set(['AWO']),
        );
      // The same figures the district office sees for AWO.
      expect(body.duration).toEqual(
        adminBody.duration.filter((row: { provider: string }) => row.provider === 'AWO'),
      );
    }
  });

  it('takes the day the exports reach when no date is given', async () => {
    const body = (await get('/api/v1/quality', admin.read)).json();
    expect(body.date).toBe('2021-03-01');
    // On the day of the demonstration Stand, every provider has delivered on time.
    expect(body.snapshots.map((row: { state: string }) => row.state)).toEqual(
      Array(5).fill('current'),
    );
    const later = (await get('/api/v1/quality?date=2026-01-01', admin.read)).json();
    // Years after the demonstration Stand, every provider is overdue.
    expect(later.snapshots.map((row: { state: string }) => row.state)).toEqual(
      Array(5).fill('overdue'),
    );
  });

  it('sends one table as CSV for German Excel', async () => {
    const response = await get(
      '/api/v1/quality?date=2021-07-14&table=snapshots&format=csv',
      admin.read,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain(
      'datenqualitaet-snapshots-2021-07-14.csv',
    );
    const [header, first] = response.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe(
      'Träger;Name;Neuester Stand;Eingegangen;Nächster Stand fällig bis;Lieferung;Tage überfällig',
    );
    expect(first).toMatch(/^AWO;Arbeiterwohlfahrt;01\.03\.2021;[^;]+;13\.07\.2021;überfällig;1$/);

    const completeness = await get('/api/v1/quality?date=2021-03-01&table=completeness', {
      ...admin.read,
      accept: 'text/csv',
    });
    const lines = completeness.body.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFSpalte;Spalte (deutsch);Angabe;Regel;Grundgesamtheit;Träger;Fälle;mit Angabe;Anteil mit Angabe',
    );
    const total = lines.find(
      (line) => line.startsWith('language_level;') && line.includes(';Insgesamt;'),
    );
    // Decimal comma, no grouping.
    expect(total).toMatch(/;Insgesamt;3744;\d+;0,\d+$/);
  });

  it('sends a table as Arrow with numbers as numbers', async () => {
    const response = await get(
      '/api/v1/quality?date=2021-03-01&table=duration&format=arrow',
      admin.read,
    );
    expect(response.statusCode).toBe(200);
    const table = tableFromIPC(response.rawPayload);
    expect(table.numRows).toBe(6);
    const json = (await get('/api/v1/quality?date=2021-03-01', admin.read)).json();
    expect(table.getChild('provider')?.get(5)).toBe('Insgesamt');
    expect(table.getChild('over_three_years_count')?.get(5)).toBe(
      json.duration.at(-1).over_three_years.count,
    );
  });

  it.each([
    ['/api/v1/quality?date=2021-02-30', 'date'],
    ['/api/v1/quality?date=heute', 'date'],
    ['/api/v1/quality?format=csv', 'table'],
    ['/api/v1/quality?table=faelle&format=csv', 'table'],
  ])('answers %s with a problem that says what to change', async (url, mention) => {
    const response = await get(url, admin.read);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ status: 400, title: expect.any(String) });
    expect(body.detail).toContain(mention);
  });
});

describe(`GET /api/v1/quality after an upload (${DATABASE_KIND})`, () => {
  let test: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    test = await createTestApp();
    admin = await signedIn(test.app, test.database.handle.db, {
      name: 'koordination',
      role: 'admin',
    });
  });
  afterAll(() => test?.close());

  const HEADER =
    'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;language_level;language_level_since';
  function upload(dryRun: boolean) {
    const boundary = 'quality-test';
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = [
      HEADER,
      'AWO-0001;AWO;08118048;IM-1;f;1990-03;SYR;2020-02-01;B1;2020-10-01',
      'AWO-0002;AWO;08118048;IM-1;m;1991-04;SYR;2020-02-01;;',
      'AWO-0003;AWO;08118048;IM-1;m;1992-05;SYR;2020-02-01;A2;2020-10-01',
      'AWO-0004;AWO;08118048;IM-1;m;1993-06;;2020-02-01;A1;2020-10-01',
    ].join('\n');
    return test.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      payload: Buffer.from(
        `${field('provider', 'AWO')}${field('as_of', '2021-03-01')}${dryRun ? field('dry_run', 'true') : ''}` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="awo.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${file}\n\r\n--${boundary}--\r\n`,
      ),
      headers: { ...admin.write, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  }
  const languageLevel = async () => {
    const body = (
      await test.app.inject({ url: '/api/v1/quality?date=2021-03-01', headers: admin.read })
    ).json();
    return {
      completeness: body.completeness.find(
        (row: { column: string; provider: string }) =>
          row.column === 'language_level' && row.provider === 'AWO',
      ),
      country: body.completeness.find(
        (row: { column: string; provider: string }) =>
          row.column === 'country_of_origin' && row.provider === 'AWO',
      ),
      unknown: body.status_unknown.find((row: { provider: string }) => row.provider === 'AWO')
        .active.language_level,
      snapshot: body.snapshots.find((row: { provider: string }) => row.provider === 'AWO'),
    };
  };

  it('changes nothing on a dry run and counts the one missing language level after storing', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
      new Date(),
    );
    // Without any export, the default day is today in Germany.
    expect(
      (await test.app.inject({ url: '/api/v1/quality', headers: admin.read })).json().date,
    ).toBe(today);
    expect((await upload(true)).json().status).toBe('dry_run');
    const before = await languageLevel();
    expect(before.completeness).toMatchObject({ cases: 0, count: 0, share: null });
    expect(before.snapshot.state).toBe('none');

    expect((await upload(false)).json().status).toBe('imported');
    const after = await languageLevel();
    expect(after.completeness).toMatchObject({ cases: 4, count: 3, share: 0.75 });
    expect(after.country).toMatchObject({ cases: 4, count: 3, share: 0.75 });
    expect(after.unknown).toEqual({ cases: 4, count: 1, share: 0.25 });
    expect(after.snapshot).toMatchObject({ latest_as_of: '2021-03-01', state: 'current' });
  });
});
