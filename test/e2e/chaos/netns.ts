// The chaos suite's network: its family of namespaces (namespaces.ts: one per host on a bridge in a
// "core" namespace, addresses only from 198.18.0.0/15, the benchmarking range) and the faults the
// scenarios inject (link down, blackhole routes, nftables packet loss). Every namespace carries the
// PREFIX so a crashed run's leftovers are found and removed on the next start.
import { execFileSync, spawnSync } from 'node:child_process';
import { type Host, Namespaces, SUBNET_BITS } from './namespaces.ts';

export { type Host, pidsIn, SUBNET_BITS } from './namespaces.ts';

/** Every namespace this suite creates starts with this; nothing else on the machine may use it. */
export const PREFIX = 'gfochaos-';
const NET = new Namespaces(PREFIX);
export const CORE = NET.core;

export const ns = (host: string) => NET.ns(host);

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run `ip` and ignore failure (teardown paths). */
function ipQuiet(args: string[]): void {
  spawnSync('ip', args, { stdio: 'ignore' });
}

export const listOurNamespaces = (): string[] => NET.list();
export const teardownAll = (): string[] => NET.teardownAll();
export const cannotBuildReason = (): string | undefined => NET.cannotBuildReason();
export const buildTopology = (hosts: readonly Host[]): void => NET.buildTopology(hosts);

// ---- faults -----------------------------------------------------------------------------------

/** Link down/up on a host's only interface: the host drops off the network (and comes back). */
export function setLink(host: string, up: boolean): void {
  ip(['-n', ns(host), 'link', 'set', 'eth0', up ? 'up' : 'down']);
}

/**
 * A partition: blackhole routes in `host` to every address in `peers`, and in each peer back to
 * `host` (both directions, so neither a request nor a reply crosses). `heal` removes them.
 */
export function partition(host: Host, peers: readonly Host[]): void {
  for (const p of peers) {
    ip(['-n', ns(host.name), 'route', 'add', 'blackhole', `${p.address}/32`]);
    ip(['-n', ns(p.name), 'route', 'add', 'blackhole', `${host.address}/32`]);
  }
}

export function heal(host: Host, peers: readonly Host[]): void {
  for (const p of peers) {
    ipQuiet(['-n', ns(host.name), 'route', 'del', 'blackhole', `${p.address}/32`]);
    ipQuiet(['-n', ns(p.name), 'route', 'del', 'blackhole', `${host.address}/32`]);
  }
}

/** Is `tc qdisc ... netem` usable in this kernel? (Containers often lack sch_netem.) */
export function hasNetem(host: string): boolean {
  const r = spawnSync('tc', ['-n', ns(host), 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '1%'], {
    stdio: 'ignore',
  });
  if (r.status !== 0) return false;
  spawnSync('tc', ['-n', ns(host), 'qdisc', 'del', 'dev', 'lo', 'root'], { stdio: 'ignore' });
  return true;
}

export function hasNft(host: string): boolean {
  const table = 'gfochaos_probe';
  const r = spawnSync('ip', ['netns', 'exec', ns(host), 'nft', 'add', 'table', 'inet', table], {
    stdio: 'ignore',
  });
  if (r.status !== 0) return false;
  spawnSync('ip', ['netns', 'exec', ns(host), 'nft', 'delete', 'table', 'inet', table], { stdio: 'ignore' });
  return true;
}

export type LossMechanism = 'netem' | 'nftables';

/**
 * Random packet loss of `percent` on a host's eth0, both directions: tc netem when the kernel has it,
 * else nftables `numgen random` drops. Returns the mechanism used.
 */
