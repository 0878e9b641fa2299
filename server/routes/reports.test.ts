// Published reports through the API on the demonstration data: an admin publishes the
// interim report of March 2021; a later import changes today's figures, the report keeps its
// own and names the figures that now read differently and the import that changed them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../demo-data.ts';
import { importExport } from '../import/import-export.ts';
import { CASELOAD_INDICATORS } from '../reports/content.ts';
import { bearerFor, type SignedIn, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
let admin: SignedIn;
beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true });
  admin = await signedIn(test.app, test.database.handle.db, {
    name: 'koordination',
    role: 'admin',
  });
});
afterAll(() => test?.close());

const MARCH_2021 = {
  title: 'Zwischenbilanz März 2021',
  stichtag: '2021-01-01',
  beendet_bis: '2021-03-01',
};
const SLUG = '2021-03-01-zwischenbilanz-maerz-2021';

const publish = (payload: unknown, headers: Record<string, string> = admin.write) =>
  test.app.inject({ method: 'POST', url: '/api/v1/reports', payload: payload as object, headers });

type Figure = { value: number | null; suppressed: boolean };
const byId = (list: ({ id: string } & Figure)[], id: string) => list.find((i) => i.id === id);

/** AWO's next snapshot: everything as before, and six adults whose counselling began in December 2020. */
function awoSnapshotWithSixNewCases(): Buffer {
  const before = readFileSync(resolve(DEMO_DIR, 'awo-2021-03-01.csv'), 'utf8').trimEnd();
  const added = Array.from(
    { length: 6 },
    (_, i) => `AWO-NEU00${i + 1};AWO;08118077;IM-AWO-01;;f;1990-01;SYR;2020-12-01;;;;;;;;;`,
  );
  return Buffer.from(`${before}\n${added.join('\n')}\n`);
}

