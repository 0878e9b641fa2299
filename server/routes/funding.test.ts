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
  protection: string;
}
/** The default maximum deviation of the Cell Key Method. */
const D = 3;
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
  rules: { k: number; minDenominator: number; cellKey: { maxDeviation: number } } | null;
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
          protection: 'none',
        });
        expect(figures.clients_active?.value).toBe(expected?.numerator);
        expect(figures.managers_active?.value).toBe(expected?.denominator);
      }
    }
  });

  it('perturbs every count for the public, the press and funders alike, and withholds shares on a small base', async () => {
    const [anonymous, press, funder, exact] = await Promise.all([
      funding('from=2018&to=2022'),
      funding('from=2018&to=2022', callers.press),
      funding('from=2018&to=2022', callers.funder),
      funding('from=2018&to=2022', callers.admin),
    ]);
    expect(anonymous).toMatchObject({
      audience: 'public',
      rules: { k: 5, minDenominator: 20, cellKey: { maxDeviation: D } },
    });
    expect(press.audience).toBe('public');
    expect(funder).toMatchObject({ audience: 'restricted', rules: { k: 5 } });
    // Funders get exactly what the public gets: no one outside the office sees small counts.
    expect(funder.rows).toEqual(anonymous.rows);
    let withheld = 0;
    let moved = 0;
    for (const [r, row] of anonymous.rows.entries()) {
      const truth = exact.rows[r] as Row;
      for (const [id, figure] of Object.entries(row.figures)) {
        const kind = anonymous.figures.find((f) => f.id === id)?.kind;
        const raw = truth.figures[id] as Figure;
        if (row.from === null) {
          expect(figure.value).toBeNull();
          continue;
        }
        expect(figure.protection, `${row.year} ${row.provider} ${id}`).toBe('perturbed');
        if (figure.suppressed) {
          withheld += 1;
          expect(kind).toBe('share');
          expect(figure.value).toBeNull();
          expect(figure.numerator).toBeNull();
          expect(figure.denominator as number).toBeLessThan(20);
        }
        for (const part of ['value', 'numerator', 'denominator'] as const) {
          const count = part === 'value' && kind !== 'count' ? null : figure[part];
          if (count === null) continue;
          expect(count >= 1 && count < 5, `${row.year} ${row.provider} ${id}`).toBe(false);
          expect(Math.abs(count - (raw[part] as number))).toBeLessThanOrEqual(D);
          if (count !== raw[part]) moved += 1;
        }
      }
    }
    expect(withheld).toBeGreaterThan(0);
    expect(moved).toBeGreaterThan(10);
  });

  it("gives a year's begun cases the same figure as the indicators over that year", async () => {
    const body = await funding('from=2019&to=2020');
    for (const year of [2019, 2020]) {
      for (const provider of [null, 'DRK']) {
        const indicators = (
          await get(
            `/api/v1/indicators?date=${year}-12-31&from=${year}-01-01${provider ? `&provider=${provider}` : ''}`,
          )
        ).json() as { indicators: (Figure & { id: string })[] };
        const started = indicators.indicators.find((i) => i.id === 'cases_started_in_period');
        expect(rowOf(body, year, provider).figures.cases_started_in_year?.value).toBe(
          started?.value,
        );
      }
    }
  });

  it('never shows a small count or moves one by more than D in random public requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2015, max: 2022 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(undefined, 'AWO', 'DRK', 'LRA'),
        async (from, span, provider) => {
          const to = Math.min(2022, from + span);
          const query = `from=${from}&to=${to}${provider ? `&provider=${provider}` : ''}`;
          const body = await funding(query);
          const raw = await funding(query, callers.admin);
          const kinds = new Map(body.figures.map((f) => [f.id, f.kind]));
          for (const [r, row] of body.rows.entries())
            for (const [id, figure] of Object.entries(row.figures))
              for (const part of ['value', 'numerator', 'denominator'] as const) {
                const count = part === 'value' && kinds.get(id) !== 'count' ? null : figure[part];
                if (count === null) continue;
                expect(count >= 1 && count < 5, id).toBe(false);
                const truth = (raw.rows[r] as Row).figures[id]?.[part] as number;
                expect(Math.abs(count - truth), id).toBeLessThanOrEqual(D);
              }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('shows a provider its own figures as computed and the others perturbed', async () => {
    const own = await funding('from=2018&to=2021&provider=AWO', callers.awo);
    expect(own).toMatchObject({ audience: 'provider', rules: null, provider: 'AWO' });
    expect(own.rows).toHaveLength(4);
    expect(own.rows.every((row) => row.provider === 'AWO')).toBe(true);
    const exact = await funding('from=2018&to=2021&provider=AWO', callers.admin);
    expect(own.rows).toEqual(exact.rows);
    expect(rowOf(own, 2018, 'AWO').figures.cases_closed_in_year?.protection).toBe('none');
    const all = await funding('from=2018&to=2021', callers.awo);
    expect(all.rules).toMatchObject({ k: 5, minDenominator: 20 });
    expect(rowOf(all, 2018, 'AWO').figures.cases_closed_in_year?.protection).toBe('perturbed');
  });

  it('answers CSV for German Excel and Arrow with the same rows', async () => {
    const body = await funding('from=2018&to=2022');
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
    expect(awo2018[header.indexOf('Beendete Fälle im Jahr')]).toBe(
      String(rowOf(body, 2018, 'AWO').figures.cases_closed_in_year?.value),
    );
    // A withheld share is "." and named in the last column.
    const index = body.rows.findIndex((row) =>
      Object.values(row.figures).some((figure) => figure.suppressed),
    );
    const withheldRow = body.rows[index] as Row;
    const withheldId = Object.entries(withheldRow.figures).find(([, f]) => f.suppressed)?.[0];
    const line = (lines[1 + index] as string).split(';');
    expect(line.at(-1)).toContain(withheldId);

    const arrow = await get('/api/v1/funding?from=2018&to=2022', {
      accept: 'application/vnd.apache.arrow.stream',
    });
    const table = tableFromIPC(new Uint8Array(arrow.rawPayload));
    expect(table.numRows).toBe(30);
    expect(table.getChild('year')?.get(0)).toBe(2018);
    expect(table.getChild('provider')?.get(5)).toBe('alle');
    expect(Number(table.getChild('cases_closed_in_year')?.get(0))).toBe(
      rowOf(body, 2018, 'AWO').figures.cases_closed_in_year?.value,
    );
    expect(String(table.getChild('withheld')?.get(index))).toContain(withheldId);
    expect(table.getChild('caseload_per_manager')?.get(5)).toBeGreaterThan(20);
  });

  it('says in German what is wrong with a year or a provider', async () => {
    for (const [query, status, detail] of [
      ['from=20x8&to=2022', 400, /„from“: „20x8“ ist kein Jahr/],
      ['from=2018', 400, /„to“ fehlt/],
      ['from=2010&to=2012', 400, /ab dem Jahr 2015/],
      ['from=2022&to=2018', 400, /„to“: 2018 liegt vor „from“/],
      ['from=2015&to=2040', 400, /höchstens 20 Jahre/],
      ['from=2018&to=2022&provider=XYZ', 400, /den Träger „XYZ“ gibt es hier nicht/],
      ['from=2018&to=2022&district=08999', 400, /den Kreis „08999“ gibt es hier nicht/],
    ] as const) {
      const response = await app.inject({ url: `/api/v1/funding?${query}` });
      expect(response.statusCode, query).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().detail, query).toMatch(detail);
    }
  });
});
