import { describe, expect, it } from 'vitest';
import type { IndicatorDefinition } from '../api.ts';
import { composition, definitionHash } from './definitions.ts';

const base = {
  definition: '',
  population: '',
  period: false,
  numerator: null,
  denominator: null,
} as const;

describe('how an indicator is formed, in words', () => {
  it('names numerator and denominator of a share', () => {
    const share: IndicatorDefinition = {
      ...base,
      id: 'language_b1_plus_share',
      label: 'Sprachniveau B1 oder höher',
      kind: 'share',
      numerator: { id: null, label: 'betreute Erwachsene mit Sprachniveau B1, B2, C1 oder C2' },
      denominator: { id: 'clients_adult', label: 'davon Erwachsene' },
    };
    expect(composition(share)).toBe(
      'Anteil: betreute Erwachsene mit Sprachniveau B1, B2, C1 oder C2 an davon Erwachsene',
    );
  });
  it('says "je" for a ratio and nothing for a count', () => {
    const ratio: IndicatorDefinition = {
      ...base,
      id: 'caseload_per_manager',
      label: 'Fälle je Integrationsmanager/in',
      kind: 'ratio',
      numerator: { id: 'clients_active', label: 'Betreute Personen' },
      denominator: { id: 'managers_active', label: 'Integrationsmanager/innen mit Fällen' },
    };
    expect(composition(ratio)).toBe('Betreute Personen je Integrationsmanager/innen mit Fällen');
    expect(
      composition({ ...base, id: 'clients_active', label: 'Betreute Personen', kind: 'count' }),
    ).toBeNull();
  });
  it('addresses an entry below the page route', () => {
    expect(definitionHash('clients_active')).toBe('#definitionen/clients_active');
  });
});
