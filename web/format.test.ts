import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatPercent } from './format.ts';

describe('German formats', () => {
  it('groups thousands with a dot', () => expect(formatCount(2469)).toBe('2.469'));
  it('rounds percentages half up with a space before the sign', () => {
    expect(formatPercent(0.2402)).toBe('24 %');
    expect(formatPercent(0.125)).toBe('13 %');
    expect(formatPercent(0.04)).toBe('4 %');
  });
  it('writes dates as DD.MM.YYYY', () => expect(formatDate('2021-03-01')).toBe('01.03.2021'));
});
