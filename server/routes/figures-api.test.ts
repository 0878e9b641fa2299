// The figure endpoints on the demonstration data: breakdowns, cross-tables, series and
// comparisons, as JSON, CSV and Arrow, for the public and for the district office; random
// requests never give a small count away.
import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSION_IDS } from '../indicators/dimensions.ts';
import { INDICATORS } from '../indicators/registry.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { seriesPoints } from './indicators.ts';

interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  protection?: string;
  kind?: string;
}

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
let admin: { authorization: string };
let funder: { authorization: string };
const K = 5;
/** The default maximum deviation of the Cell Key Method. */
const D = 3;

beforeAll(async () => {
  ({ app, database, close } = await createTestApp({ demonstrationData: true }));
  admin = await bearerFor(database.handle.db, 'admin');
  funder = await bearerFor(database.handle.db, 'funder');
});
afterAll(() => close?.());

const get = async (url: string, headers: Record<string, string> = {}) => {
  const response = await app.inject({ url, headers });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return response;
};

/** No count, numerator or denominator from 1 to k-1 is shown. */
function expectNoSmallCounts(figures: Figure[], where: string) {
  for (const figure of figures) {
    for (const count of [
      figure.kind === 'count' ? figure.value : null,
      figure.numerator,
      figure.denominator,
    ]) {
      if (count !== null && count !== undefined) {
        expect(count >= 1 && count < K, `${where}: ${JSON.stringify(figure)}`).toBe(false);
      }
    }
  }
}

/** A perturbed count lies within ±maxDeviation of the exact one. */
function expectWithinDeviation(shown: Figure, exact: Figure, where: string) {
  for (const part of ['value', 'numerator', 'denominator'] as const) {
    const published = shown[part];
    const truth = exact[part];
    if (part === 'value' && shown.kind !== 'count') continue;
    if (published === null || truth === null) continue;
    expect(
      Math.abs(published - truth),
      `${where} ${part}: ${published} for ${truth}`,
    ).toBeLessThanOrEqual(D);
  }
}

