// Dots on one line per category, a dot per series (e.g. per year): the series differ by
// symbol as well as by colour, and a legend names them. A pure function of its data.
import * as Plot from '@observablehq/plot';
import { formatCount } from '../format.ts';
import { asImage, PALETTE } from './accessible.ts';

export interface Dot {
  /** The line the dot sits on, e.g. an end reason. */
  category: string;
  /** e.g. the year. */
  series: string;
  /** null: withheld or not known; drawn as no dot. */
  value: number | null;
}

export interface DotPlotOptions {
  width: number;
  /** The accessible name: what the chart shows, and for which period. */
  label: string;
  /** Text read by screen readers after the name. */
  description: string;
  /** The lines from top to bottom. */
  categories: readonly string[];
  /** The series in the order of the legend. */
  series: readonly string[];
  /** Ticks of the value axis; default a German count. */
  format?: (value: number) => string;
  /** Needed to render outside a browser (tests). */
  document?: Document;
}

/** Hollow shapes, so that dots on the same spot stay visible. */
const SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross', 'wye'] as const;
const CHAR = 7;

export function dotPlot(
  dots: readonly Dot[],
  options: DotPlotOptions,
): SVGSVGElement | HTMLElement {
  // Narrow charts put each category's name above its line and use the whole width for the
  // dots; wide ones put the names to the left.
  const narrow = options.width < 440;
  const marginLeft = narrow
    ? 12
    : Math.min(
        Math.min(240, Math.floor(options.width * 0.45)),
        12 + CHAR * Math.max(1, ...options.categories.map((category) => category.length)),
      );
  const maxChars = Math.max(4, Math.floor((narrow ? options.width - 24 : marginLeft - 12) / CHAR));
  const shorten = (label: string) =>
    label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
  const series = [...options.series];
  const step = narrow ? 42 : 28;
  const chart = Plot.plot({
    width: options.width,
    height: 40 + step * options.categories.length,
    marginLeft,
    marginRight: 16,
    marginTop: narrow ? 24 : 20,
    ...(options.document ? { document: options.document } : {}),
    x: {
      label: null,
      grid: true,
      zero: true,
      nice: true,
      ticks: narrow ? 3 : 6,
      tickFormat: options.format ?? formatCount,
    },
    y: {
      domain: [...options.categories],
      label: null,
      tickSize: 0,
      ...(narrow ? { axis: null } : { tickFormat: shorten }),
    },
    color: { domain: series, range: [...PALETTE] },
    symbol: { domain: series, range: [...SYMBOLS], legend: true },
    marks: [
      Plot.ruleY(options.categories, { stroke: '#d5dbe1' }),
      ...(narrow
        ? [
            Plot.text(options.categories, {
              y: (category: string) => category,
              text: shorten,
              frameAnchor: 'left',
              textAnchor: 'start',
              dx: -marginLeft + 2,
              dy: -15,
              fill: 'currentColor',
            }),
          ]
        : []),
      Plot.dot(
        dots.filter((dot) => dot.value !== null),
        {
          x: 'value',
          y: 'category',
          symbol: 'series',
          stroke: 'series',
          strokeWidth: 1.8,
          r: 4.5,
        },
      ),
    ],
  });
  return asImage(chart, options.label, options.description);
}
