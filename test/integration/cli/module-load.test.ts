// The CLI starts fast because each command loads only what it uses: the real `validate`, `plan` and
// `--help` (the compiled CLI, as shipped) load no etcd, gRPC, Prometheus client, DNS server or cloud
// SDK module when the config does not need one. A module trace preloaded into the process records
// every module it resolves.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const TRACE = join(root, 'test/helpers/module-trace/register.mjs');
const HEAVY =
  /node_modules\/(etcd3|@grpc|prom-client|dns2|@aws-sdk|@smithy|@azure|@google-cloud|google-auth-library|googleapis|cloudflare)\//;
const dir = mkdtempSync(join(tmpdir(), 'geofailover-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs node with the trace preloaded, in a temp dir (plan reads ./state there); returns the modules. */
function traced(args: string[], name: string): { status: number | null; modules: string[]; stderr: string } {
  const out = join(dir, `${name}.trace`);
  const r = spawnSync(process.execPath, ['--import', TRACE, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GEOFAILOVER_MODULE_TRACE: out, NODE_NO_WARNINGS: '1' },
    timeout: 30_000,
  });
  let modules: string[] = [];
  try {
    modules = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  } catch {
    // no module resolved at all: an empty list, and the assertions below say so
  }
  return { status: r.status, modules, stderr: r.stderr };
}

describe('CLI module loading', () => {
  copyFileSync(join(root, 'config/example.yaml'), join(dir, 'example.yaml'));
  const bin = join(root, 'bin/geofailover.js');

  it('the trace sees a heavy module when one is loaded (so an empty result means something)', () => {
    const load = `const { createRequire } = await import('node:module');
      const req = createRequire(${JSON.stringify(join(root, 'package.json'))});
      await import(req.resolve('prom-client'));
      await import(req.resolve('dns2'));`;
    const r = traced(['--input-type=module', '-e', load], 'control');
    expect(r.modules.filter((m) => HEAVY.test(m)).length, r.stderr).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['validate', ['validate', '--config', 'example.yaml']],
    ['plan', ['plan', '--config', 'example.yaml']],
    ['--help', ['--help']],
  ])('%s loads no etcd, gRPC, prom-client, dns2 or cloud SDK module', (name, args) => {
    const r = traced([bin, ...args], name);
    expect(r.status, r.stderr).toBe(0);
    expect(
      r.modules.some((m) => m.includes('/dist/cli/main.js')),
      'runs the compiled CLI',
    ).toBe(true);
    expect(r.modules.filter((m) => m.includes('/node_modules/tsx/'))).toEqual([]);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });
});
