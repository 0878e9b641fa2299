// Progress of a long import on the command line: a bar that redraws itself on a terminal,
// plain log lines (every 10 % or 10 seconds) when the output goes to a file or a CI log.
import type { ImportProgress } from '../../server/import/import-export.ts';

const number = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const minutes = Math.floor(s / 60);
  return minutes > 0 ? `${minutes}:${String(s % 60).padStart(2, '0')} min` : `${s} s`;
}

/** One line describing the progress; `elapsed` in seconds since reading began. */
export function describeProgress(
  progress: ImportProgress,
  elapsed: number,
  bar: boolean,
  merging = 0,
): string {
  if (progress.phase === 'merge') {
    const since = merging >= 1 ? ` (seit ${formatDuration(merging)})` : '';
    return `Zusammenführen: ${number.format(progress.rows)} Zeilen geprüft, werden in einem Schritt übernommen …${since}`;
  }
  const share = progress.totalBytes > 0 ? Math.min(progress.bytes / progress.totalBytes, 1) : 0;
  const rate = elapsed > 0 ? progress.rows / elapsed : 0;
  const left = share > 0 ? (elapsed / share) * (1 - share) : Number.NaN;
  const what =
    progress.phase === 'check' ? 'Prüfen (Fehler gefunden, nichts wird gespeichert)' : 'Lesen';
  const filled = Math.round(share * BAR_WIDTH);
  const prefix = bar ? `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ` : `${what}: `;
  return `${prefix}${Math.floor(share * 100)} % · ${number.format(progress.rows)} Zeilen · ${number.format(rate)} Zeilen/s · noch ${formatDuration(left)}`;
}

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress callback for importExport that draws on `out` (standard error by default). */
export function progressReporter(
  out: ProgressOutput = process.stderr,
  now: () => number = () => performance.now(),
) {
  const started = now();
  let lastDraw = 0;
  let lastShare = -1;
  let lastPhase: ImportProgress['phase'] | undefined;
  let drawn = false;
  // The merge is one step in the database with nothing to count: the line says how long
  // it has been running, redrawn every second on a terminal, every 10 s in a log.
  let ticker: ReturnType<typeof setInterval> | undefined;
  const startTicker = (progress: ImportProgress) => {
    const mergeStarted = now();
    ticker = setInterval(
      () => {
        const merging = (now() - mergeStarted) / 1000;
        const line = describeProgress(progress, 0, Boolean(out.isTTY), merging);
        out.write(out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      },
      out.isTTY ? 1000 : 10_000,
    );
    ticker.unref?.();
  };
  return (progress: ImportProgress) => {
    const time = now();
    const elapsed = (time - started) / 1000;
    if (progress.phase === 'done') {
      clearInterval(ticker);
      if (out.isTTY && drawn) out.write('\r\x1b[2K');
      return;
    }
    if (progress.phase === 'merge' && lastPhase !== 'merge') startTicker(progress);
    const share = progress.totalBytes > 0 ? progress.bytes / progress.totalBytes : 0;
    if (out.isTTY) {
      if (time - lastDraw < 100 && progress.phase === lastPhase) return;
      out.write(`\r\x1b[2K${describeProgress(progress, elapsed, true)}`);
      drawn = true;
    } else {
      const due =
        progress.phase !== lastPhase || share - lastShare >= 0.1 || time - lastDraw >= 10_000;
      if (!due) return;
      out.write(`${describeProgress(progress, elapsed, false)}\n`);
      lastShare = share;
    }
    lastDraw = time;
    lastPhase = progress.phase;
  };
}
