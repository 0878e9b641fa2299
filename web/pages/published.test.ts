import { describe, expect, it } from 'vitest';
import type { FigureChange, ImportSince } from '../api.ts';
import { changeText, confirmationText, printHead } from './published.ts';

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

describe('what publishing asks first', () => {
  it("explains provisional figures in the page's words, not the API's", () => {
    const text = confirmationText(
      {
        confirmation: 'provisional_confirmed',
        data_as_of: '2021-03-01',
        provisional_dates: ['2021-06-30'],
        detail: '… (provisional_confirmed: true) …',
      },
      'Zwischenbilanz Juni 2021',
    );
    expect(text).toBe(
      'Die Exporte der Träger reichen bis 01.03.2021. Für den 30.06.2021 zählen Fälle als laufend, deren Ende noch nicht gemeldet ist: Die Zahlen sind vorläufig. Um sie so zu veröffentlichen, „Als vorläufig veröffentlichen“ ankreuzen; der Bericht bleibt dann für immer als „vorläufig“ gekennzeichnet. Sonst Stichtage bis 01.03.2021 wählen.',
    );
    expect(text).not.toContain('provisional_confirmed');
  });

  it('names the report that exists already, and both ways on', () => {
    const text = confirmationText(
      {
        confirmation: 'republish_confirmed',
        existing: [
          {
            slug: '2021-03-01-zwischenbilanz-maerz-2021',
            title: 'Zwischenbilanz März 2021',
            published_at: '2026-11-30T09:15:00Z',
            status: 'current',
          },
        ],
      },
      'Zwischenbilanz März 2021',
    );
    expect(text).toBe(
      'Einen Bericht „Zwischenbilanz März 2021“ mit diesen Stichtagen gibt es schon: „Zwischenbilanz März 2021“, veröffentlicht am 30.11.2026 (gültig). Soll der neue einen davon ersetzen, ihn unter „Ersetzt einen veröffentlichten Bericht“ wählen und begründen. Für einen zweiten Bericht daneben „Trotzdem einen weiteren Bericht veröffentlichen“ ankreuzen.',
    );
  });
});

describe('the head of every printed page', () => {
  it('names the report, its Stand, and what became of it', () => {
    const report = {
      id: '1',
      slug: '2021-06-30-juni',
      title: 'Zwischenbilanz Juni 2021',
      stichtag: '2021-06-30',
      beendet_bis: '2021-06-30',
      published_at: '2026-11-30T09:15:00Z',
      published_by: 'demo',
      status: 'current' as const,
      provisional: false,
      correction: null,
    };
    expect(printHead(report)).toBe(
      'Zwischenbilanz Juni 2021 · Stand 30.06.2021, beendete Fälle bis 30.06.2021',
    );
    expect(printHead({ ...report, provisional: true, status: 'withdrawn' })).toBe(
      'Zwischenbilanz Juni 2021 · Stand 30.06.2021, beendete Fälle bis 30.06.2021 · vorläufig · ZURÜCKGEZOGEN',
    );
  });
});
