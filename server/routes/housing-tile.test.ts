// The housing tile (private_lease_share: people in counselling living under a private lease of
// their own), added by one registry entry and one line in contract/interim-report.ts: on the
// page the server renders, in a published report, its page's figures and its CSV and XLSX
// downloads, with the numerator and denominator a direct query over the imported cases gives.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../../contract/interim-report.ts';
import { readXlsx } from '../import/read-xlsx.ts';
import { bearerFor, type SignedIn, signedIn } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

const ID = 'private_lease_share';
const LABEL = 'Wohnen mit eigenem Mietvertrag';
const STICHTAG = '2021-01-01';
const de = (n: number) => new Intl.NumberFormat('de-DE').format(n);

let test: Awaited<ReturnType<typeof createTestApp>>;
let admin: SignedIn;
let bearer: { authorization: string };
const dir = mkdtempSync(join(tmpdir(), 'zb-housing-tile-'));
/** Active cases on the Stichtag, and those whose latest housing record by then is a lease. */
let direct: { leased: number; active: number };

beforeAll(async () => {
  test = await createTestApp({
    demonstrationData: true,
    webDist: resolve(import.meta.dirname, '../../web'),
  });
  admin = await signedIn(test.app, test.database.handle.db, {
    name: 'koordination',
    role: 'admin',
  });
  bearer = await bearerFor(test.database.handle.db, 'admin');
  const { rows } = await sql<{ leased: number; active: number }>`
    SELECT count(*) FILTER (WHERE h.value = 'private_lease')::int AS leased, count(*)::int AS active
    FROM cases c
    LEFT JOIN LATERAL (
      SELECT s.value FROM case_status s
      WHERE s.district_key = c.district_key AND s.provider = c.provider AND s.case_id = c.case_id
        AND s.kind = 'housing' AND s.since <= ${STICHTAG}::date
      ORDER BY s.since DESC LIMIT 1) h ON true
    WHERE c.district_key = '08118' AND c.started_on <= ${STICHTAG}::date
      AND (c.ended_on IS NULL OR c.ended_on > ${STICHTAG}::date)`.execute(test.database.handle.db);
  direct = rows[0] as { leased: number; active: number };
}, 600_000);
afterAll(async () => {
  await test?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the housing tile (${DATABASE_KIND})`, () => {
  it('is declared among the caseload tiles, with a figure the data can show', () => {
    expect(SECTIONS.caseload.tiles.map((tile) => tile.id)).toContain(ID);
    // Neither none nor all: otherwise the comparison below would prove little.
    expect(direct.leased).toBeGreaterThan(20);
    expect(direct.leased).toBeLessThan(direct.active);
  });

  it('stands on the page the server renders, with its numerator and denominator', async () => {
    const response = await test.app.inject({
      url: `/?stichtag=${STICHTAG}&beendet_bis=2021-03-01`,
      headers: bearer,
    });
    expect(response.statusCode).toBe(200);
    const { document } = new JSDOM(response.body, { virtualConsole: new VirtualConsole() }).window;
    const tile = [...document.querySelectorAll('#caseload-tiles .tile')].find(
      (element) => element.querySelector('h3')?.textContent === LABEL,
    );
    expect(tile?.querySelector('.detail')?.textContent).toBe(
      `${de(direct.leased)} von ${de(direct.active)} betreuten Personen`,
    );
    expect(tile?.querySelector('.value')?.textContent).toBe(
      `${Math.floor((direct.leased / direct.active) * 100 + 0.5)} %`,
    );
  });

  it('is frozen in a published report and in its CSV and XLSX downloads', async () => {
    const published = await test.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { title: 'Zwischenbilanz März 2021', stichtag: STICHTAG, beendet_bis: '2021-03-01' },
      headers: admin.write,
    });
    expect(published.statusCode, published.body).toBe(201);
    const { slug, content } = published.json();
    // As the public sees it: the headline figures on the first of a month are exact.
    expect(content.caseload.find((figure: { id: string }) => figure.id === ID)).toMatchObject({
      label: LABEL,
      numerator: direct.leased,
      denominator: direct.active,
      suppressed: false,
    });
    expect(content.definitions.map((definition: { id: string }) => definition.id)).toContain(ID);

    const csv = (await test.app.inject({ url: `/api/v1/reports/${slug}?format=csv` })).body;
    const row = csv.split(/\r?\n/).find((line) => line.startsWith(`caseload:${ID};`));
    expect(row).toContain(`;${LABEL};${STICHTAG};`);
    expect(row).toContain(`;${direct.leased};${direct.active};`);

    const xlsx = await test.app.inject({ url: `/api/v1/reports/${slug}?format=xlsx` });
    expect(xlsx.statusCode).toBe(200);
    const path = join(dir, 'report.xlsx');
    writeFileSync(path, xlsx.rawPayload);
    const rows: string[][] = [];
    for await (const batch of readXlsx(path)) for (const read of batch) rows.push(read.cells);
    expect(rows.find((cells) => cells[0] === `caseload:${ID}`)).toEqual(
      expect.arrayContaining([LABEL, String(direct.leased), String(direct.active)]),
    );
  });
});
