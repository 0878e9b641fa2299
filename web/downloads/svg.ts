// A chart as a standalone SVG file: the <svg> Plot drew, cloned with its inline styles,
// between the title and Stand above and the source line below, in system sans-serif fonts
// on white. Text is wrapped by an estimate of its width, so the file needs no browser
// layout and is the same in every browser (and in jsdom).
import { type DownloadMeta, footLines, sourceOf } from './meta.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';
const INK = '#1b1f24';
const MUTED = '#4d5661';
const PAD = 16;
const MIN_WIDTH = 360;
/** Average advance of a character in a sans-serif font, as a share of the font size. */
const CHAR_WIDTH = 0.56;

export interface StandaloneSvg {
  text: string;
  width: number;
  height: number;
}

/** The chart's own <svg>: the element itself, or the one Plot put into a <figure>. */
export function chartSvg(chart: Element): SVGSVGElement {
  const svg =
    chart.tagName.toLowerCase() === 'svg'
      ? chart
      : (chart.querySelector(':scope > svg') ?? chart.querySelector('svg'));
  if (!svg) throw new Error('Die Grafik enthält kein SVG.');
  return svg as SVGSVGElement;
}

function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const width = Number.parseFloat(svg.getAttribute('width') ?? '');
  const height = Number.parseFloat(svg.getAttribute('height') ?? '');
  if (width > 0 && height > 0) return { width, height };
  const box = (svg.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  if (box.length === 4 && (box[2] as number) > 0 && (box[3] as number) > 0)
    return { width: box[2] as number, height: box[3] as number };
  const rect = svg.getBoundingClientRect();
  if (rect.width > 0 && rect.height > 0) return { width: rect.width, height: rect.height };
  throw new Error('Die Größe der Grafik ist unbekannt.');
}

/** Lines of at most `chars` characters, broken between words (a longer word stands alone). */
export function wrapText(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Title, Stand, source and what "." means, a line each: the PNG's "Description", the SVG's <desc>. */
export const describeChart = (meta: DownloadMeta) =>
  [meta.title, meta.stand, sourceOf(meta), ...footLines(meta, meta.withheld === true)].join('\n');

export function standaloneSvg(chart: Element, meta: DownloadMeta): StandaloneSvg {
  const source = chartSvg(chart);
  const doc = source.ownerDocument;
  const size = sizeOf(source);
  const width = Math.ceil(Math.max(size.width + 2 * PAD, MIN_WIDTH));
  const textWidth = width - 2 * PAD;

  const svg = doc.createElementNS(SVG_NS, 'svg');
  const attributes = (node: Element, values: Record<string, string | number>) => {
    for (const [name, value] of Object.entries(values)) node.setAttribute(name, String(value));
    return node;
  };
  const add = (name: string, values: Record<string, string | number>, text?: string) => {
    const node = attributes(doc.createElementNS(SVG_NS, name), values);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };

  add('title', {}, meta.title);
  add('desc', {}, describeChart(meta));
  add('rect', { width: '100%', height: '100%', fill: '#ffffff' });

  let y = PAD;
  const lines = (text: string, fontSize: number, lineHeight: number, extra = {}) => {
    for (const line of wrapText(text, Math.floor(textWidth / (fontSize * CHAR_WIDTH)))) {
      y += lineHeight;
      // The baseline, leaving room below it for descenders.
      add(
        'text',
        { x: PAD, y: y - Math.round(lineHeight * 0.28), 'font-size': fontSize, ...extra },
        line,
      );
    }
  };
  lines(meta.title, 16, 21, { 'font-weight': 700 });
  lines(meta.stand, 12, 17, { fill: MUTED });
  y += 10;

  const copy = source.cloneNode(true) as SVGSVGElement;
  // Plot's stylesheet sizes its <svg> for a web page (height: auto, max-width: 100%); inside
  // another <svg> that would stretch it, so the size is fixed here, as attribute and style.
  attributes(copy, {
    x: PAD,
    y,
    width: size.width,
    height: size.height,
    style: [
      copy.getAttribute('style'),
      `width:${size.width}px;height:${size.height}px;max-width:none`,
    ]
      .filter(Boolean)
      .join(';'),
  });
  svg.append(copy);
  y += size.height + 8;

  lines(sourceOf(meta), 10, 14, { fill: MUTED });
  for (const note of footLines(meta, meta.withheld === true)) lines(note, 10, 14, { fill: MUTED });
  const height = Math.ceil(y + PAD);

  attributes(svg, {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'font-family': FONT,
    fill: INK,
    color: INK,
  });
  // The serializer declares the SVG namespace on the root, as a standalone file needs.
  const serializer = new (doc.defaultView as Window & typeof globalThis).XMLSerializer();
  return {
    text: `<?xml version="1.0" encoding="UTF-8"?>\n${serializer.serializeToString(svg)}`,
    width,
    height,
  };
}
