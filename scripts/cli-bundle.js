// Every command starts by loading its modules, and Node resolves, reads and links each file on its
// own: with about 140 of ours on validate's path that was a quarter of its start-up. The build joins
// the compiled CLI (dist/src/cli/main.js and all it imports, dynamic imports as split chunks) into
// dist/cli/, which bin/geofailover.js runs; packages stay outside it (an SDK still loads only when a
// command imports it). The tsc output stays where it is and is still what child processes (DNS
// workers, the demo's children) run, and what the bundle's modules find their files beside: each
// module's import.meta.url is rewritten to its own compiled file's URL.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Bundles dist/src/cli/main.js into dist/cli/ (ESM, code splitting). */
export async function bundleCli(root) {
  const { build } = await import('esbuild');
  const dist = join(root, 'dist');
  const outdir = join(dist, 'cli');
  await build({
    entryPoints: [join(dist, 'src', 'cli', 'main.js')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
    // tsc's helper for rewritten import extensions tests `this` at the top level (undefined in ESM).
    logOverride: { 'this-is-undefined-in-esm': 'silent' },
    plugins: [keepModuleLocations(dist, outdir)],
  });
}

function keepModuleLocations(dist, outdir) {
  return {
    name: 'keep-module-locations',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + sep) || args.path.startsWith(join(dist, 'vendor') + sep))
          return undefined;
        let text = readFileSync(args.path, 'utf8');
        const own = relative(outdir, args.path).split(sep).join('/');
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`);
        // A computed import (providers/factory: `./${kind}/index.ts`) is kept analysable as a
        // template, so esbuild bundles every file it can name; anything else would be resolved
        // beside the bundle at run time, where no module is, so it stops the build.
        text = text.replace(/__rewriteRelativeImportExtension\((`[^`$]*\$\{\w+\}[^`]*)\.ts`\)/g, '$1.js`');
        const computed = text.match(/\bimport\((?!\s*['"`])[^)]*\)/);
        if (computed)
          throw new Error(
            `${relative(dist, args.path)}: a computed import (${computed[0]}) cannot be bundled; import a literal path`,
          );
        return { contents: text, loader: 'js' };
      });
    },
  };
}
