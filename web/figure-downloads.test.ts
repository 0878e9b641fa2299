// The downloads' data moved out of the figures on the server, and found again by the script.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { downloadData, moveDownloadData } from './figure-downloads.ts';

const data = [
  { meta: { title: 'Alter </script><p>', stand: 'Stand 01.01.2021' }, table: { rows: [['a', 1]] } },
  { meta: { title: 'Verlauf & mehr "x"', stand: 'Stand 01.01.2021' }, table: { rows: [] } },
];

describe('figure downloads', () => {
  it('moves every figure’s data into one block after the content, and reads it from there', () => {
    const { document } = new JSDOM(
      '<!doctype html><html><body><main></main><script type="module" src="/x.js"></script></body></html>',
    ).window;
    const main = document.querySelector('main') as HTMLElement;
    for (const item of data) {
      const figure = document.createElement('figure');
      figure.dataset.download = JSON.stringify(item);
      main.append(figure);
    }
    moveDownloadData(document);
    const html = `<!doctype html>${document.documentElement.outerHTML}`;
    // Parsed again, as the browser gets it.
    const parsed = new JSDOM(html).window.document;
    const figures = [...parsed.querySelectorAll<HTMLElement>('figure[data-download]')];
    expect(figures.map((figure) => figure.dataset.download)).toEqual(['0', '1']);
    expect(figures.map((figure) => downloadData(figure))).toEqual(data);
    expect(html).not.toContain('&quot;');
    // One block, before the script, and the title's "</script>" did not end it.
    expect(parsed.querySelectorAll('script').length).toBe(2);
    expect(parsed.querySelector('script')?.id).toBe('figure-downloads');
    expect(parsed.querySelector('p')).toBeNull();
  });

  it('reads a figure drawn in the browser from the figure itself', () => {
    const { document } = new JSDOM('<figure></figure>').window;
    const figure = document.querySelector('figure') as HTMLElement;
    figure.dataset.download = JSON.stringify(data[1]);
    expect(downloadData(figure)).toEqual(data[1]);
  });
});
