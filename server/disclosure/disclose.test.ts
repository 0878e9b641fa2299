import { describe, expect, it } from 'vitest';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { DEFAULT_RULES, discloseTable, protectAdditiveCells } from './disclose.ts';

const count = findIndicator('clients_active') as Indicator;
const share = findIndicator('language_b1_plus_share') as Indicator;
const cells = (...values: number[]) =>
  values.map((value) => ({ value, numerator: null, denominator: null }));

describe('disclosure control', () => {
  it('hides counts from 1 to k-1 for the public and shows zero', () => {
    const out = discloseTable(count, cells(0, 1, 4, 5, 9), 'public', DEFAULT_RULES, false);
    expect(out.map((cell) => cell.value)).toEqual([0, null, null, 5, 9]);
    expect(out.map((cell) => cell.suppressed)).toEqual([false, true, true, false, false]);
  });

  it('shows everything to the district office', () => {
    const out = discloseTable(count, cells(1, 2), 'internal', DEFAULT_RULES, true);
    expect(out.map((cell) => cell.value)).toEqual([1, 2]);
  });

  it('hides the smallest other non-zero cell when one alone is hidden in an additive table', () => {
    const out = discloseTable(count, cells(40, 3, 0, 12, 25), 'restricted', DEFAULT_RULES, true);
    expect(out.map((cell) => cell.suppressed)).toEqual([false, true, false, true, false]);
  });

  it('leaves tables with two hidden cells as they are', () => {
    const hidden = [false, true, true, false];
    protectAdditiveCells([10, 2, 3, 7], hidden);
    expect(hidden).toEqual([false, true, true, false]);
  });

  it('hides a share on a denominator below the minimum or with a small numerator', () => {
    const out = discloseTable(
      share,
      [
        { value: 10 / 19, numerator: 10, denominator: 19 },
        { value: 3 / 50, numerator: 3, denominator: 50 },
        { value: 30 / 50, numerator: 30, denominator: 50 },
      ],
      'public',
      DEFAULT_RULES,
      false,
    );
    expect(out.map((cell) => cell.suppressed)).toEqual([true, true, false]);
    expect(out[0]?.value).toBeNull();
    expect(out[2]?.value).toBe(0.6);
  });
});
