// Downloads of what a page shows: a chart as SVG and PNG, a table as CSV and XLSX, each
// file with its title, "Stand" and source line. Everything is written in the browser from
// what is on screen, so a file shows exactly the figures the page shows.
import { element, withAttributes } from '../dom.ts';
import { csvText } from './csv.ts';
import type { DownloadMeta, DownloadTable } from './meta.ts';
import { svgToPng, withPngText } from './png.ts';
import { describeChart, standaloneSvg } from './svg.ts';
import { xlsxBytes } from './xlsx.ts';

export {
  anyWithheld,
  DEFAULT_SOURCE,
  type DownloadColumn,
  type DownloadMeta,
  type DownloadTable,
  downloadFileName,
  PERTURBED_NOTE,
} from './meta.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Hands a file to the browser's downloads, as a click on a link with `download` would. */
function save(data: BlobPart, type: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = element('a', { href: url, download: fileName });
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; keep it a while for slow file dialogs.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface Format {
  /** The visible label: the format's name. */
  label: string;
  /** The whole name for screen readers, which includes the visible label. */
  name: string;
  write: () => Promise<void> | void;
}

/** A row of buttons, one per format, and a status line that says what happened. */
function buttonRow(lead: string, formats: Format[]): HTMLElement {
  const status = withAttributes(element('span', { className: 'download-status' }), {
    role: 'status',
  });
  const buttons = formats.map((format) => {
    const button = withAttributes(
      element('button', {
        type: 'button',
        className: 'download-button',
        textContent: format.label,
      }),
      { 'aria-label': format.name },
    );
    button.addEventListener('click', async () => {
      status.textContent = '';
      status.classList.remove('error');
      button.disabled = true;
      try {
        await format.write();
        status.textContent = `${format.label}-Datei wird heruntergeladen.`;
      } catch (error) {
        status.classList.add('error');
        status.textContent = `${format.label}-Datei konnte nicht erstellt werden: ${(error as Error).message}`;
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  return element(
    'div',
    { className: 'downloads' },
    element('span', { className: 'download-lead', textContent: lead }),
    ...buttons,
    status,
  );
}

/** Buttons "SVG" and "PNG" for a chart (the <svg> Plot drew, or a <figure> holding it). */
export function chartDownloads(chart: Element, meta: DownloadMeta): HTMLElement {
  const name = (format: string) => `Grafik „${meta.title}“ als ${format} herunterladen`;
  return buttonRow('Grafik herunterladen:', [
    {
      label: 'SVG',
      name: name('SVG'),
      write: () => {
        save(standaloneSvg(chart, meta).text, 'image/svg+xml', `${meta.fileName}.svg`);
      },
    },
    {
      label: 'PNG',
      name: name('PNG'),
      write: async () => {
        const svg = standaloneSvg(chart, meta);
        const png = withPngText(await svgToPng(svg.text, svg.width, svg.height), {
          Title: meta.title,
          Description: describeChart(meta),
        });
        save(png, 'image/png', `${meta.fileName}.png`);
      },
    },
  ]);
}

/** Buttons "CSV" and "XLSX" for a table. */
export function tableDownloads(table: DownloadTable, meta: DownloadMeta): HTMLElement {
  const name = (format: string) => `Tabelle „${meta.title}“ als ${format} herunterladen`;
  return buttonRow('Tabelle herunterladen:', [
    {
      label: 'CSV',
      name: name('CSV'),
      write: () => save(csvText(table, meta), 'text/csv;charset=utf-8', `${meta.fileName}.csv`),
    },
    {
      label: 'XLSX',
      // The visible label starts the format's part of the name (WCAG 2.5.3, label in name).
      name: name('XLSX (Excel)'),
      write: () => save(xlsxBytes(table, meta), XLSX_TYPE, `${meta.fileName}.xlsx`),
    },
  ]);
}
