#!/usr/bin/env node
// The `geofailover` command: checks the Node.js version, then runs the compiled CLI in dist/cli/ (built
// by `npm run build`, which `npm install` runs in a checkout). Nothing here loads before the check.
const { unsupportedNode } = await import('./node-version.js');
const refused = unsupportedNode(process.versions.node);
if (refused) {
  process.stderr.write(`${refused}\n`);
  process.exit(2);
}
// Node 22.1+ caches the compiled code of the modules it loads (in the OS temp dir): a command's second
// start skips most of the parsing. Node 20 has no cache and just runs.
const nodeModule = await import('node:module');
nodeModule.enableCompileCache?.();
const { dirname, join } = await import('node:path');
const { fileURLToPath, pathToFileURL } = await import('node:url');
const { buildState } = await import('./build-state.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const state = buildState(root);
if (state.kind === 'missing' || state.kind === 'stale') {
  const why =
    state.kind === 'missing' ? 'the compiled CLI (dist/) is missing' : `dist/ is older than ${state.newer}`;
  process.stderr.write(`geofailover: ${why}\n  remedy: run \`npm run build\` (npm install also builds)\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
process.exitCode = await main(process.argv);
