// @vitest-environment jsdom
// The data page's pure parts (the Stichtag in the address, German shares and sizes) and the
// quality tables drawn from an answer of GET /api/v1/quality, on screen and as downloads.
import { describe, expect, it } from 'vitest';
import type { QualityPart, QualityResponse } from '../api.ts';
import { csvText } from '../downloads/csv.ts';
import { caseCounts, issueCounts } from './data/import-log.ts';
import {
  completenessDownload,
  dataHash,
  deliveryLabel,
  durationDownload,
  formatQualityShare,
  qualityDate,
  qualityViews,
  snapshotsDownload,
  statusDownload,
} from './data/quality.ts';
import { formatBytes } from './data/shared.ts';
import { resultMessage } from './data/upload.ts';

const part = (count: number, cases: number): QualityPart => ({
  cases,
  count,
  share: cases === 0 ? null : count / cases,
});

describe('Stichtag in the address', () => {
  it("reads a calendar date and otherwise leaves the day to the server (the exports' Stand)", () => {
    expect(qualityDate(new URLSearchParams('stichtag=2021-03-01'))).toBe('2021-03-01');
    expect(qualityDate(new URLSearchParams('stichtag=01.03.2021'))).toBeUndefined();
    expect(qualityDate(new URLSearchParams(''))).toBeUndefined();
    expect(dataHash('2021-03-01')).toBe('#daten?stichtag=2021-03-01');
  });
});

describe('quality shares in German', () => {
  it('rounds half up to whole percent', () => {
    expect(formatQualityShare(part(3, 4))).toBe('75 %');
    expect(formatQualityShare(part(1, 8))).toBe('13 %');
    expect(formatQualityShare(part(4, 4))).toBe('100 %');
    expect(formatQualityShare(part(0, 4))).toBe('0 %');
  });
  it('never shows a gap as 100 % nor a few as 0 %', () => {
    expect(formatQualityShare(part(3700, 3744))).toBe('99 %');
    expect(formatQualityShare(part(3731, 3744))).toBe('> 99 %');
    expect(formatQualityShare(part(1, 3744))).toBe('< 1 %');
  });
  it('shows a dash without cases to measure', () => {
    expect(formatQualityShare(part(0, 0))).toBe('–');
  });
  it('gives file sizes and delivery states in words', () => {
    expect(formatBytes(512)).toBe('512 Byte');
    expect(formatBytes(1234)).toBe('1,2 kB');
    expect(formatBytes(5_600_000)).toBe('5,6 MB');
    const snapshot = {
      provider: 'AWO',
      name: 'Arbeiterwohlfahrt',
      latest_as_of: '2021-03-01',
      imported_at: '2021-03-05T09:00:00Z',
      next_due: '2021-07-13',
    };
    expect(deliveryLabel({ ...snapshot, state: 'current', days_overdue: 0 })).toBe('aktuell');
    expect(deliveryLabel({ ...snapshot, state: 'overdue', days_overdue: 1 })).toBe(
      'überfällig seit 1 Tag',
    );
    expect(deliveryLabel({ ...snapshot, state: 'overdue', days_overdue: 1234 })).toBe(
      'überfällig seit 1.234 Tagen',
    );
    expect(
      deliveryLabel({
        ...snapshot,
        latest_as_of: null,
        imported_at: null,
        next_due: null,
        state: 'none',
        days_overdue: 0,
      }),
    ).toBe('kein Export gespeichert');
  });
});

describe('import log in words', () => {
  it('names only the counts that are not zero', () => {
    expect(caseCounts({ new: 2, changed: 0, unchanged: 0, missing: 643 })).toBe(
      '2 neu · 643 fehlen im Export',
    );
    expect(caseCounts({ new: 0, changed: 1234, unchanged: 5, missing: 0 })).toBe(
      '1.234 geändert · 5 unverändert',
    );
    expect(caseCounts({ new: 0, changed: 0, unchanged: 0, missing: 0 })).toBe('–');
    expect(issueCounts({ error_count: 1, warning_count: 1 })).toBe('1 Fehler · 1 Warnung');
    expect(issueCounts({ error_count: 0, warning_count: 643 })).toBe('643 Warnungen');
    expect(issueCounts({ error_count: 0, warning_count: 0 })).toBe('–');
  });
});

