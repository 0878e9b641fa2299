// An outside analyst against the published figures (docs/disclosure.md, "The attacker"):
// collects answers, turns every published figure into a linear fact about counts of cases,
// and proves by linear programming the interval of every count it was not told exactly.
// The analyst here is stronger than a real one: it knows which combinations of categories
// occur at all on each date (its unknowns are the non-empty classes of cases that no
// published figure tells apart), and it may combine every answer about a date and its
// neighbours. Like the reader of docs/disclosure.md it knows the definitions, so for the
// counts that only grow (closed so far, begun or closed in a period, by attributes a case
// keeps) it knows each case's path from date to date; it does not know how people moved
// between dates otherwise (who left a training, who found a flat), which no published
// figure tells. Ground truth comes from the case rows, through the registry's own
// conditions.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { type Isolable, smallIsolables } from '../disclosure/audit.ts';
import { type PerturbationTable, possibleCounts } from '../disclosure/cell-key.ts';
import { type Fact, FeasibleSums, solver } from '../disclosure/feasibility.ts';
import { factColumns } from '../indicators/case-facts.ts';
import { DIMENSION_IDS, DIMENSIONS, type DimensionId } from '../indicators/dimensions.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';

/** The cases a published figure counts. */
export interface CellSpec {
  date: string;
  periodFrom: string;
  /** A count indicator's id, or `<share id>__numerator`. */
  count: string;
  provider?: string | undefined;
  municipality?: string | undefined;
  categories: readonly (readonly [DimensionId, string])[];
}

/** What an answer says about a cell's count. */
export type Published =
  | { kind: 'exact'; value: number }
  | { kind: 'perturbed'; value: number }
  /**
   * Withheld; `atLeast` is what the reader still knows (1 where zeros are always shown);
   * `audited` when the audit of exact figures withheld it, not a perturbed answer.
   */
  | { kind: 'withheld'; atLeast: number; audited: boolean }
  /**
   * What a rule tells without a figure: the floor under the first closings says whether
   * the district had closed fewer cases than the minimum on the day.
   */
  | { kind: 'bounds'; lowest: number; highest: number };

export interface Observation {
  cell: CellSpec;
  published: Published;
  /** Where the analyst saw it, for messages. */
  source: string;
}

/** The count behind each part of a figure of `indicator`, by part. */
export function countsOf(indicator: Indicator): {
  value?: string;
  numerator?: string;
  denominator?: string;
} {
  switch (indicator.kind) {
    case 'count':
      return indicator.condition ? { value: indicator.id } : {};
    case 'share':
      return { numerator: `${indicator.id}__numerator`, denominator: indicator.denominator };
    case 'ratio': {
      const numerator = findIndicator(indicator.numerator) as Indicator;
      const denominator = findIndicator(indicator.denominator) as Indicator;
      return {
        ...(numerator.kind === 'count' && numerator.condition ? { numerator: numerator.id } : {}),
        ...(denominator.kind === 'count' && denominator.condition
          ? { denominator: denominator.id }
          : {}),
      };
    }
  }
}

/**
 * The counts whose cases stay counted on every later date (for a fixed period start): the
 * registry's monotone counts and the period counts, which grow with the period's end.
 */
const GROWING_COUNTS: ReadonlySet<string> = new Set(
  INDICATORS.flatMap((indicator): string[] => {
    if (
      indicator.kind === 'count' &&
      indicator.condition &&
      (indicator.monotone || indicator.period)
    )
      return [indicator.id];
    if (indicator.kind === 'share' && indicator.numerator.monotone)
      return [`${indicator.id}__numerator`];
    return [];
  }),
);

/** Attributes a case keeps from date to date; the others (age group, status) change. */
const LASTING: ReadonlySet<DimensionId> = new Set([
  'provider',
  'municipality',
  'sex',
  'country',
  'start_year',
]);

/**
 * Whether a cell counts, on every later date with the same period start, every case it
 * counts now: a fact of the definitions that a reader knows.
 */
export function growing(cell: CellSpec): boolean {
  return (
    GROWING_COUNTS.has(cell.count) && cell.categories.every(([dimension]) => LASTING.has(dimension))
  );
}

