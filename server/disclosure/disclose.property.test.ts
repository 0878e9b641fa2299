// Property tests of disclosure control (shared/spec/disclosure.md) over random breakdowns
// (discloseTable, with the total as the report shows it) and random cross-tables with
// margins (discloseCrossTable), for restricted and public callers:
// (a) no count, numerator or denominator from 1 to k-1 is shown;
// (b) no hidden figure can be worked out from the shown ones, by one line that adds up or by
//     several together: no hidden non-zero figure, even if the reader knows which hidden
//     figures are zero, and no hidden zero that hiding a non-zero figure could protect;
// (c) a shown share rests on a denominator of at least the minimum;
// (d) zero is shown;
// (e) the district office sees every figure as computed.
// FC_SEED=<n> replays a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawFigure } from '../indicators/figures.ts';
import { findIndicator, type Indicator } from '../indicators/registry.ts';
import { discloseCrossTable } from './cross-table.ts';
import {
  type Audience,
  type DisclosedFigure,
  type DisclosureRules,
  discloseBreakdown,
} from './disclose.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const RUNS = 2000;

const count = findIndicator('clients_active') as Indicator;
const share = findIndicator('language_b1_plus_share') as Indicator;

// ---------------------------------------------------------------------------------------
// Tables

const countFigure = (value: number): RawFigure => ({ value, numerator: null, denominator: null });
const shareFigure = (numerator: number, denominator: number): RawFigure => ({
  value: denominator === 0 ? null : numerator / denominator,
  numerator,
  denominator,
});
const sum = (values: (number | null)[]) => values.reduce<number>((a, b) => a + (b ?? 0), 0);
const totalOf = (indicator: Indicator, figures: RawFigure[]): RawFigure =>
  indicator.kind === 'count'
    ? countFigure(sum(figures.map((f) => f.value)))
    : shareFigure(sum(figures.map((f) => f.numerator)), sum(figures.map((f) => f.denominator)));

/** Mostly zeros and small counts, where suppression happens. */
const countArb = fc
  .oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 2, arbitrary: fc.integer({ min: 13, max: 300 }) },
  )
  .map(countFigure);

/** Denominators around the minimum, numerators a subset and often zero or small. */
const shareArb = fc
  .oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 4, arbitrary: fc.integer({ min: 13, max: 40 }) },
    { weight: 2, arbitrary: fc.integer({ min: 41, max: 300 }) },
  )
  .chain((denominator) =>
    fc
      .oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: Math.min(denominator, 12) }),
        fc.integer({ min: 0, max: denominator }),
      )
      .map((numerator) => shareFigure(numerator, denominator)),
  );

const rulesArb: fc.Arbitrary<DisclosureRules> = fc.record({
  k: fc.integer({ min: 3, max: 10 }),
  minDenominator: fc.integer({ min: 5, max: 30 }),
});
const audienceArb = fc.constantFrom<Audience>('restricted', 'public');

/** The figures of one response and the lines among them that add up, each total last. */
interface Response {
  raw: RawFigure[];
  disclosed: DisclosedFigure[];
  lines: number[][];
}

/** A breakdown as the report returns it: the cells and the total, disclosed as one table. */
function breakdownResponse(
  indicator: Indicator,
  cells: RawFigure[],
  audience: Audience,
  rules: DisclosureRules,
): Response {
  const total = totalOf(indicator, cells);
  const disclosed = discloseBreakdown(indicator, cells, total, audience, rules, true);
  return {
    raw: [...cells, total],
    disclosed: [...disclosed.cells, disclosed.total as DisclosedFigure],
    lines: [[...cells.keys(), cells.length]],
  };
}

/** A cross-table as the grid of (rows + 1) × (columns + 1) figures its margins make. */
function crossTableResponse(
  indicator: Indicator,
  cells: RawFigure[][],
  audience: Audience,
  rules: DisclosureRules,
): Response {
  const columnsOf = <T>(rows: T[][]) =>
    (rows[0] ?? []).map((_, c) => rows.map((row) => row[c] as T));
  const rowTotals = cells.map((row) => totalOf(indicator, row));
  const columnTotals = columnsOf(cells).map((column) => totalOf(indicator, column));
  const table = { cells, rowTotals, columnTotals, total: totalOf(indicator, rowTotals) };
  const out = discloseCrossTable(indicator, table, audience, rules, true);
  const grid = <T>(t: { cells: T[][]; rowTotals: T[]; columnTotals: T[]; total: T }) => [
    ...t.cells.map((row, r) => [...row, t.rowTotals[r] as T]),
    [...t.columnTotals, t.total],
  ];
  const width = columnTotals.length + 1;
  const indexes = grid(table).map((row, r) => row.map((_, c) => r * width + c));
  return {
    raw: grid(table).flat(),
    disclosed: grid(out).flat(),
    lines: [...indexes, ...columnsOf(indexes)],
  };
}

