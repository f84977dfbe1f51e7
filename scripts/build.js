#!/usr/bin/env node
// Builds the shipped CLI: TypeScript (src/, providers/) compiled to dist/ by tsc, the dashboard's
// static files (each .js, .html and .css of its folder) copied beside their compiled page, zod and yaml
// bundled into dist/vendor (vendor-bundles.js says why), and dist/build-stamp written last, so a build that
// stopped half way is never taken for a complete one (bin/geofailover.js checks the stamp).
// `node scripts/build.js --if-stale` builds only when a source file is newer than the stamp.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from '../bin/build-state.js';
import { bundleCli } from './cli-bundle.js';
import { vendorBundles } from './vendor-bundles.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Files that are not TypeScript but ship beside the compiled code (the dashboard's page and scripts). */
const ASSET_DIRS = ['src/api/dashboard'];
const ASSETS = ASSET_DIRS.flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => /\.(js|html|css)$/.test(f))
    .map((f) => `${d}/${f}`),
);

if (process.argv.includes('--if-stale')) {
  const state = buildState(root);
  if (state.kind === 'fresh') process.exit(0);
}
const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(
    'build: tsc failed (see above); dist/ is incomplete and the CLI will not run until it builds',
  );
  process.exit(1);
}
try {
  await vendorBundles(root);
  await bundleCli(root);
} catch (err) {
  console.error(`build: bundling failed: ${err instanceof Error ? err.message : err}`);
  console.error('build: dist/ is incomplete and the CLI will not run until it builds');
  process.exit(1);
}
for (const asset of ASSETS) {
  mkdirSync(dirname(join(root, 'dist', asset)), { recursive: true });
  copyFileSync(join(root, asset), join(root, 'dist', asset));
}
writeFileSync(join(root, 'dist', 'build-stamp'), `${new Date().toISOString()}\n`);
console.error(`build: dist/ written in ${Date.now() - started} ms`);
