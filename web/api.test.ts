// Arrow answers decoded as the server writes them (server/routes/formats.ts): typed figures
// with nulls where withheld, Bool for suppressed, the protection's code, the total as last
// line marked by `is_total`, months and days as Date32; IPC files, as `format=arrow` answers.
import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, fetchBreakdownTable, fetchSeries } from './api.ts';
import { breakdownFromArrow, seriesFromArrow } from './arrow-tables.ts';

const text = (values: (string | null)[]) => vectorFromArray(values, new Utf8());
const numbers = (values: (number | null)[]) => vectorFromArray(values, new Float64());
const counts = (values: (number | null)[]) => vectorFromArray(values, new Int32());
const flags = (values: boolean[]) => vectorFromArray(values, new Bool());
const days = (values: string[]) =>
  vectorFromArray(
    values.map((day) => Date.parse(`${day}T00:00:00Z`)),
    new DateDay(),
  );

const breakdownIpc = (totals = [false, false, false, true]) =>
  tableToIPC(
    new Table({
      key: text(['A2', 'C2', 'unknown', 'total']),
      label: text(['A2', 'C2', 'unbekannt', 'Insgesamt']),
      value: counts([1502, null, 124, 1630]),
      numerator: counts([null, null, null, null]),
      denominator: counts([null, null, null, null]),
      suppressed: flags([false, true, false, false]),
      protection: text(['perturbed', 'perturbed', 'perturbed', 'audited']),
      is_total: flags(totals),
    }),
    'file',
  );

describe('breakdown from Arrow', () => {
  it('maps nulls to null and the Bool flags to true/false, with the total apart', () => {
    expect(breakdownFromArrow(breakdownIpc())).toEqual({
      rows: [
        {
          key: 'A2',
          label: 'A2',
          value: 1502,
          numerator: null,
          denominator: null,
          suppressed: false,
          protection: 'perturbed',
        },
        {
          key: 'C2',
          label: 'C2',
          value: null,
          numerator: null,
          denominator: null,
          suppressed: true,
          protection: 'perturbed',
        },
        {
          key: 'unknown',
          label: 'unbekannt',
          value: 124,
          numerator: null,
          denominator: null,
          suppressed: false,
          protection: 'perturbed',
        },
      ],
      total: {
        value: 1630,
        numerator: null,
        denominator: null,
        suppressed: false,
        protection: 'audited',
      },
    });
  });

  it('refuses a table without its total line, a column or a yes/no', () => {
    expect(() => breakdownFromArrow(breakdownIpc([false, false, false, false]))).toThrow(
      'Zeile „Insgesamt“',
    );
    const withoutDenominator = tableToIPC(
      new Table({
        key: text(['total']),
        label: text(['Insgesamt']),
        value: numbers([1]),
        is_total: flags([true]),
      }),
      'file',
    );
    expect(() => breakdownFromArrow(withoutDenominator)).toThrow('Spalte „numerator“');
    const unknownFlag = tableToIPC(
      new Table({
        key: text(['total']),
        label: text(['Insgesamt']),
        value: numbers([1]),
        numerator: numbers([null]),
        denominator: numbers([null]),
        suppressed: text(['ja']),
        protection: text(['perturbed']),
        is_total: flags([true]),
      }),
      'file',
    );
    expect(() => breakdownFromArrow(unknownFlag)).toThrow('Spalte „suppressed“');
    expect(() => breakdownFromArrow(new TextEncoder().encode('{"rows":[]}'))).toThrow(
      'keine lesbare Arrow-Tabelle',
    );
  });
});

describe('series from Arrow', () => {
  it('keeps period and date and maps withheld points', () => {
    const ipc = tableToIPC(
      new Table({
        period: days(['2020-11-01', '2020-12-01']),
        date: days(['2020-11-30', '2020-12-31']),
        value: numbers([null, 0.25]),
        numerator: counts([null, 5]),
        denominator: counts([18, 20]),
        suppressed: flags([true, false]),
        protection: text(['perturbed', 'perturbed']),
      }),
      'stream',
    );
    expect(seriesFromArrow(ipc)).toEqual([
      {
        period: '2020-11',
        date: '2020-11-30',
        value: null,
        numerator: null,
        denominator: 18,
        suppressed: true,
        protection: 'perturbed',
      },
      {
        period: '2020-12',
        date: '2020-12-31',
        value: 0.25,
        numerator: 5,
        denominator: 20,
        suppressed: false,
        protection: 'perturbed',
      },
    ]);
  });
});

describe('fetching Arrow', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the Arrow file and decodes the answer', async () => {
    const fetch = vi.fn(async () => new Response(new Uint8Array(breakdownIpc())));
    vi.stubGlobal('fetch', fetch);
    const breakdown = await fetchBreakdownTable('clients_adult', '2021-01-01', 'language_level');
    expect(breakdown.rows.map((row) => row.key)).toEqual(['A2', 'C2', 'unknown']);
    expect(fetch).toHaveBeenCalledWith(
      '/api/v1/indicators/clients_adult/breakdown?date=2021-01-01&by=language_level&format=arrow',
      expect.objectContaining({
        headers: expect.objectContaining({ accept: 'application/vnd.apache.arrow.file' }),
      }),
    );
  });

  it("passes on the server's German detail when the answer is not 2xx", async () => {
    const problem = {
      type: 'about:blank',
      title: 'Ungültige Anfrage',
      status: 400,
      detail: 'Parameter „from“: Reihen beginnen frühestens im Januar 2015.',
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify(problem), {
            status: 400,
            headers: { 'content-type': 'application/problem+json' },
          }),
      ),
    );
    const failure = fetchSeries('clients_active', '2014-01', '2014-12');
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 400, message: problem.detail });
  });
});
