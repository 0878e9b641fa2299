// The calendar of the product: every "today" and every day a person reads is a day in
// Germany (Europe/Berlin), whatever time zone the server or the browser runs in. Dates travel
// as ISO days (`YYYY-MM-DD`); a timestamp becomes a day only here. One module for both: the
// day a form offers as the latest is the day the server accepts as the latest. Plain code
// without dependencies: the browser bundles it.

export const TIME_ZONE = 'Europe/Berlin';

const isoDayInBerlin = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Germany at `at` (default: now), as `YYYY-MM-DD`. */
export function dayInBerlin(at: Date = new Date()): string {
  return isoDayInBerlin.format(at);
}

/** Today in Germany: what the forms offer as the latest date, and the latest a date may be. */
export const todayInBerlin = (): string => dayInBerlin();

/** `month` (YYYY-MM) plus `months` months. */
export function addMonths(month: string, months: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 + months, 1)).toISOString().slice(0, 7);
}

/**
 * The last month (YYYY-MM) whose last day is on or before `iso`: a series point is a
 * month's last day, so a date's own month counts only on its last day.
 * 2021-03-01 -> 2021-02, 2021-03-31 -> 2021-03.
 */
export function lastMonthCovered(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const monthEnds = new Date(Date.UTC(year, month, 0)).getUTCDate() === day;
  return addMonths(iso.slice(0, 7), monthEnds ? 0 : -1);
}

/** `date` (YYYY-MM-DD) plus `days` days. */
export function addDays(date: string, days: number): string {
  const [year, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The last day of a month (YYYY-MM), as `YYYY-MM-DD`. */
export function monthEnd(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}
