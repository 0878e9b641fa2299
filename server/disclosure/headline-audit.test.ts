// The headline audit reads each case's counts on the release dates from its stored stretches
// where the monthly figures are current, and from its rows otherwise: both give the same
// unknowns, so the same figures are published and withheld. On PGlite and PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { HEADLINE_INDICATORS } from '../reports/content.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { DEFAULT_RULES } from './disclose.ts';
import { type AuditedHeadline, audit } from './headline-audit.ts';

const DISTRICT = '08118';
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ demonstrationData: true });
}, 300_000);
afterAll(() => database?.drop());

const indicators = HEADLINE_INDICATORS.map((id) => findIndicator(id) as Indicator);

/** Every count on every release date as the audit publishes it (null: withheld). */
const published = (headline: AuditedHeadline) =>
  [...headline.dates]
    .sort()
    .flatMap((date) =>
      headline.counts.map(({ alias }) => `${date} ${alias} ${headline.count(alias, date)}`),
    );

describe(`the headline audit on ${DATABASE_KIND}`, () => {
  it('publishes and withholds the same from the stored stretches as from the case rows', async () => {
    const db = database.handle.db;
    const fromStretches = await audit(db, DISTRICT, indicators, DEFAULT_RULES);
    const fromCases = await audit(db, DISTRICT, indicators, DEFAULT_RULES, { source: 'cases' });
    expect(fromStretches.source).toBe('stretches');
    expect(fromCases.source).toBe('cases');
    expect(fromStretches.dates.size).toBeGreaterThan(24);
    expect(published(fromStretches)).toEqual(published(fromCases));
    expect(fromStretches.solved).toBe(fromCases.solved);
    // Something is withheld and something published, so the comparison says something.
    expect(published(fromCases).some((line) => line.endsWith(' null'))).toBe(true);
    expect(published(fromCases).some((line) => /\d$/.test(line))).toBe(true);
  }, 300_000);

  it('reads the case rows where the monthly figures are not current', async () => {
    const db = database.handle.db;
    await sql`UPDATE figures_monthly_slices SET version = 'older' WHERE district_key = ${DISTRICT}`.execute(
      db,
    );
    const stale = await audit(db, DISTRICT, indicators, DEFAULT_RULES);
    expect(stale.source).toBe('cases');
  }, 300_000);
});
