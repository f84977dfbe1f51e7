// readCgroupLimits over the layouts a controller meets: cgroup v2 in a container (its own namespace),
// v2 under systemd (a slice limit above the service), v1 Docker without a cgroup namespace (the
// mount shows a subtree), hybrid (v1 cpu and memory beside an empty v2), and no limit at all.
import { describe, expect, it } from 'vitest';
import {
  cgroupDirs,
  parseCfsQuota,
  parseCgroupMounts,
  parseCpuMax,
  parseMemoryLimit,
  parseProcCgroup,
  readCgroupLimits,
} from '../../../providers/builtin/dns-server/cgroup.ts';

const MiB = 1024 * 1024;
const fs = (files: Record<string, string>) => (path: string) => files[path];

const V2_MOUNT =
  '29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate';

describe('parsers', () => {
  it('cpu.max, cfs quota and period, memory limits', () => {
    expect(parseCpuMax('max 100000\n')).toBeUndefined();
    expect(parseCpuMax('100000 100000\n')).toBe(1);
    expect(parseCpuMax('150000 100000')).toBe(1.5);
    expect(parseCpuMax('50000')).toBe(0.5); // period defaults to 100000
    expect(parseCpuMax('')).toBeUndefined();
    expect(parseCfsQuota('-1\n', '100000\n')).toBeUndefined();
    expect(parseCfsQuota('250000\n', '100000\n')).toBe(2.5);
    expect(parseCfsQuota('garbage', '100000')).toBeUndefined();
    expect(parseMemoryLimit('max\n')).toBeUndefined();
    expect(parseMemoryLimit('536870912\n')).toBe(512 * MiB);
    expect(parseMemoryLimit('9223372036854771712\n')).toBeUndefined(); // v1's "no limit"
    expect(parseMemoryLimit('0')).toBeUndefined();
  });

  it('/proc/self/cgroup lines, v1 and v2', () => {
    expect(
      parseProcCgroup('12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/x\n0::/\n'),
    ).toEqual([
      { hierarchy: 12, controllers: ['memory'], path: '/docker/abc' },
      { hierarchy: 4, controllers: ['cpu', 'cpuacct'], path: '/docker/abc' },
      { hierarchy: 1, controllers: ['name=systemd'], path: '/x' },
      { hierarchy: 0, controllers: [], path: '/' },
    ]);
  });

  it('cgroup mounts of mountinfo, escapes undone, other mounts skipped', () => {
    const text = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      V2_MOUNT,
      '32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct',
      '33 31 0:30 / /mnt/my\\040cgroups rw - cgroup cgroup rw,memory',
    ].join('\n');
    expect(parseCgroupMounts(text)).toEqual([
      { v2: true, controllers: [], root: '/', mountPoint: '/sys/fs/cgroup' },
      {
        v2: false,
        controllers: ['cpu', 'cpuacct'],
        root: '/docker/abc',
        mountPoint: '/sys/fs/cgroup/cpu,cpuacct',
      },
      { v2: false, controllers: ['memory'], root: '/', mountPoint: '/mnt/my cgroups' },
    ]);
  });

  it('the cgroup directory and its parents, below the mounted subtree only', () => {
    const m = { v2: true, controllers: [], root: '/', mountPoint: '/sys/fs/cgroup' };
    expect(cgroupDirs(m, '/system.slice/gf.service')).toEqual([
      '/sys/fs/cgroup/system.slice/gf.service',
      '/sys/fs/cgroup/system.slice',
      '/sys/fs/cgroup',
    ]);
    expect(cgroupDirs(m, '/')).toEqual(['/sys/fs/cgroup']);
    const sub = { v2: false, controllers: ['cpu'], root: '/docker/abc', mountPoint: '/sys/fs/cgroup/cpu' };
    expect(cgroupDirs(sub, '/docker/abc')).toEqual(['/sys/fs/cgroup/cpu']);
    expect(cgroupDirs(sub, '/docker/abc/inner')).toEqual(['/sys/fs/cgroup/cpu/inner', '/sys/fs/cgroup/cpu']);
    // A path outside the mounted subtree (another namespace's view): only the mount point is seen.
    expect(cgroupDirs(sub, '/../other')).toEqual(['/sys/fs/cgroup/cpu']);
  });
});