export function addLoss(host: string, percent: number, mechanism: LossMechanism): void {
  const n = ns(host);
  if (mechanism === 'netem') {
    // netem shapes egress only: once on the host's eth0 (outgoing), once on the bridge side (incoming).
    execFileSync('tc', ['-n', n, 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'loss', `${percent}%`]);
    execFileSync('tc', [
      '-n',
      CORE,
      'qdisc',
      'add',
      'dev',
      `v-${host}`,
      'root',
      'netem',
      'loss',
      `${percent}%`,
    ]);
    return;
  }
  const rules = [
    'table inet gfochaos_loss {',
    '  chain in {',
    '    type filter hook input priority 0;',
    `    iifname "eth0" numgen random mod 100 < ${percent} drop`,
    '  }',
    '  chain out {',
    '    type filter hook output priority 0;',
    `    oifname "eth0" numgen random mod 100 < ${percent} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
  execFileSync('ip', ['netns', 'exec', n, 'nft', '-f', '-'], { input: rules });
}

export function removeLoss(host: string, mechanism: LossMechanism): void {
  const n = ns(host);
  if (mechanism === 'netem') {
    spawnSync('tc', ['-n', n, 'qdisc', 'del', 'dev', 'eth0', 'root'], { stdio: 'ignore' });
    spawnSync('tc', ['-n', CORE, 'qdisc', 'del', 'dev', `v-${host}`, 'root'], { stdio: 'ignore' });
  } else
    spawnSync('ip', ['netns', 'exec', n, 'nft', 'delete', 'table', 'inet', 'gfochaos_loss'], {
      stdio: 'ignore',
    });
}

/** The second address a host's delay proxy sends from (so the redirect does not catch it again). */
export function proxySourceAddress(host: Host): string {
  const last = Number(host.address.split('.').pop());
  return `198.18.0.${last + 100}`;
}

/**
 * Redirect a host's TCP connections to `targets` (port `port`) into a local delay proxy listening on
 * 127.0.0.1:(basePort + i), with nftables; the proxy's own upstream connections leave from
 * proxySourceAddress() and pass. Returns the proxy's LISTEN=TARGET routes.
 */
export function redirectToProxy(
  host: Host,
  targets: readonly Host[],
  port: number,
  basePort: number,
): string[] {
  const n = ns(host.name);
  const src = proxySourceAddress(host);
  ip(['-n', n, 'addr', 'add', `${src}/${SUBNET_BITS}`, 'dev', 'eth0']);
  const rules = targets.map(
    (t, i) => `    ip daddr ${t.address} tcp dport ${port} ip saddr != ${src} redirect to :${basePort + i}`,
  );
  const table = [
    'table ip gfochaos_delay {',
    '  chain out {',
    '    type nat hook output priority -100;',
    ...rules,
    '  }',
    '}',
    '',
  ].join('\n');
  execFileSync('ip', ['netns', 'exec', n, 'nft', '-f', '-'], { input: table });
  // NAT applies to new connections only: close the kept-alive ones so every check goes through the proxy.
  for (const t of targets)
    spawnSync('ip', ['netns', 'exec', n, 'ss', '-K', 'dst', t.address, 'dport', '=', String(port)], {
      stdio: 'ignore',
    });
  return targets.map((t, i) => `127.0.0.1:${basePort + i}=${t.address}:${port}`);
}

export function removeRedirect(host: Host): void {
  const n = ns(host.name);
  spawnSync('ip', ['netns', 'exec', n, 'nft', 'delete', 'table', 'ip', 'gfochaos_delay'], {
    stdio: 'ignore',
  });
  ipQuiet(['-n', n, 'addr', 'del', `${proxySourceAddress(host)}/${SUBNET_BITS}`, 'dev', 'eth0']);
}

/** netem delay both ways on a host's link (kernels with sch_netem only); removeLoss(host, 'netem') undoes it. */
export function addNetemDelay(host: string, delayMs: number): void {
  execFileSync('tc', [
    '-n',
    ns(host),
    'qdisc',
    'add',
    'dev',
    'eth0',
    'root',
    'netem',
    'delay',
    `${delayMs}ms`,
  ]);
  execFileSync('tc', [
    '-n',
    CORE,
    'qdisc',
    'add',
    'dev',
    `v-${host}`,
    'root',
    'netem',
    'delay',
    `${delayMs}ms`,
  ]);
}
