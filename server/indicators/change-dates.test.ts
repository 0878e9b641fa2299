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
import { ageThresholds, ageThresholdsOf, changeDates } from './figures-monthly.ts';
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

  it('take birthdays only at the ages the conditions and dimensions declare', () => {
    // MINOR and ADULT at 18, the age groups at 6, 18, 27, 45 and 65.
    expect(ageThresholds()).toEqual([6, 18, 27, 45, 65]);
    const older = condition(sql`age >= 30`, [], [30]);
    expect(ageThresholdsOf([{ name: 'older', sql: older.where, atAges: older.atAges }])).toEqual([
      30,
    ]);
    // All of the conditions: the ages of each.
    const both = allOf(older, condition(sql`age < 60`, [], [60]));
    expect(ageThresholdsOf([{ name: 'both', sql: both.where, atAges: both.atAges }])).toEqual([
      30, 60,
    ]);
    expect(cases(both).atAges).toEqual([30, 60]);
  });

  it('are refused for a condition on age that names no age', () => {
    for (const where of [sql`age >= 30`, sql`"age" BETWEEN 20 AND 30`, sql`(age % 2) = 0`]) {
      expect(() => ageThresholdsOf([{ name: 'undeclared', sql: where }])).toThrow(
        /undeclared uses age but names no age/,
      );
    }
    // The function age(…) and other columns are no use of the fact.
    expect(
      ageThresholdsOf([
        { name: 'other', sql: sql`date_part('year', age(reporting_date, started_on)) > 2` },
        { name: 'stage', sql: sql`language_level = 'B1'` },
      ]),
    ).toEqual([]);
    expect(() => ageThresholdsOf([{ name: 'zero', sql: sql`age > 0`, atAges: [0.5] }])).toThrow(
      /not a whole number/,
    );
  });
});
