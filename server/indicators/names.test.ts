// Country names and German order, as every list of names uses them.
import { describe, expect, it } from 'vitest';
import { byLabel, countryName, sortedNames } from './names.ts';

describe('names', () => {
  it('names countries in German by their ISO alpha-3 code, from the libraries', () => {
    expect(countryName('SYR')).toBe('Syrien');
    expect(countryName('AFG')).toBe('Afghanistan');
    expect(countryName('GMB')).toBe('Gambia');
    expect(countryName('TUR')).toBe('Türkei');
    expect(countryName('IRQ')).toBe('Irak');
    expect(countryName('ERI')).toBe('Eritrea');
    expect(countryName('unknown')).toBe('unbekannt');
    // A code neither library knows stays as it is, rather than a guess.
    expect(countryName('QQQ')).toBe('QQQ');
  });

  it('sorts towns with German collation, umlauts beside their base letter', () => {
    expect(
      sortedNames(['Ludwigsburg', 'Löchgau', 'Murr', 'Möglingen', 'Oberriexingen', 'Ötisheim']),
    ).toEqual(['Löchgau', 'Ludwigsburg', 'Möglingen', 'Murr', 'Oberriexingen', 'Ötisheim']);
  });

  it('sorts categories by label, unknown last', () => {
    const sorted = byLabel([
      { key: 'unknown', label: 'unbekannt' },
      { key: 'TUR', label: countryName('TUR') },
      { key: 'SYR', label: countryName('SYR') },
      { key: 'AFG', label: countryName('AFG') },
      { key: 'ERI', label: countryName('ERI') },
    ]);
    expect(sorted.map((c) => c.key)).toEqual(['AFG', 'ERI', 'SYR', 'TUR', 'unknown']);
  });
});
