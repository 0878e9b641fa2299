// Renders the chart in Node and compares the SVG with the committed snapshot.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { groupedBarChart } from './grouped-bar-chart.ts';

describe('grouped bar chart', () => {
  it('names each bar by its series and group, labels values in German, withheld as "."', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const svg = groupedBarChart(
      [
        { group: '2019', series: 'begonnen', value: 1228 },
        { group: '2019', series: 'beendet', value: 270 },
        { group: '2020', series: 'begonnen', value: 1255 },
        { group: '2020', series: 'beendet', value: null },
      ],
      {
        width: 480,
        label: 'Begonnene und beendete Fälle, 2019 bis 2020',
        description: '2019: 1.228 begonnen, 270 beendet; 2020: 1.255 begonnen, beendet gesperrt.',
        series: ['begonnen', 'beendet'],
        document,
      },
    );
    const texts = [...svg.querySelectorAll('text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['1.228', '270', '1.255', '.', '2019', '2020']));
    expect(texts.filter((text) => text === 'begonnen')).toHaveLength(2);
    expect(svg.querySelectorAll('rect')).toHaveLength(3);
    // The two series differ in colour as well as by name.
    const fills = new Set(
      [...svg.querySelectorAll('rect')].map((rect) => rect.getAttribute('fill')),
    );
    expect(fills.size).toBe(2);
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('Begonnene und beendete Fälle, 2019 bis 2020');
    expect(svg.querySelectorAll('[aria-label]')).toHaveLength(0);
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/grouped-bar-chart.svg');
  });
});
