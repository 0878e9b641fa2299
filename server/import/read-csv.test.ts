// The CSV reader on the variants real exports come in, and on files that must be refused
// at once: quoted line breaks and quotes, BOM, Windows-1252, CRLF, `,` or `;`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportRefused } from './issues.ts';
import { readCsv, type TextEncoding } from './read-csv.ts';
import { DEFAULT_LIMITS, type SourceRow } from './rows.ts';
import { inspectFile } from './source.ts';

const dir = mkdtempSync(join(tmpdir(), 'zwischenbilanz-csv-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

async function rowsOf(content: string | Buffer, encoding?: TextEncoding) {
  const path = join(dir, `file-${counter++}.csv`);
  writeFileSync(path, content);
  const inspection = await inspectFile(path);
  const rows: SourceRow[] = [];
  for await (const batch of readCsv(path, {
    encoding: encoding ?? inspection.encoding ?? 'UTF-8',
  }))
    rows.push(...batch);
  return { rows, inspection };
}

describe('reading CSV', () => {
  it('keeps delimiters, doubled quotes and line breaks inside quotes, counting records as rows', async () => {
    const { rows } = await rowsOf(
      'a;b;c\r\n"x;1";"he said ""hi""";"line\r\nbreak"\r\nplain;"";last\r\n',
    );
    expect(rows).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['x;1', 'he said "hi"', 'line\r\nbreak'] },
      { row: 3, cells: ['plain', '', 'last'] },
    ]);
  });

  it('detects a comma as delimiter from the header and reads LF line ends', async () => {
    const { rows } = await rowsOf('a,b\n"1,5",2\n');
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });

  it('drops the UTF-8 BOM and skips empty lines without renumbering', async () => {
    const { rows, inspection } = await rowsOf(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a;b\n\n1;2\n;\n')]),
    );
    expect(inspection.encoding).toBe('UTF-8');
    expect(rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 3, cells: ['1', '2'] },
      { row: 4, cells: ['', ''] },
    ]);
  });

  it('detects Windows-1252 and decodes umlauts', async () => {
    const { rows, inspection } = await rowsOf(
      Buffer.from('Gemeinde;x\r\nMöglingen;ß\r\n', 'latin1'),
    );
    expect(inspection).toMatchObject({ format: 'csv', encoding: 'Windows-1252' });
    expect(rows[1]?.cells).toEqual(['Möglingen', 'ß']);
  });

  it('reads records that straddle the 1 MiB read chunks, quoted line breaks included', async () => {
    const count = 150_000;
    const lines = Array.from({ length: count }, (_, i) => `${i};"x\r\n""${i}"""`);
    const { rows } = await rowsOf(`n;text\r\n${lines.join('\r\n')}\r\n`);
    const expected = Array.from({ length: count }, (_, i) => ({
      row: i + 2,
      cells: [String(i), `x\r\n"${i}"`],
    }));
    expect(rows.slice(1)).toEqual(expected);
  });

  it('refuses a line of megabytes at once, naming the row', async () => {
    const path = join(dir, 'long.csv');
    writeFileSync(path, `a;b\n1;2\n${'z'.repeat(8 * 1024 * 1024)}\n`);
    const read = async () => {
      for await (const _ of readCsv(path, { encoding: 'UTF-8' })) {
        // reading
      }
    };
    await expect(read()).rejects.toBeInstanceOf(ImportRefused);
    await expect(read()).rejects.toMatchObject({
      issues: [expect.objectContaining({ row: 3, message: expect.stringContaining('länger als') })],
    });
  });

  it('refuses ten thousand columns at the header', async () => {
    const path = join(dir, 'wide.csv');
    writeFileSync(path, `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(';')}\n1;2\n`);
    const read = async () => {
      for await (const _ of readCsv(path, { encoding: 'UTF-8' })) {
        // reading
      }
    };
    await expect(read()).rejects.toMatchObject({
      issues: [
        expect.objectContaining({
          row: 1,
          message: expect.stringContaining(`höchstens ${DEFAULT_LIMITS.maxColumns}`),
        }),
      ],
    });
  });

  it('refuses an unclosed quote that would swallow the rest of the file', async () => {
    const path = join(dir, 'unclosed.csv');
    writeFileSync(path, 'a;b\n1;"open\n2;3\n');
    const read = async () => {
      for await (const _ of readCsv(path, { encoding: 'UTF-8' })) {
        // reading
      }
    };
    await expect(read()).rejects.toMatchObject({
      issues: [
        expect.objectContaining({ row: 2, message: expect.stringContaining('Anführungszeichen') }),
      ],
    });
  });

  it('tells file kinds from content: old Excel, UTF-16, binary and empty files are refused', async () => {
    const refusedWith = async (bytes: Buffer) => {
      const path = join(dir, `kind-${counter++}`);
      writeFileSync(path, bytes);
      return inspectFile(path).then(
        () => 'accepted',
        (error: ImportRefused) => error.issues[0]?.message ?? '',
      );
    };
    expect(
      await refusedWith(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])),
    ).toContain('.xls');
    expect(await refusedWith(Buffer.from('\ufeffa;b', 'utf16le'))).toContain('UTF-16');
    expect(await refusedWith(Buffer.from([1, 2, 3, 0, 0, 9, 8, 7, 6, 5]))).toContain('Binärdaten');
    expect(await refusedWith(Buffer.from('  \n'))).toContain('leer');
    expect(await refusedWith(Buffer.from('%PDF-1.7\n'))).toContain('PDF');
  });
});
