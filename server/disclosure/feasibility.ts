// What a reader can prove about a count from published figures, by linear programming (the
// audit of τ-ARGUS and sdcTable): the unknowns are counts of cases (never negative), every
// published figure says that a sum of them lies between two bounds (equal bounds for an
// exact figure), and the interval a reader can prove for another sum is its minimum and its
// maximum subject to all of that. Solved with HiGHS (compiled to WebAssembly), keeping one
// model and changing only the objective between questions, so each solve starts from the
// last one's basis.
import loadHighs from 'highs';

type Highs = Awaited<ReturnType<typeof loadHighs>>;
type Model = ReturnType<Highs['createModel']>;

let loaded: Promise<Highs> | undefined;
/** The solver, loaded once per process. */
export const solver = (): Promise<Highs> => {
  loaded ??= loadHighs();
  return loaded;
};

/** lower ≤ the sum of the unknowns `members` ≤ upper. */
export interface Fact {
  members: readonly number[];
  lower: number;
  upper: number;
}

export interface Interval {
  lowest: number;
  highest: number;
}

/** Points known to satisfy every fact, kept to answer some questions without solving. */
const WITNESSES_KEPT = 40;
/** Moves between two unknowns tried for one question before a linear program decides. */
const MOVES_TRIED = 256;
const TOLERANCE = 1e-6;

/** A question asked of the facts, or a fact changed, in order (FeasibleSums.replay). */
type Step =
  | { ask: readonly number[]; width: number }
  | { relax: number; lower: number; upper: number }
  | { certificate: readonly number[]; sense: 'minimize' | 'maximize' };

/** Linear programs solved in this process (for benchmarks and tests). */
let solvedInProcess = 0;
export const linearProgramsSolved = () => solvedInProcess;

export class FeasibleSums {
  /** Made at the first linear program: most tables are settled by moves (`moved`). */
  private made: Model | undefined;
  private readonly matrix: { starts: number[]; indices: number[]; values: number[] };
  private witnesses: Float64Array[] = [];
  private readonly rows: (readonly number[])[];
  private objective: readonly number[] = [];
  /** Each fact's bounds as they are now (relax changes them). */
  private readonly lower: number[];
  private readonly upper: number[];
  /** The facts each unknown is part of. */
  private readonly factsOf: number[][];
  /** The known point, whole counts, and each fact's sum at it; kept while it is feasible. */
  private base: { point: Float64Array; sums: number[] } | undefined;
  /**
   * Everything asked and changed so far, to replay for `certificate`: where a move settled
   * a question that the linear programs alone would have solved, the model's last basis
   * differs, and with it, where several are possible, the facts a bound is said to rest on.
   */
  private readonly history: Step[] = [];
  private readonly facts: readonly Fact[];
  private readonly known: Float64Array | undefined;
  /** Whether a move settled a question since the state was last that of linear programs alone. */
  private diverged = false;
  /** Linear programs solved so far (for benchmarks and tests). */
  solved = 0;

