// A zip archive of a few small files, stored without compression: enough for an XLSX
// workbook of one table, and the same bytes in every browser (no CompressionStream needed).
import { crc32 } from './crc32.ts';

export interface ZipFile {
  name: string;
  data: Uint8Array;
}

/** 01.01.1980, the first day a zip can name: the same content gives the same bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UTF8_NAMES = 0x0800;

export function storedZip(files: readonly ZipFile[]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const names = files.map((file) => encoder.encode(file.name));
  const crcs = files.map((file) => crc32(file.data));
  const locals = files.reduce(
    (sum, file, i) => sum + 30 + (names[i] as Uint8Array).length + file.data.length,
    0,
  );
  const central = names.reduce((sum, name) => sum + 46 + name.length, 0);
  const out = new Uint8Array(locals + central + 22);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  let at = 0;
  files.forEach((file, i) => {
    const name = names[i] as Uint8Array;
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed
    view.setUint16(at + 6, UTF8_NAMES, true);
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, 0, true); // time
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, crcs[i] as number, true);
    view.setUint32(at + 18, file.data.length, true);
    view.setUint32(at + 22, file.data.length, true);
    view.setUint16(at + 26, name.length, true);
    view.setUint16(at + 28, 0, true); // extra field
    out.set(name, at + 30);
    out.set(file.data, at + 30 + name.length);
    at += 30 + name.length + file.data.length;
  });
  const directory = at;
  files.forEach((file, i) => {
    const name = names[i] as Uint8Array;
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true); // made by
    view.setUint16(at + 6, 20, true); // version needed
    view.setUint16(at + 8, UTF8_NAMES, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, crcs[i] as number, true);
    view.setUint32(at + 20, file.data.length, true);
    view.setUint32(at + 24, file.data.length, true);
    view.setUint16(at + 28, name.length, true);
    // extra, comment, disk, internal and external attributes stay 0
    view.setUint32(at + 42, offsets[i] as number, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, files.length, true);
  view.setUint16(at + 10, files.length, true);
  view.setUint32(at + 12, at - directory, true);
  view.setUint32(at + 16, directory, true);
  return out;
}
