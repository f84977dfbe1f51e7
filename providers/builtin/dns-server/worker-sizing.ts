// The DNS server's worker count at start: this machine's CPUs and this process's cgroup limits, read
// here, decided by workerBudget (worker-budget.ts). A `workers` setting the cgroup cannot hold stops
// the start with one message naming the config file, line and field and what to change; validate
// does not check it, since it may run elsewhere (CI, an init container with limits of its own).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { lineIn } from '../../../src/config/index.ts';
import { UsageError } from '../../../src/model/index.ts';
import { type CgroupLimits, readCgroupLimits } from './cgroup.ts';
import {
  isOverBudget,
  MAIN_PROCESS_RESERVE_BYTES,
  type OverBudget,
  WORKER_FOOTPRINT_BYTES,
  type WorkerBudget,
  workerBudget,
} from './worker-budget.ts';

/** A `workers` setting larger than the process's CPU quota or memory limit allows. */
export class DnsWorkersError extends UsageError {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly field: string,
    context: { provider: string; value: number; limit: number; remedy: string },
  ) {
    super(message, context);
  }
}

export interface SizingInput {
  providerId: string;
  /** From the caller (tests, benchmarks), over the config's. */
  option?: number | undefined;
  /** The provider's `workers`. */
  configured?: number | undefined;
  /** A hidden primary serves from one process (see server.ts). */
  hiddenPrimary: boolean;
  /** The config file, for the message about a setting that does not fit. */
  configFile?: string | undefined;
  /** Worker children other builtin servers of this process already run. */
  elsewhere?: number | undefined;
  /** The limits to use instead of this process's cgroup's (tests). */
  limits?: CgroupLimits | undefined;
  parallelism?: number | undefined;
}

export function sizeWorkers(i: SizingInput): WorkerBudget {
  if (i.hiddenPrimary) return { workers: 1, limit: 'hidden-primary', reason: 'hidden primary: one process' };
  const limits = i.limits ?? readCgroupLimits();
  const budget = workerBudget({
    parallelism: i.parallelism ?? availableParallelism(),
    cpuQuota: limits.cpuQuota,
    memoryLimit: limits.memoryLimit,
    perWorkerBytes: WORKER_FOOTPRINT_BYTES,
    reserveBytes: MAIN_PROCESS_RESERVE_BYTES,
    configured: i.option ?? i.configured,
    elsewhere: i.elsewhere,
  });
  if (isOverBudget(budget)) throw overBudgetError(budget, i);
  return budget;
}

function overBudgetError(b: OverBudget, i: SizingInput): DnsWorkersError {
  const at = ['providers', i.providerId, 'workers'];
  const field = at.join('.');
  const fromOption = i.option !== undefined;
  const line = !fromOption && i.configFile ? lineOf(i.configFile, at) : undefined;
  const where = fromOption
    ? 'the workers option'
    : `${i.configFile ?? '<config>'}${line === undefined ? '' : `:${line}`}: ${field}`;
  const remedy = `set ${field}: ${b.allowed}, or remove it to size the workers from this budget, or raise ${b.raise}`;
  return new DnsWorkersError(
    `${where}: ${b.configured} DNS workers do not fit this process: ${b.why}`,
    i.configFile,
    field,
    { provider: i.providerId, value: b.configured, limit: b.allowed, remedy },
  );
}

function lineOf(file: string, at: string[]): number | undefined {
  try {
    return lineIn(readFileSync(file, 'utf8'), at);
  } catch {
    return undefined;
  }
}