const breakdownArb = (cell: fc.Arbitrary<RawFigure>) =>
  fc.array(cell, { minLength: 1, maxLength: 8 });
const crossTableArb = (cell: fc.Arbitrary<RawFigure>) =>
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .chain(([rows, columns]) =>
      fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), {
        minLength: rows,
        maxLength: rows,
      }),
    );

// ---------------------------------------------------------------------------------------
// What a reader can work out

/**
 * The unknowns (indexes of figures) that the lines determine, each line saying that its
 * last figure is the sum of the others: x is determined when its unit vector lies in the
 * row space of the lines' coefficients on the unknowns, that is when, in reduced row
 * echelon form, it is a pivot whose row has no other entry.
 */
function determined(lines: number[][], unknowns: number[]): number[] {
  const column = new Map(unknowns.map((figure, j) => [figure, j]));
  const matrix = lines.map((line) => {
    const row = unknowns.map(() => 0);
    line.forEach((figure, position) => {
      const j = column.get(figure);
      if (j !== undefined) row[j] = position === line.length - 1 ? -1 : 1;
    });
    return row;
  });
  const pivots: number[] = [];
  for (let j = 0; j < unknowns.length && pivots.length < matrix.length; j++) {
    const top = pivots.length;
    const at = matrix.findIndex((row, r) => r >= top && Math.abs(row[j] as number) > 1e-9);
    if (at === -1) continue;
    [matrix[top], matrix[at]] = [matrix[at] as number[], matrix[top] as number[]];
    const pivotRow = (matrix[top] as number[]).map((x, _, row) => x / (row[j] as number));
    matrix[top] = pivotRow;
    matrix.forEach((row, r) => {
      const factor = row[j] as number;
      if (r !== top && factor !== 0)
        matrix[r] = row.map((x, i) => x - factor * (pivotRow[i] as number));
    });
    pivots.push(j);
  }
  return pivots
    .filter((j, r) => (matrix[r] as number[]).every((x, i) => i === j || Math.abs(x) < 1e-9))
    .map((j) => unknowns[j] as number);
}

type Quantity = 'value' | 'numerator' | 'denominator';
/** The figures that add up along the lines: counts, or a share's numerators and denominators. */
const additiveQuantities = (indicator: Indicator): Quantity[] =>
  indicator.kind === 'count' ? ['value'] : ['numerator', 'denominator'];

// Each check lists what is wrong with one restricted or public response, for one failure
// message per run (and one `expect`, which keeps thousands of runs fast).

/** (a), (c), (d), and that a figure is shown as computed or hidden but for its denominator. */
function shownFiguresNotAllowed(
  indicator: Indicator,
  { raw, disclosed }: Response,
  { k, minDenominator }: DisclosureRules,
): string[] {
  const small = (n: number | null) => n !== null && n >= 1 && n < k;
  return disclosed.flatMap((figure, i) => {
    const computed = raw[i] as RawFigure;
    const wrong = figure.suppressed
      ? figure.value !== null ||
        figure.numerator !== null ||
        (figure.denominator !== null && figure.denominator !== computed.denominator)
      : figure.value !== computed.value ||
        figure.numerator !== computed.numerator ||
        figure.denominator !== computed.denominator;
    const problems = [
      wrong && 'not as computed',
      ((indicator.kind === 'count' && small(figure.value)) ||
        small(figure.numerator) ||
        small(figure.denominator)) &&
        'small',
      indicator.kind === 'share' &&
        figure.value !== null &&
        (figure.denominator ?? 0) < minDenominator &&
        'share on a small base',
      figure.suppressed &&
        (indicator.kind === 'count' ? computed.value === 0 : computed.denominator === 0) &&
        'zero hidden',
    ];
    return problems.filter((p) => p !== false).map((p) => `${p}: #${i} ${JSON.stringify(figure)}`);
  });
}

const hiddenIn =
  ({ raw, disclosed }: Response, quantity: Quantity) =>
  (i: number) =>
    disclosed[i]?.[quantity] === null && raw[i]?.[quantity] !== null;
const indexesWhere = (response: Response, keep: (i: number) => boolean) =>
  response.raw.flatMap((_, i) => (keep(i) ? [i] : []));

/**
 * (b) for a reader who knows which hidden figures are zero (they may be known from
 * elsewhere, and then protect nothing): any hidden non-zero figure alone in a line, or
 * determined by several lines together.
 */
