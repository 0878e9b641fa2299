// Renders the chart in Node and compares the SVG with the committed snapshot.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.ts';

describe('bar chart', () => {
  it('draws German labels, withheld values as "." and is one named image', async () => {
    const { document } = new JSDOM('<!doctype html><body></body>').window;
    const svg = barChart(
      [
        { label: 'A2', value: 1502 },
        { label: 'C2', value: null },
        { label: 'unbekannt', value: 124 },
      ],
      {
        width: 480,
        label: 'Sprachniveau, Stand 01.01.2021',
        description: 'Sprachniveau der Erwachsenen',
        document,
      },
    );
    expect(svg.textContent).toContain('1.502');
    expect(svg.querySelectorAll('rect')).toHaveLength(2);
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe('Sprachniveau, Stand 01.01.2021');
    expect(svg.getAttribute('aria-description')).toBe('Sprachniveau der Erwachsenen');
    // Plot's per-mark labels ("bar", "rule") are not allowed on a <g> and say nothing.
    expect(svg.querySelectorAll('[aria-label]')).toHaveLength(0);
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/bar-chart.svg');
  });
});
