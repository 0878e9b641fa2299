// Loads the demonstration exports (fixtures/demo) into an empty database through the
// ordinary import, so a first start shows the 2021 figures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { addUser, findUser } from './accounts/accounts.ts';
import { generatePassword } from './accounts/secrets.ts';
import { commandLineActor, recordAudit } from './audit/audit-log.ts';
import type { DatabaseHandle } from './db/connect.ts';
import type { Database } from './db/types.ts';
import { type ImportSummary, importExport } from './import/import-export.ts';

export const DEMO_DIR = resolve(import.meta.dirname, '../fixtures/demo');

interface Manifest {
  exports: { provider: string; as_of: string; file: string }[];
}

export async function isEmpty(db: Kysely<Database>, district: string): Promise<boolean> {
  const row = await db
    .selectFrom('imports')
    .select('id')
    .where('district_key', '=', district)
    .limit(1)
    .executeTakeFirst();
  return row === undefined;
}

export async function loadDemonstrationData(
  database: DatabaseHandle,
  district: string,
  dir = DEMO_DIR,
): Promise<ImportSummary[]> {
  const manifest = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as Manifest;
  const summaries: ImportSummary[] = [];
  for (const entry of manifest.exports) {
    const summary = await importExport(database, {
      district,
      provider: entry.provider,
      asOf: entry.as_of,
      fileName: entry.file,
      path: resolve(dir, entry.file),
    });
    if (summary.status === 'rejected') {
      throw new Error(
        `Demonstration export ${entry.file} was rejected: ${summary.errors[0]?.message}`,
      );
    }
    summaries.push(summary);
  }
  return summaries;
}

export const DEMO_ADMIN = 'demo';

/**
 * `npm start -- --demo`: an admin account "demo" with a fresh password, returned to be shown
 * once. An existing demo account is left as it is.
 */
export async function ensureDemoAdmin(
  db: Kysely<Database>,
  district: string,
): Promise<{ name: string; created: true; password: string } | { name: string; created: false }> {
  if (await findUser(db, DEMO_ADMIN)) return { name: DEMO_ADMIN, created: false };
  const password = generatePassword();
  await addUser(db, { district, name: DEMO_ADMIN, role: 'admin' }, password);
  await recordAudit(db, {
    ...commandLineActor(),
    action: 'user_added',
    target: DEMO_ADMIN,
    detail: { role: 'admin', demo: true },
  });
  return { name: DEMO_ADMIN, created: true, password };
}
