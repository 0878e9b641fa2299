import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatMonth,
  formatMonthShort,
  formatPercent,
  protectionLabel,
  todayIso,
} from './format.ts';

describe('German formats', () => {
  it('groups thousands with a dot', () => expect(formatCount(2469)).toBe('2.469'));
  it('rounds percentages half up with a space before the sign', () => {
    expect(formatPercent(0.2402)).toBe('24 %');
    expect(formatPercent(0.125)).toBe('13 %');
    expect(formatPercent(0.04)).toBe('4 %');
  });
  it('writes dates as DD.MM.YYYY', () => expect(formatDate('2021-03-01')).toBe('01.03.2021'));
  it('names months in German, short on axes and long in text', () => {
    expect(formatMonthShort(new Date('2021-01-01T00:00:00Z'))).toBe('Jan. 2021');
    expect(formatMonthShort(new Date('2021-03-01T00:00:00Z'))).toBe('März 2021');
    expect(formatMonth('2020-12-31')).toBe('Dezember 2020');
  });
  it('shows times of day in Berlin time, summer and winter', () => {
    expect(formatDateTime('2026-11-26T10:11:22.921Z')).toBe('26.11.2026, 11:11:22');
    expect(formatDateTime('2026-07-01T22:05:09Z')).toBe('02.07.2026, 00:05:09');
  });
  it('takes the calendar day in Berlin', () => {
    expect(formatDay('2026-11-26T23:30:00Z')).toBe('27.11.2026');
    expect(todayIso(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});

describe('the word beside a figure', () => {
  it('names the rule of a shown figure, and says "gesperrt" for a withheld one', () => {
    expect(protectionLabel({ protection: 'audited', suppressed: false })).toBe('exakt');
    expect(protectionLabel({ protection: 'perturbed', suppressed: false })).toBe(
      'leicht verändert',
    );
    expect(protectionLabel({ protection: 'audited', suppressed: true })).toBe('gesperrt');
    expect(protectionLabel({ protection: 'perturbed', suppressed: true })).toBe('gesperrt');
    expect(protectionLabel({ protection: 'none', suppressed: false })).toBe('');
  });
});
