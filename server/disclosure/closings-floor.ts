// The floor under the first closings (docs/disclosure.md, "A floor under the first closings"). In a
// district's first months its closed cases number a handful, and every count of closings is
// a small count on every day: closed so far, closed with a lease, closed in a period, and
// each of their cells. The perturbed answers of different days about them do not agree
// (three closed cases can be shown as 0 on one day, the men among them as 5 two days
// before), and a reader who knows that closed cases stay closed can corner them by putting
// those answers side by side, which no audit of one answer sees. So closings are not
// published for a district at all until it has closed `minimum` cases (the minimum
// denominator of a share: below it the share of closings with a lease is withheld anyway):
// before that day every figure of an indicator marked `closings` is withheld, zeros too, so
// that the pattern of empty cells tells nothing either. The days are the same for every
// request and every reader, fixed by the data, and move only with an import.
import { type Kysely, sql } from 'kysely';
import { addDays } from '../../contract/dates.ts';
import type { Database } from '../db/types.ts';

/** Days on which closings are withheld: from `from` (inclusive) to `until` (exclusive; null: on). */
export interface WithheldDays {
  from: string;
  until: string | null;
}

/**
 * The days on which figures of closings are withheld for a district: from the end of its
 * first closed case to the end of its `minimum`-th. Before the first, every count of
 * closings is a true zero and shown as one; a reader learns the day of the first closing
 * (at least one case closed that day), and no count beside it, since everything after is
 * withheld until the `minimum`-th. For the whole state (`undefined`), whose tables show
 * each district's towns, the days on which any district is in that stretch.
 */
export async function closingsWithheld(
  db: Kysely<Database>,
  district: string | undefined,
  minimum: number,
): Promise<WithheldDays[]> {
  const { rows } = await sql<{ first: string; floor: string | null }>`
    SELECT min(ended_on)::text AS first,
           (array_agg(ended_on ORDER BY ended_on))[${minimum}]::text AS floor
    FROM cases
    WHERE ended_on IS NOT NULL
      AND ${district === undefined ? sql`true` : sql`district_key = ${district}`}
    GROUP BY district_key`.execute(db);
  return rows.map((row) => ({ from: row.first, until: row.floor }));
}

const within = (date: string, withheld: readonly WithheldDays[]) =>
  withheld.some((days) => days.from <= date && (days.until === null || date < days.until));

/**
 * Whether a figure of closings falls under the floor: its date is a withheld day, or, for a
 * count over a period, the day before the period is one (the count is the closings by its
 * date minus those by that day, and beside the exact count of its date it would give those
 * back).
 */
export const belowClosingsFloor = (
  on: { date: string; periodFrom?: string | undefined },
  withheld: readonly WithheldDays[],
): boolean =>
  within(on.date, withheld) ||
  (on.periodFrom !== undefined && within(addDays(on.periodFrom, -1), withheld));
