// The npm package holds the product and nothing else, and works installed as an operator installs
// it: `npm pack`, then the tarball installed into an empty prefix with production dependencies only,
// then `--version`, `validate` and `plan` on the shipped example config from there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'geofailover-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** npm, run by the Node.js that runs this test (first on PATH), so engine checks see that version. */
function npm(args: string[], cwd: string): { stdout: string; stderr: string } {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r;
}
const supported = Number(process.versions.node.split('.')[0]) >= 22;

describe('npm package', () => {
  // dist/ is fresh: the test run's global setup rebuilt it if a source changed.
  const packed = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root).stdout,
  ) as {
    filename: string;
    files: { path: string }[];
    version: string;
  }[];
  const files = packed[0]!.files.map((f) => f.path);
  const tarball = join(dir, packed[0]!.filename);

  it('contains the compiled CLI and the example config, and no tests, benchmarks or dev files', () => {
    expect(files).toContain('bin/geofailover.js');
    expect(files).toContain('dist/src/cli/main.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/vendor/zod.js');
    for (const asset of ['app.js', 'dom.js', 'index.html', 'style.css'])
      expect(files).toContain(`dist/src/api/dashboard/${asset}`);
    expect(files).toContain('config/example.yaml');
    const allowed =
      /^(bin\/[a-z-]+\.js|dist\/.+\.(js|html|css)|dist\/build-stamp|config\/(example\.yaml|schema\.json)|package\.json|README\.md|LICENSE)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /^(test|bench|scripts|src|providers|deploy)\//.test(f))).toEqual([]);
    // The product only: about 370 files at the time of writing (687 when tests and fixtures shipped).
    expect(files.length).toBeLessThan(800);
  });

  it('installs with production dependencies only and runs --version, validate and plan', () => {
    const prefix = join(dir, 'prefix');
    const install = npm(
      ['install', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball],
      dir,
    );
    // On a supported Node.js no dependency (and not geofailover itself) warns about its engine.
    if (supported) expect(install.stderr).not.toMatch(/EBADENGINE/);
    const modules = join(prefix, 'node_modules');
    for (const dev of ['typescript', 'vitest', 'tsx', 'node', '@biomejs'])
      expect(existsSync(join(modules, dev)), `dev dependency ${dev} installed`).toBe(false);
    const bin = join(modules, 'geofailover/bin/geofailover.js');
    const example = join(modules, 'geofailover/config/example.yaml');
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

    const version = run(['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(packed[0]!.version);
    const validate = run(['validate', '--config', example]);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/valid: owner shop-prod: 3 regions/);
    const plan = run(['plan', '--config', example, '--assume', 'eu-west=down']);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/eu-west/);
    // The bin link npm made works the same way.
    const link = spawnSync(process.execPath, [join(modules, '.bin/geofailover'), '-V'], { encoding: 'utf8' });
    expect(link.stdout.trim()).toBe(packed[0]!.version);
  });
});