const column = (
  name: string,
  label: string,
  rule: 'required' | 'conditional' | 'optional',
  provider: string | null,
  counts: QualityPart,
) => ({ column: name, alias: name, label, rule, population: 'alle Fälle', provider, ...counts });

const ANSWER: QualityResponse = {
  date: '2021-03-01',
  provider: null,
  providers: [
    { code: 'AWO', name: 'Arbeiterwohlfahrt' },
    { code: 'KDV', name: 'Kreisdiakonieverband' },
  ],
  delivery_rule: { months: 3, grace_days: 42, description: 'Ein Stand je Quartal.' },
  completeness: [
    column('case_id', 'Fall-ID', 'required', 'AWO', part(4, 4)),
    column('case_id', 'Fall-ID', 'required', 'KDV', part(2, 2)),
    column('case_id', 'Fall-ID', 'required', null, part(6, 6)),
    column('language_level', 'Sprachniveau', 'optional', 'AWO', part(3, 4)),
    column('language_level', 'Sprachniveau', 'optional', 'KDV', part(1, 2)),
    column('language_level', 'Sprachniveau', 'optional', null, part(4, 6)),
  ],
  status_unknown: ['AWO', 'KDV', null].map((provider) => ({
    provider,
    active: { language_level: part(1, 3), employment: part(0, 3), housing: part(3, 3) },
    adult: { language_level: part(1, 2), employment: part(0, 2) },
  })),
  duration: ['AWO', 'KDV', null].map((provider) => ({
    provider,
    active: 3,
    over_three_years: part(2, 3),
    over_four_years: part(1, 3),
  })),
  snapshots: [
    {
      provider: 'AWO',
      name: 'Arbeiterwohlfahrt',
      latest_as_of: '2021-03-01',
      imported_at: '2021-03-05T09:00:00Z',
      next_due: '2021-07-13',
      state: 'current',
      days_overdue: 0,
    },
    {
      provider: 'KDV',
      name: 'Kreisdiakonieverband',
      latest_as_of: null,
      imported_at: null,
      next_due: null,
      state: 'none',
      days_overdue: 0,
    },
  ],
};

describe('quality tables', () => {
  const root = document.createElement('div');
  root.append(...qualityViews(ANSWER, '2026-11-30'));
  const table = (className: string) => root.querySelector(`table.${className}`) as HTMLTableElement;
  const texts = (row: Element) =>
    [...row.querySelectorAll('td')].map((td) => td.textContent?.replace(/\s+/g, ' ').trim());

  it('has a caption with the Stand and a labelled cell for every header', () => {
    for (const className of ['snapshots', 'completeness', 'status-unknown', 'duration']) {
      const t = table(className);
      expect(t.caption?.textContent, className).toBeTruthy();
      const headers = [...t.querySelectorAll('th')].map((th) => th.textContent);
      for (const row of t.tBodies[0]?.rows ?? [])
        expect([...row.cells].map((td) => td.dataset.label)).toEqual(headers);
    }
    expect(table('duration').caption?.textContent).toContain('Stand 01.03.2021');
  });

  it('lists only the optional columns, by provider and in total, with their counts', () => {
    const rows = table('completeness').tBodies[0]?.rows ?? [];
    expect(rows).toHaveLength(1);
    expect(texts(rows[0] as Element)).toEqual([
      'Sprachniveau alle Fälle',
      '75 % 3 von 4',
      '50 % 1 von 2',
      '67 % 4 von 6',
    ]);
    expect(root.textContent).toContain(
      'Immer vollständig, weil der Import eine Lücke dort ablehnt: Fall-ID.',
    );
  });

  it('says which snapshot is missing and links the API CSV of each table', () => {
    const rows = table('snapshots').tBodies[0]?.rows ?? [];
    expect(texts(rows[1] as Element)).toEqual([
      'KDV – Kreisdiakonieverband',
      '–',
      '–',
      '–',
      'kein Export gespeichert',
    ]);
    expect(table('snapshots').caption?.textContent).toContain('1 nicht aktuell');
    expect([...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      '/api/v1/quality?date=2021-03-01&table=snapshots&format=csv',
      '/api/v1/quality?date=2021-03-01&table=completeness&format=csv',
      '/api/v1/quality?date=2021-03-01&table=status&format=csv',
      '/api/v1/quality?date=2021-03-01&table=duration&format=csv',
    ]);
    expect([...root.querySelectorAll('a')].map((a) => a.textContent)).toEqual([
      'Lieferung: Rohdaten (API) als CSV',
      'Vollständigkeit: Rohdaten (API) als CSV',
      'Unbekannter Status: Rohdaten (API) als CSV',
      'Höchstdauer: Rohdaten (API) als CSV',
    ]);
  });

  it('offers every table as CSV and XLSX right under it', () => {
    const parts = [...root.querySelectorAll('section.quality-part')];
    expect(parts).toHaveLength(4);
    for (const part of parts) {
      const frame = part.querySelector('.table-frame');
      expect(frame?.nextElementSibling?.className).toBe('downloads');
    }
    expect(
      [...root.querySelectorAll('.downloads button')].map((b) => b.getAttribute('aria-label')),
    ).toEqual(
      [
        'Neuester gespeicherter Stand je Träger',
        'Vollständigkeit der freiwilligen Angaben je Träger',
        'Unbekannter Status je Träger',
        'Laufende Fälle über der Höchstdauer je Träger',
      ].flatMap((title) => [
        `Tabelle „${title}“ als CSV herunterladen`,
        `Tabelle „${title}“ als XLSX (Excel) herunterladen`,
      ]),
    );
  });

  it('shows the duration per provider and in total', () => {
    const rows = [...(table('duration').tBodies[0]?.rows ?? [])].map(texts);
    expect(rows.map((row) => row[0])).toEqual(['AWO', 'KDV', 'Insgesamt']);
    expect(rows[2]).toEqual(['Insgesamt', '3', '67 % 2 von 3', '33 % 1 von 3']);
  });
});

