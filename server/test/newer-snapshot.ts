// A later export of the demonstration data, for tests that need an import to change figures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { DatabaseHandle } from '../db/connect.ts';
import { DEMO_DIR } from '../demo-data.ts';
import { importExport } from '../import/import-export.ts';

/** The KDV export of 2021-03-01 as of 2021-06-30, with its first 40 open cases ended in May. */
export function newerKdvSnapshot(): Buffer {
  const [header, ...lines] = readFileSync(resolve(DEMO_DIR, 'kdv-2021-03-01.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const columns = (header as string).split(',');
  const ended = columns.indexOf('ended_on');
  const reason = columns.indexOf('end_reason');
  let closed = 0;
  const changed = lines.map((line) => {
    const cells = line.split(',');
    if (closed < 40 && cells[ended] === '') {
      cells[ended] = '2021-05-15';
      cells[reason] = 'independent';
      closed += 1;
    }
    return cells.join(',');
  });
  expect(closed).toBe(40);
  return Buffer.from(`${[header, ...changed].join('\n')}\n`);
}

/** Imports newerKdvSnapshot into `database`; its 40 ended cases change the figures after May 2021. */
export async function importNewerKdvSnapshot(database: DatabaseHandle) {
  const summary = await importExport(database, {
    district: '08118',
    provider: 'KDV',
    asOf: '2021-06-30',
    fileName: 'kdv-2021-06-30.csv',
    bytes: newerKdvSnapshot(),
  });
  expect(summary.status, summary.errors[0]?.message).toBe('imported');
  return summary;
}
