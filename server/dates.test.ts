// One "today" for the whole product: the calendar day in Germany. Between midnight and
// 01:00 (winter) or 02:00 (summer) German time the UTC day is still yesterday; an export
// dated today must not be refused as lying in the future then.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dayInBerlin } from '../contract/dates.ts';
import { importExport } from './import/import-export.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from './test/database.ts';

describe('the calendar day in Germany', () => {
  it('is the next day from 22:00 or 23:00 UTC, and the same day before', () => {
    expect(dayInBerlin(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
    expect(dayInBerlin(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02'); // summer, UTC+2
    expect(dayInBerlin(new Date('2026-12-31T22:59:59Z'))).toBe('2026-12-31');
    expect(dayInBerlin(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01'); // winter, UTC+1
  });
});

describe(`an import just after midnight in Germany, on ${DATABASE_KIND}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());
  afterEach(() => {
    vi.useRealTimers();
  });

  const HEADER =
    'case_id;provider;municipality;manager_id;sex;birth_month;country_of_origin;started_on;ended_on;end_reason;language_level;language_level_since;employment;employment_since;housing;lease_signed_on';
  const ROW =
    'AWO-0001;AWO;08118048;IM-1;f;03.1990;SYR;2019-02-01;;;A2;2019-10-01;language_course;2019-03-01;follow_up;';
  const importDated = (asOf: string) =>
    importExport(database.handle, {
      district: '08118',
      provider: 'AWO',
      asOf,
      fileName: 'awo.csv',
      bytes: Buffer.from(`${HEADER}\n${ROW}\n`),
      dryRun: true,
    });

  it('takes an export dated today in Germany, though UTC is still on yesterday, and refuses tomorrow', async () => {
    // 00:30 on 2 July in Germany.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-07-01T22:30:00Z'));
    const today = await importDated('2026-07-02');
    expect(today.errors).toEqual([]);
    expect(today.status).toBe('dry_run');
    await expect(importDated('2026-07-03')).rejects.toThrow('liegt in der Zukunft');
  });
});
