// A horizontal bar chart of categories with German labels: a pure function of its data.
import * as Plot from '@observablehq/plot';
import { formatCount } from '../format.ts';
import { asImage } from './accessible.ts';

export interface Bar {
  label: string;
  /** null: withheld by disclosure control; drawn as no bar and labelled ".". */
  value: number | null;
  /** Perturbed by the Cell Key Method (docs/disclosure.md): its downloads say so. */
  perturbed?: boolean;
}

export interface BarChartOptions {
  width: number;
  /** The accessible name: what the chart shows, and as of when. */
  label: string;
  /** Text read by screen readers after the name, e.g. every value. */
  description: string;
  color?: string;
  /** How a value is labelled at its bar; default a German count ("1.502"). */
  format?: (value: number) => string;
  /** Needed to render outside a browser (tests). */
  document?: Document;
}

export function barChart(
  bars: readonly Bar[],
  options: BarChartOptions,
): SVGSVGElement | HTMLElement {
  // Labels take at most 45 % of a narrow chart; longer ones are shortened with "…".
  const room = Math.min(260, Math.floor(options.width * 0.45));
  const marginLeft = Math.min(room, 12 + 7 * Math.max(...bars.map((bar) => bar.label.length)));
  const maxChars = Math.max(4, Math.floor((marginLeft - 12) / 7));
  const shorten = (label: string) =>
    label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
  const data = bars.map((bar, order) => ({ ...bar, order }));
  const shown = data.filter((bar) => bar.value !== null);
  const chart = Plot.plot({
    width: options.width,
    height: 32 + 28 * bars.length,
    marginLeft,
    marginRight: 56,
    ...(options.document ? { document: options.document } : {}),
    x: { axis: null, grid: false },
    y: {
      label: null,
      domain: data.map((bar) => bar.label),
      tickSize: 0,
      tickFormat: shorten,
    },
    marks: [
      Plot.barX(shown, { x: 'value', y: 'label', fill: options.color ?? '#1f5f8b' }),
      Plot.text(data, {
        x: (bar: (typeof data)[number]) => bar.value ?? 0,
        y: 'label',
        text: (bar: (typeof data)[number]) =>
          bar.value === null ? '.' : (options.format ?? formatCount)(bar.value),
        textAnchor: 'start',
        dx: 4,
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asImage(chart, options.label, options.description);
}
