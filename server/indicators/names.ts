// Names as readers see them, in one place: German country names for the ISO 3166-1 alpha-3
// keys the exports carry, and German collation for every list of names (towns, countries,
// providers), so "Löchgau" comes before "Ludwigsburg" and "Möglingen" before "Murr".
// Country names come from maintained sources, never from a list of our own: the alpha-3 to
// alpha-2 mapping of i18n-iso-countries, the short German name from the runtime's CLDR data
// (Intl.DisplayNames: "Syrien", "Russland"), else i18n-iso-countries' German name; a code
// neither knows stays the code.
import countries from 'i18n-iso-countries';
import german from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import { UNKNOWN } from '../../contract/vocabulary.ts';

countries.registerLocale(german);

const regions = new Intl.DisplayNames('de', { type: 'region', fallback: 'none' });

/** German collation: umlauts beside their base letter, case after letter. */
export const germanCollator = new Intl.Collator('de');

const countryNames = new Map<string, string>();

/** The German name of a country by its ISO alpha-3 code; `unknown` is "unbekannt". */
export function countryName(code: string): string {
  if (code === UNKNOWN.code) return UNKNOWN.label;
  let name = countryNames.get(code);
  if (name === undefined) {
    const alpha2 = countries.alpha3ToAlpha2(code);
    name = (alpha2 && regions.of(alpha2)) || countries.getName(code, 'de') || code;
    countryNames.set(code, name);
  }
  return name;
}

/** Whether a key means "unknown" (listed last, whatever its label). */
const isUnknown = (key: string) => key === UNKNOWN.code;

/**
 * Sorts categories by label with German collation, keys breaking ties; "unknown" last. A new
 * array; the input is left as it is.
 */
export function byLabel<T extends { key: string; label: string }>(categories: readonly T[]): T[] {
  return [...categories].sort(
    (a, b) =>
      Number(isUnknown(a.key)) - Number(isUnknown(b.key)) ||
      germanCollator.compare(a.label, b.label) ||
      germanCollator.compare(a.key, b.key),
  );
}

/** Sorts names (strings) with German collation. A new array. */
export function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort(germanCollator.compare);
}
