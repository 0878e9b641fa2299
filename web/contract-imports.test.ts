// The browser takes the API's shapes from contract/api.ts as types only: a value import
// would bring TypeBox and every schema into the bundle. Values it may take come from the
// plain modules beside it (labels).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = join(import.meta.dirname);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The import statements of a file that name contract/api.ts without `import type`. */
function valueImportsOfContract(text: string): string[] {
  const statements = text.match(/^(?:import|export)\s[^;]*?from\s+'[^']*contract\/api\.ts';/gms);
  return (statements ?? []).filter((statement) => !/^(?:import|export)\s+type\s/.test(statement));
}

describe('the web and the contract', () => {
  it('takes contract/api.ts as types only, in every module of the page', () => {
    const offenders = sources(WEB).flatMap((path) =>
      valueImportsOfContract(readFileSync(path, 'utf8')).map(
        (statement) => `${relative(WEB, path)}: ${statement}`,
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('would notice a value import', () => {
    expect(valueImportsOfContract("import { Figure } from '../contract/api.ts';")).toHaveLength(1);
    expect(
      valueImportsOfContract("import type { Figure } from '../contract/api.ts';"),
    ).toHaveLength(0);
  });
});
