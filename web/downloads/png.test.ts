// Text chunks in a PNG built here from its parts, checked with zlib's CRC-32.
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPng, withPngText } from './png.ts';

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A 2×1 PNG, 8-bit grey: one filter byte and two pixels. */
function tinyPng(): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.from([0, 0, 255]))),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/** The chunks of a PNG as [type, data, stored CRC]. */
function chunks(png: Uint8Array): [string, Buffer, number][] {
  const buffer = Buffer.from(png);
  const out: [string, Buffer, number][] = [];
  for (let at = 8; at < buffer.length; ) {
    const length = buffer.readUInt32BE(at);
    out.push([
      buffer.toString('latin1', at + 4, at + 8),
      buffer.subarray(at + 8, at + 8 + length),
      buffer.readUInt32BE(at + 8 + length),
    ]);
    at += 12 + length;
  }
  return out;
}

describe('PNG text chunks', () => {
  const title = 'Sprachniveau der betreuten Erwachsenen';
  const description = `${title}. Stand 01.01.2021. Quelle: Fallexporte der Träger „IM“ – eigene Berechnung`;

  it('go right after IHDR, with correct CRCs, and leave the image as it was', () => {
    const png = tinyPng();
    const tagged = withPngText(png, { Title: title, Description: description });
    const parts = chunks(tagged);
    expect(parts.map(([type]) => type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
    for (const [type, data, crc] of parts)
      expect(crc, type).toBe(crc32(Buffer.concat([Buffer.from(type), data])));
    expect(parts[1]?.[1].toString('latin1')).toBe(`Title\0${title}`);
    // Latin-1: umlauts stay, typographic quotes and dashes become plain ones.
    expect(parts[2]?.[1].toString('latin1')).toBe(
      `Description\0${title}. Stand 01.01.2021. Quelle: Fallexporte der Träger "IM" - eigene Berechnung`,
    );
    expect(chunks(png)).toEqual(parts.filter(([type]) => type !== 'tEXt'));
  });

  it('are read back with the image size', () => {
    const info = readPng(withPngText(tinyPng(), { Title: title, Description: description }));
    expect(info.width).toBe(2);
    expect(info.height).toBe(1);
    expect(info.text.Title).toBe(title);
    expect(info.text.Description).toContain('Stand 01.01.2021');
    expect(info.text.Description).toContain('Träger');
  });

  it('are not written into a file that is no PNG', () => {
    expect(() => withPngText(new TextEncoder().encode('GIF89a…'), { Title: title })).toThrow(
      'keine PNG-Datei',
    );
  });
});
