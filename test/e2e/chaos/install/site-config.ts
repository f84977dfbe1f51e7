// The install's config: the shipped HA site config with only what a site must change changed — the
// endpoint addresses and the controllers' (this network's), TLS and client certificates, etcd's
// members, TLS and user, the state directory — plus two changes the test needs: health timings short
// enough for a run of a minute or two, and the Route 53 zone moved to the builtin server (no Route 53
// is reachable from the namespaces). Pure: text in, text out.
import { parse, stringify } from 'yaml';
import type { Host } from '../namespaces.ts';
import { ETCD_MEMBERS, endpointAddress, etcdEndpoint, regionHost } from './layout.ts';

// biome-ignore lint/suspicious/noExplicitAny: the shipped YAML is edited field by field
type Loose = any;

export interface SiteFiles {
  apiCa: string;
  serverCert: string;
  serverKey: string;
  agentCert: string;
  agentKey: string;
  etcdCa: string;
  etcdClientCert: string;
  etcdClientKey: string;
}

export interface SiteOptions {
  /** The replica this file is for (its listen addresses); agents may read any replica's. */
  self: Host;
  controllers: readonly Host[];
  stateDir: string;
  files: SiteFiles;
  etcdUser: string;
  etcdPasswordEnv: string;
}

export const API_PORT = 8080;
export const DNS_PORT = 5353;

/** The regions of the shipped config with their hosts, in its order. */
export function shippedRegions(shipped: string): { id: string; host: Host; endpoints: number }[] {
  const doc = parse(shipped) as Loose;
  return (doc.regions as Loose[]).map((r, i) => ({
    id: r.id,
    host: regionHost(r.id, i),
    endpoints: r.endpoints.length,
  }));
}

export function shippedProbers(shipped: string): { id: string; keyEnv: string }[] {
  return ((parse(shipped) as Loose).probers as Loose[]).map((p) => ({ id: p.id, keyEnv: p.keyEnv }));
}

const hostPort = (h: Host, port: number) => `${h.address}:${port}`;

export function siteConfig(shipped: string, o: SiteOptions): string {
  const doc = parse(shipped) as Loose;
  (doc.regions as Loose[]).forEach((r, i) => {
    (r.endpoints as Loose[]).forEach((e, j) => {
      const to = endpointAddress(i, j);
      if (e.check?.url) e.check.url = String(e.check.url).replace(e.address, to);
      e.address = to;
    });
  });
  doc.controllers = o.controllers.map((c) => ({
    url: `https://${hostPort(c, API_PORT)}`,
    ca: o.files.apiCa,
    certFile: o.files.agentCert,
    keyFile: o.files.agentKey,
  }));
  // One decision a second, two to fall or rise: a failover in seconds, not in the shipped minute.
  Object.assign(doc.health, {
    interval: '1s',
    timeout: '500ms',
    fall: 2,
    rise: 2,
    staleAfter: '5s',
    failbackAfter: '3s',
  });
  const builtin = Object.entries(doc.providers as Record<string, Loose>).find(
    ([, p]) => p.kind === 'builtin',
  );
  if (!builtin) throw new Error('the shipped config has no builtin provider');
  const [builtinId, provider] = builtin;
  provider.listen = hostPort(o.self, DNS_PORT);
  for (const z of doc.zones as Loose[]) z.provider = builtinId;
  doc.providers = { [builtinId]: provider };
  doc.controller.listen = hostPort(o.self, API_PORT);
  doc.controller.stateDir = o.stateDir;
  doc.controller.tls = {
    certFile: o.files.serverCert,
    keyFile: o.files.serverKey,
    clientCaFile: o.files.apiCa,
    requireClientCert: true,
  };
  Object.assign(doc.controller.coordination, {
    endpoints: ETCD_MEMBERS.map(etcdEndpoint),
    tls: { ca: o.files.etcdCa, certFile: o.files.etcdClientCert, keyFile: o.files.etcdClientKey },
    auth: { user: o.etcdUser, passwordEnv: o.etcdPasswordEnv },
  });
  return `# The shipped HA site config (deploy/kubernetes/components/config-ha), mapped by the install test for ${o.self.name}.\n${stringify(doc)}`;
}
