// The comparison behind `npm run check:db-types`: each kind of drift between the migrations
// and server/db/types.ts is named. (The script itself, on the real schema, runs in CI.)
import { describe, expect, it } from 'vitest';
import { differences } from './check-db-types.ts';

const table = (columns: Record<string, boolean>) =>
  new Map(Object.entries(columns).map(([name, nullable]) => [name, { nullable }]));

describe('check:db-types', () => {
  const database = new Map([
    ['cases', table({ case_id: false, ended_on: true })],
    ['figures_monthly', table({ on_date: false, clients_active: false })],
  ]);

  it('finds nothing where types.ts says what the migrations make', () => {
    expect(
      differences(
        database,
        new Map([
          ['cases', { columns: table({ case_id: false, ended_on: true }), open: false }],
          ['figures_monthly', { columns: table({ on_date: false }), open: true }],
        ]),
      ),
    ).toEqual([]);
  });

  it('names a missing table, a missing or extra column and a NULL typed wrongly', () => {
    expect(
      differences(
        database,
        new Map([
          ['cases', { columns: table({ case_id: true, lease: false }), open: false }],
          ['users', { columns: table({ id: false }), open: false }],
        ]),
      ),
    ).toEqual([
      'cases.case_id: is NOT NULL in the migrations, typed with null in types.ts',
      'cases.ended_on: in the migrations, missing from types.ts',
      'cases.lease: in types.ts, no such column in the migrations',
      'table figures_monthly: in the migrations, missing from Database in types.ts',
      'table users: in types.ts, not made by the migrations',
    ]);
  });
});
