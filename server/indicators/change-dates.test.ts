// The monthly sweep's change points come from the registry's conditions: a condition that
// names a new kind of day brings that day into the sweep without a second list to keep.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { changeDates } from './figures-monthly.ts';
import { ACTIVE, allOf, cases, condition, INDICATORS, type Indicator } from './registry.ts';

// Compiles SQL to text only; nothing is sent anywhere.
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const texts = (indicators: readonly Indicator[]) =>
  changeDates(indicators).map((date) => sql`${date}`.compile(compiler).sql);

describe('the change points of the monthly sweep', () => {
  it("are the days the registry's conditions name, each once", () => {
    expect(texts(INDICATORS)).toEqual([
      'started_on',
      'ended_on',
      'plan_created_on',
      "(started_on + interval '3 years' + interval '1 day')::date",
    ]);
  });

  it('take the day of a new condition from its registry entry', () => {
    const signed = condition(sql`lease_signed_on <= reporting_date`, [sql`lease_signed_on`]);
    const leases: Indicator = {
      id: 'clients_active',
      kind: 'share',
      label: 'Mit Mietvertrag',
      definition: '',
      population: '',
      numeratorLabel: '',
      numerator: cases(allOf(ACTIVE, signed)),
      denominator: 'clients_active',
    };
    expect(texts([leases])).toEqual(['started_on', 'ended_on', 'lease_signed_on']);
  });
});