/** Every count of cases by its alias, with its condition on a fact row. */
const CONDITIONS: readonly (readonly [string, RawBuilder<boolean>])[] = INDICATORS.flatMap(
  (indicator): (readonly [string, RawBuilder<boolean>])[] => {
    if (indicator.kind === 'count' && indicator.condition)
      return [[indicator.id, indicator.condition]];
    if (indicator.kind === 'share')
      return [[`${indicator.id}__numerator`, indicator.numerator.condition]];
    return [];
  },
);

interface FactRow {
  id: string;
  provider: string;
  municipality: string;
  categories: Record<DimensionId, string>;
  counted: Set<string>;
}

/** The true facts of every case of a district, per date and period start. */
export class GroundTruth {
  private readonly facts = new Map<string, Promise<FactRow[]>>();
  readonly caseIndex = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly district: string,
  ) {}

  private async load(date: string, periodFrom: string): Promise<FactRow[]> {
    const dimensions = sql.join(
      DIMENSION_IDS.map((id) => sql`${DIMENSIONS[id].key}::text AS ${sql.id(`d_${id}`)}`),
    );
    const flags = sql.join(
      CONDITIONS.map(
        ([alias, condition]) => sql`coalesce(${condition}, false) AS ${sql.id(`f_${alias}`)}`,
      ),
    );
    const { rows } = await sql<Record<string, string | boolean>>`
      WITH facts AS (
        SELECT ${factColumns(sql`${date}::date`)}, ${periodFrom}::date AS period_from
        FROM cases c WHERE c.district_key = ${this.district} AND c.started_on <= ${date}::date
      )
      SELECT provider || '/' || case_id AS id, ${dimensions}, ${flags} FROM facts`.execute(this.db);
    return rows.map((row) => {
      const id = row.id as string;
      if (!this.caseIndex.has(id)) this.caseIndex.set(id, this.caseIndex.size);
      return {
        id,
        provider: row.d_provider as string,
        municipality: row.d_municipality as string,
        categories: Object.fromEntries(
          DIMENSION_IDS.map((dimension) => [dimension, row[`d_${dimension}`] as string]),
        ) as Record<DimensionId, string>,
        counted: new Set(
          CONDITIONS.filter(([alias]) => row[`f_${alias}`] === true).map(([a]) => a),
        ),
      };
    });
  }

  /**
   * The floor under the first closings (docs/disclosure.md): the ends of the district's
   * first and `minimum`-th closed cases. A reader sees both in the answers (figures of
   * closings are zeros before the first and withheld from it to the other), so the analyst
   * may know them; worked out here from the case rows.
   */
  async closingDays(minimum: number): Promise<{ first: string | null; floor: string | null }> {
    const { rows } = await sql<{ first: string | null; floor: string | null }>`
      SELECT min(ended_on)::text AS first,
             (array_agg(ended_on ORDER BY ended_on))[${minimum}]::text AS floor
      FROM cases WHERE district_key = ${this.district} AND ended_on IS NOT NULL`.execute(this.db);
    return rows[0] ?? { first: null, floor: null };
  }

  /** The indices of the cases a cell counts. */
  async members(cell: CellSpec): Promise<number[]> {
    const key = `${cell.date}|${cell.periodFrom}`;
    let rows = this.facts.get(key);
    if (!rows) {
      rows = this.load(cell.date, cell.periodFrom);
      this.facts.set(key, rows);
    }
    return (await rows)
      .filter(
        (row) =>
          row.counted.has(cell.count) &&
          (!cell.provider || row.provider === cell.provider) &&
          (!cell.municipality || row.municipality === cell.municipality) &&
          cell.categories.every(([dimension, category]) => row.categories[dimension] === category),
      )
      .map((row) => this.caseIndex.get(row.id) as number);
  }
}

/** A count the analyst pins down more narrowly than the rules allow. */
export interface Recovery {
  /** What it is: a figure's cell, the difference of two, or a class of cases. */
  what: string;
  truth: number;
  interval: { lowest: number; highest: number };
  /** The published figures the interval rests on (lower bound, then upper bound). */
  because: string[];
}

export interface Attack {
  /** Counts from 1 to k-1 that an answer shows exactly. */
  shownSmall: string[];
  recoveries: Recovery[];
  /** Counts from 1 to k-1 the analyst tried to pin down. */
  targets: number;
  /** Linear programs solved. */
  solved: number;
}