  /**
   * @param unknowns the number of unknown counts
   * @param facts what the published figures say about them
   * @param known a point known to satisfy every fact (the true counts), if any
   * @param moves whether moves from the known point may settle a question (`moved`); off
   *   only to compare with the linear programs alone (tests)
   */
  constructor(
    private readonly highs: Highs,
    readonly unknowns: number,
    facts: readonly Fact[],
    known?: Float64Array,
    private readonly moves = true,
  ) {
    this.facts = facts;
    this.known = known;
    this.rows = facts.map((fact) => fact.members);
    this.lower = facts.map((fact) => fact.lower);
    this.upper = facts.map((fact) => fact.upper);
    this.factsOf = Array.from({ length: unknowns }, () => []);
    const unique = facts.map((fact) => [...new Set(fact.members)]);
    unique.forEach((members, index) => {
      for (const member of members) this.factsOf[member]?.push(index);
    });
    if (known?.every((value) => value >= 0 && Number.isInteger(value))) {
      const sums = unique.map((members) => members.reduce((sum, m) => sum + (known[m] ?? 0), 0));
      const feasible = sums.every(
        (sum, index) =>
          sum >= (this.lower[index] as number) && sum <= (this.upper[index] as number),
      );
      if (feasible) this.base = { point: known, sums };
    }
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const fact of facts) {
      const sorted = [...new Set(fact.members)].sort((a, b) => a - b);
      for (const member of sorted) {
        indices.push(member);
        values.push(1);
      }
      starts.push(indices.length);
    }
    this.matrix = { starts, indices, values };
    if (known) this.witnesses.push(known);
    // Without moves, as before them: the model made at once, over the facts as given.
    if (!moves) void this.model;
  }

  /** The linear program over the facts as they are now. */
  private get model(): Model {
    if (this.made) return this.made;
    const { highs, unknowns, lower, upper } = this;
    const model = highs.createModel({
      numCols: unknowns,
      numRows: lower.length,
      colCost: new Float64Array(unknowns),
      colLower: new Float64Array(unknowns),
      colUpper: new Float64Array(unknowns).fill(highs.infinity),
      rowLower: lower.map((bound) => (Number.isFinite(bound) ? bound : -highs.infinity)),
      rowUpper: upper.map((bound) => (Number.isFinite(bound) ? bound : highs.infinity)),
      matrix: { format: 'csr', numRows: lower.length, numCols: unknowns, ...this.matrix },
    });
    // Between questions only the objective changes, so the last basis stays feasible and the
    // primal simplex goes on from it (about forty times faster here than the dual simplex,
    // which the default picks and which starts over).
    model.options.set({ output_flag: false, presolve: 'off', simplex_strategy: 4 });
    this.made = model;
    return model;
  }

  private optimum(members: readonly number[], sense: 'minimize' | 'maximize'): number {
    const { highs, model } = this;
    for (const member of this.objective) model.changeColCost(member, 0);
    for (const member of members) model.changeColCost(member, 1);
    this.objective = members;
    model.changeObjectiveSense(highs.constants.objectiveSense[sense]);
    model.run();
    this.solved += 1;
    solvedInProcess += 1;
    let status = model.getModelStatus();
    if (
      status !== highs.constants.modelStatus.optimal &&
      status !== highs.constants.modelStatus.unbounded
    ) {
      // The primal simplex gave up from the old basis (rarely, on a degenerate one): start
      // over with HiGHS's own choice of method.
      model.clearSolver();
      model.options.set({ simplex_strategy: 0 });
      model.run();
      model.options.set({ simplex_strategy: 4 });
      status = model.getModelStatus();
    }
    if (status === highs.constants.modelStatus.unbounded) return Number.POSITIVE_INFINITY;
    if (status !== highs.constants.modelStatus.optimal)
      throw new Error(`The linear program ended with status ${status}.`);
    const point = Float64Array.from(model.getSolution().colValue);
    this.witnesses.push(point);
    if (this.witnesses.length > WITNESSES_KEPT) this.witnesses.splice(1, 1);
    return model.getObjectiveValue();
  }

  /** The interval a reader can prove for the sum of `members` (rounded to whole counts). */
  interval(members: readonly number[]): Interval {
    const lowest = this.optimum(members, 'minimize');
    const highest = this.optimum(members, 'maximize');
    return {
      lowest: Math.ceil(lowest - TOLERANCE),
      highest: Number.isFinite(highest) ? Math.floor(highest + TOLERANCE) : highest,
    };
  }

  /**
   * Whether the interval of the sum of `members` is at least `width` wide. Points already
   * known to satisfy every fact settle most questions without solving: if two of them give
   * sums `width` apart, so does the interval, which holds every feasible sum.
   */
  atLeast(members: readonly number[], width: number): { wide: boolean; interval?: Interval } {
    let least = Number.POSITIVE_INFINITY;
    let most = Number.NEGATIVE_INFINITY;
    for (const point of this.witnesses) {
      let sum = 0;
      for (const member of members) sum += point[member] as number;
      least = Math.min(least, sum);
      most = Math.max(most, sum);
    }
    this.history.push({ ask: members, width });
    if (Math.floor(most + TOLERANCE) - Math.ceil(least - TOLERANCE) >= width) return { wide: true };
    if (this.moved(members, width)) {
      this.diverged = true;
      return { wide: true };
    }
    const interval = this.interval(members);
    return { wide: interval.highest - interval.lowest >= width, interval };
  }

  /**
   * Whether the known point, with `width` cases moved into or out of one unknown of
   * `members` (and, to keep sums that hold both, out of or into one other unknown), still
   * satisfies every fact: then that point is feasible too, and its sum of `members` lies
   * `width` from the known one's, so the interval is at least `width` wide. Whole counts,
   * checked exactly; a linear program decides only where no such move is found.
   */
  private moved(members: readonly number[], width: number): boolean {
    const { base, lower, upper, factsOf, rows } = this;
    if (!base || !this.moves) return false;
    const { point, sums } = base;
    const inside = new Set(members);
    const fits = (fact: number, change: number) => {
      const sum = (sums[fact] as number) + change;
      return sum >= (lower[fact] as number) && sum <= (upper[fact] as number);
    };
    // Moves between two unknowns tried per question, at most: a search, not a solver.
    let budget = MOVES_TRIED;
    for (const member of inside) {
      for (const delta of [width, -width]) {
        if ((point[member] as number) + delta < 0) continue;
        const own = factsOf[member] as number[];
        const blocking = own.filter((fact) => !fits(fact, delta));
        if (blocking.length === 0) return true;
        // Or the same number moved from (to) another unknown outside `members` that is part
        // of every fact the move alone breaks: those keep their sums.
        let fewest = blocking[0] as number;
        for (const fact of blocking)
          if ((rows[fact] as number[]).length < (rows[fewest] as number[]).length) fewest = fact;
        for (const other of rows[fewest] as number[]) {
          if (budget-- <= 0) return false;
          if (inside.has(other) || (point[other] as number) - delta < 0) continue;
          const theirs = factsOf[other] as number[];
          if (
            own.every((fact) => theirs.includes(fact) || fits(fact, delta)) &&
            theirs.every((fact) => own.includes(fact) || fits(fact, -delta))
          )
            return true;
        }
      }
    }
    return false;
  }

  /**
   * Changes what a fact says (a figure withheld after all). Usually that loosens it, but not
   * always: a perturbed 0 says "0 to D", while withheld says "at least 1", since zeros are
   * shown. Points known to satisfy the facts that no longer satisfy the new bounds are
   * dropped, so they never answer a question for the new facts.
   */
  relax(fact: number, lower: number, upper: number): void {
    const { highs } = this;
    this.history.push({ relax: fact, lower, upper });
    this.lower[fact] = lower;
    this.upper[fact] = upper;
    if (this.base) {
      const sum = this.base.sums[fact] as number;
      if (sum < lower || sum > upper) this.base = undefined;
    }
    // Not made yet: it will be made with the bounds as they are then.
    this.made?.changeRowBounds(
      fact,
      Number.isFinite(lower) ? lower : -highs.infinity,
      Number.isFinite(upper) ? upper : highs.infinity,
    );
    const members = this.rows[fact] ?? [];
    this.witnesses = this.witnesses.filter((point) => {
      let sum = 0;
      for (const member of members) sum += point[member] as number;
      return sum >= lower - TOLERANCE && sum <= upper + TOLERANCE;
    });
  }

  /**
   * The facts a bound on the sum of `members` rests on: those with a non-zero dual value at
   * the optimum (for messages: which published figures pin a count down).
   */
  certificate(members: readonly number[], sense: 'minimize' | 'maximize'): number[] {
    if (this.diverged) this.replay();
    this.history.push({ certificate: members, sense });
    this.optimum(members, sense);
    const duals = this.model.getSolution().rowDual;
    const facts: number[] = [];
    duals.forEach((dual, fact) => {
      if (Math.abs(dual) > TOLERANCE) facts.push(fact);
    });
    return facts;
  }

  /**
   * Brings the model, its last basis and the known points to where the linear programs alone
   * would have them: everything so far asked again of a model without moves. Rare (only a
   * certificate after a move), and it keeps every certificate, and so every decision that
   * rests on one, the same as without moves.
   */
  private replay(): void {
    const alone = new FeasibleSums(this.highs, this.unknowns, this.facts, this.known, false);
    for (const step of this.history) {
      if ('ask' in step) alone.atLeast(step.ask, step.width);
      else if ('relax' in step) alone.relax(step.relax, step.lower, step.upper);
      else alone.certificate(step.certificate, step.sense);
    }
    this.made?.dispose();
    this.made = alone.made;
    this.witnesses = alone.witnesses;
    this.objective = alone.objective;
    this.solved += alone.solved;
    this.diverged = false;
  }

  dispose(): void {
    this.made?.dispose();
    this.made = undefined;
  }
}