describe(`published reports on ${DATABASE_KIND}`, () => {
  it('publishes the interim report as the public sees it, with the imports it used', async () => {
    const response = await publish(MARCH_2021);
    expect(response.statusCode).toBe(201);
    const report = response.json();
    expect(report).toMatchObject({
      slug: SLUG,
      title: 'Zwischenbilanz März 2021',
      stichtag: '2021-01-01',
      beendet_bis: '2021-03-01',
      published_by: 'koordination',
    });
    expect(Object.keys(report).sort()).toEqual([
      'beendet_bis',
      'content',
      'correction',
      'id',
      'provisional',
      'published_at',
      'published_by',
      'slug',
      'status',
      'stichtag',
      'supersedes',
      'title',
    ]);
    expect(report).toMatchObject({
      status: 'current',
      provisional: false,
      correction: null,
      supersedes: [],
    });
    const { content } = report;
    expect(content).toMatchObject({
      audience: 'public',
      rules: { k: 5, minDenominator: 20 },
      data_as_of: '2021-03-01',
      provisional_dates: [],
    });
    expect(byId(content.caseload, 'clients_active')?.value).toBe(2469);
    expect(byId(content.caseload, 'clients_minor')?.value).toBe(970);
    expect(byId(content.caseload, 'clients_adult')?.value).toBe(1499);
    expect(Math.round((byId(content.caseload, 'language_b1_plus_share')?.value ?? 0) * 100)).toBe(
      24,
    );
    expect(byId(content.closed, 'cases_closed')?.value).toBe(1253);
    expect(byId(content.closed, 'cases_closed_with_lease')?.value).toBe(780);
    // The tiles' comparison a year earlier, frozen with them.
    expect(content.previous_year).toMatchObject({
      stichtag: '2020-01-01',
      beendet_bis: '2020-03-01',
    });
    expect(byId(content.previous_year.caseload, 'clients_active')?.value).toBe(2066);
    expect(content.previous_year.closed).toHaveLength(3);
    expect(content.breakdowns.map((b: { by: string }) => b.by)).toEqual([
      'language_level',
      'employment',
    ]);
    // As disclosed to the public: no shown count between 1 and k-1.
    for (const breakdown of content.breakdowns)
      for (const row of breakdown.rows as Figure[])
        if (!row.suppressed) expect(row.value === 0 || (row.value ?? 0) >= 5).toBe(true);
    expect(content.trend).toMatchObject({ from: '2019-01', to: '2020-12' });
    expect(content.trend.points).toHaveLength(24);
    expect(content.definitions.map((d: { id: string }) => d.id)).toContain('clients_active');
    expect(content.imports.map((i: { provider: string }) => i.provider)).toEqual([
      'AWO',
      'CARITAS',
      'DRK',
      'KDV',
      'LRA',
    ]);
    expect(content.imports[0]).toMatchObject({
      as_of: '2021-03-01',
      file_name: 'awo-2021-03-01.csv',
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The per-provider values stay inside the database.
    expect(JSON.stringify(report)).not.toContain('provider_values');

    const audit = await test.app.inject({
      url: '/api/v1/audit?action=report_published',
      headers: admin.read,
    });
    expect(audit.json().entries).toMatchObject([
      { actor: 'koordination', action_label: 'Bericht veröffentlicht', target: SLUG },
    ]);
  });

  it('lists the reports for everyone, newest first', async () => {
    const second = await publish({
      ...MARCH_2021,
      title: 'Zweiter Bericht',
      stichtag: '2020-12-31',
    });
    expect(second.statusCode).toBe(201);
    const response = await test.app.inject({ url: '/api/v1/reports' });
    expect(response.statusCode).toBe(200);
    expect(response.json().reports.map((r: { slug: string }) => r.slug)).toEqual([
      '2021-03-01-zweiter-bericht',
      SLUG,
    ]);
    expect(response.json().reports[0]).not.toHaveProperty('content');
  });

  it('shows the frozen report to anyone, with no changes while the data is the same', async () => {
    const response = await test.app.inject({ url: `/api/v1/reports/${SLUG}` });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(byId(report.content.caseload, 'clients_active')?.value).toBe(2469);
    expect(report.changes).toEqual([]);
    expect(report.calculation_changed).toBe(false);
  });

  it('answers the frozen figures as CSV', async () => {
    const response = await test.app.inject({ url: `/api/v1/reports/${SLUG}?format=csv` });
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.body).toContain('caseload:clients_active;Betreute Personen;2021-01-01;2469;');
    expect(response.body).toContain('closed:cases_closed;Beendete Fälle;2021-03-01;1253;');
  });

  it('keeps its figures after a new import and names what changed and which import did', async () => {
    const summary = await importExport(test.database.handle, {
      district: '08118',
      provider: 'AWO',
      asOf: '2021-06-01',
      fileName: 'awo-2021-06-01.csv',
      bytes: awoSnapshotWithSixNewCases(),
    });
    expect(summary).toMatchObject({ status: 'imported', new: 6, changed: 0 });

    const today = await test.app.inject({ url: '/api/v1/indicators?date=2021-01-01' });
    expect(byId(today.json().indicators, 'clients_active')?.value).toBe(2475);

    const response = await test.app.inject({ url: `/api/v1/reports/${SLUG}` });
    const report = response.json();
    expect(byId(report.content.caseload, 'clients_active')?.value).toBe(2469);
    expect(report.content.imports).toHaveLength(5);

    const change = (key: string) => report.changes.find((c: { key: string }) => c.key === key);
    expect(change('caseload:clients_active')).toMatchObject({
      label: 'Betreute Personen',
      date: '2021-01-01',
      published: { value: 2469, suppressed: false },
      today: { value: 2475, suppressed: false },
      providers: ['AWO'],
      imports: [
        {
          id: summary.import_id,
          provider: 'AWO',
          as_of: '2021-06-01',
          file_name: 'awo-2021-06-01.csv',
        },
      ],
    });
    expect(change('caseload:clients_adult')).toMatchObject({
      published: { value: 1499 },
      today: { value: 1505 },
    });
    // Six adults more in the denominator, none more at B1 or higher.
    expect(change('caseload:language_b1_plus_share')?.today.denominator).toBe(1505);
    expect(change('caseload:clients_minor')).toBeUndefined();
    // The trend is perturbed: six more cases read as six more, give or take twice the deviation.
    const december = change('trend:clients_active:2020-12-31');
    expect(
      Math.abs((december?.today.value ?? 0) - (december?.published.value ?? 0) - 6),
    ).toBeLessThanOrEqual(6);
    // A month before the new cases began, the same cases read the same.
    expect(change('trend:clients_active:2020-11-30')).toBeUndefined();
    // The cases closed by 01.03.2021 are the same.
    expect(report.changes.filter((c: { key: string }) => c.key.startsWith('closed:'))).toEqual([]);
    for (const each of report.changes) expect(each.providers).toEqual(['AWO']);
  });

  it('names a breakdown figure whose cases changed, and leaves the others of its chart alone', async () => {
    const language = (headers: Record<string, string> = {}) =>
      test.app
        .inject({
          url: '/api/v1/indicators/clients_adult/breakdown?date=2021-01-01&by=language_level',
          headers,
        })
        .then((response) => response.json().rows as ({ key: string } & Figure)[]);
    const publicBefore = await language();
    const exact = await language(admin.read);
    const count = (key: string) => exact.find((row) => row.key === key)?.value as number;
    // Twenty more adults at C1 since 01.12.2020, in a newer AWO snapshot.
    const before = readFileSync(resolve(DEMO_DIR, 'awo-2021-03-01.csv'), 'utf8').trimEnd();
    const sixNew = awoSnapshotWithSixNewCases().toString('utf8').trimEnd().slice(before.length);
    const c1 = Array.from(
      { length: 20 },
      (_, i) =>
        `AWO-C1-${String(i).padStart(4, '0')};AWO;08118077;IM-AWO-01;;m;1985-05;SYR;2020-12-01;;;;C1;2020-12-01;;;;`,
    );
    const summary = await importExport(test.database.handle, {
      district: '08118',
      provider: 'AWO',
      asOf: '2021-07-01',
      fileName: 'awo-2021-07-01.csv',
      bytes: Buffer.from(`${before}${sixNew}\n${c1.join('\n')}\n`),
    });
    expect(summary).toMatchObject({ status: 'imported', new: 20 });
    const publicAfter = await language();
    expect((await language(admin.read)).find((row) => row.key === 'C1')?.value).toBe(
      count('C1') + 20,
    );

    const report = (await test.app.inject({ url: `/api/v1/reports/${SLUG}` })).json();
    const change = (key: string) =>
      report.changes.find(
        (c: { key: string }) => c.key === `breakdown:clients_adult:language_level:${key}`,
      );
    expect(change('C1')).toMatchObject({
      label: 'Sprachniveau der betreuten Erwachsenen: C1',
      today: { value: publicAfter.find((row) => row.key === 'C1')?.value },
      providers: ['AWO'],
    });
    expect(change('C1').imports.map((i: { as_of: string }) => i.as_of)).toEqual([
      '2021-06-01',
      '2021-07-01',
    ]);
    // "keine Kenntnisse" counts the same cases as before: the same figure, no change.
    expect(publicAfter.find((row) => row.key === 'none')).toEqual(
      publicBefore.find((row) => row.key === 'none'),
    );
    expect(change('none')).toBeUndefined();
  });

  it('says when the figures are now computed by other SQL than at publication', async () => {
    const { db } = test.database.handle;
    const stored = await db
      .selectFrom('published_reports')
      .selectAll()
      .where('slug', '=', SLUG)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('published_reports')
      .values({
        district_key: '08118',
        slug: '2021-03-01-alte-berechnung',
        title: 'Alte Berechnung',
        stichtag: stored.stichtag,
        beendet_bis: stored.beendet_bis,
        published_by: 'test',
        content: JSON.stringify({ ...stored.content, calculation: 'eine-andere' }),
        provider_values: JSON.stringify(stored.provider_values),
      })
      .execute();
    const older = (
      await test.app.inject({ url: '/api/v1/reports/2021-03-01-alte-berechnung' })
    ).json();
    expect(older.calculation_changed).toBe(true);
    const current = (await test.app.inject({ url: `/api/v1/reports/${SLUG}` })).json();
    expect(current.calculation_changed).toBe(false);
  });

  it('lets only admins publish, and a session only with its CSRF token', async () => {
    const { db } = test.database.handle;
    const press = await signedIn(test.app, db, { name: 'presse', role: 'press' });
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [press.write, 403],
      [await bearerFor(db, 'funder'), 403],
      [await bearerFor(db, 'provider', 'AWO'), 403],
      [admin.read, 403],
    ];
    for (const [headers, status] of cases) {
      const response = await publish(MARCH_2021, headers);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const listed = await test.app.inject({ url: '/api/v1/reports' });
    expect(listed.json().reports).toHaveLength(3);
  });

  it.each([
    [{ stichtag: '2021-02-30' }, 'Feld „stichtag“: 2021-02-30 ist kein gültiges Datum'],
    [{ beendet_bis: 'März' }, 'Feld „beendet_bis“: März ist kein gültiges Datum'],
    [{ beendet_bis: '2020-12-01' }, 'liegt vor dem Stichtag 01.01.2021'],
    [{ stichtag: '2017-12-31' }, 'vor Beginn des Programms'],
    [{ beendet_bis: '2999-01-01' }, 'liegt in der Zukunft'],
    [{ title: ' ' }, 'Feld „title“'],
  ])('refuses %j with a German problem that says what to change', async (change, detail) => {
    const response = await publish({ ...MARCH_2021, ...change });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain(detail);
  });

  it('publishes figures past the exports only when confirmed, and marks them provisional for good', async () => {
    const june = {
      title: 'Zwischenbilanz Juni 2021',
      stichtag: '2021-06-30',
      beendet_bis: '2021-06-30',
    };
    const refused = await publish(june);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      confirmation: 'provisional_confirmed',
      data_as_of: '2021-03-01',
      provisional_dates: ['2021-06-30'],
    });
    expect(refused.json().detail).toBe(
      'Die Exporte der Träger reichen bis 01.03.2021: Für 30.06.2021 zählen Fälle als laufend, deren Ende noch nicht gemeldet ist. Die Zahlen sind vorläufig, und der Bericht bliebe für immer als „vorläufig“ gekennzeichnet. Zum Veröffentlichen das ausdrücklich bestätigen (provisional_confirmed: true) oder einen Stichtag bis 01.03.2021 wählen.',
    );
    expect((await publish({ ...june, provisional_confirmed: false })).statusCode).toBe(409);

    const published = await publish({ ...june, provisional_confirmed: true });
    expect(published.statusCode).toBe(201);
    const slug = published.json().slug;
    expect(slug).toBe('2021-06-30-zwischenbilanz-juni-2021');
    const report = (await test.app.inject({ url: `/api/v1/reports/${slug}` })).json();
    expect(report).toMatchObject({ provisional: true, status: 'current' });
    expect(report.content).toMatchObject({
      data_as_of: '2021-03-01',
      provisional_dates: ['2021-06-30'],
    });
    // Every figure of the frozen table carries the mark, those for a day after the exports.
    const csv = (await test.app.inject({ url: `/api/v1/reports/${slug}?format=csv` })).body;
    expect(csv.split('\r\n')[0]).toMatch(/;gesperrt;vorläufig$/);
    expect(csv).toMatch(
      /\r\ncaseload:clients_active;Betreute Personen;2021-06-30;\d+;;;nein;ja\r\n/,
    );
    expect(csv).toMatch(/\r\ntrend:clients_active:2021-02-28;[^\r]*;nein;nein\r\n/);
    expect(csv).toMatch(/\r\ntrend:clients_active:2021-03-31;[^\r]*;nein;ja\r\n/);
    const listed = (await test.app.inject({ url: '/api/v1/reports' })).json().reports;
    expect(listed.find((r: { slug: string }) => r.slug === slug)).toMatchObject({
      provisional: true,
    });
    const audit = await test.app.inject({
      url: '/api/v1/audit?action=report_published&limit=1',
      headers: admin.read,
    });
    expect(audit.json().entries[0].detail_text).toContain('Als vorläufig veröffentlicht');
  });

  it('asks before publishing the same title and dates again', async () => {
    const again = await publish({ ...MARCH_2021, title: ' zwischenbilanz  MÄRZ 2021 ' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      confirmation: 'republish_confirmed',
      existing: [{ slug: SLUG, title: 'Zwischenbilanz März 2021', status: 'current' }],
    });
    expect(again.json().detail).toMatch(
      /^Einen Bericht „zwischenbilanz {2}MÄRZ 2021“ mit Stichtag 01\.01\.2021 und beendeten Fällen bis 01\.03\.2021 gibt es schon: 2021-03-01-zwischenbilanz-maerz-2021 \(veröffentlicht am \d{2}\.\d{2}\.\d{4}, gültig\)\. /,
    );
    // Other dates are another report.
    expect((await publish({ ...MARCH_2021, stichtag: '2021-02-01' })).statusCode).toBe(201);
    const confirmed = await publish({ ...MARCH_2021, republish_confirmed: true });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().slug).toBe(`${SLUG}-3`);
  });

  it('withdraws a report for good: it stays at its address with the notice, listed last', async () => {
    const withdraw = (slug: string, payload: unknown, headers = admin.write) =>
      test.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${slug}/withdrawal`,
        payload: payload as object,
        headers,
      });
    const { db } = test.database.handle;
    const press = await signedIn(test.app, db, { name: 'presse2', role: 'press' });
    expect((await withdraw(`${SLUG}-3`, { reason: 'Doppelt.' }, press.write)).statusCode).toBe(403);
    expect((await withdraw(`${SLUG}-3`, { reason: ' ' })).statusCode).toBe(400);
    expect((await withdraw(`${SLUG}-3`, {})).statusCode).toBe(400);
    const response = await withdraw(`${SLUG}-3`, {
      reason: 'Versehentlich doppelt veröffentlicht.',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ slug: `${SLUG}-3`, status: 'withdrawn' });

    const report = (await test.app.inject({ url: `/api/v1/reports/${SLUG}-3` })).json();
    expect(report).toMatchObject({
      status: 'withdrawn',
      correction: {
        kind: 'withdrawn',
        reason: 'Versehentlich doppelt veröffentlicht.',
        corrected_by: 'koordination',
        successor: null,
      },
    });
    expect(report.content.caseload).toHaveLength(CASELOAD_INDICATORS.length);

    const again = await withdraw(`${SLUG}-3`, { reason: 'Noch einmal.' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('ist bereits zurückgezogen');
    const unknown = await withdraw('2021-03-01-gibt-es-nicht', { reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain('/api/v1/reports');

    const listed = (await test.app.inject({ url: '/api/v1/reports' })).json().reports;
    expect(listed.at(-1)).toMatchObject({ slug: `${SLUG}-3`, status: 'withdrawn' });
    expect(listed.slice(0, -1).every((r: { status: string }) => r.status === 'current')).toBe(true);
    const audit = await test.app.inject({
      url: '/api/v1/audit?action=report_withdrawn',
      headers: admin.read,
    });
    expect(audit.json().entries).toMatchObject([
      {
        target: `${SLUG}-3`,
        action_label: 'Bericht zurückgezogen',
        detail_text:
          '„Zwischenbilanz März 2021“ zurückgezogen. Begründung: Versehentlich doppelt veröffentlicht.',
      },
    ]);
  });

  it('supersedes a report by a newer one, linked both ways, in one step', async () => {
    expect((await publish({ ...MARCH_2021, supersedes: SLUG })).json().detail).toContain(
      'Feld „reason“ fehlt',
    );
    expect(
      (await publish({ ...MARCH_2021, reason: 'Korrektur', republish_confirmed: true })).statusCode,
    ).toBe(400);
    const gone = await publish({ ...MARCH_2021, supersedes: `${SLUG}-3`, reason: 'Korrektur' });
    expect(gone.statusCode).toBe(409);
    expect(gone.json().detail).toContain('ist bereits zurückgezogen');
    const unknown = await publish({
      ...MARCH_2021,
      supersedes: '2021-03-01-gibt-es-nicht',
      reason: 'x',
    });
    expect(unknown.statusCode).toBe(404);

    // Replacing the one current report of this title needs no second confirmation; the
    // withdrawn one is still named, so that the publisher knows of it.
    const blocked = await publish({
      ...MARCH_2021,
      supersedes: SLUG,
      reason: 'AWO hat nachgeliefert.',
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().existing.map((r: { slug: string }) => r.slug)).toEqual([`${SLUG}-3`]);
    const response = await publish({
      ...MARCH_2021,
      supersedes: SLUG,
      reason: 'AWO hat nachgeliefert.',
      republish_confirmed: true,
    });
    expect(response.statusCode).toBe(201);
    const successor = response.json();
    expect(successor).toMatchObject({ slug: `${SLUG}-4`, supersedes: [{ slug: SLUG }] });
    // The successor has today's figures; the report it replaced keeps its own.
    const today = await test.app.inject({ url: '/api/v1/indicators?date=2021-01-01' });
    expect(byId(successor.content.caseload, 'clients_active')?.value).toBe(
      byId(today.json().indicators, 'clients_active')?.value,
    );

    const old = (await test.app.inject({ url: `/api/v1/reports/${SLUG}` })).json();
    expect(old).toMatchObject({
      status: 'superseded',
      correction: {
        kind: 'superseded',
        reason: 'AWO hat nachgeliefert.',
        corrected_by: 'koordination',
        successor: { slug: `${SLUG}-4`, title: 'Zwischenbilanz März 2021' },
      },
    });
    expect(byId(old.content.caseload, 'clients_active')?.value).toBe(2469);
    expect((await test.app.inject({ url: `/api/v1/reports/${SLUG}-4` })).json().supersedes).toEqual(
      [{ slug: SLUG, title: 'Zwischenbilanz März 2021' }],
    );
    const listed = (await test.app.inject({ url: '/api/v1/reports' })).json().reports;
    expect(listed[0].slug).toBe(`${SLUG}-4`);
    expect(listed.map((r: { status: string }) => r.status).indexOf('superseded')).toBeGreaterThan(
      listed.map((r: { status: string }) => r.status).lastIndexOf('current'),
    );
    const audit = await test.app.inject({
      url: '/api/v1/audit?action=report_superseded',
      headers: admin.read,
    });
    expect(audit.json().entries).toMatchObject([
      { target: SLUG, detail: { successor: `${SLUG}-4`, reason: 'AWO hat nachgeliefert.' } },
    ]);
  });

  it('answers an unknown report with 404', async () => {
    const response = await test.app.inject({ url: '/api/v1/reports/2021-03-01-gibt-es-nicht' });
    expect(response.statusCode).toBe(404);
    expect(response.json().detail).toContain('/api/v1/reports');
  });
});
