// The install test's network and names: its own namespace family (prefix gfoinst-, so neither its
// cleanup nor the chaos suite's touches the other's), which host gets which 198.18.1.x address, the
// etcd members' names and ports. The regions and probers come from the shipped config, in its order.
// Pure: no I/O.
import { type Host, Namespaces } from '../namespaces.ts';

export const NET = new Namespaces('gfoinst-');

export const CLIENT: Host = { name: 'client', address: '198.18.1.2' };
export const ETCD_MEMBERS: readonly Host[] = [1, 2, 3].map((i) => ({
  name: `etcd-${i}`,
  address: `198.18.1.${4 + i}`,
}));
/** The StatefulSet's pod names (overlays/ha): they are the replicas' ids and the namespace names. */
export const CONTROLLERS: readonly Host[] = [0, 1].map((i) => ({
  name: `ctrl-${i}`,
  address: `198.18.1.${10 + i}`,
}));
export const replicaId = (c: Host) => `geofailover-controller-${c.name.slice('ctrl-'.length)}`;

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
/** An https:// etcd endpoint needs a name etcd's certificate lists (the gRPC client sends it as SNI). */
export const etcdName = (m: Host) => `${m.name}.gfoinst.test`;
export const etcdEndpoint = (m: Host) => `https://${etcdName(m)}:${ETCD_CLIENT_PORT}`;

/** One namespace per region (named by the region id), from the shipped config's region order. */
export function regionHost(regionId: string, index: number): Host {
  return { name: regionId, address: `198.18.1.${21 + index}` };
}

/** A region's j-th endpoint: its host's address, then more addresses on the same host. */
export function endpointAddress(regionIndex: number, endpointIndex: number): string {
  return `198.18.1.${21 + regionIndex + 100 * endpointIndex}`;
}

/** Every host that is not a region: regions are added once the shipped config is read. */
export const FIXED_HOSTS: readonly Host[] = [CLIENT, ...ETCD_MEMBERS, ...CONTROLLERS];

/** The hosts file every process that names etcd members reads (bind-mounted over /etc/hosts). */
export function hostsFile(): string {
  return ['127.0.0.1 localhost', ...ETCD_MEMBERS.map((m) => `${m.address} ${etcdName(m)}`), ''].join('\n');
}
