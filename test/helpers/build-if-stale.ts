// vitest global setup: tests run the shipped CLI (bin/geofailover.js runs the compiled dist/), so a
// test run first rebuilds dist/ when a source file changed since the last build. Editing a .ts file
// and running a test needs no manual build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(): void {
  const r = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error('the build of dist/ failed (see above); fix it, then run the tests again');
}
