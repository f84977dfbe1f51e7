// For the deploy tests: a shipped config's builtin DNS `workers` against the limits its process runs
// under (a container's CPU and memory limits, a unit's CPUQuota and MemoryMax). It must be set, the
// limits must hold it, and it must be what the limits would give by default (not fewer for nothing).
// Also the limit notations: Kubernetes quantities, compose cpus / mem_limit, systemd percentages.
import {
  isOverBudget,
  MAIN_PROCESS_RESERVE_BYTES,
  WORKER_FOOTPRINT_BYTES,
  workerBudget,
} from '../../../providers/builtin/dns-server/worker-budget.ts';
import type { Config } from '../../../src/config/index.ts';

/** A node far bigger than the limits, so that the limits decide (the case that was OOM-killed). */
const BIG_NODE_CPUS = 64;

export interface ProcessLimits {
  cores: number;
  bytes: number;
}

/** What is wrong with each builtin DNS server's `workers` under `limits` (empty: nothing). */
export function workersProblems(config: Config, limits: ProcessLimits, where: string): string[] {
  const problems: string[] = [];
  for (const [id, p] of Object.entries(config.providers)) {
    if (p.kind !== 'builtin' || p.listen === undefined) continue;
    const at = `${where}: providers.${id}.workers`;
    if (p.workers === undefined) {
      problems.push(`${at} is not set (the default follows the machine it lands on)`);
      continue;
    }
    const input = {
      parallelism: BIG_NODE_CPUS,
      cpuQuota: { cores: limits.cores, file: 'cpu.max' },
      memoryLimit: { bytes: limits.bytes, file: 'memory.max' },
      perWorkerBytes: WORKER_FOOTPRINT_BYTES,
      reserveBytes: MAIN_PROCESS_RESERVE_BYTES,
    };
    const set = workerBudget({ ...input, configured: p.workers });
    if (isOverBudget(set)) problems.push(`${at}: ${p.workers} does not fit: ${set.why}`);
    const unset = workerBudget(input);
    if (!isOverBudget(unset) && unset.workers !== p.workers)
      problems.push(`${at}: ${p.workers}, but the limits allow ${unset.workers} (${unset.reason})`);
  }
  return problems;
}

const POWERS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
};

/** A Kubernetes CPU quantity ("1", "500m", "1.5") in CPUs. */
export function k8sCpu(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

/** A Kubernetes memory quantity ("512Mi", "1G", "536870912") in bytes. */
export function k8sMemory(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)([kMG]i?)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * POWERS[m[2] ?? '']!;
}

/** A compose or systemd size ("512m", "1g", "512M", "1G"): powers of 1024, as both read them. */
export function binarySize(q: string | number): number {
  const m = /^(\d+)\s*([bkmgt]?)b?$/i.exec(String(q));
  if (!m) throw new Error(`not a size: ${q}`);
  return Number(m[1]) * 1024 ** 'bkmgt'.indexOf((m[2] || 'b').toLowerCase());
}
