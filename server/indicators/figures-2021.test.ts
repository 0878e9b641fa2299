// The published March 2021 figures of Landkreis Ludwigsburg, computed by the SQL from the
// demonstration exports after the ordinary import, compared exactly with the published
// figures (fixtures/reference/figures-2021.json).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemonstrationData } from '../demo-data.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

interface PublishedFigure {
  indicator: string;
  date: string;
  value?: number;
  percent?: number;
}
const spec = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/figures-2021.json', import.meta.url), 'utf8'),
) as {
  figures: PublishedFigure[];
  managers_active: { date: string; value: number };
  municipalities_active: number;
  providers: string[];
};

const roundHalfUp = (share: number) => Math.floor(share * 100 + 0.5 + 1e-9);

let testApp: Awaited<ReturnType<typeof createTestApp>>;
let app: typeof testApp.app;

beforeAll(async () => {
  testApp = await createTestApp();
  app = testApp.app;
  await loadDemonstrationData(testApp.database.handle, '08118');
});
afterAll(async () => testApp?.close());

/** The figures as the public sees them, or (`headers`) as another caller does. */
async function indicatorsOn(date: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url: `/api/v1/indicators?date=${date}`, headers });
  expect(response.statusCode).toBe(200);
  const body = response.json() as {
    indicators: {
      id: string;
      value: number;
      numerator: number | null;
      denominator: number | null;
      suppressed: boolean;
      protection: string;
    }[];
  };
  return new Map(body.indicators.map((indicator) => [indicator.id, indicator]));
}

describe(`published 2021 figures on ${DATABASE_KIND}`, () => {
  for (const figure of spec.figures) {
    it(`${figure.indicator} on ${figure.date} is ${figure.value ?? `${figure.percent} %`}`, async () => {
      const found = (await indicatorsOn(figure.date)).get(figure.indicator);
      expect(found?.suppressed).toBe(false);
      expect(found?.protection, 'a headline figure on a release date, exact').toBe('audited');
      if (figure.value !== undefined) expect(found?.value).toBe(figure.value);
      if (figure.percent !== undefined)
        expect(roundHalfUp(found?.value as number)).toBe(figure.percent);
    });
  }

  it('computes the shares over the adults active on 01.01.2021 (2469 - 970 = 1499)', async () => {
    const on = await indicatorsOn('2021-01-01');
    const adults =
      (on.get('clients_active')?.value as number) - (on.get('clients_minor')?.value as number);
    expect(adults).toBe(1499);
    for (const id of ['language_b1_plus_share', 'employment_sv_share', 'training_share']) {
      expect(on.get(id)?.denominator).toBe(adults);
      expect(on.get(id)?.value).toBeCloseTo((on.get(id)?.numerator as number) / adults, 12);
    }
  });

  it('counts the managers, providers and municipalities of the press release', async () => {
    // Not among the report's audited headline figures: the public sees them perturbed.
    const admin = await bearerFor(testApp.database.handle.db, 'admin');
    const on = await indicatorsOn(spec.managers_active.date, admin);
    expect(on.get('managers_active')?.value).toBe(spec.managers_active.value);
    expect(on.get('municipalities_active')?.value).toBe(spec.municipalities_active);
    const byProvider = await app.inject({
      url: `/api/v1/indicators/clients_active/breakdown?date=${spec.managers_active.date}&by=provider`,
    });
    const rows = (byProvider.json() as { rows: { key: string; value: number }[] }).rows;
    expect(
      rows
        .filter((row) => row.value > 0)
        .map((row) => row.key)
        .sort(),
    ).toEqual([...spec.providers].sort());
  });

  it('answers the same figures as CSV for German Excel and as Arrow', async () => {
    const csv = await app.inject({ url: '/api/v1/indicators?date=2021-01-01&format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFFKennzahl;Bezeichnung;Stichtag;Wert')).toBe(true);
    expect(csv.body).toContain('clients_active;Betreute Personen;2021-01-01;2469;');
    expect(csv.body).toMatch(
      /language_b1_plus_share;[^;]+;2021-01-01;0,24\d*;360;1499;nein;exakt, geprüft/,
    );
    const arrow = await app.inject({
      url: '/api/v1/indicators?date=2021-01-01',
      headers: { accept: 'application/vnd.apache.arrow.stream' },
    });
    const { tableFromIPC } = await import('apache-arrow');
    const table = tableFromIPC(arrow.rawPayload);
    const ids = table.getChild('id')?.toArray() as string[];
    expect(Number(table.getChild('value')?.get(ids.indexOf('clients_active')))).toBe(2469);
  });
});
