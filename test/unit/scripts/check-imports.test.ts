// The import check: finds type imports, re-exports and dynamic imports, names an edge against the
// layers with its reason, and finds a cycle however it is closed.
import { describe, expect, it } from 'vitest';
import { cycles, directionOffences, importsOf } from '../../../scripts/check-imports.ts';

describe('import check', () => {
  it('reads type imports, re-exports, multi-line imports and literal dynamic imports', () => {
    const text = [
      "import type { Config } from '../config/index.ts';",
      "export * from './errors.ts';",
      'import {',
      '  a,',
      '  b,',
      "} from './normalise.ts';",
      "const m = await import('./record.ts');",
      "type T = import('./region.ts').RegionStatus;",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf('src/model/x.ts', text)).toEqual([
      'src/config/index.ts',
      'src/model/errors.ts',
      'src/model/normalise.ts',
      'src/model/record.ts',
      'src/model/region.ts',
    ]);
  });

  it('names an import against the layers with the reason', () => {
    const graph = new Map([
      ['src/model/a.ts', ['src/config/index.ts']],
      ['providers/route53/x.ts', ['src/controller/index.ts', 'src/model/index.ts']],
      ['src/controller/y.ts', ['src/policy/index.ts']],
    ]);
    const wrong = directionOffences(graph);
    expect(wrong.map((o) => `${o.from} -> ${o.to}`)).toEqual([
      'src/model/a.ts -> src/config/index.ts',
      'providers/route53/x.ts -> src/controller/index.ts',
    ]);
    expect(wrong[0]!.why).toMatch(/src\/model is the floor/);
  });

  it('finds a cycle and shows one path through it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    const found = cycles(graph);
    expect(found).toHaveLength(1);
    expect(found[0]!.modules).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(found[0]!.cycle).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
