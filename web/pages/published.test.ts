import { describe, expect, it } from 'vitest';
import type { FigureChange, ImportSince } from '../api.ts';
import { changeText } from './published.ts';

const awo: ImportSince = {
  id: '6',
  provider: 'AWO',
  as_of: '2021-06-01',
  file_name: 'awo-2021-06-01.csv',
  created_at: '2026-11-30T09:15:00Z',
};

const change = (changes: Partial<FigureChange>): FigureChange => ({
  key: 'caseload:clients_active',
  section: 'caseload',
  label: 'Betreute Personen',
  date: '2021-01-01',
  kind: 'count',
  published: { value: 2469, numerator: null, denominator: null, suppressed: false },
  today: { value: 2475, numerator: null, denominator: null, suppressed: false },
  providers: ['AWO'],
  imports: [awo],
  ...changes,
});

describe('the changes of a published report', () => {
  it('name the figure, both values in German notation and the import that changed it', () => {
    expect(changeText(change({}), false)).toBe(
      'Betreute Personen (Stand 01.01.2021): veröffentlicht 2.469, nach heutigem Datenstand 2.475 – geändert durch Import AWO, Stand 01.06.2021, eingespielt am 30.11.2026',
    );
  });

  it('show a share with its numerator and denominator, and a withheld value as "."', () => {
    const text = changeText(
      change({
        label: 'Sprachniveau B1 oder höher',
        kind: 'share',
        published: { value: 360 / 1499, numerator: 360, denominator: 1499, suppressed: false },
        today: { value: null, numerator: null, denominator: 1505, suppressed: true },
        imports: [],
        providers: ['AWO', 'DRK'],
      }),
      true,
    );
    expect(text).toBe(
      'Sprachniveau B1 oder höher (Stand 01.01.2021): veröffentlicht 24 % (360 von 1.499), nach heutigem Datenstand . (gesperrt) – geändert durch eine seither geänderte Berechnung',
    );
  });

  it('name the providers whose data changed when no import explains it', () => {
    expect(changeText(change({ imports: [], providers: ['KDV'] }), false)).toBe(
      'Betreute Personen (Stand 01.01.2021): veröffentlicht 2.469, nach heutigem Datenstand 2.475 – geänderte Daten von KDV',
    );
  });
});
