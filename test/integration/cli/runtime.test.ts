// What `geofailover` says before it runs anything: an unsupported Node.js version, and a compiled CLI
// (dist/) that is missing or older than the sources of its checkout, each one clear message and
// exit 2, no stack trace.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../../bin/node-version.js';

const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'geofailover-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Node.js version check', () => {
  it.each(['18.20.4', '20.18.0', '16.0.0'])('refuses %s, naming it and the supported versions', (v) => {
    expect(unsupportedNode(v)).toBe(
      `geofailover: Node.js ${v} is not supported; run it on Node.js 22, 24 or 26`,
    );
  });

  it.each(['20.19.0', '22.12.0', '24.8.0', '26.10.0', '27.0.0'])('runs on %s', (v) => {
    expect(unsupportedNode(v)).toBeUndefined();
  });

  it('the real command on an old Node.js prints one line and exits 2', () => {
    // Node cannot be made older here; a preload makes this one report 18.20.4 to the command.
    const preload = "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'18.20.4'});";
    const r = spawnSync(
      process.execPath,
      ['--import', preload, join(root, 'bin/geofailover.js'), '--version'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('geofailover: Node.js 18.20.4 is not supported; run it on Node.js 22, 24 or 26\n');
  });
});

describe('compiled CLI', () => {
  /** A checkout in miniature: bin/, a src/ file, and optionally a build stamp from `stampAge` s ago. */
  function checkout(name: string, stampAge?: number): string {
    const c = join(dir, name);
    mkdirSync(join(c, 'bin'), { recursive: true });
    for (const f of ['geofailover.js', 'node-version.js', 'build-state.js'])
      copyFileSync(join(root, 'bin', f), join(c, 'bin', f));
    writeFileSync(join(c, 'package.json'), '{"type":"module"}\n');
    mkdirSync(join(c, 'src/cli'), { recursive: true });
    writeFileSync(join(c, 'src/cli/main.ts'), '// edited\n');
    if (stampAge !== undefined) {
      mkdirSync(join(c, 'dist'), { recursive: true });
      writeFileSync(join(c, 'dist/build-stamp'), 'x\n');
      const t = Date.now() / 1000 - stampAge;
      utimesSync(join(c, 'dist/build-stamp'), t, t);
    }
    return c;
  }

  const run = (c: string) =>
    spawnSync(process.execPath, [join(c, 'bin/geofailover.js'), '--version'], { encoding: 'utf8' });

  it('a missing build says so and how to build', () => {
    const r = run(checkout('missing'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'geofailover: the compiled CLI (dist/) is missing\n  remedy: run `npm run build` (npm install also builds)\n',
    );
  });

  it('a build older than a source file names the file and how to rebuild', () => {
    const r = run(checkout('stale', 3600));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'geofailover: dist/ is older than src/cli/main.ts\n  remedy: run `npm run build` (npm install also builds)\n',
    );
  });
});
