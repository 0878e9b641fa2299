// Dots on one line per category, a dot per series (e.g. per year): the series differ by
// symbol as well as by colour, and a legend inside the chart's own SVG names them, so that
// a downloaded SVG or PNG has it too. A year keeps its marker whichever years are drawn
// (all providers or one). A pure function of its data.
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
/** Height of a row of the legend, and the room each entry takes besides its text. */
const LEGEND_ROW = 18;
const LEGEND_ENTRY = 34;

/**
 * The marker and colour of a series: a year by its number, so that 2020 looks the same in
 * every chart (seven consecutive years all differ); any other series by its position.
 */
export function seriesStyle(series: string, index: number) {
  const slot = /^\d{4}$/.test(series) ? Number(series) % SYMBOLS.length : index;
  return {
    symbol: SYMBOLS[slot % SYMBOLS.length] as (typeof SYMBOLS)[number],
    color: PALETTE[slot % PALETTE.length] as string,
  };
}

/** Legend entries placed in rows across the width: [series, x, row]. */
function legendPlaces(series: readonly string[], width: number) {
  const places: { series: string; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const name of series) {
    const entry = LEGEND_ENTRY + CHAR * name.length;
    if (x > 0 && x + entry > width) {
      x = 0;
      row++;
    }
    places.push({ series: name, x, row });
    x += entry;
  }
  return places;
}

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
  const styles = series.map(seriesStyle);
  const step = narrow ? 42 : 28;
  const legend = legendPlaces(series, options.width - 24);
  const legendHeight = legend.length === 0 ? 0 : ((legend.at(-1)?.row ?? 0) + 1) * LEGEND_ROW + 8;
  const marginTop = (narrow ? 24 : 20) + legendHeight;
  // The legend sits in the top margin, from the chart's left edge (not the plot's).
  const legendAt = (place: (typeof legend)[number]) => ({
    frameAnchor: 'top-left' as const,
    dx: 8 - marginLeft + place.x,
    dy: -marginTop + 12 + place.row * LEGEND_ROW,
  });
  const chart = Plot.plot({
    width: options.width,
    height: 40 + legendHeight + step * options.categories.length,
    marginLeft,
    marginRight: 16,
    marginTop,
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
    color: { domain: series, range: styles.map((style) => style.color) },
    symbol: { domain: series, range: styles.map((style) => style.symbol) },
    marks: [
      ...legend.flatMap((place) => [
        Plot.dot([place.series], {
          ...legendAt(place),
          className: 'legend',
          symbol: (name: string) => name,
          stroke: (name: string) => name,
          strokeWidth: 1.8,
          r: 4.5,
        }),
        Plot.text([place.series], {
          ...legendAt(place),
          className: 'legend',
          dx: legendAt(place).dx + 9,
          text: (name: string) => name,
          textAnchor: 'start',
          fill: 'currentColor',
        }),
      ]),
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
