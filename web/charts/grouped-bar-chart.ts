// Horizontal bars in groups (a group per year, a bar per series): each bar carries its
// series' name and its value as text, so the series differ by label as well as by colour.
// A pure function of its data.
import * as Plot from '@observablehq/plot';
import { formatCount } from '../format.ts';
import { asImage, PALETTE } from './accessible.ts';

export interface GroupedBar {
  /** The group, drawn as a heading left of its bars, e.g. "2020". */
  group: string;
  /** The series, named at its bar, e.g. "begonnen". */
  series: string;
  /** null: withheld by disclosure control; drawn as no bar and labelled ".". */
  value: number | null;
}

export interface GroupedBarChartOptions {
  width: number;
  /** The accessible name: what the chart shows, and for which period. */
  label: string;
  /** Text read by screen readers after the name, e.g. every value. */
  description: string;
  /** The series in the order of their bars within a group. */
  series: readonly string[];
  /** One colour per series; by default the palette's. */
  colors?: readonly string[];
  /** How a value is labelled at its bar; default a German count ("1.502"). */
  format?: (value: number) => string;
  /** Needed to render outside a browser (tests). */
  document?: Document;
}

const CHAR = 7;
const BAR_STEP = 22;

export function groupedBarChart(
  bars: readonly GroupedBar[],
  options: GroupedBarChartOptions,
): SVGSVGElement | HTMLElement {
  const groups = [...new Set(bars.map((bar) => bar.group))];
  const format = options.format ?? formatCount;
  const groupWidth = 12 + CHAR * Math.max(1, ...groups.map((group) => group.length));
  const seriesWidth = 12 + CHAR * Math.max(1, ...options.series.map((name) => name.length));
  const shown = bars.filter((bar) => bar.value !== null);
  const text = (bar: GroupedBar) => (bar.value === null ? '.' : format(bar.value));
  const chart = Plot.plot({
    width: options.width,
    height: 8 + groups.length * (options.series.length * BAR_STEP + 12),
    marginLeft: groupWidth + seriesWidth,
    // Room for the longest value after the longest bar.
    marginRight: 8 + CHAR * Math.max(1, ...bars.map((bar) => text(bar).length)),
    marginTop: 4,
    marginBottom: 4,
    ...(options.document ? { document: options.document } : {}),
    x: { axis: null, grid: false },
    y: { domain: [...options.series], label: null, axis: null, padding: 0.15 },
    fy: { domain: groups, label: null, axis: null, padding: 0.1 },
    color: { domain: [...options.series], range: [...(options.colors ?? PALETTE)] },
    marks: [
      Plot.barX(shown, { x: 'value', y: 'series', fy: 'group', fill: 'series' }),
      Plot.text(bars, {
        x: (bar: GroupedBar) => bar.value ?? 0,
        y: 'series',
        fy: 'group',
        text,
        textAnchor: 'start',
        dx: 4,
        fill: 'currentColor',
      }),
      Plot.axisY({ tickSize: 0, label: null }),
      // The group's name in bold left of the series' names, on the first bar of the group.
      Plot.text(groups, {
        fy: (group: string) => group,
        frameAnchor: 'top-left',
        text: (group: string) => group,
        dx: -seriesWidth,
        dy: BAR_STEP / 2 - 1,
        textAnchor: 'end',
        fontWeight: 'bold',
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
    ],
  });
  return asImage(chart, options.label, options.description);
}
