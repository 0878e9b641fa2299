import { describe, expect, it } from 'vitest';
import type { Indicator } from './api.ts';
import { percentWords, pressSentences, whenPhrase } from './press.ts';

const indicator = (id: string, value: number | null, suppressed = false): Indicator => ({
  id,
  label: id,
  definition: '',
  kind: 'count',
  value: suppressed ? null : value,
  numerator: null,
  denominator: null,
  suppressed,
});

// The figures of the 2021 interim report (fixtures/reference/figures-2021.json).
const caseload = [
  indicator('clients_active', 2469),
  indicator('clients_minor', 970),
  indicator('language_b1_plus_share', 360 / 1499),
  indicator('employment_sv_share', 195 / 1499),
  indicator('training_share', 60 / 1499),
];
const closed = [indicator('cases_closed', 1253), indicator('cases_closed_with_lease', 780)];

describe('press sentences', () => {
  it('say the 2021 figures in the style of the press release, each with its Stand', () => {
    expect(
      pressSentences('2021-01-01', caseload, '2021-03-01', closed, '2021-03-01').map((s) => s.text),
    ).toEqual([
      'Zum Jahresbeginn 2021 werden 2.469 Geflüchtete im Integrationsmanagement betreut, davon 970 Minderjährige (Stand 01.01.2021).',
      'Von den erwachsenen Klientinnen und Klienten verfügen 24 Prozent über ein deutsches Sprachniveau B1 oder höher (Stand 01.01.2021).',
      '13 Prozent der erwachsenen Klientinnen und Klienten befinden sich in einem sozialversicherungspflichtigen Beschäftigungsverhältnis. Zusätzlich gehen vier Prozent einer Ausbildung, einem Praktikum oder einem Studium nach (Stand 01.01.2021).',
      'Bei 1.253 Personen wurde das Integrationsmanagement bereits beendet (Stand 01.03.2021). Davon haben 780 Personen einen eigenen Mietvertrag abgeschlossen.',
    ]);
  });

  it('leave out what is withheld instead of guessing it', () => {
    const withheld = caseload.map((i) =>
      i.id === 'clients_minor' || i.id === 'training_share' ? indicator(i.id, null, true) : i,
    );
    const texts = pressSentences(
      '2021-06-15',
      withheld,
      '2021-06-15',
      [indicator('cases_closed', 1300), indicator('cases_closed_with_lease', null, true)],
      '2021-06-30',
    ).map((s) => s.text);
    expect(texts[0]).toBe(
      'Am 15.06.2021 werden 2.469 Geflüchtete im Integrationsmanagement betreut (Stand 15.06.2021).',
    );
    expect(texts[2]).toBe(
      '13 Prozent der erwachsenen Klientinnen und Klienten befinden sich in einem sozialversicherungspflichtigen Beschäftigungsverhältnis (Stand 15.06.2021).',
    );
    expect(texts[3]).toBe(
      'Bei 1.300 Personen wurde das Integrationsmanagement bereits beendet (Stand 15.06.2021).',
    );
    expect(texts.join(' ')).not.toContain('Minderjährige');
    expect(texts.join(' ')).not.toContain('Mietvertrag');
  });

  it('say nothing about a date the exports do not reach yet', () => {
    expect(
      pressSentences('2021-06-01', caseload, '2021-03-01', closed, '2021-03-01').map(
        (s) => s.topic,
      ),
    ).toEqual(['Beendete Fälle']);
    expect(pressSentences('2021-01-01', caseload, '2021-03-01', closed, null)).toEqual([]);
  });

  it('write small percentages as words and round half up', () => {
    expect(percentWords(0.04)).toBe('vier Prozent');
    expect(percentWords(0.085, { sentenceStart: true })).toBe('Neun Prozent');
    expect(percentWords(0.125)).toBe('13 Prozent');
    expect(percentWords(0.01)).toBe('ein Prozent');
  });

  it('name the turn of the year', () => {
    expect(whenPhrase('2021-01-01')).toBe('Zum Jahresbeginn 2021');
    expect(whenPhrase('2020-12-31')).toBe('Zum Jahresende 2020');
    expect(whenPhrase('2021-03-01')).toBe('Am 01.03.2021');
  });
});
