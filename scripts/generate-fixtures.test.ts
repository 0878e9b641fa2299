// The committed demonstration exports are exactly what the seeded generator writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemonstrationExports } from './generate-fixtures.ts';

describe('demonstration exports', () => {
  it('are reproduced byte for byte from the seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zb-fixtures-'));
    try {
      const manifest = writeDemonstrationExports(dir);
      for (const file of [...manifest.map((entry) => entry.file), 'manifest.json']) {
        expect(
          readFileSync(join(dir, file)).equals(
            readFileSync(new URL(`../fixtures/demo/${file}`, import.meta.url)),
          ),
          file,
        ).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
