// The dashboard page: its client modules joined into one inline script (each in its own scope, imports
// resolved), the script's hash in the CSP, and an inline icon so the browser asks for no favicon.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dashboardPage, joinModules } from '../../../src/api/dashboard/page.ts';

describe('joinModules', () => {
  it('runs each module in its own scope and hands exports to the modules that import them', () => {
    const script = joinModules([
      {
        file: 'a.js',
        text: "const secret = 2;\nexport function twice(x) {\n  return x * secret;\n}\nexport const name = 'a';\n",
      },
      {
        file: 'b.js',
        text: "import { twice, name as who } from './a.js';\nconst secret = 5;\nglobalThis.out = who + ':' + twice(secret);\n",
      },
    ]);
    const g = globalThis as { out?: string };
    new Function(script)();
    expect(g.out).toBe('a:10');
    delete g.out;
  });

  it('refuses a module statement it cannot inline', () => {
    expect(() => joinModules([{ file: 'c.js', text: 'export default 1;\n' }])).toThrow(
      /dashboard\/c\.js: cannot inline/,
    );
  });
});

describe('dashboardPage', () => {
  it('inlines every client module under a CSP that names the script by its hash', () => {
    const { html, csp } = dashboardPage();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    for (const m of ['dom', 'routes', 'signals', 'regions', 'tables', 'timeline', 'app'])
      expect(script).toContain(`const module_${m} = (() => {`);
    expect(script).not.toMatch(/^(import|export)\b/m);
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
  });
});
