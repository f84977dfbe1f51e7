// The install's private PKI, made with openssl in the test's directory: one CA for the controllers'
// API (server certificates for their 198.18 addresses, a client certificate for each agent and one
// for the operator), one for etcd (members by name and address, a client certificate for the
// controllers), and a CA nobody trusts with a client certificate of its own (the foreign one that
// must be refused).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Ca, type Issued, issue, makeCa } from '../../../integration/tls/certs.ts';
import type { Host } from '../namespaces.ts';
import { etcdName } from './layout.ts';

export interface Pki {
  apiCa: Ca;
  /** Per controller host name. */
  servers: Map<string, Issued>;
  /** Per prober id. */
  agents: Map<string, Issued>;
  operator: Issued;
  etcdCa: Ca;
  /** Per etcd member host name: serves clients and talks to the other members. */
  members: Map<string, Issued>;
  etcdClient: Issued;
  foreign: Issued;
}

export function makePki(
  dir: string,
  controllers: readonly Host[],
  probers: readonly string[],
  etcd: readonly Host[],
): Pki {
  const d = join(dir, 'pki');
  mkdirSync(d, { recursive: true });
  const apiCa = makeCa(d, 'api-ca');
  const etcdCa = makeCa(d, 'etcd-ca');
  const otherCa = makeCa(d, 'other-ca');
  return {
    apiCa,
    servers: new Map(
      controllers.map((c) => [c.name, issue(d, apiCa, `${c.name}-server`, { san: [`IP:${c.address}`] })]),
    ),
    agents: new Map(probers.map((p) => [p, issue(d, apiCa, `probe-${p}`, { usage: 'client' })])),
    operator: issue(d, apiCa, 'operator', { usage: 'client' }),
    etcdCa,
    members: new Map(
      etcd.map((m) => [
        m.name,
        issue(d, etcdCa, m.name, { usage: 'peer', san: [`DNS:${etcdName(m)}`, `IP:${m.address}`] }),
      ]),
    ),
    etcdClient: issue(d, etcdCa, 'etcd-client', { usage: 'client' }),
    foreign: issue(d, otherCa, 'foreign-agent', { usage: 'client' }),
  };
}