function workedOutKnowingZeros(response: Response, quantity: Quantity): string[] {
  const hidden = hiddenIn(response, quantity);
  const unknown = (i: number) => hidden(i) && response.raw[i]?.[quantity] !== 0;
  return [
    ...response.lines
      .filter((line) => line.filter(unknown).length === 1)
      .map((line) => `the one hidden non-zero ${quantity} in line ${line}`),
    ...determined(response.lines, indexesWhere(response, unknown)).map(
      (i) => `hidden non-zero ${quantity} #${i}`,
    ),
  ];
}

/**
 * (b) for a reader who does not: any hidden figure that the lines determine, except a zero
 * that the zeros around it give away (it could still be worked out with every non-zero
 * figure hidden too), which only hiding zeros could prevent.
 */
function workedOut(response: Response, quantity: Quantity): string[] {
  const hidden = hiddenIn(response, quantity);
  const nonZero = (i: number) => response.raw[i]?.[quantity] !== 0;
  const fromZeros = determined(
    response.lines,
    indexesWhere(response, (i) => hidden(i) || nonZero(i)),
  );
  return determined(response.lines, indexesWhere(response, hidden))
    .filter((i) => !fromZeros.includes(i))
    .map((i) => `hidden ${quantity} #${i}`);
}

const recoverable = (response: Response, quantity: Quantity) => [
  ...workedOut(response, quantity),
  ...workedOutKnowingZeros(response, quantity),
];

const options = { numRuns: RUNS, seed };
const cellsOf = { count: countArb, share: shareArb };

describe.each([count, share])('disclosure of random tables of $kind indicators', (indicator) => {
  const cell = cellsOf[indicator.kind as 'count' | 'share'];
  const quantities = additiveQuantities(indicator);

  it('protects every breakdown for restricted and public callers', () => {
    // The numerators of shares fail; see the known failures below.
    const checked = quantities.filter((quantity) => quantity !== 'numerator');
    fc.assert(
      fc.property(breakdownArb(cell), audienceArb, rulesArb, (cells, audience, rules) => {
        const response = breakdownResponse(indicator, cells, audience, rules);
        expect([
          ...shownFiguresNotAllowed(indicator, response, rules),
          ...checked.flatMap((quantity) => recoverable(response, quantity)),
        ]).toEqual([]);
      }),
      options,
    );
  });

  it('protects every cross-table with its margins for restricted and public callers', () => {
    fc.assert(
      fc.property(crossTableArb(cell), audienceArb, rulesArb, (cells, audience, rules) => {
        const response = crossTableResponse(indicator, cells, audience, rules);
        expect([
          ...shownFiguresNotAllowed(indicator, response, rules),
          ...quantities.flatMap((quantity) => recoverable(response, quantity)),
        ]).toEqual([]);
      }),
      options,
    );
  });

  it('shows the district office every figure', () => {
    const allShown = ({ raw, disclosed }: Response) =>
      expect(disclosed).toEqual(raw.map((figure) => ({ ...figure, suppressed: false })));
    fc.assert(
      fc.property(breakdownArb(cell), crossTableArb(cell), rulesArb, (cells, table, rules) => {
        allShown(breakdownResponse(indicator, cells, 'internal', rules));
        allShown(crossTableResponse(indicator, table, 'internal', rules));
      }),
      options,
    );
  });
});

// Two leaks that share breakdowns once had: a numerator given away by the total when no
// other cell could be hidden with it, and a hidden zero taken as protection.
describe('numerators of share breakdowns', () => {
  const numerators = (
    check: typeof workedOut,
    [cells, audience, rules]: [RawFigure[], Audience, DisclosureRules],
  ) => check(breakdownResponse(share, cells, audience, rules), 'numerator');

  // The only hidden numerator, hidden for its small denominator, has no non-zero partner
  // among the cells, and the total, disclosed on its own, gives it away: under the default
  // rules 6/10 is hidden beside a shown 0/25, and the total shows 6/35.
  it('no numerator is given away by the total when no cell can be hidden with it', () => {
    fc.assert(
      fc.property(breakdownArb(shareArb), audienceArb, rulesArb, (...args) => {
        expect(numerators(workedOut, args)).toEqual([]);
      }),
      options,
    );
  });

  // A numerator hidden for its small denominator, often zero, counts as the second hidden
  // cell: under the default rules 0/12 and 3/40 are hidden beside a shown 30/60 and a shown
  // total 33/112, and whoever knows the 0 has the 3.
  it('a hidden zero numerator is not taken as protection', () => {
    fc.assert(
      fc.property(breakdownArb(shareArb), audienceArb, rulesArb, (...args) => {
        expect(numerators(workedOutKnowingZeros, args)).toEqual([]);
      }),
      options,
    );
  });
});
