// The install's etcd: three members, one per namespace, serving clients over TLS only with client
// certificates required (--client-cert-auth), talking to each other over TLS too, then auth turned on
// with a user for the controllers (etcd-auth.mjs, run from the client host by the members' names).
import { join } from 'node:path';
import { NsProcess } from '../procs.ts';
import { CLIENT, ETCD_CLIENT_PORT, ETCD_MEMBERS, ETCD_PEER_PORT, etcdEndpoint, NET } from './layout.ts';
import { runIn, withHosts } from './ns-exec.ts';
import type { Pki } from './pki.ts';

export interface EtcdAuth {
  user: string;
  password: string;
  rootPassword: string;
  /** What the user may read and write: the controllers' default key prefix for the config's owner. */
  prefix: string;
}

const peerUrl = (address: string) => `https://${address}:${ETCD_PEER_PORT}`;

export function startEtcdMembers(bin: string, dir: string, logDir: string, pki: Pki): NsProcess[] {
  const cluster = ETCD_MEMBERS.map((m) => `${m.name}=${peerUrl(m.address)}`).join(',');
  return ETCD_MEMBERS.map((m) => {
    const tls = pki.members.get(m.name)!;
    return new NsProcess(
      m.name,
      m.name,
      [
        bin,
        '--name',
        m.name,
        '--data-dir',
        join(dir, `${m.name}-data`),
        '--listen-client-urls',
        `https://${m.address}:${ETCD_CLIENT_PORT}`,
        '--advertise-client-urls',
        etcdEndpoint(m),
        '--listen-peer-urls',
        peerUrl(m.address),
        '--initial-advertise-peer-urls',
        peerUrl(m.address),
        '--initial-cluster',
        cluster,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'gfoinst',
        '--cert-file',
        tls.cert,
        '--key-file',
        tls.key,
        '--trusted-ca-file',
        pki.etcdCa.cert,
        '--client-cert-auth',
        '--peer-cert-file',
        tls.cert,
        '--peer-key-file',
        tls.key,
        '--peer-trusted-ca-file',
        pki.etcdCa.cert,
        '--peer-client-cert-auth',
        '--logger',
        'zap',
        '--log-level',
        'warn',
      ],
      {},
      join(logDir, `${m.name}.log`),
      NET.ns(m.name),
    );
  });
}

/** Waits for the cluster to answer, then creates root and the controllers' user and enables auth. */
export async function enableAuth(hostsFile: string, pki: Pki, auth: EtcdAuth): Promise<void> {
  const ran = await runIn(
    NET.ns(CLIENT.name),
    withHosts(hostsFile, [
      process.execPath,
      join(import.meta.dirname, 'etcd-auth.mjs'),
      ETCD_MEMBERS.map(etcdEndpoint).join(','),
      pki.etcdCa.cert,
      pki.etcdClient.cert,
      pki.etcdClient.key,
      auth.user,
      auth.prefix,
    ]),
    { env: { ETCD_ROOT_PASSWORD: auth.rootPassword, ETCD_PASSWORD: auth.password }, timeoutMs: 90_000 },
  );
  if (ran.code !== 0)
    throw new Error(`enabling etcd auth failed (exit ${ran.code}):\n${ran.out.slice(-3000)}`);
}
