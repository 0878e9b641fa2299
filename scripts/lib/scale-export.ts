// A large, valid export for benchmarks and load tests: seeded, streamed to disk, in the
// export format a provider would send (German headers, `;`, dates as TT.MM.JJJJ).
// Its figures mean nothing; its shape (share of closed cases, statuses, dates) is
// plausible so that validation and merge do the work they do on real files.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rng } from './random.ts';

export interface ScaleExportOptions {
  rows: number;
  seed: number;
  provider: string;
  asOf: string;
  /** AGS keys the rows may name (from the district's registry). */
  municipalities: readonly string[];
  /** Share of rows whose values differ from the same seed's snapshot (a newer snapshot). */
  changeShare?: number;
  /** Seed of the changes; the cases stay those of `seed`. */
  changeSeed?: number;
}

export const SCALE_HEADER = [
  'fall_id',
  'traeger',
  'gemeinde',
  'im_kennung',
  'haushalt_id',
  'geschlecht',
  'geburtsmonat',
  'herkunftsland',
  'beginn',
  'ende',
  'beendigungsgrund',
  'integrationsplan_seit',
  'sprachniveau',
  'sprachniveau_seit',
  'beschaeftigung',
  'beschaeftigung_seit',
  'wohnsituation',
  'mietvertrag_seit',
];

const DAY = 86_400_000;
const EARLIEST = Date.UTC(2016, 0, 1);
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
const german = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
};
const COUNTRIES = ['SYR', 'AFG', 'IRQ', 'ERI', 'NGA', 'TUR', 'IRN', 'SOM', 'GMB', 'PAK'];
const SEXES = ['m', 'w', 'm', 'w', 'd', 'x'];
const LEVELS = ['keine Kenntnisse', 'Alphabetisierung', 'A1', 'A2', 'B1', 'B2', 'C1'];
const JOBS = [
  'sv_employment',
  'Ausbildung',
  'Studium',
  'Praktikum',
  'marginal',
  'Sprachkurs',
  'Schule',
  'keine',
];
const HOUSING = ['Anschlussunterbringung', 'eigener Mietvertrag', 'sonstige'];
const REASONS = ['independent', 'max_duration', 'Wegzug', 'Kontaktabbruch', 'handed_over'];

/** One row of the export, from its own seed so a changed snapshot keeps the same cases. */
function row(index: number, options: ScaleExportOptions, random: ReturnType<typeof rng>) {
  const { int, pick, next } = random;
  const asOf = Date.parse(`${options.asOf}T00:00:00Z`);
  const start = EARLIEST + int(0, Math.floor((asOf - EARLIEST) / DAY) - 30) * DAY;
  const ended = next() < 0.4;
  const end = ended ? start + int(30, Math.floor((asOf - start) / DAY)) * DAY : 0;
  const last = ended ? end : asOf;
  const within = () => start + int(0, Math.floor((last - start) / DAY)) * DAY;
  const level = next() < 0.7 ? pick(LEVELS) : '';
  const job = next() < 0.6 ? pick(JOBS) : '';
  const housing = next() < 0.8 ? pick(HOUSING) : '';
  const lease = housing === 'eigener Mietvertrag' || next() < 0.1 ? german(within()) : '';
  return [
    `${options.provider}-${index.toString(36).padStart(6, '0')}`,
    options.provider,
    pick(options.municipalities),
    `IM-${int(1, 400)}`,
    next() < 0.8 ? `HH-${int(1, Math.max(1, options.rows / 2))}` : '',
    pick(SEXES),
    `${pad(int(1, 12))}.${int(1950, 2020)}`,
    pick(COUNTRIES),
    german(start),
    ended ? german(end) : '',
    ended ? pick(REASONS) : '',
    next() < 0.9 ? german(within()) : '',
    level,
    level ? german(within()) : '',
    job,
    job ? german(within()) : '',
    housing,
    lease,
  ].join(';');
}

/** Writes the export with back pressure; returns its size in bytes. */
export async function writeScaleExport(path: string, options: ScaleExportOptions): Promise<number> {
  const out = createWriteStream(path);
  const base = rng(options.seed);
  const changes = rng(options.changeSeed ?? options.seed + 1);
  let bytes = 0;
  let chunk = `${SCALE_HEADER.join(';')}\r\n`;
  for (let index = 0; index < options.rows; index++) {
    // Every row draws from the base stream the same way, so the cases are the same in
    // every snapshot of a seed; a changed row is drawn again from the change stream.
    const line = row(index, options, base);
    const changed = options.changeShare !== undefined && changes.next() < options.changeShare;
    chunk += `${changed ? row(index, options, changes) : line}\r\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return bytes;
}
