// A family of Linux network namespaces that share one name prefix: one namespace per host, each joined
// by a veth pair to a bridge in the family's own "core" namespace. The prefix is what makes cleanup
// safe: a suite removes only its own family's leftovers, never another suite's that runs beside it.
import { execFileSync, spawnSync } from 'node:child_process';

export const SUBNET_BITS = 24;

export interface Host {
  /** Short name (also the namespace suffix). */
  name: string;
  /** An address from 198.18.0.0/15 (the benchmarking range). */
  address: string;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run `ip` and ignore failure (teardown paths). */
function ipQuiet(args: string[]): void {
  spawnSync('ip', args, { stdio: 'ignore' });
}

/** Pids of processes inside a namespace (`ip netns pids`). */
export function pidsIn(namespace: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export class Namespaces {
  readonly core: string;

  constructor(readonly prefix: string) {
    this.core = `${prefix}core`;
  }

  ns(host: string): string {
    return `${this.prefix}${host}`;
  }

  list(): string[] {
    const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    if (r.status !== 0) return [];
    return r.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0] ?? '')
      .filter((n) => n.startsWith(this.prefix));
  }

  /**
   * Kill every process inside this family's namespaces, then delete the namespaces (their veths and
   * the bridge go with them). Synchronous, so it also works from a process 'exit' handler. Safe to
   * call repeatedly.
   */
  teardownAll(): string[] {
    const names = this.list();
    for (const n of names) {
      for (const pid of pidsIn(n)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const n of names) ipQuiet(['netns', 'del', n]);
    return names;
  }

  /**
   * Why namespaces cannot be built here, or undefined when they can: needs root, iproute2, and the
   * kernel's permission to create a namespace and a veth pair (a container may refuse either).
   */
  cannotBuildReason(): string | undefined {
    if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
    if (typeof process.getuid === 'function' && process.getuid() !== 0)
      return 'network namespaces need root (run the chaos suite as root, as CI does)';
    if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'iproute2 (`ip`) is not installed';
    const probe = `${this.prefix}probe`;
    ipQuiet(['netns', 'del', probe]);
    const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
    try {
      const veth = spawnSync(
        'ip',
        ['-n', probe, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0', 'netns', probe],
        { encoding: 'utf8' },
      );
      if (veth.status !== 0) return `cannot create a veth pair: ${veth.stderr.trim()}`;
      const br = spawnSync('ip', ['-n', probe, 'link', 'add', 'br0', 'type', 'bridge'], { encoding: 'utf8' });
      if (br.status !== 0) return `cannot create a bridge: ${br.stderr.trim()}`;
    } finally {
      ipQuiet(['netns', 'del', probe]);
    }
    return undefined;
  }

  /** Build the core bridge and one namespace per host, each with eth0 on the bridge and lo up. */
  buildTopology(hosts: readonly Host[]): void {
    ip(['netns', 'add', this.core]);
    ip(['-n', this.core, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', this.core, 'link', 'set', 'br0', 'up']);
    for (const h of hosts) {
      const n = this.ns(h.name);
      ip(['netns', 'add', n]);
      ip(['-n', n, 'link', 'set', 'lo', 'up']);
      // Created inside the namespaces directly: no interface ever appears in the machine's own namespace.
      ip(['-n', this.core, 'link', 'add', `v-${h.name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n]);
      ip(['-n', this.core, 'link', 'set', `v-${h.name}`, 'master', 'br0', 'up']);
      ip(['-n', n, 'addr', 'add', `${h.address}/${SUBNET_BITS}`, 'dev', 'eth0']);
      ip(['-n', n, 'link', 'set', 'eth0', 'up']);
    }
  }

  /** One more address on a host's eth0 (a second endpoint served by the same host). */
  addAddress(host: string, address: string): void {
    ip(['-n', this.ns(host), 'addr', 'add', `${address}/${SUBNET_BITS}`, 'dev', 'eth0']);
  }
}
