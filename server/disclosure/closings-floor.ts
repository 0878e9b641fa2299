// The floor under the closings (docs/disclosure.md, "A floor under the first closings"). In a
// district's first months its closed cases number a handful, and every count of closings is
// a small count on every day: closed so far, closed with a lease, closed in a period, and
// each of their cells. The perturbed answers of different days about them do not agree
// (three closed cases can be shown as 0 on one day, the men among them as 5 two days
// before), and a reader who knows that closed cases stay closed can corner them by putting
// those answers side by side, which no audit of one answer sees. So closings are not
// published for a district at all until it has closed `minimum` cases (the minimum
// denominator of a share: below it the share of closings with a lease is withheld anyway):
// before that day every figure of an indicator marked `closings` is withheld, zeros too, so
// that the pattern of empty cells tells nothing either. The day is the same for every
// request and every reader, fixed by the data, and moves only with an import.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';

/**
 * The first day on which a district's closings are published: the end of its `minimum`-th
 * closed case (the whole state's for `undefined`); null while it has fewer.
 */
export async function closingsFrom(
  db: Kysely<Database>,
  district: string | undefined,
  minimum: number,
): Promise<string | null> {
  const { rows } = await sql<{ day: string }>`
    SELECT c.ended_on::text AS day FROM cases c
    WHERE c.ended_on IS NOT NULL
      AND ${district === undefined ? sql`true` : sql`c.district_key = ${district}`}
    ORDER BY c.ended_on
    OFFSET ${Math.max(0, minimum - 1)} LIMIT 1`.execute(db);
  return rows[0]?.day ?? null;
}

/** Whether a figure of closings on `date` falls under the floor. */
export const belowClosingsFloor = (date: string, from: string | null): boolean =>
  from === null || date < from;
