// The migrations run once each and in order; a database that a newer version migrated is
// refused, so that this version neither misreads nor damages tables kept in a newer way.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';
import { migrate } from './migrate.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.drop());

describe(`migrations (${DATABASE_KIND})`, () => {
  it('apply nothing twice, and refuse a database migrated by a newer version', async () => {
    expect(await migrate(database.handle)).toEqual([]);
    await sql`INSERT INTO schema_migrations (name, checksum)
      VALUES ('999_from_a_newer_version.sql', 'x')`.execute(database.handle.db);
    await expect(migrate(database.handle)).rejects.toThrow(
      /migrated by a newer version of Zwischenbilanz \(999_from_a_newer_version\.sql is unknown/,
    );
    await sql`DELETE FROM schema_migrations WHERE name = '999_from_a_newer_version.sql'`.execute(
      database.handle.db,
    );
    expect(await migrate(database.handle)).toEqual([]);
  });
});
