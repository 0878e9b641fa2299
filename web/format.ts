// German number and date formats, passed explicitly everywhere (Plot has no global locale).
import { dayInBerlin } from '../contract/dates.ts';
import type { Figure, Rules } from './api.ts';

const integer = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('de-DE', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** 2469 -> "2.469". */
export const formatCount = (value: number) => integer.format(value);

/** 51.3 -> "51,3". */
export const formatDecimal = (value: number) => decimal.format(value);

/**
 * A share as a whole percentage, rounded half up as indicators.md asks: 0.2402 -> "24 %".
 * (Intl rounds half to even for some engines; this does not.)
 */
export function formatPercent(share: number): string {
  const percent = Math.floor(share * 100 + 0.5 + 1e-9);
  return `${integer.format(percent)} %`;
}

/** "2021-03-01" -> "01.03.2021". */
export function formatDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}.${month}.${year}`;
}

// Months in UTC: time scales and the series' dates (YYYY-MM-DD) mean calendar days, and
// midnight UTC must not become the previous month west of Greenwich.
const monthShort = new Intl.DateTimeFormat('de-DE', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const monthLong = new Intl.DateTimeFormat('de-DE', {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A tick on a time axis: 2021-01-01T00:00Z -> "Jan. 2021", 2021-03-01T00:00Z -> "März 2021". */
export const formatMonthShort = (date: Date) => monthShort.format(date);

/** "2021-01-31" -> "Januar 2021". */
export const formatMonth = (iso: string) => monthLong.format(new Date(`${iso.slice(0, 7)}-01`));

/** The sign German official statistics use for a value that is withheld. */
export const SUPPRESSED = '.';
/** No value at all: a share of nobody (denominator 0). */
export const NO_VALUE = '–';

// Times are shown as the district office reads them, whatever the viewer's time zone.
const berlinDateTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const berlinDay = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** "2026-11-26T10:11:22.921Z" -> "26.11.2026, 11:11:22" (Europe/Berlin). */
export const formatDateTime = (iso: string) => berlinDateTime.format(new Date(iso));

/** "2026-11-26T23:30:00Z" -> "27.11.2026" (the calendar day in Europe/Berlin). */
export const formatDay = (iso: string) => berlinDay.format(new Date(iso));

/** Today's calendar day in Europe/Berlin as YYYY-MM-DD, e.g. for date inputs: the server's "today". */
export const todayIso = (now = new Date()): string => dayInBerlin(now);

/** A figure as the page shows it: "." when withheld, a share in whole percent, a ratio with one decimal. */
export function formatFigure(
  kind: 'count' | 'share' | 'ratio',
  figure: { value: number | null; suppressed: boolean },
): string {
  if (figure.suppressed) return SUPPRESSED;
  if (figure.value === null) return NO_VALUE;
  if (kind === 'share') return formatPercent(figure.value);
  if (kind === 'ratio') return formatDecimal(figure.value);
  return formatCount(figure.value);
}

/**
 * Which rule protected a figure, in a word or two beside it; nothing where none had to. A
 * withheld figure says so, not which rule withheld it ("exakt" beside a "." misleads).
 */
export function protectionLabel(figure: Pick<Figure, 'protection' | 'suppressed'>): string {
  if (figure.suppressed && figure.protection) return 'gesperrt';
  if (figure.protection === 'audited') return 'exakt';
  if (figure.protection === 'perturbed') return 'leicht verändert';
  return '';
}

/**
 * The footnote under figures for the public: which rules applied to the figures shown
 * (docs/disclosure.md). Reports frozen before the Cell Key Method keep the words of their
 * day: small counts withheld, and a second one wherever a sum would give it away.
 */
export function protectionNote(
  rules: Rules,
  figures: readonly Pick<Figure, 'protection' | 'suppressed'>[],
): string {
  if (!rules.cellKey)
    return `${SUPPRESSED} = Wert gesperrt: Zum Schutz der betreuten Personen werden Fallzahlen von 1 bis ${rules.k - 1} nicht gezeigt, ebenso eine zweite Zahl, wenn sich die gesperrte sonst aus der Summe errechnen ließe; Anteile erst ab ${rules.minDenominator} Personen im Nenner.`;
  const perturbed = figures.some((figure) => figure.protection === 'perturbed');
  const audited = figures.some((figure) => figure.protection === 'audited');
  const withheld = figures.some((figure) => figure.suppressed);
  const notes: string[] = [];
  if (perturbed)
    notes.push(
      `Zum Schutz der betreuten Personen sind die Werte leicht verändert: Jede Fallzahl weicht zufällig um höchstens ${rules.cellKey.maxDeviation} von der tatsächlichen ab, und dieselben Personen ergeben immer dieselbe Zahl (Cell-Key-Verfahren). Fallzahlen von 1 bis ${rules.k - 1} erscheinen als 0 oder als ${rules.k} und mehr; eine Summe kann daher von der Summe ihrer Teile abweichen.`,
    );
  if (audited)
    notes.push(
      'Die Eckwerte des ganzen Kreises zum Monatsersten sind exakt; vor der Veröffentlichung ist geprüft, dass sich aus ihnen keine kleine Zahl errechnen lässt.',
    );
  notes.push(
    withheld
      ? `${SUPPRESSED} = Wert gesperrt: ein Anteil auf weniger als ${rules.minDenominator} Personen${audited ? ', ein Eckwert, aus dem sich sonst eine kleine Zahl errechnen ließe' : ''}${perturbed ? `, ein Wert zu beendeten Fällen vor dem ${rules.minDenominator}. beendeten Fall des Kreises, oder ein Wert, aus dem sich mit der Summe seiner Zeile oder Spalte sonst eine kleine Zahl genau errechnen ließe` : ''}.`
      : 'Kein Wert ist gesperrt.',
  );
  return notes.join(' ');
}

// Months are counted in contract/dates.ts, for the server's trend window too.
export { addMonths, lastMonthCovered } from '../contract/dates.ts';
