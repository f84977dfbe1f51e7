// sizeWorkers at the edge: a `workers` the cgroup cannot hold stops the start with one message that
// names the config file, line and field, the limit, and what to change; a hidden primary runs one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DnsWorkersError } from '../../../providers/builtin/dns-server/index.ts';
import { sizeWorkers } from '../../../providers/builtin/dns-server/worker-sizing.ts';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'gf-sizing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'geofailover.yaml');
writeFileSync(
  file,
  `owner: me
providers:
  local:
    kind: builtin
    listen: "0.0.0.0:5353"
    workers: 4
`,
);
const oneCpu = {
  cpuQuota: { cores: 1, file: 'cpu.max' },
  memoryLimit: { bytes: 512 * MiB, file: 'memory.max' },
};

function thrown(f: () => unknown): DnsWorkersError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DnsWorkersError);
    return err as DnsWorkersError;
  }
  throw new Error('did not throw');
}

describe('sizeWorkers', () => {
  it('a configured count over the quota: file, line, field, limit and remedy in one message (exit 2)', () => {
    const e = thrown(() =>
      sizeWorkers({
        providerId: 'local',
        configured: 4,
        hiddenPrimary: false,
        configFile: file,
        limits: oneCpu,
        parallelism: 32,
      }),
    );
    expect(e.message).toBe(
      `${file}:6: providers.local.workers: 4 DNS workers do not fit this process: cgroup cpu.max 1.0 CPU allows 1 (one per whole CPU)`,
    );
    expect(e.context.remedy).toBe(
      'set providers.local.workers: 1, or remove it to size the workers from this budget, or raise the CPU limit to 4',
    );
    expect(e.describe().split('\n')).toHaveLength(2);
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(file);
    expect(e.field).toBe('providers.local.workers');
    expect(e.context).toMatchObject({ provider: 'local', value: 4, limit: 1 });
  });

  it('the same from a caller option names the option, not the file', () => {
    const e = thrown(() =>
      sizeWorkers({ providerId: 'local', option: 8, hiddenPrimary: false, limits: oneCpu, parallelism: 2 }),
    );
    expect(e.message).toMatch(/^the workers option: 8 DNS workers do not fit this process: cgroup cpu.max/);
  });

  it('within the budget, unset, or a hidden primary', () => {
    const base = { providerId: 'local', hiddenPrimary: false, limits: oneCpu, parallelism: 32 };
    expect(sizeWorkers({ ...base, configured: 1 })).toEqual({
      workers: 1,
      limit: 'configured',
      reason: 'configured',
    });
    expect(sizeWorkers(base)).toEqual({ workers: 1, limit: 'cpu-quota', reason: 'cgroup cpu.max 1.0 CPU' });
    expect(sizeWorkers({ ...base, hiddenPrimary: true, configured: 4 })).toEqual({
      workers: 1,
      limit: 'hidden-primary',
      reason: 'hidden primary: one process',
    });
    expect(sizeWorkers({ ...base, limits: {}, parallelism: 3 }).workers).toBe(3);
  });
});
