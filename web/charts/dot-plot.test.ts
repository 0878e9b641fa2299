// Renders the chart in Node and compares the markup with the committed snapshot.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { dotPlot } from './dot-plot.ts';

describe('dot plot', () => {
  it('draws a line per category, a dot per series with its own shape, and a legend', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const chart = dotPlot(
      [
        { category: 'Wegzug', series: '2019', value: 20 },
        { category: 'Wegzug', series: '2020', value: 22.7 },
        { category: 'verstorben', series: '2019', value: null },
        { category: 'verstorben', series: '2020', value: 0.6 },
      ],
      {
        width: 480,
        label: 'Beendete Fälle nach Grund, 2019 bis 2020',
        description: 'Anteile an den beendeten Fällen des Jahres.',
        categories: ['Wegzug', 'verstorben'],
        series: ['2019', '2020'],
        format: (value) => `${value} %`,
        document,
      },
    );
    const svg = chart.querySelector('svg[role="img"]') as SVGSVGElement;
    expect(svg.getAttribute('aria-label')).toBe('Beendete Fälle nach Grund, 2019 bis 2020');
    const texts = [...svg.querySelectorAll('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Wegzug', 'verstorben', '0 %', '20 %']));
    // Three dots: the withheld one is left out; two shapes for two years.
    const dots = [...svg.querySelectorAll('path')].filter((path) =>
      path.closest('[data-mark="dot"]'),
    );
    expect(dots).toHaveLength(3);
    expect(new Set(dots.map((dot) => dot.getAttribute('d'))).size).toBe(2);
    expect(new Set(dots.map((dot) => dot.getAttribute('stroke'))).size).toBe(2);
    // The legend names each year beside its shape.
    expect(chart.textContent).toContain('2019');
    expect(chart.textContent).toContain('2020');
    expect(chart.querySelectorAll('[aria-label]')).toHaveLength(1);
    await expect(chart.outerHTML).toMatchFileSnapshot('./__snapshots__/dot-plot.html');
  });

  it('puts the names above their lines on a narrow screen', () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const chart = dotPlot([{ category: 'Übergabe an Regeldienst', series: '2020', value: 12 }], {
      width: 320,
      label: 'Beendete Fälle nach Grund',
      description: '',
      categories: ['Übergabe an Regeldienst', 'verstorben'],
      series: ['2020'],
      document,
    });
    const svg = chart.querySelector('svg[role="img"]') as SVGSVGElement;
    const texts = [...svg.querySelectorAll('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Übergabe an Regeldienst', 'verstorben']));
    // No axis of names on the left: the plot starts near the edge.
    expect(svg.querySelector('[data-mark="y-axis tick label"]')).toBeNull();
  });
});
