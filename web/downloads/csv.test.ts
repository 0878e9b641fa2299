import { describe, expect, it } from 'vitest';
import { csvText } from './csv.ts';
import type { DownloadMeta, DownloadTable } from './meta.ts';

const meta: DownloadMeta = {
  title: 'Sprachniveau der betreuten Erwachsenen',
  stand: 'Stand 01.01.2021',
  fileName: 'sprachniveau-2021-01-01',
};

const SOURCE =
  'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)';

describe('CSV for German Excel', () => {
  it('writes title, Stand, the table with decimal commas and percent, and the source', () => {
    const table: DownloadTable = {
      columns: [
        { label: 'Sprachniveau', kind: 'text' },
        { label: 'Anzahl', kind: 'number' },
        { label: 'Anteil', kind: 'share' },
        { label: 'Personen je Fachkraft', kind: 'number' },
      ],
      rows: [
        ['A1', 2469, 0.2402, 51.3],
        ['B1; B2', 124, 0.125, 7],
        ['C1 "gut"', null, null, null],
        ['=1+2', 0, 0.005, 24.666666666666668],
      ],
    };
    expect(csvText(table, meta)).toBe(
      [
        '\uFEFFSprachniveau der betreuten Erwachsenen',
        'Stand 01.01.2021',
        '',
        'Sprachniveau;Anzahl;Anteil in %;Personen je Fachkraft',
        'A1;2469;24;51,3',
        // A delimiter in a field is quoted; 12.5 % is 13 % as on screen (half up).
        '"B1; B2";124;13;7',
        '"C1 ""gut""";.;.;.',
        // Text that Excel would run as a formula stays text.
        // A ratio rounded as the page shows it (one decimal).
        "'=1+2;0;1;24,7",
        '',
        // The source line holds a ";" itself.
        `"${SOURCE}"`,
        '. = Wert gesperrt (Schutz kleiner Fallzahlen)',
        '',
      ].join('\r\n'),
    );
  });

  it('has no note on withheld values when none is withheld, and takes another source', () => {
    const text = csvText(
      {
        columns: [
          { label: 'Monatsende', kind: 'text' },
          { label: 'Anzahl', kind: 'number' },
        ],
        rows: [['31.12.2020', 2470]],
      },
      { ...meta, source: 'Quelle: Landratsamt Ludwigsburg' },
    );
    expect(text.split('\r\n')).toEqual([
      '\uFEFFSprachniveau der betreuten Erwachsenen',
      'Stand 01.01.2021',
      '',
      'Monatsende;Anzahl',
      '31.12.2020;2470',
      '',
      'Quelle: Landratsamt Ludwigsburg',
      '',
    ]);
  });

  it('is UTF-8 with a byte order mark as a Blob', async () => {
    const blob = new Blob([
      csvText({ columns: [], rows: [] }, { ...meta, title: 'Beschäftigung' }),
    ]);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.subarray(3, 17))).toBe('Beschäftigung');
  });
});
