// Test helper: a real etcd that serves TLS only (--client-cert-auth, --trusted-ca-file) with auth
// enabled: root, and a user `geofailover` whose role may read and write one key prefix. Also the
// wrong files the error tests need: another CA, a client certificate from it, a key that matches no
// certificate, a file that is not PEM. Users and roles are made through the etcd3 client (the etcdctl
// commands `user add`, `role add`, `role grant-permission --prefix`, `user grant-role`, `auth enable`).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { issue, makeCa } from '../tls/certs.ts';
import { EtcdServer } from './etcd-server.ts';

export const USER = 'geofailover';
export const PASSWORD = 'pw-etcd-7f3a91c2e5';
/** Everything the user may touch; each test takes its own prefix below it. */
export const GRANTED = '/gf-tls/';

export interface SecureEtcd {
  etcd: EtcdServer;
  dir: string;
  ca: string;
  clientCert: string;
  clientKey: string;
  /** A CA etcd knows nothing of, and a client certificate it issued. */
  otherCa: string;
  foreignCert: string;
  foreignKey: string;
  /** The key of another certificate: matches `clientCert` not. */
  wrongKey: string;
  notPem: string;
  /** A client of root over TLS (grant and revoke in tests); closed by close(). */
  root: Etcd3;
  close(): Promise<void>;
}

export async function startSecureEtcd(bin: string): Promise<SecureEtcd> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-etcd-tls-'));
  const ca = makeCa(dir, 'etcd-ca');
  const other = makeCa(dir, 'other-ca');
  const server = issue(dir, ca, 'etcd-server', { usage: 'server' });
  const client = issue(dir, ca, 'controller', { usage: 'client' });
  const foreign = issue(dir, other, 'foreign', { usage: 'client' });
  const spare = issue(dir, ca, 'spare', { usage: 'client' });
  const wrongKey = join(dir, 'wrong.key');
  copyFileSync(spare.key, wrongKey);
  const notPem = join(dir, 'not-pem.txt');
  writeFileSync(notPem, 'this is not a certificate\n');
  const etcd = await EtcdServer.start(bin, {
    tls: {
      ca: ca.cert,
      serverCert: server.cert,
      serverKey: server.key,
      clientCert: client.cert,
      clientKey: client.key,
    },
  });
  const credentials = {
    rootCertificate: readFileSync(ca.cert),
    certChain: readFileSync(client.cert),
    privateKey: readFileSync(client.key),
  };
  const setup = new Etcd3({ hosts: etcd.endpoint, credentials });
  const rootPassword = 'root-pw-0d1e2f';
  await setup.user('root').create(rootPassword);
  await setup.user('root').addRole('root');
  await setup.role(USER).create();
  await setup.role(USER).grant({ permission: 'Readwrite', range: setup.range({ prefix: GRANTED }) });
  await setup.user(USER).create(PASSWORD);
  await setup.user(USER).addRole(USER);
  await setup.auth.authEnable();
  setup.close();
  const root = new Etcd3({
    hosts: etcd.endpoint,
    credentials,
    auth: { username: 'root', password: rootPassword },
  });
  return {
    etcd,
    dir,
    ca: ca.cert,
    clientCert: client.cert,
    clientKey: client.key,
    otherCa: other.cert,
    foreignCert: foreign.cert,
    foreignKey: foreign.key,
    wrongKey,
    notPem,
    root,
    async close() {
      root.close();
      await etcd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
