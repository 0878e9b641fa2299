// Which PostgreSQL a PGlite data folder was made by, and a refusal to open one this PGlite
// cannot read as it was written. PGlite 0.3 ran PostgreSQL 17 and kept the tables in the
// database `template1`; PGlite 0.5 runs PostgreSQL 18 with the tables in `postgres`. Opened
// by the other, a folder would either fail deep inside PostgreSQL or, worse, open as an empty
// database, receive the demonstration data and look fine. So the folder
// says what made it: PostgreSQL's own PG_VERSION file (the major) and, from this version on, a
// note of the database (zwischenbilanz-pglite.json). A folder without the note was made by
// PGlite 0.3 (database `template1`). A folder that does not match is refused, nothing written;
// one of PGlite 0.3 is carried over by `npm run data:upgrade` (pglite-upgrade.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the installed PGlite (@electric-sql/pglite 0.5) runs; pglite-folder.test.ts checks it. */
export const PGLITE_CLUSTER = { postgresMajor: '18', database: 'postgres' } as const;

export interface ClusterKind {
  postgresMajor: string;
  database: string;
}

const NOTE = 'zwischenbilanz-pglite.json';
/** Folders from before the note: PGlite 0.3's database. */
const BEFORE_NOTE = 'template1';

/** A data folder made by another PostgreSQL or with another database than this PGlite uses. */
export class DataFolderVersionError extends Error {
  constructor(
    readonly dataDir: string,
    readonly found: ClusterKind,
    readonly expected: ClusterKind,
  ) {
    const made = `PostgreSQL ${found.postgresMajor}, Datenbank „${found.database}“`;
    const runs = `PostgreSQL ${expected.postgresMajor}, Datenbank „${expected.database}“`;
    const fromPGlite03 = found.postgresMajor === '17' && found.database === BEFORE_NOTE;
    super(
      `Der Datenordner ${dataDir} wurde von einer anderen Version der eingebetteten Datenbank angelegt (${made}); diese Version von Zwischenbilanz nutzt ${runs}. ` +
        'Er wird nicht geöffnet und nicht verändert: geöffnet wäre er leer und bekäme die Demodaten. ' +
        (fromPGlite03
          ? // pglite-upgrade.ts
            `Weiter geht es so: den Server anhalten und einmal „DATA_DIR=${dataDir} npm run data:upgrade“ ausführen. ` +
            `Das kopiert alle Daten (Fälle, Kennzahlen, veröffentlichte Berichte, Konten, Protokoll) in einen neuen Ordner unter diesem Namen; der alte bleibt unverändert als ${dataDir}-pglite-0.3 liegen. Danach wie gewohnt starten.`
          : 'Weiter geht es so: diesen Ordner mit der Version von Zwischenbilanz weiter nutzen, die ihn angelegt hat; ' +
            'oder für diese Version einen neuen Ordner angeben (DATA_DIR=./daten-neu npm start) und die Exporte der Träger dort neu einspielen.'),
    );
  }
}

/** What made the folder; null for a folder PostgreSQL has not been set up in yet. */
export function folderCluster(dataDir: string): ClusterKind | null {
  const versionFile = join(dataDir, 'PG_VERSION');
  if (!existsSync(versionFile)) return null;
  const postgresMajor = readFileSync(versionFile, 'utf8').trim();
  const notePath = join(dataDir, NOTE);
  const database = existsSync(notePath)
    ? String((JSON.parse(readFileSync(notePath, 'utf8')) as { database?: unknown }).database)
    : BEFORE_NOTE;
  return { postgresMajor, database };
}

/** Refuses a folder made by another PostgreSQL major or with another database. */
export function checkDataFolder(dataDir: string, expected: ClusterKind = PGLITE_CLUSTER): void {
  const found = folderCluster(dataDir);
  if (!found) return;
  if (found.postgresMajor !== expected.postgresMajor || found.database !== expected.database)
    throw new DataFolderVersionError(dataDir, found, expected);
}

/** Notes the database of a folder this PGlite has opened, for the versions after it. */
export function noteDataFolder(dataDir: string, running: ClusterKind = PGLITE_CLUSTER): void {
  const notePath = join(dataDir, NOTE);
  if (!existsSync(notePath))
    writeFileSync(notePath, `${JSON.stringify({ database: running.database })}\n`);
}
