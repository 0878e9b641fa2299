// GET /api/v1/funding on the demonstration data: the shape of each format, figures that
// agree with the indicator endpoints, disclosure for each audience, and German errors.
import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}
interface Row {
  year: number;
  provider: string | null;
  provider_label: string;
  from: string | null;
  to: string | null;
  complete: boolean;
  figures: Record<string, Figure>;
}
interface Funding {
  from: number;
  to: number;
  as_of: string | null;
  audience: string;
  rules: { k: number; minDenominator: number } | null;
  provider: string | null;
  providers: { key: string; label: string }[];
  end_reasons: { key: string; label: string }[];
  figures: { id: string; label: string; definition: string; kind: string }[];
  rows: Row[];
}

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>['app'];
let close: (() => Promise<void>) | undefined;
const callers: Record<string, { authorization: string }> = {};

beforeAll(async () => {
  ({ app, database, close } = await createTestApp({ demonstrationData: true }));
  const db = database.handle.db;
  callers.admin = await bearerFor(db, 'admin');
  callers.funder = await bearerFor(db, 'funder');
  callers.press = await bearerFor(db, 'press');
  callers.awo = await bearerFor(db, 'provider', 'AWO');
});
afterAll(() => close?.());

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url, headers });
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
  return response;
}
const funding = async (query: string, headers: Record<string, string> = {}) =>
  (await get(`/api/v1/funding?${query}`, headers)).json() as Funding;

const rowOf = (body: Funding, year: number, provider: string | null) =>
  body.rows.find((row) => row.year === year && row.provider === provider) as Row;

