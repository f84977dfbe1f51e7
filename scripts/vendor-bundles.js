// The compiled CLI's two largest start-up costs are module loads, not work: zod and yaml ship as about
// 170 small files, and Node resolves, reads and links each one on every command. The build bundles each
// into one file under dist/vendor/ (esbuild, the packages unchanged, same versions as package-lock) and
// points dist/'s imports of them there. Tests and the dev loop keep importing the packages themselves.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** Packages bundled, each with the entry that re-exports what the compiled code imports from it. */
function entries(root) {
  const require = createRequire(join(root, 'package.json'));
  // yaml is CommonJS: esbuild's ESM output names its exports only when the entry lists them.
  const yamlNames = Object.keys(require('yaml')).filter((k) => k !== 'default' && k !== '__esModule');
  return {
    zod: "export * from 'zod';",
    yaml: `export { ${yamlNames.join(', ')} } from 'yaml';`,
  };
}

/** Bundles each package into dist/vendor/<name>.js and rewrites dist/'s imports of it. */
export async function vendorBundles(root) {
  const { build } = await import('esbuild');
  const dist = join(root, 'dist');
  const vendor = join(dist, 'vendor');
  const bundled = entries(root);
  for (const [name, contents] of Object.entries(bundled)) {
    await build({
      stdin: { contents, resolveDir: root, sourcefile: `vendor-${name}.js` },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outfile: join(vendor, `${name}.js`),
      logLevel: 'warning',
      // A CommonJS package bundled as ESM still calls require() for Node's own modules.
      banner: {
        js: "import { createRequire as __vendorRequire } from 'node:module'; const require = __vendorRequire(import.meta.url);",
      },
    });
  }
  const names = Object.keys(bundled);
  for (const file of jsFiles(dist)) {
    if (file.startsWith(vendor + sep)) continue;
    const text = readFileSync(file, 'utf8');
    let out = text;
    for (const name of names) {
      let target = relative(dirname(file), join(vendor, `${name}.js`))
        .split(sep)
        .join('/');
      if (!target.startsWith('.')) target = `./${target}`;
      out = out.replace(new RegExp(`(\\bfrom\\s*)(['"])${name}\\2`, 'g'), `$1'${target}'`);
    }
    // A dynamic import of the package would load a second copy beside the bundled one (schemas made by
    // one copy are not known to the other): refuse it here rather than at run time.
    const dynamic = out.match(new RegExp(`\\bimport\\(\\s*['"](${names.join('|')})['"]`));
    if (dynamic)
      throw new Error(
        `${relative(root, file)}: ${dynamic[0]}): import ${dynamic[1]} statically (it is bundled)`,
      );
    if (out !== text) writeFileSync(file, out);
  }
}

function* jsFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsFiles(p);
    else if (e.name.endsWith('.js')) yield p;
  }
}
