// CPU quotas for benchmark processes: each process in a cgroup of its own, held to a fraction of one
// core (CFS bandwidth control, a 10 ms period so a throttled process stalls for milliseconds, not a
// tenth of a second). bench/dns.ts uses it to give every DNS worker the same share of a core while
// dnsperf, on the same two cores, keeps what it needs; test/integration/dns/cgroup-workers.test.ts starts
// the DNS server inside one. cgroup v1 (cpu controller) or v2; needs root.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PERIOD_US = 10_000;

interface Layout {
  root: string;
  v2: boolean;
}

function layout(): Layout | string {
  const v2 = '/sys/fs/cgroup/cgroup.controllers';
  if (existsSync(v2)) {
    if (!readFileSync(v2, 'utf8').split(/\s+/).includes('cpu')) return 'cgroup v2 without the cpu controller';
    return { root: '/sys/fs/cgroup', v2: true };
  }
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) return { root: '/sys/fs/cgroup/cpu', v2: false };
  return 'no cgroup cpu controller mounted';
}

export class CpuQuota {
  private readonly groups: string[] = [];
  private readonly moved: number[] = [];

  private constructor(private readonly fs: Layout) {}

  /** A quota handle, or the reason quotas cannot be set here (not root, no cpu controller). */
  static open(): CpuQuota | string {
    const fs = layout();
    if (typeof fs === 'string') return fs;
    const quota = new CpuQuota(fs);
    try {
      if (fs.v2) writeFileSync(join(fs.root, 'cgroup.subtree_control'), '+cpu');
      quota.group('probe');
      quota.release();
      return quota;
    } catch (err) {
      return `cannot use cgroups: ${(err as Error).message}`;
    }
  }

  /** Hold process `pid` (all its threads) to `cores` of one core. */
  limit(pid: number, cores: number): void {
    writeFileSync(this.prepare(`p${pid}`, cores), String(pid));
    this.moved.push(pid);
  }

  /**
   * A group held to `cores` CPUs, empty: its cgroup.procs file, for a process to move itself into
   * before it starts (a shell that writes $$ there and then execs the program). The group is
   * removed by release() once that process has exited.
   */
  prepare(name: string, cores: number): string {
    const dir = this.group(name);
    const quota = Math.max(1000, Math.round(cores * PERIOD_US));
    if (this.fs.v2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
    else {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    return join(dir, 'cgroup.procs');
  }

  /** The file a quota is set in here: `cpu.max` (cgroup v2) or `cpu.cfs_quota_us` (v1). */
  get quotaFile(): string {
    return this.fs.v2 ? 'cpu.max' : 'cpu.cfs_quota_us';
  }

  /** Every limited process back to the root group, and the groups removed. */
  release(): void {
    for (const pid of this.moved.splice(0)) {
      try {
        writeFileSync(join(this.fs.root, 'cgroup.procs'), String(pid));
      } catch {
        // exited
      }
    }
    for (const dir of this.groups.splice(0).reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // still in use by a process that moved itself; harmless
      }
    }
  }

  private group(name: string): string {
    const dir = join(this.fs.root, `gf-bench-${process.pid}-${name}`);
    mkdirSync(dir, { recursive: true });
    this.groups.push(dir);
    return dir;
  }
}
