// @vitest-environment jsdom
// The buttons as keyboard and screen-reader users meet them, and what a click hands to the
// browser's downloads (Node's blob: URLs stand in for the browser's).
import { resolveObjectURL } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { barChart } from '../charts/bar-chart.ts';
import { chartDownloads, downloadFileName, tableDownloads } from './index.ts';

const meta = {
  title: 'Sprachniveau der betreuten Erwachsenen',
  stand: 'Stand 01.01.2021',
  fileName: 'sprachniveau-der-betreuten-erwachsenen-2021-01-01',
};
const table = {
  columns: [
    { label: 'Sprachniveau', kind: 'text' as const },
    { label: 'Anzahl', kind: 'number' as const },
  ],
  rows: [
    ['A2', 1502],
    ['C2', null],
  ],
};

afterEach(() => document.body.replaceChildren());

/** Clicks the button and returns the links the page clicked to start a download. */
async function downloadsOf(button: HTMLButtonElement): Promise<HTMLAnchorElement[]> {
  const links: HTMLAnchorElement[] = [];
  const listen = (event: Event) => {
    const target = event.target as Element;
    if (target instanceof HTMLAnchorElement && target.hasAttribute('download')) {
      links.push(target);
      event.preventDefault(); // jsdom cannot navigate
    }
  };
  document.addEventListener('click', listen);
  button.click();
  await new Promise((done) => setTimeout(done, 0));
  document.removeEventListener('click', listen);
  return links;
}

const buttonsOf = (row: HTMLElement) => [...row.querySelectorAll('button')];

describe('download buttons', () => {
  it('are buttons named with the format, what is downloaded and its title', () => {
    const chart = barChart([{ label: 'A2', value: 1502 }], {
      width: 480,
      label: 'x',
      description: 'y',
    });
    const rows = [chartDownloads(chart, meta), tableDownloads(table, meta)];
    const buttons = rows.flatMap(buttonsOf);
    expect(buttons.map((button) => button.textContent)).toEqual(['SVG', 'PNG', 'CSV', 'XLSX']);
    expect(buttons.map((button) => button.type)).toEqual(['button', 'button', 'button', 'button']);
    expect(buttons.map((button) => button.getAttribute('aria-label'))).toEqual([
      'Grafik „Sprachniveau der betreuten Erwachsenen“ als SVG herunterladen',
      'Grafik „Sprachniveau der betreuten Erwachsenen“ als PNG herunterladen',
      'Tabelle „Sprachniveau der betreuten Erwachsenen“ als CSV herunterladen',
      'Tabelle „Sprachniveau der betreuten Erwachsenen“ als XLSX (Excel) herunterladen',
    ]);
    // Each row says what happened in a status line that is there before anything happens.
    for (const row of rows) expect(row.querySelector('[role=status]')?.textContent).toBe('');
  });

  it('download the CSV under the file name and say so', async () => {
    const row = tableDownloads(table, meta);
    document.body.append(row);
    const [link, ...more] = await downloadsOf(buttonsOf(row)[0] as HTMLButtonElement);
    expect(more).toHaveLength(0);
    expect(link?.download).toBe('sprachniveau-der-betreuten-erwachsenen-2021-01-01.csv');
    const file = resolveObjectURL(link?.href as string);
    expect(file?.type).toBe('text/csv;charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file?.arrayBuffer());
    expect(text).toContain('\r\nSprachniveau;Anzahl\r\nA2;1502\r\nC2;.\r\n');
    expect(row.querySelector('[role=status]')?.textContent).toBe('CSV-Datei wird heruntergeladen.');
    // The link was only a means to start the download.
    expect(document.querySelector('a')).toBeNull();
  });

  it('download the SVG and the XLSX as files of their type', async () => {
    const chart = barChart([{ label: 'A2', value: 1502 }], {
      width: 480,
      label: 'x',
      description: 'y',
    });
    const charts = chartDownloads(chart, meta);
    const tables = tableDownloads(table, meta);
    document.body.append(chart, charts, tables);
    const [svg] = await downloadsOf(buttonsOf(charts)[0] as HTMLButtonElement);
    const [xlsx] = await downloadsOf(buttonsOf(tables)[1] as HTMLButtonElement);
    expect(svg?.download).toBe(`${meta.fileName}.svg`);
    expect(resolveObjectURL(svg?.href as string)?.type).toBe('image/svg+xml');
    expect(await resolveObjectURL(svg?.href as string)?.text()).toContain('Stand 01.01.2021');
    expect(xlsx?.download).toBe(`${meta.fileName}.xlsx`);
    const bytes = new Uint8Array(
      (await resolveObjectURL(xlsx?.href as string)?.arrayBuffer()) ?? [],
    );
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('show an error in the status line when the image cannot be made', async () => {
    // jsdom loads no images: the PNG cannot be drawn, as in a browser that refuses the SVG.
    const chart = barChart([{ label: 'A2', value: 1502 }], {
      width: 480,
      label: 'x',
      description: 'y',
    });
    const row = chartDownloads(chart, meta);
    document.body.append(chart, row);
    const png = buttonsOf(row)[1] as HTMLButtonElement;
    expect(await downloadsOf(png)).toHaveLength(0);
    const status = row.querySelector('[role=status]');
    expect(status?.textContent).toBe(
      'PNG-Datei konnte nicht erstellt werden: Die Grafik ließ sich nicht als Bild laden.',
    );
    expect(status?.classList.contains('error')).toBe(true);
    expect(png.disabled).toBe(false);
  });

  it('name files by title and date', () => {
    expect(downloadFileName('Beschäftigung der betreuten Erwachsenen', '2021-01-01')).toBe(
      'beschaeftigung-der-betreuten-erwachsenen-2021-01-01',
    );
    expect(downloadFileName('Größe & Maß – Übersicht', '')).toBe('groesse-mass-uebersicht');
  });
});
