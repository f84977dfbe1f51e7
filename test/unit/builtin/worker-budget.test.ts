// workerBudget: the DNS worker count from the CPUs, the cgroup CPU quota and memory limit, and the
// `workers` setting, with the reason status and metrics show.
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCores,
  isOverBudget,
  MAIN_PROCESS_RESERVE_BYTES,
  type OverBudget,
  WORKER_FOOTPRINT_BYTES,
  type WorkerBudget,
  workerBudget,
} from '../../../providers/builtin/dns-server/worker-budget.ts';

const MiB = 1024 * 1024;
const base = { perWorkerBytes: 85 * MiB, reserveBytes: 256 * MiB };
const quota = (cores: number) => ({ cores, file: 'cpu.max' });
const memory = (mib: number) => ({ bytes: mib * MiB, file: 'memory.max' });

function ok(b: WorkerBudget | OverBudget): WorkerBudget {
  if (isOverBudget(b)) throw new Error(`over budget: ${b.why}`);
  return b;
}
function over(b: WorkerBudget | OverBudget): OverBudget {
  if (!isOverBudget(b)) throw new Error(`within budget: ${b.reason}`);
  return b;
}

describe('workerBudget', () => {
  it('the shipped 1 CPU / 512Mi on a 32-core node runs one worker, because of the quota', () => {
    const b = ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(1), memoryLimit: memory(512) }));
    expect(b).toEqual({ workers: 1, limit: 'cpu-quota', reason: 'cgroup cpu.max 1.0 CPU' });
  });

  it('without a quota or a limit: one per CPU it may run on', () => {
    expect(ok(workerBudget({ ...base, parallelism: 32 }))).toEqual({
      workers: 32,
      limit: 'cpus',
      reason: '32 CPUs available',
    });
    expect(ok(workerBudget({ ...base, parallelism: 1 })).reason).toBe('1 CPU available');
  });

  it('floors a fractional quota (never throttled by its own load), and runs at least one', () => {
    const n = (cores: number) =>
      ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(cores) })).workers;
    expect(n(0.1)).toBe(1);
    expect(n(0.5)).toBe(1);
    expect(n(1.5)).toBe(1);
    expect(n(1.99999)).toBe(1);
    expect(n(2)).toBe(2);
    expect(n(2.9999999999)).toBe(3); // 300000/100000 in floating point
    expect(n(7.5)).toBe(7);
    expect(ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(2.5) })).reason).toBe(
      'cgroup cpu.max 2.5 CPU',
    );
  });

  it('a memory limit holds the controller plus as many workers as fit beside it', () => {
    // 512 MiB: 256 for the main process (worker 0 included), 3 more at 85 MiB.
    expect(
      ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(8), memoryLimit: memory(512) })),
    ).toEqual({ workers: 4, limit: 'memory', reason: 'memory limit 512 MiB holds 4' });
    // Too small for even one child: the main process still serves.
    expect(ok(workerBudget({ ...base, parallelism: 4, memoryLimit: memory(200) }))).toEqual({
      workers: 1,
      limit: 'memory',
      reason: 'memory limit 200 MiB holds 1',
    });
    expect(ok(workerBudget({ ...base, parallelism: 32, memoryLimit: memory(2048) })).reason).toBe(
      'memory limit 2 GiB holds 22',
    );
  });

  it('never more than the CPUs it may run on, even under a larger quota and limit', () => {
    expect(
      ok(workerBudget({ ...base, parallelism: 2, cpuQuota: quota(4), memoryLimit: memory(4096) })),
    ).toEqual({ workers: 2, limit: 'cpus', reason: '2 CPUs available' });
  });

  it('on a tie names the cgroup: the quota, then the memory limit, then the CPU count', () => {
    const b = ok(workerBudget({ ...base, parallelism: 4, cpuQuota: quota(4), memoryLimit: memory(512) }));
    expect(b.limit).toBe('cpu-quota');
    const m = ok(workerBudget({ ...base, parallelism: 4, memoryLimit: memory(512) }));
    expect(m.limit).toBe('memory');
  });

  it('runs a setting within the cgroup limits as configured, above the CPU count too', () => {
    expect(ok(workerBudget({ ...base, parallelism: 2, cpuQuota: quota(2), configured: 2 }))).toEqual({
      workers: 2,
      limit: 'configured',
      reason: 'configured',
    });
    // More processes than CPUs share them; nothing throttles or kills them for it.
    expect(ok(workerBudget({ ...base, parallelism: 2, configured: 3 })).workers).toBe(3);
    expect(ok(workerBudget({ ...base, parallelism: 32, configured: 1, cpuQuota: quota(0.5) })).workers).toBe(
      1,
    );
  });

  it('refuses a setting above the quota, saying the limit and what to raise it to', () => {
    const b = over(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(1), configured: 4 }));
    expect(b).toEqual({
      configured: 4,
      allowed: 1,
      limit: 'cpu-quota',
      why: 'cgroup cpu.max 1.0 CPU allows 1 (one per whole CPU)',
      raise: 'the CPU limit to 4',
    });
  });

  it('refuses a setting the memory limit cannot hold, with the limit that would', () => {
    const b = over(workerBudget({ ...base, parallelism: 32, memoryLimit: memory(512), configured: 8 }));
    expect(b.allowed).toBe(4);
    expect(b.limit).toBe('memory');
    expect(b.why).toBe('memory limit 512 MiB holds 4 (85 MiB a worker beside 256 MiB for the controller)');
    // 256 + 7 x 85 = 851 MiB
    expect(b.raise).toBe('the memory limit to 851 MiB');
  });

  it('names the tighter of the two cgroup limits', () => {
    const b = over(
      workerBudget({ ...base, parallelism: 32, cpuQuota: quota(3), memoryLimit: memory(400), configured: 3 }),
    );
    expect(b.limit).toBe('memory');
    expect(b.allowed).toBe(2);
  });

  it('servers of one process share the budget: the workers others run count against it', () => {
    const first = ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(4) }));
    expect(first.workers).toBe(4);
    const second = ok(workerBudget({ ...base, parallelism: 32, cpuQuota: quota(4), elsewhere: 3 }));
    expect(second).toEqual({
      workers: 1,
      limit: 'cpu-quota',
      reason: 'cgroup cpu.max 4.0 CPU (3 workers already serve other builtin providers)',
    });
    const b = over(
      workerBudget({ ...base, parallelism: 32, cpuQuota: quota(4), elsewhere: 3, configured: 2 }),
    );
    expect(b.allowed).toBe(1);
    expect(b.raise).toBe('the CPU limit to 5');
  });

  it('the shipped constants are the measured footprint and the controller reserve', () => {
    expect(WORKER_FOOTPRINT_BYTES).toBe(85 * MiB);
    expect(MAIN_PROCESS_RESERVE_BYTES).toBe(256 * MiB);
  });
});

describe('formatting', () => {
  it('CPUs with one decimal at least, bytes in MiB or GiB', () => {
    expect(formatCores(1)).toBe('1.0');
    expect(formatCores(1.5)).toBe('1.5');
    expect(formatCores(0.25)).toBe('0.25');
    expect(formatCores(1 / 3)).toBe('0.33');
    expect(formatBytes(512 * MiB)).toBe('512 MiB');
    expect(formatBytes(1536 * MiB)).toBe('1.5 GiB');
    expect(formatBytes(100 * 1000 * 1000)).toBe('95.4 MiB');
  });
});
