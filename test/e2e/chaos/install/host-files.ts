// What each process's tree holds, where the shipped manifests mount it: the site config at
// /etc/geofailover, the API's TLS files at the paths the config names (a controller: its server pair;
// an agent: its own client pair; both: the private CA), and a controller's etcd CA and client pair.
import type { Host } from '../namespaces.ts';
import type { Pki } from './pki.ts';
import type { Root } from './roots.ts';
import { CONFIG_PATH } from './shipped.ts';
import { ETCD_TLS, type SiteFacts } from './site-config.ts';

export function layOutController(root: Root, site: string, facts: SiteFacts, pki: Pki, c: Host): void {
  root.write(CONFIG_PATH, root.mapText(site));
  const server = pki.servers.get(c.name)!;
  root.copy(facts.tls.ca, pki.apiCa.cert);
  root.copy(facts.tls.certFile, server.cert);
  root.copy(facts.tls.keyFile, server.key);
  root.copy(ETCD_TLS.ca, pki.etcdCa.cert);
  root.copy(ETCD_TLS.certFile, pki.etcdClient.cert);
  root.copy(ETCD_TLS.keyFile, pki.etcdClient.key);
}

export function layOutAgent(root: Root, site: string, facts: SiteFacts, pki: Pki, prober: string): void {
  root.write(CONFIG_PATH, root.mapText(site));
  const pair = pki.agents.get(prober)!;
  root.copy(facts.tls.ca, pki.apiCa.cert);
  root.copy(facts.tls.certFile, pair.cert);
  root.copy(facts.tls.keyFile, pair.key);
}
