// The standalone SVG of a bar chart rendered in jsdom: a file of its own that says what it
// shows, as of when, and where the figures come from.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { barChart } from '../charts/bar-chart.ts';
import { standaloneSvg, wrapText } from './svg.ts';

const { window } = new JSDOM('<!doctype html><body></body>');
const meta = {
  title: 'Sprachniveau der betreuten Erwachsenen',
  stand: 'Stand 01.01.2021',
  fileName: 'sprachniveau-2021-01-01',
};

function chart(width = 480) {
  return barChart(
    [
      { label: 'A2', value: 1502 },
      { label: 'C2', value: null },
    ],
    { width, label: 'Sprachniveau, Stand 01.01.2021', description: '…', document: window.document },
  );
}

describe('standalone SVG', () => {
  it('is an SVG file with its size, the chart, and title, Stand and source as text', () => {
    const file = standaloneSvg(chart(), meta);
    const parsed = new window.DOMParser().parseFromString(file.text, 'image/svg+xml');
    const root = parsed.documentElement;
    expect(parsed.querySelector('parsererror')).toBeNull();
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(file.text.match(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g)).toHaveLength(1);
    expect(root.getAttribute('width')).toBe(String(file.width));
    expect(root.getAttribute('height')).toBe(String(file.height));
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${file.width} ${file.height}`);
    expect(root.getAttribute('font-family')).toMatch(/sans-serif$/);
    expect(file.width).toBe(512);

    const texts = [...root.children]
      .filter((node) => node.tagName === 'text')
      .map((node) => node.textContent);
    expect(texts[0]).toBe('Sprachniveau der betreuten Erwachsenen');
    expect(texts[1]).toBe('Stand 01.01.2021');
    expect(texts.slice(2).join(' ')).toBe(
      'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)',
    );
    expect(root.querySelector('title')?.textContent).toBe(meta.title);

    // The chart sits between the Stand and the source, at its own size, values included.
    const inner = root.querySelector('svg') as SVGSVGElement;
    const y = (node: Element) => Number(node.getAttribute('y'));
    const textNodes = [...root.children].filter((node) => node.tagName === 'text');
    expect(y(inner)).toBeGreaterThan(y(textNodes[1] as Element));
    expect(y(inner) + Number(inner.getAttribute('height'))).toBeLessThan(
      y(textNodes[2] as Element),
    );
    expect(inner.getAttribute('width')).toBe('480');
    expect(inner.getAttribute('style')).toContain('max-width:none');
    expect(inner.textContent).toContain('1.502');
    expect(inner.querySelector('style')?.textContent).toContain('white-space: pre');
  });

  it('wraps the source on a narrow chart instead of running off the image', () => {
    const file = standaloneSvg(chart(280), {
      ...meta,
      title: 'Beendete Fälle mit und ohne eigenen Mietvertrag',
    });
    expect(file.width).toBe(360);
    const parsed = new window.DOMParser().parseFromString(file.text, 'image/svg+xml');
    const texts = [...parsed.documentElement.children].filter((node) => node.tagName === 'text');
    // Title on two lines, Stand, the source on three lines.
    expect(texts).toHaveLength(6);
    for (const text of texts) {
      const size = Number(text.getAttribute('font-size'));
      expect((text.textContent as string).length * size * 0.56).toBeLessThanOrEqual(360 - 32);
    }
  });

  it('explains "." below the source when the chart shows a withheld value', () => {
    const file = standaloneSvg(chart(), { ...meta, withheld: true });
    const parsed = new window.DOMParser().parseFromString(file.text, 'image/svg+xml');
    const texts = [...parsed.documentElement.children].filter((node) => node.tagName === 'text');
    expect(texts.at(-1)?.textContent).toBe('. = Wert gesperrt (Schutz kleiner Fallzahlen)');
    expect(parsed.querySelector('desc')?.textContent).toBe(
      [
        meta.title,
        'Stand 01.01.2021',
        'Quelle: Fallexporte der Träger des Integrationsmanagements, Landkreis Ludwigsburg; eigene Berechnung (Zwischenbilanz)',
        '. = Wert gesperrt (Schutz kleiner Fallzahlen)',
      ].join('\n'),
    );
    const plain = standaloneSvg(chart(), meta).text;
    expect(plain).not.toContain('Wert gesperrt');
  });

  it('leaves the chart on the page as it was', () => {
    const svg = chart();
    const before = svg.outerHTML;
    standaloneSvg(svg, meta);
    expect(svg.outerHTML).toBe(before);
  });

  it('breaks lines between words', () => {
    expect(wrapText('eins zwei drei vier', 9)).toEqual(['eins zwei', 'drei vier']);
    expect(wrapText('Donaudampfschiff fährt', 5)).toEqual(['Donaudampfschiff', 'fährt']);
  });
});
