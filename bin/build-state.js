// Is the compiled CLI (dist/) there and at least as new as the TypeScript it came from? Asked by
// bin/geofailover.js in a checkout (an installed package has no sources to compare) and by the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['src', 'providers'];
/** The build's own steps: a change to how dist/ is made makes it stale too. */
const BUILD_FILES = ['scripts/build.js', 'scripts/cli-bundle.js', 'scripts/vendor-bundles.js'];

/**
 * `missing`: no complete build; `stale`: `newer` (a path) changed after the build; `fresh`: built
 * from what is there now; `installed`: no sources beside dist/ (a package), nothing to compare.
 */
export function buildState(root) {
  const stamp = join(root, 'dist', 'build-stamp');
  if (!existsSync(stamp)) return { kind: 'missing' };
  if (!existsSync(join(root, 'src'))) return { kind: 'installed' };
  const built = statSync(stamp).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    const newer = newerThan(join(root, dir), built);
    if (newer) return { kind: 'stale', newer: newer.slice(root.length + 1) };
  }
  for (const file of BUILD_FILES) {
    const p = join(root, file);
    if (existsSync(p) && statSync(p).mtimeMs > built) return { kind: 'stale', newer: file };
  }
  return { kind: 'fresh' };
}

function newerThan(dir, time) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const n = newerThan(p, time);
      if (n) return n;
    } else if (statSync(p).mtimeMs > time) return p;
  }
  return undefined;
}