describe(`GET /api/v1/funding on ${DATABASE_KIND}`, () => {
  it('answers a row per year and provider and one for all, with every figure defined', async () => {
    const body = await funding('from=2018&to=2022', callers.admin);
    expect(body).toMatchObject({
      from: 2018,
      to: 2022,
      as_of: '2021-03-01',
      audience: 'internal',
      rules: null,
      provider: null,
    });
    expect(body.providers.map((p) => p.key)).toEqual(['AWO', 'CARITAS', 'DRK', 'KDV', 'LRA']);
    expect(body.end_reasons).toHaveLength(8);
    expect(body.rows).toHaveLength(5 * 6);
    expect(rowOf(body, 2019, null)).toMatchObject({
      provider_label: 'Alle Träger',
      from: '2019-01-01',
      to: '2019-12-31',
      complete: true,
    });
    expect(rowOf(body, 2021, 'AWO')).toMatchObject({ to: '2021-03-01', complete: false });
    // The data end in March 2021: nothing is counted for 2022.
    const later = rowOf(body, 2022, 'KDV');
    expect(later.from).toBeNull();
    expect(Object.values(later.figures).every((f) => f.value === null && !f.suppressed)).toBe(true);
    for (const definition of body.figures) {
      expect(definition.label).toMatch(/\S/);
      expect(definition.definition.length).toBeGreaterThan(30);
      expect(Object.keys(rowOf(body, 2020, 'DRK').figures)).toContain(definition.id);
    }
  });

  it('defines its figures as GET /api/v1/definitions does', async () => {
    const body = await funding('from=2020&to=2020');
    const definitions = (await get('/api/v1/definitions')).json() as { funding: unknown[] };
    expect(definitions.funding).toEqual(body.figures);
    expect(body.figures.find((f) => f.id === 'closed_b1_plus_share')).toMatchObject({
      kind: 'share',
      numerator: { id: 'closed_b1_plus' },
      denominator: { id: 'closed_adults', label: 'Beendet: Erwachsene' },
    });
  });

  it('counts begun and closed cases per year as the indicator series do', async () => {
    const body = await funding('from=2018&to=2022', callers.admin);
    for (const provider of [null, 'CARITAS']) {
      const filter = provider ? `&provider=${provider}` : '';
      for (const [indicator, id] of [
        ['cases_closed_in_period', 'cases_closed_in_year'],
        ['cases_started_in_period', 'cases_started_in_year'],
      ] as const) {
        const series = (
          await get(
            `/api/v1/indicators/${indicator}/series?from=2018-01&to=2021-12&interval=year${filter}`,
            callers.admin,
          )
        ).json() as { points: { period: string; value: number }[] };
        expect(series.points.map((p) => p.period)).toEqual(['2018', '2019', '2020', '2021']);
        expect(
          series.points.map(
            (point) => rowOf(body, Number(point.period), provider).figures[id]?.value,
          ),
          `${id} ${provider}`,
        ).toEqual(series.points.map((point) => point.value));
      }
    }
    const all = rowOf(body, 2020, null).figures;
    const reasons = body.end_reasons.reduce(
      (sum, reason) => sum + (all[`closed_reason_${reason.key}`]?.value as number),
      0,
    );
    expect(reasons).toBe(all.cases_closed_in_year?.value);
  });

  it('gives the caseload per manager of the indicators on the last day of each year', async () => {
    const body = await funding('from=2018&to=2021', callers.admin);
    for (const [year, date] of [
      [2019, '2019-12-31'],
      [2020, '2020-12-31'],
      [2021, '2021-03-01'],
    ] as const) {
      for (const provider of [null, 'KDV']) {
        const indicators = (
          await get(
            `/api/v1/indicators?date=${date}${provider ? `&provider=${provider}` : ''}`,
            callers.admin,
          )
        ).json() as { indicators: (Figure & { id: string })[] };
        const expected = indicators.indicators.find((i) => i.id === 'caseload_per_manager');
        const { figures } = rowOf(body, year, provider);
        expect(figures.caseload_per_manager, `${provider} ${date}`).toEqual({
          value: expected?.value,
          numerator: expected?.numerator,
          denominator: expected?.denominator,
          suppressed: false,
        });
        expect(figures.clients_active?.value).toBe(expected?.numerator);
        expect(figures.managers_active?.value).toBe(expected?.denominator);
      }
    }
  });

  it('never gives the public or the press a count from 1 to k-1, and funders the same rules', async () => {
    const [anonymous, press, funder] = await Promise.all([
      funding('from=2018&to=2022'),
      funding('from=2018&to=2022', callers.press),
      funding('from=2018&to=2022', callers.funder),
    ]);
    expect(anonymous).toMatchObject({ audience: 'public', rules: { k: 5, minDenominator: 20 } });
    expect(press.audience).toBe('public');
    expect(funder).toMatchObject({ audience: 'restricted', rules: { k: 5, minDenominator: 20 } });
    for (const body of [anonymous, funder]) {
      let hidden = 0;
      for (const row of body.rows) {
        for (const [id, figure] of Object.entries(row.figures)) {
          if (figure.suppressed) {
            hidden += 1;
            expect(figure.value).toBeNull();
            expect(figure.numerator).toBeNull();
          }
          const kind = body.figures.find((f) => f.id === id)?.kind;
          for (const count of [
            kind === 'count' ? figure.value : null,
            figure.numerator,
            figure.denominator,
          ])
            if (count !== null)
              expect(count >= 1 && count < 5, `${row.year} ${row.provider} ${id}`).toBe(false);
        }
      }
      expect(hidden).toBeGreaterThan(10);
    }
    // A withheld share says so and keeps a denominator that may be shown.
    const share = rowOf(anonymous, 2018, 'KDV').figures.closed_with_lease_share;
    expect(share).toEqual({ value: null, numerator: null, denominator: 18, suppressed: true });
  });

  it('gives nothing away in random public requests', async () => {
    const reasons = [
      'independent',
      'max_duration',
      'moved_away',
      'contact_lost',
      'handed_over',
      'departed',
      'deceased',
      'other',
    ].map((key) => `closed_reason_${key}`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2015, max: 2022 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(undefined, 'AWO', 'DRK', 'LRA'),
        async (from, span, provider) => {
          const to = Math.min(2022, from + span);
          const body = await funding(
            `from=${from}&to=${to}${provider ? `&provider=${provider}` : ''}`,
          );
          const raw = await funding(
            `from=${from}&to=${to}${provider ? `&provider=${provider}` : ''}`,
            callers.admin,
          );
          const kinds = new Map(body.figures.map((f) => [f.id, f.kind]));
          for (const row of body.rows)
            for (const [id, figure] of Object.entries(row.figures))
              for (const count of [
                kinds.get(id) === 'count' ? figure.value : null,
                figure.numerator,
                figure.denominator,
              ])
                if (count !== null) expect(count >= 1 && count < 5, id).toBe(false);
          // In each line that adds up, never exactly one hidden cell that is not zero.
          const lone = (cells: [Figure | undefined, Figure | undefined][]) =>
            cells.filter(([shown, exact]) => shown?.suppressed && exact?.value !== 0).length === 1;
          for (const [r, row] of body.rows.entries()) {
            const exact = raw.rows[r] as Row;
            expect(
              lone(
                ['cases_closed_in_year', ...reasons].map((id) => [
                  row.figures[id],
                  exact.figures[id],
                ]),
              ),
            ).toBe(false);
          }
          for (let year = from; year <= to && !provider; year++) {
            for (const id of ['cases_started_in_year', 'cases_closed_in_year', ...reasons]) {
              const line = body.rows
                .map((row, r) => [row, raw.rows[r] as Row] as const)
                .filter(([row]) => row.year === year)
                .map(([row, exact]) => [row.figures[id], exact.figures[id]] as [Figure, Figure]);
              expect(lone(line), `${year} ${id}`).toBe(false);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('shows a provider its own figures unsuppressed and the others under the rules', async () => {
    const own = await funding('from=2018&to=2021&provider=AWO', callers.awo);
    expect(own).toMatchObject({ audience: 'provider', rules: null, provider: 'AWO' });
    expect(own.rows).toHaveLength(4);
    expect(own.rows.every((row) => row.provider === 'AWO')).toBe(true);
    expect(rowOf(own, 2018, 'AWO').figures.cases_closed_in_year).toMatchObject({
      suppressed: false,
    });
    const all = await funding('from=2018&to=2021', callers.awo);
    expect(all.rules).toEqual({ k: 5, minDenominator: 20 });
    expect(rowOf(all, 2018, 'AWO').figures.cases_closed_in_year?.suppressed).toBe(true);
  });

  it('answers CSV for German Excel and Arrow with the same rows', async () => {
    const csv = await get('/api/v1/funding?from=2018&to=2022&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('foerderzeitraum-2018-2022.csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 30);
    const header = (lines[0] as string).split(';');
    expect(header.slice(0, 4)).toEqual(['Jahr', 'Träger', 'Bezeichnung', 'Zeitraum von']);
    expect(header).toContain('Anteil mit eigenem Mietvertrag');
    expect(header).toContain('Beendet: Wegzug');
    const share = header.indexOf('Anteil mit eigenem Mietvertrag');
    const allOf2020 = lines.find((line) => line.startsWith('2020;alle;')) as string;
    expect(allOf2020.split(';')[share]).toMatch(/^0,\d+$/);
    const awo2018 = (lines.find((line) => line.startsWith('2018;AWO;')) as string).split(';');
    expect(awo2018[header.indexOf('Beendete Fälle im Jahr')]).toBe('.');
    expect(awo2018.at(-1)).toContain('cases_closed_in_year');

    const arrow = await get('/api/v1/funding?from=2018&to=2022', {
      accept: 'application/vnd.apache.arrow.stream',
    });
    const table = tableFromIPC(new Uint8Array(arrow.rawPayload));
    expect(table.numRows).toBe(30);
    expect(table.getChild('year')?.get(0)).toBe(2018);
    expect(table.getChild('provider')?.get(5)).toBe('alle');
    expect(table.getChild('cases_closed_in_year')?.get(0)).toBeNull();
    expect(String(table.getChild('withheld')?.get(0))).toContain('cases_closed_in_year');
    expect(table.getChild('caseload_per_manager')?.get(5)).toBeGreaterThan(20);
  });

  it('says in German what is wrong with a year or a provider', async () => {
    for (const [query, status, detail] of [
      ['from=20x8&to=2022', 400, /„from“: „20x8“ ist kein Jahr/],
      ['from=2018', 400, /„to“ fehlt/],
      ['from=2010&to=2012', 400, /ab dem Jahr 2015/],
      ['from=2022&to=2018', 400, /„to“ muss gleich „from“ sein oder danach liegen/],
      ['from=2015&to=2040', 400, /Höchstens 20 Jahre/],
      ['from=2018&to=2022&provider=XYZ', 404, /Den Träger XYZ gibt es hier nicht/],
      ['from=2018&to=2022&district=08999', 404, /Den Kreis 08999/],
    ] as const) {
      const response = await app.inject({ url: `/api/v1/funding?${query}` });
      expect(response.statusCode, query).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().detail, query).toMatch(detail);
    }
  });
});
