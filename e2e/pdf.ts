// A printed PDF looked at page by page, with poppler-utils (Debian's package, installed by
// .ci/run): each page's text (pdftotext) and how far down its content reaches (pdftoppm,
// rendered in grey), to say that no page is left more than half empty.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The page margins of web/style.css (@page): top and bottom, in millimetres of 297. */
const MARGIN_TOP_MM = 20;
const MARGIN_BOTTOM_MM = 17;
/** A pixel darker than this (0 black, 255 white) is content. */
const INK = 200;

export interface PdfPage {
  /** The page's text, the running head and the page number included. */
  text: string;
  /** How far down the content area the page is used, 0 to 1. */
  fill: number;
}

/** Where the lowest content of a greyscale PGM (P5) page lies within the content area. */
function fillOf(pgm: Buffer): number {
  const header = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('pdftoppm wrote no greyscale image');
  const [, width, height] = header.map(Number) as [number, number, number];
  const pixels = pgm.subarray(header[0].length);
  const top = Math.round((height * MARGIN_TOP_MM) / 297);
  const bottom = Math.round((height * (297 - MARGIN_BOTTOM_MM)) / 297);
  let last = top;
  for (let y = top; y < bottom; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    if (row.some((pixel) => pixel < INK)) last = y;
  }
  return (last - top) / (bottom - top);
}

/** Every page of `pdf`, in order. */
export function pdfPages(pdf: Buffer): PdfPage[] {
  const dir = mkdtempSync(join(tmpdir(), 'zb-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    execFileSync('pdftoppm', ['-r', '40', '-gray', file, join(dir, 'page')]);
    const number = (name: string) => Number(name.match(/(\d+)\.pgm$/)?.[1]);
    const images = readdirSync(dir)
      .filter((name) => name.endsWith('.pgm'))
      .sort((a, b) => number(a) - number(b));
    const texts = text.split('\f').slice(0, images.length);
    return images.map((name, i) => ({
      text: texts[i] ?? '',
      fill: fillOf(readFileSync(join(dir, name))),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