/**
 * Plays the analyst over a set of observations. Every count from 1 to k-1 that is not
 * published exactly (a cell, or the difference of two cells one of which holds the other)
 * must keep an interval at least `width` wide where only audited exact figures speak of
 * it, and must not be learnt exactly (an interval at least 1 wide) where a perturbed
 * figure does. Every class of cases from 1 to k-1 that the exact figures tell apart must
 * keep `width` given the exact figures (and what withheld ones and the floor tell), and
 * must not be learnt exactly given everything (docs/disclosure.md).
 */
export async function attack(
  truth: GroundTruth,
  observations: readonly Observation[],
  { k, width, table }: { k: number; width: number; table: PerturbationTable | undefined },
): Promise<Attack> {
  // One entry per distinct set of cases, with everything published about it.
  const cells = new Map<
    string,
    { members: number[]; facts: Published[]; names: string[]; growing: boolean; date: string }
  >();
  for (const observation of observations) {
    const members = (await truth.members(observation.cell)).sort((a, b) => a - b);
    const grows = growing(observation.cell);
    // The same cases counted by a growing cell and by a cell of one date are two facts
    // about different unknowns; cells of one kind and date with the same cases are one.
    const key = `${grows ? 'path' : observation.cell.date}:${members.join(',')}`;
    const entry = cells.get(key) ?? {
      members,
      facts: [],
      names: [],
      growing: grows,
      date: observation.cell.date,
    };
    entry.facts.push(observation.published);
    entry.names.push(observation.source);
    cells.set(key, entry);
  }
  const list = [...cells.values()];
  // The unknowns: classes of cases that every cell either holds whole or not at all. A case
  // is in one class per date for the cells of that date, and in one class for the cells
  // that only grow (its path through them): what a case was on one date says nothing about
  // it on another, but for the definitions.
  const signature = new Map<string, number[]>();
  list.forEach((cell, index) => {
    const bucket = cell.growing ? 'path' : cell.date;
    for (const member of cell.members) {
      const key = `${bucket}|${member}`;
      const cellsOf = signature.get(key) ?? [];
      cellsOf.push(index);
      signature.set(key, cellsOf);
    }
  });
  const classOf = new Map<string, number>();
  const caseClass = new Map<string, number>();
  const sizes: number[] = [];
  /** Per class: the date its cells are of, or 'path'. */
  const bucketOf: string[] = [];
  for (const [member, cellsOf] of signature) {
    const bucket = member.slice(0, member.indexOf('|'));
    const key = `${bucket}:${cellsOf.join(',')}`;
    let unknown = classOf.get(key);
    if (unknown === undefined) {
      unknown = sizes.length;
      classOf.set(key, unknown);
      sizes.push(0);
      bucketOf.push(bucket);
    }
    sizes[unknown] = (sizes[unknown] as number) + 1;
    caseClass.set(member, unknown);
  }
  const classCells = list.map((cell) => {
    const bucket = cell.growing ? 'path' : cell.date;
    return [
      ...new Set(cell.members.map((member) => caseClass.get(`${bucket}|${member}`) as number)),
    ];
  });

  const shownSmall: string[] = [];
  const facts: Fact[] = [];
  /** Per fact: what was published, for messages. */
  const said: string[] = [];
  /** The facts that exact figures give (and what the audit's withholding and the floor tell). */
  const exactFacts: Fact[] = [];
  const exactSaid: string[] = [];
  list.forEach((cell, index) => {
    const members = classCells[index] as number[];
    const truthCount = cell.members.length;
    cell.facts.forEach((published, j) => {
      const name = cell.names[j] as string;
      const add = (fact: Fact, text: string, fromExact: boolean) => {
        facts.push(fact);
        said.push(text);
        if (fromExact) {
          exactFacts.push(fact);
          exactSaid.push(text);
        }
      };
      if (published.kind === 'exact') {
        add(
          { members, lower: published.value, upper: published.value },
          `${name} = ${published.value}`,
          true,
        );
        if (truthCount >= 1 && truthCount < k) shownSmall.push(name);
      } else if (published.kind === 'perturbed') {
        if (!table) throw new Error('A perturbed figure needs the perturbation table.');
        const { lowest, highest } = possibleCounts(published.value, table);
        add(
          { members, lower: lowest, upper: highest },
          `${name} ≈ ${published.value} (${lowest} bis ${highest})`,
          false,
        );
        if (published.value >= 1 && published.value < k)
          shownSmall.push(`${name} (verändert ${published.value})`);
      } else if (published.kind === 'bounds') {
        add(
          { members, lower: published.lowest, upper: published.highest },
          `${name}: ${published.lowest} bis ${published.highest}`,
          true,
        );
      } else if (published.atLeast > 0) {
        add(
          { members, lower: published.atLeast, upper: Number.POSITIVE_INFINITY },
          `${name} gesperrt (≥ ${published.atLeast})`,
          published.audited,
        );
      }
    });
  });
  const exact = list.map((cell) => cell.facts.some((published) => published.kind === 'exact'));
  // A count that only audited exact figures speak of must keep the protection width; one
  // that a perturbed answer speaks of must not be learnt exactly.
  const perturbed = list.map((cell) =>
    cell.facts.some(
      (published) =>
        published.kind === 'perturbed' || (published.kind === 'withheld' && !published.audited),
    ),
  );
  const targets: (Isolable & { exactWidth?: boolean })[] = smallIsolables(
    classCells,
    sizes,
    k,
  ).filter((isolable) => !(isolable.kind === 'figure' && exact[isolable.cells[0]]));
  // The classes of cases that the exact figures shown tell apart (the headline audit's
  // unknowns, joined where it withholds a figure) are unions of the classes above: the cases
  // closed without a lease between two release dates are split further by every perturbed
  // count of closings beside them, yet four exact figures give their number. Each small one
  // must keep the protection width given the exact figures, and must not be learnt exactly
  // given everything.
  const cellsOfClass: number[][] = sizes.map(() => []);
  classCells.forEach((members, cell) => {
    for (const member of members) cellsOfClass[member]?.push(cell);
  });
  const coarse = new Map<string, number[]>();
  cellsOfClass.forEach((cellsOf, member) => {
    const held = cellsOf.filter((cell) => exact[cell]);
    if (held.length === 0) return;
    const key = `${bucketOf[member]}:${held.join(',')}`;
    const members = coarse.get(key) ?? [];
    members.push(member);
    coarse.set(key, members);
  });
  for (const members of coarse.values()) {
    const truth = members.reduce((sum, member) => sum + (sizes[member] as number), 0);
    if (truth < 1 || truth >= k) continue;
    const cells = [
      ...new Set(
        members.flatMap((member) =>
          (cellsOfClass[member] as number[]).filter((cell) => exact[cell]),
        ),
      ),
    ];
    targets.push({ kind: 'class', members, truth, cells, exactWidth: true });
  }

  const highs = await solver();
  // Linear programs only, no moves: the reader must not share a shortcut with the audit it
  // checks (feasibility.ts).
  const sums = new FeasibleSums(highs, sizes.length, facts, Float64Array.from(sizes), false);
  const exactSums = new FeasibleSums(
    highs,
    sizes.length,
    exactFacts,
    Float64Array.from(sizes),
    false,
  );
  const recoveries: Recovery[] = [];
  const what = (target: Isolable) =>
    target.kind === 'class'
      ? `die Fälle, die dieselben ${target.cells.length} exakten Zahlen zählen, z. B. ${target.cells
          .slice(0, 3)
          .map((cell) => list[cell]?.names[0])
          .join(', ')}`
      : target.cells.map((cell) => list[cell]?.names[0]).join(' minus ');
  const check = (
    target: Isolable,
    within: FeasibleSums,
    texts: readonly string[],
    needed: number,
  ) => {
    const { wide, interval } = within.atLeast(target.members, needed);
    if (!wide && interval)
      recoveries.push({
        what: what(target),
        truth: target.truth,
        interval,
        because: [
          ...new Set(
            (['minimize', 'maximize'] as const).flatMap((sense) =>
              within.certificate(target.members, sense).map((fact) => texts[fact] as string),
            ),
          ),
        ],
      });
    return !wide && interval !== undefined;
  };
  try {
    for (const target of targets) {
      if (target.exactWidth) {
        if (!check(target, exactSums, exactSaid, width)) check(target, sums, said, 1);
      } else check(target, sums, said, target.cells.some((cell) => perturbed[cell]) ? 1 : width);
    }
  } finally {
    sums.dispose();
    exactSums.dispose();
  }
  return {
    shownSmall,
    recoveries,
    targets: targets.length,
    solved: sums.solved + exactSums.solved,
  };
}
