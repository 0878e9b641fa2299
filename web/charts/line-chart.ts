// A line over time with German axes: a pure function of its data.
import * as Plot from '@observablehq/plot';
import { formatCount, formatMonthShort } from '../format.ts';
import { asImage } from './accessible.ts';

export interface LinePoint {
  /** The day the value holds for, YYYY-MM-DD. */
  date: string;
  /** null: withheld by disclosure control; the line breaks there. */
  value: number | null;
}

export interface LineChartOptions {
  width: number;
  /** The accessible name: what the chart shows, and as of when. */
  label: string;
  /** Text read by screen readers after the name, e.g. the first and last value. */
  description: string;
  color?: string;
  /** Labels of the value axis; default a German count. */
  format?: (value: number) => string;
  /** Time between ticks, e.g. '1 year', or the days (YYYY-MM-DD) to put ticks at; default every 3 months (6 on narrow charts). */
  ticks?: string | readonly string[];
  /** Labels of the time axis; default "Jan. 2021". */
  timeFormat?: (date: Date) => string;
  /** Needed to render outside a browser (tests). */
  document?: Document;
}

export function lineChart(
  points: readonly LinePoint[],
  options: LineChartOptions,
): SVGSVGElement | HTMLElement {
  const color = options.color ?? '#1f5f8b';
  // Dates of the series are calendar days: midnight UTC, on Plot's UTC time scale.
  const data = points.map((point) => ({ date: new Date(point.date), value: point.value }));
  const chart = Plot.plot({
    width: options.width,
    height: 220,
    marginLeft: 48,
    marginRight: 24,
    ...(options.document ? { document: options.document } : {}),
    x: {
      type: 'utc',
      label: null,
      // A label like "Sept. 2020" needs about 60 px; narrow screens get one every half year.
      ticks:
        typeof options.ticks === 'object'
          ? options.ticks.map((day) => new Date(day))
          : (options.ticks ?? (options.width >= 440 ? '3 months' : '6 months')),
      tickFormat: options.timeFormat ?? formatMonthShort,
    },
    y: { label: null, grid: true, zero: true, ticks: 5, tickFormat: options.format ?? formatCount },
    marks: [
      Plot.ruleY([0]),
      // Plot breaks a line at a missing value: a withheld month is a gap, not a guess.
      Plot.lineY(data, { x: 'date', y: 'value', stroke: color, strokeWidth: 2 }),
      Plot.dot(
        data.filter((point) => point.value !== null),
        { x: 'date', y: 'value', r: 2.5, fill: color },
      ),
    ],
  });
  return asImage(chart, options.label, options.description);
}
