import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('crc32', () => {
  it('gives the check value of CRC-32/ISO-HDLC and 0 for nothing', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // The CRC of a PNG's IEND chunk (type, no data), as every PNG ends with it.
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
  });

  it('agrees with zlib, in one go or continued over parts', () => {
    const bytes = new Uint8Array(randomBytes(10_000));
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(4000), crc32(bytes.subarray(0, 4000)))).toBe(zlibCrc32(bytes));
  });
});
