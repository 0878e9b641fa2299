import { describe, expect, it } from 'vitest';
import { printHeadRule } from './print.ts';

describe('the running head of printed pages', () => {
  it('is a CSS string that no title can break out of', () => {
    expect(printHeadRule('Zwischenbilanz „März“ · Stand 01.01.2021')).toBe(
      '@page { @top-left { content: "Zwischenbilanz „März“ · Stand 01.01.2021"; } }',
    );
    expect(printHeadRule('a"; } body { display: none } @page { x: "\\\nb')).toBe(
      '@page { @top-left { content: "a\\"; } body { display: none } @page { x: \\"\\\\ b"; } }',
    );
  });
});
