// The CPU quota and memory limit of this process's own cgroup (v2 or v1, hybrid too), read from
// /proc/self/cgroup and /proc/self/mountinfo and the cgroup files they lead to. Node's
// os.availableParallelism() follows CPU affinity only, so a container held to 1 CPU on a 32-core
// node sees 32. The parsers are pure; readCgroupLimits does the reading, through `read` for tests.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { CpuQuota, MemoryLimit } from './worker-budget.ts';

export interface CgroupLimits {
  cpuQuota?: CpuQuota;
  memoryLimit?: MemoryLimit;
}

/** A file's text, or undefined when it cannot be read (absent, no permission, not Linux). */
export type ReadText = (path: string) => string | undefined;

export interface CgroupMembership {
  /** 0 for the v2 (unified) hierarchy. */
  hierarchy: number;
  /** v1 controllers of the hierarchy, e.g. ["cpu", "cpuacct"]; empty for v2. */
  controllers: string[];
  /** The cgroup's path inside its hierarchy, e.g. "/kubepods/pod1/abc". */
  path: string;
}

export interface CgroupMount {
  v2: boolean;
  /** v1 controllers mounted here (from the super options); empty for v2. */
  controllers: string[];
  /** The hierarchy's directory that is mounted (not "/" when a container sees only its subtree). */
  root: string;
  mountPoint: string;
}

/** Lines of /proc/self/cgroup: `hierarchy-ID:controller-list:path`. */
export function parseProcCgroup(text: string): CgroupMembership[] {
  return text.split('\n').flatMap((line) => {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) return [];
    return [
      {
        hierarchy: Number(m[1]),
        controllers: m[2] === '' ? [] : m[2]!.split(','),
        path: m[3]!,
      },
    ];
  });
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040). */
const unescapeMount = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The cgroup mounts of /proc/self/mountinfo. */
export function parseCgroupMounts(text: string): CgroupMount[] {
  return text.split('\n').flatMap((line) => {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) return [];
    const fstype = fields[dash + 1];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') return [];
    const superOptions = (fields[dash + 3] ?? '').split(',');
    return [
      {
        v2: fstype === 'cgroup2',
        controllers: fstype === 'cgroup' ? superOptions.filter((o) => o !== 'rw' && o !== 'ro') : [],
        root: unescapeMount(fields[3]!),
        mountPoint: unescapeMount(fields[4]!),
      },
    ];
  });
}

/** cgroup v2 `cpu.max`: "max 100000" (no quota) or "150000 100000" (1.5 CPUs). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return ratio(quota, period ?? '100000');
}

/** cgroup v1 `cpu.cfs_quota_us` (-1: no quota) over `cpu.cfs_period_us`. */
export function parseCfsQuota(quota: string, period: string): number | undefined {
  if (quota.trim() === '-1') return undefined;
  return ratio(quota.trim(), period.trim());
}

function ratio(quota: string, period: string): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && Number.isFinite(p) && q > 0 && p > 0 ? q / p : undefined;
}

/**
 * `memory.max` ("max": none) or v1 `memory.limit_in_bytes`, where "no limit" is the largest page-
 * aligned 64-bit value (9223372036854771712): anything from 2^62 up is no limit.
 */
export function parseMemoryLimit(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 && n < 2 ** 62 ? n : undefined;
}

/** The cgroup's directory under its mount, then each parent up to the mount point. */
export function cgroupDirs(mount: CgroupMount, path: string): string[] {
  const root = mount.root === '/' ? '' : mount.root;
  // Inside the mounted subtree: the part below it. Outside (a cgroup namespace shows "/" or a
  // "/.." path): the mount point itself is the best we can see.
  const inside = path === root || path.startsWith(`${root}/`) ? path.slice(root.length) : '';
  const parts = inside.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) dirs.push(posix.join(mount.mountPoint, ...parts.slice(0, n)));
  return dirs;
}

interface Located {
  mount: CgroupMount;
  path: string;
}

/** Where a controller's files are for this process: its v1 hierarchy if it has one, else v2. */
function locate(controller: string, members: CgroupMembership[], mounts: CgroupMount[]): Located | undefined {
  const v1 = members.find((m) => m.hierarchy !== 0 && m.controllers.includes(controller));
  if (v1) {
    const mount = pickMount(
      mounts.filter((m) => !m.v2 && m.controllers.includes(controller)),
      v1.path,
    );
    if (mount) return { mount, path: v1.path };
  }
  const v2 = members.find((m) => m.hierarchy === 0);
  const mount =
    v2 &&
    pickMount(
      mounts.filter((m) => m.v2),
      v2.path,
    );
  return mount && v2 ? { mount, path: v2.path } : undefined;
}

/** Of several mounts of one hierarchy, the one whose root holds the path (the deepest such). */
function pickMount(candidates: CgroupMount[], path: string): CgroupMount | undefined {
  const holding = candidates
    .filter((m) => m.root === '/' || path === m.root || path.startsWith(`${m.root}/`))
    .sort((a, b) => b.root.length - a.root.length);
  return holding[0] ?? candidates[0];
}

/** The smallest value along the cgroup and its parents (a parent's limit binds its children too). */
function smallest<T extends { value: number }>(found: (T | undefined)[]): T | undefined {
  let best: T | undefined;
  for (const f of found) if (f && (!best || f.value < best.value)) best = f;
  return best;
}

const readOrUndefined: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** This process's CPU quota and memory limit; either is absent when none is set (or none can be read). */
export function readCgroupLimits(read: ReadText = readOrUndefined): CgroupLimits {
  const members = parseProcCgroup(read('/proc/self/cgroup') ?? '');
  const mounts = parseCgroupMounts(read('/proc/self/mountinfo') ?? '');
  const limits: CgroupLimits = {};

  const cpu = locate('cpu', members, mounts);
  if (cpu) {
    const v2 = cpu.mount.v2;
    const best = smallest(
      cgroupDirs(cpu.mount, cpu.path).map((dir) => {
        const value = v2
          ? parseCpuMax(read(posix.join(dir, 'cpu.max')) ?? 'max')
          : parseCfsQuota(
              read(posix.join(dir, 'cpu.cfs_quota_us')) ?? '-1',
              read(posix.join(dir, 'cpu.cfs_period_us')) ?? '100000',
            );
        return value === undefined ? undefined : { value };
      }),
    );
    if (best) limits.cpuQuota = { cores: best.value, file: v2 ? 'cpu.max' : 'cpu.cfs_quota_us' };
  }

  const memory = locate('memory', members, mounts);
  if (memory) {
    const file = memory.mount.v2 ? 'memory.max' : 'memory.limit_in_bytes';
    const best = smallest(
      cgroupDirs(memory.mount, memory.path).map((dir) => {
        const value = parseMemoryLimit(read(posix.join(dir, file)) ?? 'max');
        return value === undefined ? undefined : { value };
      }),
    );
    if (best) limits.memoryLimit = { bytes: best.value, file };
  }
  return limits;
}
