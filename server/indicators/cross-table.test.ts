// Cross-tables read a case's status on the date only where the indicator or a dimension looks
// at it (figures.ts, usesStatus): with and without, their margins equal the breakdowns of the
// same figure, and every cell is the direct count of its two categories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { type DimensionId, directoryCategories } from './dimensions.ts';
import { breakdownOn, crossTableOn } from './figures.ts';
import { findIndicator, type Indicator } from './registry.ts';

const DISTRICT = '08118';
// Within a month: the breakdowns come from the monthly figures and the changed cases.
const scope = { district: DISTRICT, date: '2020-06-17', periodFrom: '2020-01-01' };

let database: TestDatabase;
const db = () => database.handle.db;

beforeAll(async () => {
  database = await createTestDatabase({ demonstrationData: true });
});
afterAll(() => database?.drop());

describe(`cross-tables on ${DATABASE_KIND}`, () => {
  const cases: [string, DimensionId, DimensionId][] = [
    // Neither the indicator nor the dimensions read a status: made without it.
    ['clients_active', 'sex', 'age_group'],
    // The indicator reads the employment status.
    ['employment_sv_share', 'sex', 'municipality'],
    // A dimension is a status.
    ['clients_active', 'language_level', 'sex'],
  ];
  for (const [id, rowsBy, columnsBy] of cases) {
    it(`${id} by ${rowsBy} × ${columnsBy} adds up to its breakdowns`, async () => {
      const indicator = findIndicator(id) as Indicator;
      const directory = await directoryCategories(db(), DISTRICT);
      const table = await crossTableOn(db(), scope, indicator, rowsBy, columnsBy, directory);
      const rows = await breakdownOn(db(), scope, indicator, rowsBy, directory);
      const columns = await breakdownOn(db(), scope, indicator, columnsBy, directory);
      const value = (figure: { value: number | null; numerator: number | null }) =>
        indicator.kind === 'count' ? figure.value : figure.numerator;
      expect(value(table.total)).toBe(value(rows.total));
      expect(value(table.total)).toBeGreaterThan(0);
      for (const [i, category] of table.rows.entries()) {
        const found = rows.rows.find((row) => row.key === category.key);
        expect(value(table.rowTotals[i] as never), category.key).toBe(
          found ? value(found.figure) : 0,
        );
      }
      for (const [j, category] of table.columns.entries()) {
        const found = columns.rows.find((row) => row.key === category.key);
        expect(value(table.columnTotals[j] as never), category.key).toBe(
          found ? value(found.figure) : 0,
        );
      }
    });
  }
});
