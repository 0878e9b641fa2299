import { describe, expect, it } from 'vitest';
import { trendMonths } from './report.ts';

describe('trend up to the Stichtag', () => {
  it('takes the 24 months whose last day is on or before the Stichtag', () => {
    expect(trendMonths('2021-01-01')).toEqual({ from: '2019-01', to: '2020-12' });
    expect(trendMonths('2021-01-31')).toEqual({ from: '2019-02', to: '2021-01' });
    expect(trendMonths('2020-02-29')).toEqual({ from: '2018-03', to: '2020-02' });
  });
  it('starts no earlier than the series do, and has none before their first month', () => {
    expect(trendMonths('2016-03-15')).toEqual({ from: '2015-01', to: '2016-02' });
    expect(trendMonths('2015-01-30')).toBeNull();
  });
});
