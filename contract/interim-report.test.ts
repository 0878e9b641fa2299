import { describe, expect, it } from 'vitest';
import { SECTIONS, sectionIndicators, TREND, trendWindow } from './interim-report.ts';

describe('trend up to the Stichtag (contract/interim-report.ts)', () => {
  const span = (stichtag: string) => {
    const months = trendWindow(stichtag);
    return months.length === 0
      ? null
      : { from: months[0]?.period, to: months.at(-1)?.period, count: months.length };
  };
  it('takes the 24 months whose last day is on or before the Stichtag', () => {
    expect(TREND.months).toBe(24);
    expect(span('2021-01-01')).toEqual({ from: '2019-01', to: '2020-12', count: 24 });
    expect(span('2021-01-31')).toEqual({ from: '2019-02', to: '2021-01', count: 24 });
    expect(span('2020-02-29')).toEqual({ from: '2018-03', to: '2020-02', count: 24 });
    expect(trendWindow('2021-01-01').at(-1)).toEqual({ period: '2020-12', date: '2020-12-31' });
    expect(trendWindow('2020-03-01').at(-1)).toEqual({ period: '2020-02', date: '2020-02-29' });
  });
  it('starts no earlier than the series do, and has none before their first month', () => {
    expect(span('2016-03-15')).toEqual({ from: '2015-01', to: '2016-02', count: 14 });
    expect(span('2015-01-30')).toBeNull();
  });
});

describe('what a section reads', () => {
  it('is its tiles first, then what its charts and press sentences take besides', () => {
    const caseload = sectionIndicators('caseload');
    expect(caseload.slice(0, SECTIONS.caseload.tiles.length)).toEqual(
      SECTIONS.caseload.tiles.map((tile) => tile.id),
    );
    expect(caseload).toContain('clients_adult');
    expect(new Set(caseload).size).toBe(caseload.length);
    expect(sectionIndicators('closed')).toEqual(SECTIONS.closed.tiles.map((tile) => tile.id));
  });
});
