import { describe, expect, it } from 'vitest';
import type { BreakdownResponse, DefinitionsResponse, IndicatorDefinition } from '../api.ts';
import { EXPLORE_DEFAULTS, exploreChoice, exploreHash, exploreTable } from './explore.ts';

const indicator = (id: string, kind: IndicatorDefinition['kind']): IndicatorDefinition => ({
  id,
  label: id,
  definition: '',
  population: '',
  kind,
  period: false,
  numerator: null,
  denominator: null,
});
const definitions: DefinitionsResponse = {
  indicators: [indicator('clients_active', 'count'), indicator('language_b1_plus_share', 'share')],
  dimensions: [
    { id: 'provider', label: 'Träger', categories: [] },
    { id: 'sex', label: 'Geschlecht', categories: [] },
  ],
  funding: [],
};

describe('explore: the choice in the address', () => {
  it('reads indicator, dimension and date, and writes them back', () => {
    const params = new URLSearchParams(
      'kennzahl=language_b1_plus_share&nach=sex&stichtag=2020-06-30',
    );
    const choice = exploreChoice(params, definitions);
    expect(choice).toEqual({
      kennzahl: 'language_b1_plus_share',
      nach: 'sex',
      stichtag: '2020-06-30',
    });
    expect(exploreHash(choice)).toBe(
      '/erkunden?kennzahl=language_b1_plus_share&nach=sex&stichtag=2020-06-30',
    );
  });
  it('falls back to the defaults for what it does not know', () => {
    const params = new URLSearchParams('kennzahl=drop_table&nach=name&stichtag=01.01.2021');
    expect(exploreChoice(params, definitions)).toEqual(EXPLORE_DEFAULTS);
  });
});

describe('explore: the table', () => {
  it('lists numerator and denominator of a share, a total row, and withheld cells as null', () => {
    const breakdown = {
      by: 'provider',
      by_label: 'Träger',
      rows: [
        {
          key: 'AWO',
          label: 'Arbeiterwohlfahrt',
          value: 0.25,
          numerator: 70,
          denominator: 281,
          suppressed: false,
        },
        {
          key: 'DRK',
          label: 'DRK-Kreisverband',
          value: null,
          numerator: null,
          denominator: null,
          suppressed: true,
        },
        {
          key: 'LRA',
          label: 'Landratsamt',
          value: null,
          numerator: 0,
          denominator: 0,
          suppressed: false,
        },
      ],
      total: { value: 0.24, numerator: 360, denominator: 1499, suppressed: false },
    } as unknown as BreakdownResponse;
    const table = exploreTable(indicator('language_b1_plus_share', 'share'), breakdown);
    expect(table.columns.map((c) => [c.label, c.kind])).toEqual([
      ['Träger', 'text'],
      ['language_b1_plus_share', 'share'],
      ['Zähler', 'number'],
      ['Nenner', 'number'],
    ]);
    expect(table.rows).toEqual([
      ['Arbeiterwohlfahrt', 0.25, 70, 281],
      ['DRK-Kreisverband', null, null, null],
      // Nobody in the denominator: no value, which is not a withheld one.
      ['Landratsamt', '–', 0, 0],
      ['Insgesamt', 0.24, 360, 1499],
    ]);
  });
});
