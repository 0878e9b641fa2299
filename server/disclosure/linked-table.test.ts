// A table published on a release date beside the district's exact headline counts: a reader
// takes both. Found by the attack test (CI, seed 572720416 on PostgreSQL): active cases by
// employment × sex on 01.10.2018 showed vocational training × f ≈ 6 and × m ≈ 6 (each 3 to
// 9), and the exact headline count of adults in training that day was 6, so both were 3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSION_IDS } from '../indicators/dimensions.ts';
import type { TableClass } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';
import { smallIsolables } from './audit.ts';
import { perturbationTable, possibleCounts } from './cell-key.ts';
import { DEFAULT_RULES, type DisclosedFigure } from './disclose.ts';
import { type Fact, FeasibleSums, solver } from './feasibility.ts';
import { linkedTableAudits, protectTable, type TableFigure } from './protect-table.ts';

const K = DEFAULT_RULES.k;
const ptable = perturbationTable({ ...DEFAULT_RULES.cellKey, threshold: K - 1 });
const active = findIndicator('clients_active') as Indicator;

// Classes of cases: [employment, sex]; bit 0 active, bit 1 adult in training.
const classes: TableClass[] = [
  { keys: ['vocational_training', 'f'], flags: 3, size: 3 },
  { keys: ['vocational_training', 'm'], flags: 3, size: 3 },
  { keys: ['other', 'f'], flags: 1, size: 10 },
  { keys: ['other', 'm'], flags: 1, size: 12 },
];
/** The table's figures: keys (undefined for a total over a dimension), truth, published. */
const TABLE: [(string | undefined)[], number, number, 'perturbed' | 'audited'][] = [
  [['vocational_training', 'f'], 3, 6, 'perturbed'],
  [['vocational_training', 'm'], 3, 6, 'perturbed'],
  [['other', 'f'], 10, 10, 'perturbed'],
  [['other', 'm'], 12, 12, 'perturbed'],
  [['vocational_training', undefined], 6, 7, 'perturbed'],
  [['other', undefined], 22, 22, 'perturbed'],
  [[undefined, 'f'], 13, 13, 'perturbed'],
  [[undefined, 'm'], 15, 15, 'perturbed'],
  [[undefined, undefined], 28, 28, 'audited'],
];
const HEADLINE_TRAINING = 6;

const membersOf = (keys: readonly (string | undefined)[]) =>
  classes.flatMap((c, m) =>
    keys.every((key, d) => key === undefined || key === c.keys[d]) ? [m] : [],
  );

function figures(): TableFigure[] {
  return TABLE.map(([keys, truth, published, protection]) => ({
    members: membersOf(keys),
    keys,
    raw: { value: truth, numerator: null, denominator: null },
    shown: {
      value: published,
      numerator: null,
      denominator: null,
      suppressed: false,
      protection,
    } satisfies DisclosedFigure,
  }));
}

/** The small counts a reader who has the table and the headline count pins down. */
async function pinned(shown: readonly TableFigure[]): Promise<string[]> {
  const cells = [...shown.map((f) => [...f.members]), [0, 1]];
  const facts: Fact[] = shown.map((figure) => {
    const { value, protection } = figure.shown;
    if (value === null) return { members: figure.members, lower: 1, upper: Infinity };
    if (protection === 'audited') return { members: figure.members, lower: value, upper: value };
    const { lowest, highest } = possibleCounts(value, ptable);
    return { members: figure.members, lower: lowest, upper: highest };
  });
  facts.push({ members: [0, 1], lower: HEADLINE_TRAINING, upper: HEADLINE_TRAINING });
  const sizes = classes.map((c) => c.size);
  const sums = new FeasibleSums(await solver(), sizes.length, facts);
  const found: string[] = [];
  try {
    for (const target of smallIsolables(cells, sizes, K)) {
      const { lowest, highest } = sums.interval(target.members);
      if (lowest === highest) found.push(`${target.members.join('+')} = ${target.truth}`);
    }
  } finally {
    sums.dispose();
  }
  return found;
}

describe('a table audited with the exact headline counts published beside it', () => {
  it('is cornered by the headline count when audited on its own', async () => {
    const alone = figures();
    // Here each class is one cell of the table, in the same order.
    const interior = alone.slice(0, classes.length).map((figure) => figure.raw);
    await protectTable(active, interior, alone, DEFAULT_RULES);
    expect(alone.every((figure) => figure.shown.value !== null)).toBe(true);
    expect(await pinned(alone)).toContain('0 = 3');
  });

  it('withholds what the headline count would give away', async () => {
    const linked = figures();
    await protectTable(active, [], linked, DEFAULT_RULES, {
      classes,
      linked: [{ published: HEADLINE_TRAINING }],
    });
    expect(linked.some((figure) => figure.shown.value === null)).toBe(true);
    expect(await pinned(linked)).toEqual([]);
  });
});

describe(`tables of the demonstration data on a release date, on ${DATABASE_KIND}`, () => {
  let testApp: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    testApp = await createTestApp({ demonstrationData: true });
  }, 120_000);
  afterAll(() => testApp?.close());

  const ask = async (url: string) => {
    const response = await testApp.app.inject({ url });
    expect(response.statusCode, response.body).toBe(200);
  };

  it('are audited with the headline counts for the public, and only on release dates', async () => {
    // The classes must add up to every figure of the table, or the table would be audited
    // on its own: each request here must have taken the linked audit.
    let asked = 0;
    const before = linkedTableAudits();
    for (const indicator of ['clients_active', 'training_share', 'cases_closed_with_lease_share'])
      for (const by of DIMENSION_IDS) {
        await ask(`/api/v1/indicators/${indicator}/breakdown?date=2021-01-01&by=${by}`);
        asked += 1;
      }
    await ask(
      '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=employment&columns=sex',
    );
    await ask(
      '/api/v1/indicators/training_share/crosstab?date=2021-01-01&rows=sex&columns=municipality',
    );
    asked += 2;
    expect(linkedTableAudits() - before).toBe(asked);
    // Not on a day that is no release date, nor for a provider's part of the district.
    const after = linkedTableAudits();
    await ask('/api/v1/indicators/clients_active/breakdown?date=2021-01-15&by=sex');
    await ask('/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=sex&provider=AWO');
    expect(linkedTableAudits()).toBe(after);
  }, 300_000);
});
