// The install's config: the shipped HA site config with what a site changes — its endpoint
// addresses, the client-certificate lines the shipped file leaves commented (turned on with the paths
// it names), etcd's members, TLS and user — plus what the test needs: each replica listening on its
// published address only, health timings short enough for a run of a minute or two, and the
// Route 53 zone moved to the builtin server (no Route 53 is reachable from the namespaces). Paths
// stay the shipped ones (Root maps them per process); the controller URLs stay out of the file, in
// controllers.env. Pure: text in, text out.
import { parse, stringify } from 'yaml';
import type { Host } from '../namespaces.ts';
import { ETCD_MEMBERS, endpointAddress, etcdEndpoint, regionHost } from './layout.ts';

// biome-ignore lint/suspicious/noExplicitAny: the shipped YAML is edited field by field
type Loose = any;

/** Where a controller finds etcd's CA and its etcd client certificate (a Secret mounted like its TLS). */
export const ETCD_TLS = {
  ca: '/etc/geofailover-etcd/ca.crt',
  certFile: '/etc/geofailover-etcd/tls.crt',
  keyFile: '/etc/geofailover-etcd/tls.key',
};

export interface SiteOptions {
  /** The replica this file is for: its API and DNS listen on its address only. */
  self: Host;
  etcdUser: string;
  etcdPasswordEnv: string;
}

/** What the test reads from the shipped site config. */
export interface SiteFacts {
  regions: { id: string; host: Host; endpoints: number }[];
  probers: { id: string; keyEnv: string }[];
  owner: string;
  apiPort: number;
  dnsPort: number;
  /** The variable controllersFrom expands, and the TLS paths of the controller and the agents. */
  controllersEnv: string;
  tls: { ca: string; certFile: string; keyFile: string };
}

const portOf = (hostPort: string) => Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));

function builtin(doc: Loose): [string, Loose] {
  const found = Object.entries(doc.providers as Record<string, Loose>).find(([, p]) => p.kind === 'builtin');
  if (!found) throw new Error('the shipped config has no builtin provider');
  return found;
}

export function siteFacts(shipped: string): SiteFacts {
  const doc = parse(shipped) as Loose;
  if (!doc.controllersFrom?.env) throw new Error('the shipped config takes no controllersFrom.env');
  return {
    regions: (doc.regions as Loose[]).map((r, i) => ({
      id: r.id,
      host: regionHost(r.id, i),
      endpoints: r.endpoints.length,
    })),
    probers: (doc.probers as Loose[]).map((p) => ({ id: p.id, keyEnv: p.keyEnv })),
    owner: doc.owner,
    apiPort: portOf(doc.controller.listen),
    dnsPort: portOf(builtin(doc)[1].listen),
    controllersEnv: doc.controllersFrom.env,
    tls: {
      ca: doc.controllersFrom.ca,
      certFile: doc.controller.tls.certFile,
      keyFile: doc.controller.tls.keyFile,
    },
  };
}

export function siteConfig(shipped: string, o: SiteOptions): string {
  const doc = parse(shipped) as Loose;
  (doc.regions as Loose[]).forEach((r, i) => {
    (r.endpoints as Loose[]).forEach((e, j) => {
      const to = endpointAddress(i, j);
      if (e.check?.url) e.check.url = String(e.check.url).replace(e.address, to);
      e.address = to;
    });
  });
  // Client certificates on, as the commented lines say: the controller checks them against the CA
  // agents trust it by, and each process presents the pair mounted at the controller's TLS paths
  // (on a controller its server pair, on an agent its own client pair).
  doc.controller.tls.clientCaFile = doc.controllersFrom.ca;
  doc.controller.tls.requireClientCert = true;
  doc.controllersFrom.certFile = doc.controller.tls.certFile;
  doc.controllersFrom.keyFile = doc.controller.tls.keyFile;
  // One decision a second, two to fall or rise: a failover in seconds, not in the shipped minute.
  Object.assign(doc.health, {
    interval: '1s',
    timeout: '500ms',
    fall: 2,
    rise: 2,
    staleAfter: '5s',
    failbackAfter: '3s',
  });
  const [builtinId, provider] = builtin(doc);
  provider.listen = `${o.self.address}:${portOf(provider.listen)}`;
  for (const z of doc.zones as Loose[]) z.provider = builtinId;
  doc.providers = { [builtinId]: provider };
  doc.controller.listen = `${o.self.address}:${portOf(doc.controller.listen)}`;
  Object.assign(doc.controller.coordination, {
    endpoints: ETCD_MEMBERS.map(etcdEndpoint),
    tls: ETCD_TLS,
    auth: { user: o.etcdUser, passwordEnv: o.etcdPasswordEnv },
  });
  return `# The shipped HA site config (deploy/kubernetes/components/config-ha), as the install test sets it up for ${o.self.name}.\n${stringify(doc)}`;
}
