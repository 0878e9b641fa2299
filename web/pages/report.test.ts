import { describe, expect, it } from 'vitest';
import { dataNoteText, pressGapText, previousYearText } from './report.ts';

describe('the value a year earlier', () => {
  const figure = (kind: 'count' | 'share' | 'ratio', value: number | null) => ({
    id: 'x',
    label: 'x',
    definition: '',
    kind,
    value,
    numerator: null,
    denominator: null,
    suppressed: value === null,
  });
  it('gives the earlier value and the change, with a German minus sign', () => {
    expect(
      previousYearText(figure('count', 2469), {
        date: '2020-01-01',
        indicator: figure('count', 2066),
      }),
    ).toBe('Vorjahr (01.01.2020): 2.066, +403');
    expect(
      previousYearText(figure('count', 900), {
        date: '2020-01-01',
        indicator: figure('count', 1000),
      }),
    ).toBe('Vorjahr (01.01.2020): 1.000, \u2212100');
  });
  it('gives the change of a share in points between the whole percentages shown', () => {
    // 24.4 % and 15.6 %: shown as 24 % and 16 %, so the change is 8 points, not 9.
    expect(
      previousYearText(figure('share', 0.244), {
        date: '2020-01-01',
        indicator: figure('share', 0.156),
      }),
    ).toBe('Vorjahr (01.01.2020): 16 %, +8 Prozentpunkte');
    expect(
      previousYearText(figure('share', 0.62), {
        date: '2020-03-01',
        indicator: figure('share', 0.63),
      }),
    ).toBe('Vorjahr (01.03.2020): 63 %, \u22121 Prozentpunkt');
  });
  it('says "." for a withheld earlier value and no change next to a withheld one', () => {
    expect(
      previousYearText(figure('count', 12), {
        date: '2020-01-01',
        indicator: figure('count', null),
      }),
    ).toBe('Vorjahr (01.01.2020): .');
    expect(
      previousYearText(figure('count', null), {
        date: '2020-01-01',
        indicator: figure('count', 7),
      }),
    ).toBe('Vorjahr (01.01.2020): 7');
  });
});

describe('the note on how far the data reach', () => {
  it('warns about dates after the newest exports, and only then', () => {
    expect(dataNoteText('2021-03-01', ['2021-01-01', '2021-03-01'])).toBe('');
    expect(dataNoteText('2021-03-01', ['2022-06-30', '2021-03-01'])).toContain(
      'Die Exporte der Träger reichen bis 01.03.2021. Für Tage danach (30.06.2022)',
    );
    expect(dataNoteText(null, ['2021-01-01'])).toBe(
      'Es sind noch keine Exporte der Träger eingespielt.',
    );
  });
});

describe('why press sentences are missing', () => {
  it('says a date after the exports is provisional, not withheld, and what to choose instead', () => {
    const text = pressGapText('2021-03-01', ['2021-06-30', '2021-06-30'], 0);
    expect(text).toBe(
      'Für den 30.06.2021 gibt es keine Sätze für die Presse: Die Exporte der Träger reichen bis 01.03.2021, die Zahlen danach sind vorläufig. Für fertige Sätze oben Stichtage bis 01.03.2021 wählen und „Anzeigen“.',
    );
    expect(text).not.toContain('gesperrt');
    expect(pressGapText('2021-03-01', ['2021-01-01', '2021-06-30'], 3)).toContain(
      'Für den 30.06.2021 gibt es keine Sätze',
    );
  });
  it('says withheld only when the values are, and nothing when every sentence is there', () => {
    expect(pressGapText('2021-03-01', ['2021-01-01', '2021-03-01'], 0)).toContain('gesperrt');
    expect(pressGapText('2021-03-01', ['2021-01-01', '2021-03-01'], 4)).toBe('');
    expect(pressGapText(null, ['2021-01-01'], 0)).toContain('noch keine Exporte');
  });
});
