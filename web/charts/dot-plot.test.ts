// Renders the chart in Node and compares the markup with the committed snapshot.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { standaloneSvg } from '../downloads/svg.ts';
import { type Dot, dotPlot } from './dot-plot.ts';

const render = (dots: Dot[], series: string[], width = 480) => {
  const { document } = new JSDOM('<!doctype html><body></body>').window;
  return dotPlot(dots, {
    width,
    label: 'Beendete Fälle nach Grund, 2019 bis 2020',
    description: 'Anteile an den beendeten Fällen des Jahres.',
    categories: ['Wegzug', 'verstorben'],
    series,
    format: (value) => `${value} %`,
    document,
  });
};
/** The dots of the plot, or of its legend. */
const marks = (chart: Element, which: 'dot' | 'legend') =>
  [...chart.querySelectorAll('path')].filter((path) => {
    const group = path.closest('[data-mark="dot"]');
    return group !== null && group.classList.contains('legend') === (which === 'legend');
  });

describe('dot plot', () => {
  it('draws a line per category, a dot per series with its own shape, and a legend in its SVG', async () => {
    const chart = render(
      [
        { category: 'Wegzug', series: '2019', value: 20 },
        { category: 'Wegzug', series: '2020', value: 22.7 },
        { category: 'verstorben', series: '2019', value: null },
        { category: 'verstorben', series: '2020', value: 0.6 },
      ],
      ['2019', '2020'],
    );
    // The chart is one <svg>: no legend outside it that a download would lose.
    expect(chart.tagName.toLowerCase()).toBe('svg');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toBe('Beendete Fälle nach Grund, 2019 bis 2020');
    const texts = [...chart.querySelectorAll('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Wegzug', 'verstorben', '0 %', '20 %']));
    // Three dots: the withheld one is left out; two shapes for two years.
    const dots = marks(chart, 'dot');
    expect(dots).toHaveLength(3);
    expect(new Set(dots.map((dot) => dot.getAttribute('d'))).size).toBe(2);
    expect(new Set(dots.map((dot) => dot.getAttribute('stroke'))).size).toBe(2);
    // The legend names each year beside its shape, the same shape and colour as its dots.
    const legend = [...chart.querySelectorAll('g.legend text')].map((text) => text.textContent);
    expect(legend).toEqual(['2019', '2020']);
    const keys = marks(chart, 'legend').map((path) => path.getAttribute('d'));
    expect(new Set(keys)).toEqual(new Set(dots.map((dot) => dot.getAttribute('d'))));
    // Only the <svg> itself is named: none of its parts has a label of its own.
    expect(chart.querySelectorAll('[aria-label]')).toHaveLength(0);
    await expect(chart.outerHTML).toMatchFileSnapshot('./__snapshots__/dot-plot.html');
  });

  it('keeps the legend in the downloaded SVG', () => {
    const chart = render([{ category: 'Wegzug', series: '2019', value: 20 }], ['2019', '2020']);
    const file = standaloneSvg(chart, {
      title: 'Beendete Fälle nach Grund',
      stand: 'Stand 31.12.2020',
      fileName: 'gruende',
    }).text;
    expect(file).toContain('class="legend"');
    expect(file).toMatch(/>2019<\/text>/);
    expect(file).toMatch(/>2020<\/text>/);
  });

  it('gives a year the same marker whichever years are drawn', () => {
    const style = (chart: Element) => {
      const [dot] = marks(chart, 'dot');
      return { d: dot?.getAttribute('d'), stroke: dot?.getAttribute('stroke') };
    };
    const all = render(
      [
        { category: 'Wegzug', series: '2019', value: 20 },
        { category: 'Wegzug', series: '2020', value: 22.7 },
      ],
      ['2019', '2020'],
    );
    // One provider with too few closed cases in 2019: only 2020 is drawn.
    const one = render([{ category: 'Wegzug', series: '2020', value: 30 }], ['2020']);
    const twenty = marks(all, 'dot').find((dot) => dot.getAttribute('d') !== style(one).d);
    expect(twenty).toBeDefined();
    const drawn2020 = marks(all, 'dot').filter((dot) => dot.getAttribute('d') === style(one).d);
    expect(drawn2020).toHaveLength(1);
    expect(drawn2020[0]?.getAttribute('stroke')).toBe(style(one).stroke);
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
    const texts = [...chart.querySelectorAll('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Übergabe an Regeldienst', 'verstorben']));
    // No axis of names on the left: the plot starts near the edge.
    expect(chart.querySelector('[data-mark="y-axis tick label"]')).toBeNull();
  });
});
