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
