// Renders the chart in Node and compares the SVG with the committed snapshot.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { type LinePoint, lineChart } from './line-chart.ts';

const months = (values: (number | null)[]): LinePoint[] =>
  values.map((value, i) => ({
    date: new Date(Date.UTC(2019, 1 + i, 0)).toISOString().slice(0, 10),
    value,
  }));

describe('line chart', () => {
  it('draws German month and number ticks, withheld months as gaps and a description', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const points = months([
      1176,
      1265,
      1348,
      1435,
      1510,
      1566,
      1658,
      1760,
      1849,
      1923,
      1987,
      2062,
      2154,
      null,
      2329,
      2421,
      2485,
      2527,
      2551,
      2598,
      2603,
      2585,
      2534,
      2470,
    ]);
    const svg = lineChart(points, {
      width: 520,
      label: 'Betreute Personen am Monatsende, Stichtag 01.01.2021',
      description: 'von 1.176 auf 2.470',
      document,
    });
    const ticks = [...svg.querySelectorAll('[data-mark="x-axis tick label"] text')].map(
      (tick) => tick.textContent,
    );
    expect(ticks).toContain('Jan. 2020');
    expect(ticks).toContain('Okt. 2020');
    expect(svg.textContent).toContain('2.500');
    // The withheld month splits the line in two pieces.
    const line = svg.querySelector('[data-mark="line"] path')?.getAttribute('d') ?? '';
    expect(line.match(/M/g)).toHaveLength(2);
    expect(svg.querySelectorAll('[data-mark="dot"] circle')).toHaveLength(23);
    expect(svg.getAttribute('aria-label')).toBe(
      'Betreute Personen am Monatsende, Stichtag 01.01.2021',
    );
    expect(svg.getAttribute('aria-description')).toBe('von 1.176 auf 2.470');
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/line-chart.svg');
  });

  it('labels only every half year on a phone', () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const svg = lineChart(months(Array.from({ length: 24 }, (_, i) => 1000 + 10 * i)), {
      width: 300,
      label: 'Verlauf',
      description: '',
      document,
    });
    const ticks = [...svg.querySelectorAll('[data-mark="x-axis tick label"] text')].map(
      (tick) => tick.textContent,
    );
    expect(ticks).toEqual(['Juli 2019', 'Jan. 2020', 'Juli 2020']);
  });
  it('puts ticks on given days with a given format, and the value axis in percent', () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const yearEnds = ['2018-12-31', '2019-12-31', '2020-12-31'];
    const svg = lineChart(
      yearEnds.map((date, i) => ({ date, value: 0.1 + 0.05 * i })),
      {
        width: 480,
        label: 'Sprachniveau B1 oder höher je Jahr',
        description: '',
        ticks: yearEnds,
        timeFormat: (date) => String(date.getUTCFullYear()),
        format: (share) => `${Math.round(share * 100)} %`,
        document,
      },
    );
    const labels = (axis: string) =>
      [...svg.querySelectorAll(`[data-mark="${axis}-axis tick label"] text`)].map(
        (tick) => tick.textContent,
      );
    expect(labels('x')).toEqual(['2018', '2019', '2020']);
    expect(labels('y').at(-1)).toMatch(/ %$/);
  });
});
