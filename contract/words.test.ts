import { describe, expect, it } from 'vitest';
import { asciiWords } from './words.ts';

describe('ASCII words for addresses and file names', () => {
  it('write umlauts as Germans do without them, drop other accents, join words by hyphens', () => {
    expect(asciiWords('Zwischenbilanz März 2021')).toBe('zwischenbilanz-maerz-2021');
    expect(asciiWords('  Größe & Übergänge: Crème Café  ')).toBe('groesse-uebergaenge-creme-cafe');
    expect(asciiWords('Verlauf: betreute Personen am Monatsende')).toBe(
      'verlauf-betreute-personen-am-monatsende',
    );
    expect(asciiWords('!!!')).toBe('');
  });
});
