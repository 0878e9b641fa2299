// One process at a time on a PGlite data folder. PGlite runs the database inside the process
// that opens it and writes it back to the folder: a second process on the same folder works
// on a copy of its own, and what one of them writes is lost when the other writes over it.
//
// The lock is flock(2) on the folder itself. The kernel holds it for the open folder and
// drops it when the process ends, however it ends (SIGKILL, a crash, a power cut), so no
// stale lock is ever left to clean up; and taking it is one atomic step, so of two processes
// starting at the same moment exactly one gets it. A lock file with a process id could offer
// neither: a dead owner's file must be cleared by someone, and two processes clearing it at
// once can both end up holding it.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';

/** Another process has the folder open: a server, or an import or account command. */
export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(`Der Datenordner ${dataDir} ist schon von einem anderen Prozess geöffnet.`);
  }
}

/** The folder cannot be locked at all on this machine. */
export class DataFolderLockError extends Error {}

export interface DataFolderLock {
  /** Gives the folder free again (ending the process does the same). */
  release(): void;
}

export function lockDataFolder(dataDir: string): DataFolderLock {
  mkdirSync(dataDir, { recursive: true });
  // The folder itself is locked, not a file in it: PGlite creates a database only in an
  // empty folder, and the lock must be taken before that.
  let fd: number;
  try {
    fd = openSync(dataDir, 'r');
  } catch (error) {
    throw new DataFolderLockError(
      `Der Datenordner ${dataDir} kann nicht gesperrt werden: ${(error as Error).message}.`,
    );
  }
  // Node has no flock(). flock(1) takes the lock on the open file it is handed as fd 3; that
  // open file is this process's own, so the lock stays with this process after flock(1)
  // exits, and goes when this process closes it or ends.
  const result = spawnSync('flock', ['-x', '-n', '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    encoding: 'utf8',
  });
  if (result.status === 0) {
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        closeSync(fd);
      },
    };
  }
  closeSync(fd);
  // With -n, flock(1) exits 1 without a word when another process holds the lock.
  if (result.status === 1 && !result.stderr) throw new DataFolderInUseError(dataDir);
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  throw new DataFolderLockError(
    `Der Datenordner ${dataDir} kann nicht gesperrt werden: ${
      missing
        ? 'das Programm „flock“ fehlt (Paket util-linux; unter macOS: brew install flock)'
        : `flock meldet ${result.error?.message ?? (result.stderr.trim() || `Status ${result.status}`)}`
    }. Ohne die Sperre könnten zwei Prozesse zugleich in den Ordner schreiben und Daten ` +
      'verlieren. flock installieren, oder PostgreSQL verwenden (DATABASE_URL).',
  );
}
