// German number and date formats, passed explicitly everywhere (Plot has no global locale).

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

/** The sign German official statistics use for a value that is withheld. */
export const SUPPRESSED = '.';
