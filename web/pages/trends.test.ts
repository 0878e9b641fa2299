import { describe, expect, it } from 'vitest';
import type { DefinitionsResponse } from '../api.ts';
import { csvText } from '../downloads/csv.ts';
import { lastMonthCovered } from '../format.ts';
import { periodLabel, TRENDS_DEFAULTS, trendsChoice, trendsHash, trendsTable } from './trends.ts';

const definitions: DefinitionsResponse = {
  indicators: [
    {
      id: 'clients_active',
      label: 'Betreute Personen',
      definition: '',
      population: '',
      kind: 'count',
      period: false,
      numerator: null,
      denominator: null,
    },
  ],
  dimensions: [
    { id: 'provider', label: 'Träger', categories: [{ key: 'AWO', label: 'Arbeiterwohlfahrt' }] },
    {
      id: 'municipality',
      label: 'Gemeinde',
      categories: [{ key: '08118048', label: 'Ludwigsburg' }],
    },
  ],
  funding: [],
};

describe('trends: the choice in the address', () => {
  it('reads interval, months and a provider, and writes them back', () => {
    const choice = trendsChoice(
      new URLSearchParams(
        'kennzahl=clients_active&intervall=quartal&von=2019-01&bis=2020-12&traeger=AWO',
      ),
      definitions,
    );
    expect(choice).toEqual({
      kennzahl: 'clients_active',
      intervall: 'quartal',
      von: '2019-01',
      bis: '2020-12',
      traeger: 'AWO',
      gemeinde: '',
    });
    expect(trendsHash(choice)).toBe(
      '/verlauf?kennzahl=clients_active&intervall=quartal&von=2019-01&bis=2020-12&traeger=AWO',
    );
  });
  it('takes one filter only, swaps a reversed span and ignores unknown values', () => {
    const choice = trendsChoice(
      new URLSearchParams('intervall=woche&von=2022-12&bis=2018-01&traeger=XYZ&gemeinde=08118048'),
      definitions,
    );
    expect(choice).toEqual({
      kennzahl: TRENDS_DEFAULTS.kennzahl,
      intervall: TRENDS_DEFAULTS.intervall,
      von: '2018-01',
      bis: '2022-12',
      traeger: '',
      gemeinde: '08118048',
    });
  });
});

describe('trends: period labels', () => {
  it('names months, quarters and years in German', () => {
    expect(periodLabel('2021-03')).toBe('März 2021');
    expect(periodLabel('2021-Q1')).toBe('1. Quartal 2021');
    expect(periodLabel('2021')).toBe('2021');
  });
});

describe('trends: how far the data reach', () => {
  it('ends with the last month whose last day the exports cover', () => {
    expect(lastMonthCovered('2021-03-01')).toBe('2021-02');
    expect(lastMonthCovered('2021-03-31')).toBe('2021-03');
    expect(lastMonthCovered('2021-01-15')).toBe('2020-12');
  });
});

describe('trends: values after the exports', () => {
  it('are marked "vorläufig" in the table and its downloads', () => {
    const point = (period: string, date: string) => ({
      period,
      date,
      value: 10,
      numerator: null,
      denominator: null,
      suppressed: false,
      protection: 'none' as const,
    });
    const table = trendsTable(
      definitions.indicators[0] as DefinitionsResponse['indicators'][number],
      {
        indicator: 'clients_active',
        label: 'Betreute Personen',
        interval: 'month',
        from: '2021-02',
        to: '2021-03',
        district: '08118',
        audience: 'public',
        rules: null,
        data_as_of: '2021-03-01',
        points: [point('2021-02', '2021-02-28'), point('2021-03', '2021-03-31')],
      },
      'Monatsende',
    );
    // Days as days (Excel dates in the workbook), the later one marked in every file.
    expect(table.rows.map((row) => row[1])).toEqual(['2021-02-28', '2021-03-31']);
    expect(table.columns[0]?.kind).toBe('month');
    const csv = csvText(table, { title: 'Betreute Personen', stand: 'Stand', fileName: 'x' });
    expect(csv).toContain('\r\nFebruar 2021;28.02.2021;10\r\n');
    expect(csv).toContain('\r\nMärz 2021;31.03.2021 (vorläufig);10\r\n');
  });
});
