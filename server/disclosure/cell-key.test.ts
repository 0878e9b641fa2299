// The perturbation table of the Cell Key Method: what it promises readers (no count from 1
// to k-1 published, never more than ±maxDeviation, unbiased where it can be, consistent for
// the same cell key) and what a reader can conclude from a published count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellKeyOf, perturb, perturbationTable, possibleCounts } from './cell-key.ts';

const parameters = { maxDeviation: 3, variance: 1, threshold: 4 };
const table = perturbationTable(parameters);

describe('the perturbation table', () => {
  it('gives every true count a distribution over allowed counts, summing to one', () => {
    table.rows.forEach((row, count) => {
      const total = row.reduce((sum, outcome) => sum + outcome.probability, 0);
      expect(total, `row ${count}`).toBeCloseTo(1, 9);
      for (const outcome of row) {
        expect(Math.abs(outcome.count - count)).toBeLessThanOrEqual(3);
        expect(outcome.count === 0 || outcome.count > 4, `row ${count}: ${outcome.count}`).toBe(
          true,
        );
      }
    });
  });

  it('leaves zero at zero and moves large counts without bias, with the variance asked for', () => {
    expect(table.rows[0]).toEqual([{ count: 0, probability: 1, upTo: 1 }]);
    const last = table.rows.at(-1) ?? [];
    const lastCount = table.rows.length - 1;
    const mean = last.reduce((sum, o) => sum + o.probability * (o.count - lastCount), 0);
    const variance = last.reduce((sum, o) => sum + o.probability * (o.count - lastCount) ** 2, 0);
    expect(mean).toBeCloseTo(0, 9);
    expect(variance).toBeCloseTo(1, 6);
    // Symmetric: a move up is as likely as the same move down.
    for (const outcome of last) {
      const mirror = last.find((o) => o.count - lastCount === lastCount - outcome.count);
      expect(mirror?.probability).toBeCloseTo(outcome.probability, 9);
    }
  });

  it('publishes no count from 1 to the threshold and stays within the maximum deviation', () => {
    fc.assert(
      fc.property(
        fc.nat(100_000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (count, key) => {
          const published = perturb(count, key, table);
          expect(published === 0 || published > 4).toBe(true);
          expect(Math.abs(published - count)).toBeLessThanOrEqual(3);
          if (count === 0) expect(published).toBe(0);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('gives the same count for the same key, and the true count always among the possible ones', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer(), (count, keySum) => {
        const key = cellKeyOf(keySum);
        expect(key).toBeGreaterThanOrEqual(0);
        expect(key).toBeLessThan(1);
        const published = perturb(count, key, table);
        expect(perturb(count, key, table)).toBe(published);
        const { lowest, highest } = possibleCounts(published, table);
        expect(lowest).toBeLessThanOrEqual(count);
        expect(highest).toBeGreaterThanOrEqual(count);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a sum of record keys modulo 2^32, whatever its sign', () => {
    expect(cellKeyOf(0)).toBe(0);
    expect(cellKeyOf(2 ** 31)).toBe(0.5);
    expect(cellKeyOf(-(2 ** 31))).toBe(0.5);
    expect(cellKeyOf(2 ** 32 + 2 ** 30)).toBe(0.25);
  });

  it('lets a reader who sees 0 or the threshold + 1 conclude no more than a range of small counts', () => {
    // 0 may stand for up to three cases, 5 for two to eight: a small count is never told.
    expect(possibleCounts(0, table)).toEqual({ lowest: 0, highest: 3 });
    expect(possibleCounts(5, table)).toEqual({ lowest: 2, highest: 8 });
    for (let published = 6; published < 40; published++) {
      const { lowest, highest } = possibleCounts(published, table);
      expect(highest - lowest, `published ${published}`).toBeGreaterThanOrEqual(4);
    }
  });

  it('refuses parameters that cannot protect', () => {
    expect(() => perturbationTable({ ...parameters, maxDeviation: 0 })).toThrow();
    expect(() => perturbationTable({ ...parameters, variance: 0 })).toThrow();
  });
});
