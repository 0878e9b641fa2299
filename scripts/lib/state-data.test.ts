// The state-wide data set is reproducible from its seed, and every snapshot it renders
// passes the import's own row validation.
import { describe, expect, it } from 'vitest';
import { RowValidator } from '../../server/import/validate.ts';
import {
  generateDistrictCases,
  planState,
  renderSnapshot,
  SNAPSHOT_DATES,
  type StateParameters,
} from './state-data.ts';

const SMALL: StateParameters = { seed: 7, districts: 2, cases: 400 };

function renderAll(params: StateParameters) {
  const files: string[] = [];
  for (const plan of planState(params)) {
    const cases = generateDistrictCases(plan);
    for (const asOf of SNAPSHOT_DATES)
      for (const provider of plan.providers)
        files.push(renderSnapshot(plan, cases, provider.code, asOf) ?? '');
  }
  return files;
}

describe('state-wide data set', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(renderAll(SMALL)).toEqual(renderAll(SMALL));
    expect(renderAll({ ...SMALL, seed: 8 })).not.toEqual(renderAll(SMALL));
  });

  it('spreads exactly the requested cases over the districts, Ludwigsburg first', () => {
    const plans = planState({ seed: 1, districts: 50, cases: 1_000_000 });
    expect(plans.map((p) => p.key)).toContain('08118');
    expect(plans[0]?.key).toBe('08118');
    expect(new Set(plans.map((p) => p.key)).size).toBe(50);
    expect(plans.reduce((sum, p) => sum + p.cases, 0)).toBe(1_000_000);
    for (const plan of plans) {
      expect(plan.providers.length).toBeGreaterThanOrEqual(3);
      expect(plan.providers.length).toBeLessThanOrEqual(6);
      for (const m of plan.municipalities) expect(m.ags.startsWith(plan.key)).toBe(true);
    }
  });

  it('states a newer status in each snapshot while a case is open, so histories grow', () => {
    const [plan] = planState(SMALL);
    if (!plan) throw new Error('no district planned');
    const cases = generateDistrictCases(plan);
    const sinceBySnapshot = new Map<string, Set<string>>();
    for (const asOf of SNAPSHOT_DATES) {
      for (const provider of plan.providers) {
        const text = renderSnapshot(plan, cases, provider.code, asOf) ?? '';
        for (const line of text.trimEnd().split('\r\n').slice(1)) {
          const cells = line.split(';');
          const since = cells[13] as string;
          if (since === '') continue;
          const seen = sinceBySnapshot.get(cells[0] as string) ?? new Set<string>();
          sinceBySnapshot.set(cells[0] as string, seen.add(since));
        }
      }
    }
    const histories = [...sinceBySnapshot.values()].map((seen) => seen.size);
    expect(Math.max(...histories)).toBe(SNAPSHOT_DATES.length);
    expect(histories.filter((n) => n > 1).length).toBeGreaterThan(histories.length / 4);
  });

  it('renders snapshots that pass the import validation', () => {
    for (const plan of planState(SMALL)) {
      const cases = generateDistrictCases(plan);
      expect(cases).toHaveLength(plan.cases);
      const directory = {
        providers: new Map(plan.providers.map((p) => [p.code, [p.code, ...p.labels]])),
        municipalities: new Map(plan.municipalities.map((m) => [m.ags, m.name])),
      };
      for (const asOf of SNAPSHOT_DATES) {
        for (const provider of plan.providers) {
          const text = renderSnapshot(plan, cases, provider.code, asOf);
          if (text === null) continue;
          const [header, ...rows] = text.trimEnd().split('\r\n');
          const validator = new RowValidator(
            { row: 1, cells: (header as string).split(';') },
            { provider: provider.code, asOf, directory },
          );
          rows.forEach((line, i) => {
            validator.check({ row: i + 2, cells: line.split(';') });
          });
          expect(validator.errors.listed, `${plan.key} ${provider.code} ${asOf}`).toEqual([]);
          expect(validator.warnings.count).toBe(0);
        }
      }
    }
  });
});
