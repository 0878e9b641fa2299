import { describe, expect, it } from 'vitest';
import type { FundingResponse, FundingRow } from '../api.ts';
import {
  definitionEntries,
  FUNDERS_DEFAULTS,
  fundersChoice,
  fundersHash,
  fundingDownload,
  periodText,
  showFigure,
} from './funders.ts';

const params = (query: string) => new URLSearchParams(query);

describe('the choice in the address', () => {
  it('reads years and provider, and writes them back the same way', () => {
    const choice = fundersChoice(params('von=2019&bis=2021&traeger=AWO'), 2026);
    expect(choice).toEqual({ von: 2019, bis: 2021, traeger: 'AWO' });
    expect(fundersHash(choice)).toBe('#foerderung?von=2019&bis=2021&traeger=AWO');
    expect(fundersHash({ ...choice, traeger: '' })).toBe('#foerderung?von=2019&bis=2021');
  });

  it('falls back to the funding period for missing, reversed or impossible years', () => {
    const period = { von: FUNDERS_DEFAULTS.von, bis: FUNDERS_DEFAULTS.bis, traeger: '' };
    for (const query of [
      '',
      'von=2021&bis=2019',
      'von=2010&bis=2012',
      'von=20x8&bis=2022',
      'von=2018&bis=2031',
    ])
      expect(fundersChoice(params(query), 2026), query).toEqual(period);
    expect(fundersChoice(params('traeger=<b>'), 2026).traeger).toBe('');
  });
});

describe('figures as the table shows them', () => {
  it('writes German numbers, "." when withheld and "–" where there is nothing to show', () => {
    const figure = (value: number | null, suppressed = false) => ({
      value,
      numerator: null,
      denominator: null,
      suppressed,
    });
    expect(showFigure('count', figure(1253))).toBe('1.253');
    expect(showFigure('share', figure(0.2402))).toBe('24 %');
    expect(showFigure('ratio', figure(51.46))).toBe('51,5');
    expect(showFigure('count', figure(null, true))).toBe('.');
    expect(showFigure('share', figure(null))).toBe('–');
    expect(showFigure('count', undefined)).toBe('–');
  });

  it('names the days a year was counted', () => {
    const year = { year: 2021, from: '2021-01-01', to: '2021-03-01', complete: false };
    expect(periodText(year)).toBe('01.01.–01.03.2021');
    expect(
      periodText({ ...year, year: 2020, from: '2020-01-01', to: '2020-12-31', complete: true }),
    ).toBe('im Jahr 2020');
    expect(periodText({ ...year, year: 2022, from: null, to: null })).toBe('2022: keine Daten');
  });
});

const row = (changes: Partial<FundingRow>): FundingRow => ({
  year: 2020,
  provider: 'AWO',
  provider_label: 'Arbeiterwohlfahrt',
  from: '2020-01-01',
  to: '2020-12-31',
  complete: true,
  figures: {},
  ...changes,
});

describe('the tables for download', () => {
  it('has a line per year and provider with data, withheld values as null, shares apart', () => {
    const response = {
      end_reasons: [{ key: 'moved_away', label: 'Wegzug' }],
      figures: [],
      rows: [
        row({
          figures: {
            cases_started_in_year: {
              value: 208,
              numerator: null,
              denominator: null,
              suppressed: false,
              protection: 'none',
            },
            closed_with_lease: {
              value: 100,
              numerator: null,
              denominator: null,
              suppressed: false,
              protection: 'none',
            },
            closed_with_lease_share: {
              value: 0.73,
              numerator: 100,
              denominator: 137,
              suppressed: false,
              protection: 'none',
            },
            closed_b1_plus: {
              value: null,
              numerator: null,
              denominator: null,
              suppressed: true,
              protection: 'none',
            },
          },
        }),
        row({ year: 2022, from: null, to: null, complete: false }),
      ],
    } as unknown as FundingResponse;
    const table = fundingDownload(response, [
      {
        label: 'bei Beendigung',
        columns: [
          {
            id: 'closed_with_lease',
            kind: 'count',
            label: 'mit eigenem Mietvertrag (Anteil)',
            share: 'closed_with_lease_share',
          },
          { id: 'closed_b1_plus', kind: 'count', label: 'davon B1 oder höher' },
        ],
      },
    ]);
    expect(table.columns.map((c) => [c.label, c.kind])).toEqual([
      ['Jahr', 'year'],
      ['Von', 'date'],
      ['Bis', 'date'],
      ['Träger', 'text'],
      ['bei Beendigung: mit eigenem Mietvertrag', 'number'],
      ['bei Beendigung: mit eigenem Mietvertrag, Anteil', 'share'],
      ['bei Beendigung: davon B1 oder höher', 'number'],
    ]);
    expect(table.rows).toEqual([
      [2020, '2020-01-01', '2020-12-31', 'Arbeiterwohlfahrt', 100, 0.73, null],
    ]);
  });

  it('explains the end reasons in one entry', () => {
    const definition = (id: string) => ({
      id,
      label: id,
      definition: `${id} zählt …`,
      kind: 'count' as const,
      numerator: null,
      denominator: null,
    });
    const entries = definitionEntries({
      figures: [
        'cases_started_in_year',
        'cases_closed_in_year',
        'closed_reason_moved_away',
        'closed_reason_other',
        'clients_active',
      ].map(definition),
      end_reasons: [
        { key: 'moved_away', label: 'Wegzug' },
        { key: 'other', label: 'sonstige' },
      ],
    });
    expect(entries.map((entry) => entry.label)).toEqual([
      'cases_started_in_year',
      'cases_closed_in_year',
      'Beendet nach Grund',
      'clients_active',
    ]);
    expect(entries[2]?.definition).toContain('Wegzug; sonstige');
  });
});
