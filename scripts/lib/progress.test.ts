// The import's progress on the command line: a redrawn bar on a terminal, plain lines in
// a log, rows per second and time left in German number formats.
import { describe, expect, it } from 'vitest';
import { describeProgress, formatDuration, progressReporter } from './progress.ts';

const at = (bytes: number, rows: number, phase: 'load' | 'check' | 'merge' | 'done' = 'load') => ({
  phase,
  bytes,
  totalBytes: 1000,
  rows,
});

describe('import progress', () => {
  it('shows share, rows, rows per second and time left', () => {
    expect(describeProgress(at(250, 120_000), 10, true)).toBe(
      '[██████░░░░░░░░░░░░░░░░░░] 25 % · 120.000 Zeilen · 12.000 Zeilen/s · noch 30 s',
    );
    expect(describeProgress(at(500, 1_500_000), 120, false)).toBe(
      'Lesen: 50 % · 1.500.000 Zeilen · 12.500 Zeilen/s · noch 2:00 min',
    );
    expect(formatDuration(Number.NaN)).toBe('–');
  });

  it('redraws one line on a terminal and clears it at the end', () => {
    let clock = 0;
    const written: string[] = [];
    const report = progressReporter(
      { isTTY: true, write: (text) => written.push(text) },
      () => clock,
    );
    clock = 1000;
    report(at(100, 1000));
    clock = 1050; // within 100 ms: not redrawn
    report(at(110, 1100));
    clock = 1200;
    report(at(200, 2000));
    report(at(1000, 10_000, 'done'));
    expect(written).toHaveLength(3);
    expect(written[0]?.startsWith('\r\x1b[2K[██')).toBe(true);
    expect(written[2]).toBe('\r\x1b[2K');
  });

  it('writes a plain line every 10 % when the output is a log', () => {
    let clock = 0;
    const written: string[] = [];
    const report = progressReporter(
      { isTTY: false, write: (text) => written.push(text) },
      () => clock,
    );
    for (let bytes = 10; bytes <= 1000; bytes += 10) {
      clock += 100;
      report(at(bytes, bytes * 10));
    }
    report(at(1000, 10_000, 'merge'));
    report(at(1000, 10_000, 'done'));
    expect(written.length).toBeGreaterThanOrEqual(10);
    expect(written.length).toBeLessThanOrEqual(12);
    expect(written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(written.at(-1)).toContain('Zusammenführen');
  });
});
