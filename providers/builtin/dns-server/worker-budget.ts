// How many DNS worker processes this process can afford: the CPUs it may run on, its cgroup CPU
// quota and memory limit, and the `workers` setting. A pure decision; cgroup.ts reads the limits.
//
// One worker per whole CPU of the quota (floor, at least 1): a worker is one event loop that keeps a
// core busy under load, so floor(quota) workers at full load cannot use up the quota. Past it the
// kernel throttles the whole cgroup, controller included, for the rest of each period (up to 100 ms,
// a latency spike on every answer). The fraction left over goes to the controller, V8's GC threads
// and the libuv pool.

const MiB = 1024 * 1024;

/** Peak RSS of one worker child under load: 74-85 MB measured (84-85 MB under dnsperf at 20,000 q/s). */
export const WORKER_FOOTPRINT_BYTES = 85 * MiB;
/** The main process (controller, worker 0, the TypeScript transform service): about 140 MB RSS idle
 * and 174 MB at the peak of planning 10,000 records, with room above that. */
export const MAIN_PROCESS_RESERVE_BYTES = 256 * MiB;

export interface CpuQuota {
  /** CPUs the quota allows per period (quota / period). */
  cores: number;
  /** The file it came from: `cpu.max` (cgroup v2) or `cpu.cfs_quota_us` (v1). */
  file: string;
}

export interface MemoryLimit {
  bytes: number;
  /** The file it came from: `memory.max` (cgroup v2) or `memory.limit_in_bytes` (v1). */
  file: string;
}

export interface BudgetInput {
  /** CPUs this process may run on (os.availableParallelism(): CPU affinity, not the quota). */
  parallelism: number;
  cpuQuota?: CpuQuota | undefined;
  memoryLimit?: MemoryLimit | undefined;
  perWorkerBytes: number;
  reserveBytes: number;
  /** The `workers` setting, when there is one. */
  configured?: number | undefined;
  /** Worker children that other builtin servers of this process already run (they share the budget). */
  elsewhere?: number | undefined;
}

/** What decided the count: the setting, or the tightest of the limits. */
export type WorkerLimit = 'configured' | 'cpu-quota' | 'memory' | 'cpus' | 'hidden-primary';

export interface WorkerBudget {
  workers: number;
  limit: WorkerLimit;
  /** For status and metrics, e.g. "cgroup cpu.max 1.0 CPU", "memory limit 512 MiB holds 4". */
  reason: string;
}

/** A `workers` setting the cgroup limits cannot hold. */
export interface OverBudget {
  configured: number;
  /** The most workers this server may run. */
  allowed: number;
  limit: 'cpu-quota' | 'memory';
  /** Why, e.g. "cgroup cpu.max 1.0 CPU allows 1 (one per whole CPU)". */
  why: string;
  /** What to raise the limit to for `configured` to fit, e.g. "the CPU limit to 4". */
  raise: string;
}

interface Cap {
  limit: 'cpu-quota' | 'memory' | 'cpus';
  /** Processes in all (every builtin server's workers, the main process counted once). */
  processes: number;
  reason: string;
}

/** "1.0", "1.5", "0.25": one decimal at least, so a whole CPU still reads as a quota. */
export function formatCores(cores: number): string {
  return Number.isInteger(cores) ? cores.toFixed(1) : String(Number(cores.toFixed(2)));
}

/** "512 MiB", "1.5 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${Number((bytes / (1024 * MiB)).toFixed(2))} GiB`;
  return `${Number((bytes / MiB).toFixed(1))} MiB`;
}

function caps(i: BudgetInput): Cap[] {
  const out: Cap[] = [];
  if (i.cpuQuota) {
    // A small tolerance: 199999/100000 is 1 worker, 300000/100000 computed as 2.9999999 is 3.
    const processes = Math.max(1, Math.floor(i.cpuQuota.cores + 1e-9));
    out.push({
      limit: 'cpu-quota',
      processes,
      reason: `cgroup ${i.cpuQuota.file} ${formatCores(i.cpuQuota.cores)} CPU`,
    });
  }
  if (i.memoryLimit) {
    const spare = i.memoryLimit.bytes - i.reserveBytes;
    const processes = 1 + Math.max(0, Math.floor(spare / i.perWorkerBytes));
    out.push({
      limit: 'memory',
      processes,
      reason: `memory limit ${formatBytes(i.memoryLimit.bytes)} holds ${processes}`,
    });
  }
  out.push({
    limit: 'cpus',
    processes: Math.max(1, i.parallelism),
    reason: `${i.parallelism} CPU${i.parallelism === 1 ? '' : 's'} available`,
  });
  return out;
}

/** The tightest cap; on a tie the earlier (the quota before memory before the CPU count). */
function tightest(list: readonly Cap[]): Cap | undefined {
  let best: Cap | undefined;
  for (const c of list) if (!best || c.processes < best.processes) best = c;
  return best;
}

/**
 * The workers to run and why, or what is wrong with a `workers` setting the cgroup cannot hold.
 * A setting above the CPU count alone is allowed (the processes share the CPUs; nothing is killed
 * or throttled for it); above the quota or the memory limit it is not.
 */
export function workerBudget(i: BudgetInput): WorkerBudget | OverBudget {
  const elsewhere = i.elsewhere ?? 0;
  const all = caps(i);
  const shared =
    elsewhere === 0
      ? ''
      : elsewhere === 1
        ? ' (1 worker already serves another builtin provider)'
        : ` (${elsewhere} workers already serve other builtin providers)`;
  if (i.configured !== undefined) {
    const cgroup = tightest(all.filter((c) => c.limit !== 'cpus'));
    if (cgroup && cgroup.limit !== 'cpus' && i.configured + elsewhere > cgroup.processes) {
      const need = i.configured + elsewhere;
      const raise =
        cgroup.limit === 'cpu-quota'
          ? `the CPU limit to ${need}`
          : `the memory limit to ${formatBytes(i.reserveBytes + (need - 1) * i.perWorkerBytes)}`;
      const why =
        cgroup.limit === 'cpu-quota'
          ? `${cgroup.reason} allows ${cgroup.processes} (one per whole CPU)`
          : `${cgroup.reason} (${formatBytes(i.perWorkerBytes)} a worker beside ${formatBytes(i.reserveBytes)} for the controller)`;
      return {
        configured: i.configured,
        allowed: Math.max(1, cgroup.processes - elsewhere),
        limit: cgroup.limit,
        why: why + shared,
        raise,
      };
    }
    return { workers: i.configured, limit: 'configured', reason: 'configured' };
  }
  const cap = tightest(all)!;
  return { workers: Math.max(1, cap.processes - elsewhere), limit: cap.limit, reason: cap.reason + shared };
}

export function isOverBudget(b: WorkerBudget | OverBudget): b is OverBudget {
  return 'allowed' in b;
}
