// Turns on auth in the install test's etcd cluster, as an operator does with etcdctl (`user add root`,
// `role add`, `role grant-permission --prefix`, `user add`, `user grant-role`, `auth enable`): root,
// and one user whose role may read and write only the controllers' key prefix. Waits first until the
// cluster answers (its members elect a leader after they find each other). Run inside a namespace
// with the cluster's names in /etc/hosts; plain JavaScript, no TypeScript loader.
// node etcd-auth.mjs ENDPOINTS CA CERT KEY USER PREFIX, passwords in ETCD_ROOT_PASSWORD, ETCD_PASSWORD.
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';

const [endpoints, ca, cert, key, user, prefix] = process.argv.slice(2);
const credentials = {
  rootCertificate: readFileSync(ca),
  certChain: readFileSync(cert),
  privateKey: readFileSync(key),
};
const client = new Etcd3({ hosts: endpoints.split(','), credentials, dialTimeout: 2000 });
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    await client.get('/gfoinst-ready').string();
    break;
  } catch (e) {
    if (Date.now() > deadline) throw new Error(`etcd did not answer within 60 s: ${e.message}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
await client.user('root').create(process.env.ETCD_ROOT_PASSWORD);
await client.user('root').addRole('root');
await client.role(user).create();
await client.role(user).grant({ permission: 'Readwrite', range: client.range({ prefix }) });
await client.user(user).create(process.env.ETCD_PASSWORD);
await client.user(user).addRole(user);
await client.auth.authEnable();
client.close();
console.log('etcd auth enabled');