describe('readCgroupLimits', () => {
  it('cgroup v2 in a container with its own namespace (Kubernetes: 1 CPU, 512Mi)', () => {
    const read = fs({
      '/proc/self/cgroup': '0::/\n',
      '/proc/self/mountinfo': `${V2_MOUNT}\n`,
      '/sys/fs/cgroup/cpu.max': '100000 100000\n',
      '/sys/fs/cgroup/memory.max': '536870912\n',
    });
    expect(readCgroupLimits(read)).toEqual({
      cpuQuota: { cores: 1, file: 'cpu.max' },
      memoryLimit: { bytes: 512 * MiB, file: 'memory.max' },
    });
  });

  it('cgroup v2 under systemd: the tightest of the service and its slices', () => {
    const read = fs({
      '/proc/self/cgroup': '0::/geofailover.slice/geofailover-controller.service\n',
      '/proc/self/mountinfo': `${V2_MOUNT}\n`,
      '/sys/fs/cgroup/geofailover.slice/geofailover-controller.service/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/geofailover.slice/geofailover-controller.service/memory.max': '1073741824\n',
      '/sys/fs/cgroup/geofailover.slice/cpu.max': '200000 100000\n',
      '/sys/fs/cgroup/geofailover.slice/memory.max': 'max\n',
    });
    expect(readCgroupLimits(read)).toEqual({
      cpuQuota: { cores: 2, file: 'cpu.max' },
      memoryLimit: { bytes: 1024 * MiB, file: 'memory.max' },
    });
  });

  it('cgroup v1 in Docker without a cgroup namespace: the mount shows the container subtree', () => {
    const read = fs({
      '/proc/self/cgroup': '11:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n',
      '/proc/self/mountinfo': [
        '40 31 0:35 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct',
        '41 31 0:36 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory',
      ].join('\n'),
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '150000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '805306368\n',
    });
    expect(readCgroupLimits(read)).toEqual({
      cpuQuota: { cores: 1.5, file: 'cpu.cfs_quota_us' },
      memoryLimit: { bytes: 768 * MiB, file: 'memory.limit_in_bytes' },
    });
  });

  it('hybrid: cpu and memory in v1 hierarchies beside a v2 one without controllers', () => {
    const read = fs({
      '/proc/self/cgroup': '4:memory:/\n1:cpu:/gf\n0::/\n',
      '/proc/self/mountinfo': [
        '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
        '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
        '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
      ].join('\n'),
      '/sys/fs/cgroup/cpu/gf/cpu.cfs_quota_us': '10000\n',
      '/sys/fs/cgroup/cpu/gf/cpu.cfs_period_us': '10000\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
      // Never read: cpu lives in the v1 hierarchy here.
      '/sys/fs/cgroup/unified/cpu.max': '50000 100000\n',
    });
    expect(readCgroupLimits(read)).toEqual({ cpuQuota: { cores: 1, file: 'cpu.cfs_quota_us' } });
  });

  it('no limits, and nothing readable (not Linux, /proc hidden): no limits either', () => {
    const read = fs({
      '/proc/self/cgroup': '0::/user.slice\n',
      '/proc/self/mountinfo': `${V2_MOUNT}\n`,
      '/sys/fs/cgroup/user.slice/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/user.slice/memory.max': 'max\n',
    });
    expect(readCgroupLimits(read)).toEqual({});
    expect(readCgroupLimits(() => undefined)).toEqual({});
  });

  it('reads this machine without throwing', () => {
    const limits = readCgroupLimits();
    if (limits.cpuQuota) expect(limits.cpuQuota.cores).toBeGreaterThan(0);
    if (limits.memoryLimit) expect(limits.memoryLimit.bytes).toBeGreaterThan(0);
  });
});
