// A chart as PNG: the standalone SVG drawn onto a canvas at twice its size on white, with
// title, Stand and source written into the file as PNG text chunks (tEXt "Title" and
// "Description"), so the image still says what it shows when it is passed on alone.
import { crc32 } from './crc32.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Pixels per SVG unit: sharp on high-density screens and in print. */
export const PNG_SCALE = 2;

/** tEXt is Latin-1: typographic marks outside it become their plain forms. */
const PLAIN: Record<string, string> = {
  '„': '"',
  '“': '"',
  '”': '"',
  '‚': "'",
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': '-',
  '…': '...',
  '\u202f': ' ',
};

function latin1(text: string): Uint8Array {
  const plain = [...text].map((char) =>
    (char.codePointAt(0) as number) <= 0xff ? char : (PLAIN[char] ?? '?'),
  );
  return Uint8Array.from(plain.join(''), (char) => char.charCodeAt(0));
}

function isPng(png: Uint8Array): boolean {
  return png.length >= 33 && SIGNATURE.every((byte, i) => png[i] === byte);
}

const chunkType = (png: Uint8Array, at: number) =>
  String.fromCharCode(...png.subarray(at + 4, at + 8));

function textChunk(keyword: string, text: string): Uint8Array {
  const key = latin1(keyword).subarray(0, 79);
  const value = latin1(text);
  const chunk = new Uint8Array(12 + key.length + 1 + value.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, chunk.length - 12);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
  chunk.set(key, 8);
  chunk.set(value, 8 + key.length + 1); // a zero byte separates keyword and text
  // The CRC covers type and data, not the length.
  view.setUint32(chunk.length - 4, crc32(chunk.subarray(4, chunk.length - 4)));
  return chunk;
}

/** The PNG with tEXt chunks for the entries, right after the header chunk (IHDR). */
export function withPngText(
  png: Uint8Array,
  entries: Record<string, string>,
): Uint8Array<ArrayBuffer> {
  if (!isPng(png) || chunkType(png, 8) !== 'IHDR') throw new Error('Das ist keine PNG-Datei.');
  const afterHeader = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  const chunks = Object.entries(entries).map(([keyword, text]) => textChunk(keyword, text));
  const out = new Uint8Array(png.length + chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  out.set(png.subarray(0, afterHeader));
  let at = afterHeader;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  out.set(png.subarray(afterHeader), at);
  return out;
}

export interface PngInfo {
  width: number;
  height: number;
  /** The tEXt chunks whose CRC is right, by keyword. */
  text: Record<string, string>;
}

/** Size and text chunks of a PNG: what a viewer's "Eigenschaften" shows. */
export function readPng(png: Uint8Array): PngInfo {
  if (!isPng(png)) throw new Error('Das ist keine PNG-Datei.');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const info: PngInfo = { width: view.getUint32(16), height: view.getUint32(20), text: {} };
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > png.length) break;
    if (chunkType(png, at) === 'tEXt') {
      const crc = crc32(png.subarray(at + 4, at + 8 + length));
      const data = png.subarray(at + 8, at + 8 + length);
      const zero = data.indexOf(0);
      if (crc === view.getUint32(at + 8 + length) && zero > 0) {
        const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);
        info.text[text(data.subarray(0, zero))] = text(data.subarray(zero + 1));
      }
    }
    at = end;
  }
  return info;
}

/**
 * Draws an SVG file onto a canvas, `PNG_SCALE` pixels per unit, on white. The SVG is
 * loaded as an image from a blob: URL (the page's CSP allows blob: for img-src).
 */
export async function svgToPng(svg: string, width: number, height: number): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image(width, height);
    image.src = url;
    try {
      await image.decode();
    } catch {
      throw new Error('Die Grafik ließ sich nicht als Bild laden.');
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * PNG_SCALE);
    canvas.height = Math.round(height * PNG_SCALE);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('Der Browser stellt keine Zeichenfläche (Canvas) bereit.');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
    if (!blob) throw new Error('Der Browser konnte das Bild nicht als PNG speichern.');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
