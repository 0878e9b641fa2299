// Listening for NOTIFY on both databases (connect.ts `listen`): a notification committed by
// any session arrives, not before its transaction commits; the end of a bulk session of the
// same handle is told at once, before `session()` returns; after the stop, nothing more.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../test/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe(`listening for changes on ${DATABASE_KIND}`, () => {
  it('hears committed notifications and the end of its own sessions, and nothing after the stop', async () => {
    const { handle } = database;
    let notified = 0;
    let listening = 0;
    const stop = await handle.listen('zb_listen_test', {
      onNotify: () => {
        notified += 1;
      },
      onListening: () => {
        listening += 1;
      },
      onLost: () => {},
    });
    try {
      expect(listening).toBe(1);
      await sql`SELECT pg_notify('zb_listen_test', '')`.execute(handle.db);
      await vi.waitFor(() => expect(notified).toBe(1), { timeout: 5000 });

      // Not while the transaction is open, and never for one rolled back.
      await handle.db.transaction().execute(async (trx) => {
        await sql`SELECT pg_notify('zb_listen_test', '')`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(notified).toBe(1);
      });
      await vi.waitFor(() => expect(notified).toBe(2), { timeout: 5000 });
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await sql`SELECT pg_notify('zb_listen_test', '')`.execute(trx);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // Another channel is not this one.
      await sql`SELECT pg_notify('zb_listen_other', '')`.execute(handle.db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notified).toBe(2);

      // A bulk session of this handle: told when it ends, before session() returns.
      await handle.session(async (session) => {
        await sql`SELECT 1`.execute(session.db);
        expect(notified).toBe(2);
      });
      expect(notified).toBe(3);
    } finally {
      await stop();
    }
    await sql`SELECT pg_notify('zb_listen_test', '')`.execute(handle.db);
    await handle.session(async () => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notified).toBe(3);
  });
});