describe(`figure endpoints on ${DATABASE_KIND}`, () => {
  it('perturbs the public breakdown by municipality, and gives its total exactly on a release date', async () => {
    const url = '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=municipality';
    const [open, internal] = await Promise.all([get(url), get(url, admin)]);
    const shown = open.json();
    const exact = internal.json();
    expect(shown).toMatchObject({
      audience: 'public',
      rules: { k: 5, minDenominator: 20, protectionWidth: 2, cellKey: { maxDeviation: D } },
    });
    expect(exact).toMatchObject({ audience: 'internal', rules: null });
    const towns = exact.rows.length;
    expect(exact.rows.filter((r: Figure) => (r.value ?? 0) > 0)).toHaveLength(34);
    expectNoSmallCounts(
      shown.rows.map((r: Figure) => ({ ...r, kind: 'count' })),
      'public',
    );
    let moved = 0;
    for (const [i, row] of shown.rows.entries()) {
      const raw = exact.rows[i];
      expect(row).toMatchObject({ key: raw.key, suppressed: false, protection: 'perturbed' });
      expect(raw.protection).toBe('none');
      expectWithinDeviation({ ...row, kind: 'count' }, raw, raw.key);
      if (row.value !== raw.value) moved += 1;
    }
    expect(moved, 'the Cell Key Method moves some counts').toBeGreaterThan(0);
    // 01.01.2021 is a release date: the district's caseload is audited and exact.
    expect(shown.total).toEqual({ ...exact.total, protection: 'audited' });

    const csv = await get(`${url}&format=csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFSchlüssel;Gemeinde;Wert;Zähler;Nenner;gesperrt;Schutz');
    expect(lines).toHaveLength(towns + 2 + 1);
    expect(lines.filter((line) => line.endsWith(';nein;leicht verändert'))).toHaveLength(towns);
    expect(lines.at(-2)).toBe(`total;Insgesamt;${exact.total.value};;;nein;exakt, geprüft`);

    const arrow = await get(`${url}&format=arrow`);
    const table = tableFromIPC(arrow.rawPayload);
    const decoded = table.toArray().map((row) => row.toJSON());
    expect(
      decoded.slice(0, towns).map((r) => [r.key, r.value === null ? null : Number(r.value)]),
    ).toEqual(shown.rows.map((r: Figure & { key: string }) => [r.key, r.value]));
  });

  it('gives the same cases the same figure in every table: breakdown, cross-table margin, filter', async () => {
    const date = '2020-11-15';
    const byTown = (
      await get(`/api/v1/indicators/clients_minor/breakdown?date=${date}&by=municipality`)
    ).json();
    const crossed = (
      await get(
        `/api/v1/indicators/clients_minor/crosstab?date=${date}&rows=municipality&columns=sex`,
      )
    ).json();
    const asFunder = (
      await get(`/api/v1/indicators/clients_minor/breakdown?date=${date}&by=municipality`, funder)
    ).json();
    expect(asFunder.rows).toEqual(byTown.rows);
    expect(crossed.row_totals.map((f: Figure) => f.value)).toEqual(
      byTown.rows.map((r: Figure) => r.value),
    );
    for (const row of byTown.rows.slice(0, 6)) {
      const filtered = (
        await get(`/api/v1/indicators?date=${date}&municipality=${row.key}`)
      ).json();
      const minors = filtered.indicators.find((i: { id: string }) => i.id === 'clients_minor');
      expect(minors.value, row.key).toBe(row.value);
      // Adults in a town are another set of cases, with a perturbation of their own.
      const adults = filtered.indicators.find((i: { id: string }) => i.id === 'clients_adult');
      expect(adults.protection).toBe('perturbed');
    }
    // Asking again learns nothing new.
    const again = (
      await get(`/api/v1/indicators/clients_minor/breakdown?date=${date}&by=municipality`)
    ).json();
    expect(again.rows).toEqual(byTown.rows);
  });

  it('describes every indicator and dimension from the registry', async () => {
    const body = (await get('/api/v1/definitions')).json();
    expect(body.indicators.map((i: { id: string }) => i.id)).toEqual(INDICATORS.map((i) => i.id));
    expect(
      body.indicators.find((i: { id: string }) => i.id === 'language_b1_plus_share'),
    ).toMatchObject({
      label: 'Sprachniveau B1 oder höher',
      kind: 'share',
      population: 'betreute Erwachsene',
      denominator: { id: 'clients_adult', label: 'davon Erwachsene' },
    });
    expect(body.dimensions.map((d: { id: string }) => d.id)).toEqual([...DIMENSION_IDS]);
    expect(
      body.dimensions.find((d: { id: string }) => d.id === 'municipality').categories.length,
    ).toBeGreaterThan(30);
  });

  it('gives series by month, quarter and year that match the figures on each date', async () => {
    expect(seriesPoints('2020-02', '2020-07', 'quarter')).toEqual([
      { date: '2020-03-31', periodFrom: '2020-01-01', period: '2020-Q1' },
      { date: '2020-06-30', periodFrom: '2020-04-01', period: '2020-Q2' },
      { date: '2020-09-30', periodFrom: '2020-07-01', period: '2020-Q3' },
    ]);
    const series = (
      await get(
        '/api/v1/indicators/clients_active/series?from=2019-01&to=2020-12&interval=month',
        admin,
      )
    ).json();
    expect(series.points).toHaveLength(24);
    expect(series.points[1]).toMatchObject({ period: '2019-02', date: '2019-02-28' });
    for (const point of [series.points[0], series.points[13], series.points[23]]) {
      const day = (await get(`/api/v1/indicators?date=${point.date}`, admin)).json();
      const active = day.indicators.find((i: { id: string }) => i.id === 'clients_active');
      expect(point.value).toBe(active.value);
    }
    const years = (
      await get(
        '/api/v1/indicators/cases_started_in_period/series?from=2018-01&to=2020-12&interval=year',
        admin,
      )
    ).json();
    expect(years.points.map((p: { period: string }) => p.period)).toEqual(['2018', '2019', '2020']);
    const in2019 = (await get('/api/v1/indicators?date=2019-12-31&from=2019-01-01', admin)).json();
    expect(years.points[1].value).toBe(
      in2019.indicators.find((i: { id: string }) => i.id === 'cases_started_in_period').value,
    );
    const csv = await get(
      '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-03&format=csv',
    );
    expect(csv.body.split('\r\n')[0]).toBe(
      '\uFEFFZeitraum;Stichtag;Wert;Zähler;Nenner;gesperrt;Schutz;vorläufig',
    );
    const bad = await app.inject({
      url: '/api/v1/indicators/clients_active/series?from=2021-01&to=2020-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('from');
  });

  it('gives cross-tables whose margins are the breakdowns, perturbed for the public', async () => {
    const url =
      '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=municipality&columns=sex';
    const exact = (await get(url, admin)).json();
    const bySex = (
      await get('/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=sex', admin)
    ).json();
    expect(exact.column_totals.map((f: Figure) => f.value)).toEqual(
      bySex.rows.map((r: Figure) => r.value),
    );
    expect(exact.total.value).toBe(bySex.total.value);
    const shown = (await get(url)).json();
    expectNoSmallCounts(
      [...shown.cells.flat(), ...shown.row_totals, ...shown.column_totals, shown.total].map(
        (f: Figure) => ({ ...f, kind: 'count' }),
      ),
      'cross-table',
    );
    shown.cells.forEach((row: Figure[], i: number) => {
      row.forEach((cell, j) => {
        expectWithinDeviation({ ...cell, kind: 'count' }, exact.cells[i][j], `cell ${i},${j}`);
      });
    });
    expect(shown.total).toEqual({ ...exact.total, protection: 'audited' });
    const csv = await get(`${url}&format=csv`);
    expect(csv.body.split('\r\n')[0]).toMatch(
      /^\uFEFFSchlüssel;Gemeinde;weiblich;männlich;.*;Insgesamt$/,
    );
  });

  it("says how far the data reach: the oldest of the providers' newest exports", async () => {
    const on = await get('/api/v1/indicators?date=2022-06-30');
    expect(on.json().data_as_of).toBe('2021-03-01');
    const series = await get(
      '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-12&interval=year&provider=AWO',
    );
    expect(series.json().data_as_of).toBe('2021-03-01');
    const breakdown = await get(
      '/api/v1/indicators/clients_active/breakdown?date=2022-06-30&by=provider',
    );
    expect(breakdown.json().data_as_of).toBe('2021-03-01');
  });

  it('compares with the same day a year earlier and gives the change', async () => {
    const body = (
      await get('/api/v1/indicators?date=2021-01-01&compare=previous_year', admin)
    ).json();
    expect(body.comparison.date).toBe('2020-01-01');
    const now = body.indicators.find((i: { id: string }) => i.id === 'clients_active');
    const then = body.comparison.indicators.find((i: { id: string }) => i.id === 'clients_active');
    expect(now.change).toBe(now.value - then.value);
    const csv = await get(
      '/api/v1/indicators?date=2021-01-01&compare=2020-06-30&format=csv',
      admin,
    );
    expect(csv.body.split('\r\n')[0]).toContain('Veränderung seit 2020-06-30');
  });

  it('answers for the whole state, under the restricted rules even for the district office', async () => {
    const own = (await get('/api/v1/indicators?date=2021-01-01', admin)).json();
    const state = (await get('/api/v1/indicators?date=2021-01-01&district=all', admin)).json();
    expect(state).toMatchObject({ district: 'all', rules: { k: 5 } });
    // One district in the database: the state's caseload is the district's, perturbed.
    const stateActive = state.indicators.find((i: { id: string }) => i.id === 'clients_active');
    const ownActive = own.indicators.find((i: { id: string }) => i.id === 'clients_active');
    expect(stateActive.protection).toBe('perturbed');
    expect(Math.abs(stateActive.value - ownActive.value)).toBeLessThanOrEqual(D);
    const unknown = await app.inject({ url: '/api/v1/indicators?date=2021-01-01&district=09999' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      parameter: 'district',
      value: '09999',
      allowed_values: ['08118', 'all'],
    });
  });

  it('never shows a small count in random public breakdowns and cross-tables, and moves none by more than D', async () => {
    const dates = ['2019-06-30', '2020-01-01', '2021-01-01', '2021-03-01', '2020-11-15'];
    const arbitrary = fc.record({
      indicator: fc.constantFrom(...INDICATORS.map((i) => i.id)),
      by: fc.constantFrom(...DIMENSION_IDS),
      other: fc.constantFrom(...DIMENSION_IDS),
      date: fc.constantFrom(...dates),
      cross: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ indicator, by, other, date, cross }) => {
        const kind = INDICATORS.find((i) => i.id === indicator)?.kind;
        if (cross && by !== other) {
          const url = `/api/v1/indicators/${indicator}/crosstab?date=${date}&rows=${by}&columns=${other}`;
          const shown = (await get(url)).json();
          expectNoSmallCounts(
            [...shown.cells.flat(), ...shown.row_totals, ...shown.column_totals, shown.total].map(
              (f: Figure) => ({ ...f, kind }),
            ),
            url,
          );
          return;
        }
        const url = `/api/v1/indicators/${indicator}/breakdown?date=${date}&by=${by}`;
        const [shown, exact] = [(await get(url)).json(), (await get(url, admin)).json()];
        expectNoSmallCounts(
          [...shown.rows, shown.total].map((f: Figure) => ({ ...f, kind })),
          url,
        );
        shown.rows.forEach((row: Figure, i: number) => {
          expectWithinDeviation({ ...row, kind }, exact.rows[i], url);
        });
      }),
      { numRuns: 120, seed: 2021 },
    );
  });
});