describe('quality tables as downloads', () => {
  const shares = (label: string) => [
    { label, kind: 'share' },
    { label: `${label} (Anzahl)`, kind: 'number' },
  ];

  it('writes the delivery table as the page shows it, on the Stichtag', () => {
    expect(snapshotsDownload(ANSWER)).toEqual({
      table: {
        columns: [
          { label: 'Träger', kind: 'text' },
          { label: 'Neuester Stand', kind: 'date' },
          { label: 'Eingegangen', kind: 'datetime' },
          { label: 'Fällig bis', kind: 'date' },
          { label: 'Lieferung', kind: 'text' },
        ],
        rows: [
          [
            'AWO – Arbeiterwohlfahrt',
            '2021-03-01',
            '2021-03-05T09:00:00Z',
            '2021-07-13',
            'aktuell',
          ],
          ['KDV – Kreisdiakonieverband', '–', '–', '–', 'kein Export gespeichert'],
        ],
      },
      meta: {
        title: 'Neuester gespeicherter Stand je Träger',
        stand: 'Stand 01.03.2021',
        sheetName: 'Lieferung',
        fileName: 'datenqualitaet-lieferung-2021-03-01',
      },
    });
  });

  it('writes completeness with share, count and population per provider, as of today', () => {
    expect(completenessDownload(ANSWER, '2026-11-30')).toEqual({
      table: {
        columns: [
          { label: 'Angabe', kind: 'text' },
          { label: 'Grundgesamtheit', kind: 'text' },
          ...['AWO', 'KDV', 'Insgesamt'].flatMap((provider) => [
            { label: provider, kind: 'share' },
            { label: `${provider} (mit Angabe)`, kind: 'number' },
            { label: `${provider} (Fälle)`, kind: 'number' },
          ]),
        ],
        rows: [['Sprachniveau', 'alle Fälle', 0.75, 3, 4, 0.5, 1, 2, 4 / 6, 4, 6]],
      },
      meta: {
        title: 'Vollständigkeit der freiwilligen Angaben je Träger',
        stand: 'Stand der gespeicherten Exporte am 30.11.2026, alle gespeicherten Fälle',
        sheetName: 'Vollständigkeit',
        fileName: 'datenqualitaet-vollstaendigkeit-2026-11-30',
      },
    });
  });

  it('writes unknown status per provider and in total, each share with its count', () => {
    const { table, meta } = statusDownload(ANSWER);
    expect(table.columns).toEqual([
      { label: 'Träger', kind: 'text' },
      { label: 'Laufende Fälle', kind: 'number' },
      ...shares('Sprachniveau unbekannt'),
      ...shares('Beschäftigung unbekannt'),
      ...shares('Wohnsituation unbekannt'),
      { label: 'Erwachsene', kind: 'number' },
      ...shares('Erwachsene: Sprachniveau unbekannt'),
      ...shares('Erwachsene: Beschäftigung unbekannt'),
    ]);
    expect(table.rows).toEqual(
      ['AWO', 'KDV', 'Insgesamt'].map((provider) => [
        provider,
        3,
        1 / 3,
        1,
        0,
        0,
        1,
        3,
        2,
        0.5,
        1,
        0,
        0,
      ]),
    );
    expect(meta).toEqual({
      title: 'Unbekannter Status je Träger',
      stand: 'Stand 01.03.2021',
      sheetName: 'Unbekannter Status',
      fileName: 'datenqualitaet-unbekannter-status-2021-03-01',
    });
  });

  it('writes the cases over the maximum duration per provider and in total', () => {
    const { table, meta } = durationDownload(ANSWER);
    expect(table.columns).toEqual([
      { label: 'Träger', kind: 'text' },
      { label: 'Laufende Fälle', kind: 'number' },
      ...shares('über 3 Jahre'),
      ...shares('über 4 Jahre'),
    ]);
    expect(table.rows).toEqual(
      ['AWO', 'KDV', 'Insgesamt'].map((provider) => [provider, 3, 2 / 3, 2, 1 / 3, 1]),
    );
    expect(meta.fileName).toBe('datenqualitaet-hoechstdauer-2021-03-01');
    expect(meta.stand).toBe('Stand 01.03.2021');
  });

  it('gives the dash for a share without cases or a missing figure, never the withheld sign', () => {
    const sparse: QualityResponse = {
      ...ANSWER,
      completeness: ANSWER.completeness.filter(
        (row) => !(row.column === 'language_level' && row.provider === 'KDV'),
      ),
      duration: ANSWER.duration.map((row) =>
        row.provider === 'KDV'
          ? { ...row, active: 0, over_three_years: part(0, 0), over_four_years: part(0, 0) }
          : row,
      ),
    };
    expect(completenessDownload(sparse, '2026-11-30').table.rows[0]?.slice(5, 8)).toEqual([
      '–',
      '–',
      '–',
    ]);
    const { table, meta } = durationDownload(sparse);
    const csv = csvText(table, meta);
    expect(csv).toContain(
      '\r\nTräger;Laufende Fälle;über 3 Jahre in %;über 3 Jahre (Anzahl);über 4 Jahre in %;über 4 Jahre (Anzahl)\r\n',
    );
    expect(csv).toContain('\r\nAWO;3;67;2;33;1\r\nKDV;0;–;0;–;0\r\n');
    expect(csv).not.toContain('gesperrt');
  });
});

describe('a refused older Stand', () => {
  it('says what to do on the page, not on the command line', () => {
    const refused = {
      status: 'rejected' as const,
      error_count: 1,
      errors: [
        {
          row: null,
          column: null,
          code: 'older_snapshot' as const,
          message:
            'Für AWO ist bereits ein neuerer Stand gespeichert (30.06.2021). Ein älterer Stand wird nur übernommen, wenn er ausdrücklich nachgetragen wird: im Befehl mit --force, über die API mit force=true.',
        },
      ],
    };
    const upload = {
      file: new File([], 'awo.csv'),
      provider: 'AWO',
      asOf: '2021-05-31',
      dryRun: false,
    };
    const text = resultMessage(refused as unknown as Parameters<typeof resultMessage>[0], upload);
    expect(text).toBe(
      'Nicht gespeichert. Für AWO ist schon ein neuerer Stand als der 31.05.2021 gespeichert. Um diese ältere Lieferung nachzutragen, „Ältere Lieferung trotzdem einspielen“ ankreuzen und den Probelauf erneut starten.',
    );
    expect(text).not.toContain('--force');
  });
});
