// Coordination on a real etcd that serves TLS only, requires client certificates and has auth on
// (started here): two controllers elect one leader and hand over when it stops; each wrong input (a
// CA that did not sign etcd's certificate, no client certificate, one from another CA, a wrong
// password, no user, a prefix the user may not touch, http:// to a TLS server) is one message naming
// the endpoint, the config field and file, and the remedy. The password appears nowhere.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdCoordinationConfig } from '../../../src/config/index.ts';
import { EtcdAccessError, etcdCoordinator } from '../../../src/coordination/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { StoredEvent } from '../../../src/model/index.ts';
import { runGeofailover } from '../../helpers/cli.ts';
import { HAVE_OPENSSL } from '../tls/certs.ts';
import { GRANTED, PASSWORD, type SecureEtcd, startSecureEtcd, USER } from './etcd-secure.ts';
import { etcdBinary } from './etcd-server.ts';
import {
  ENV,
  oneLeader,
  type Replica,
  reportAll,
  startReplica,
  status,
  until,
  WriteLog,
} from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping etcd TLS tests: no `etcd` binary (Debian package etcd-server)');

type Cfg = Pick<EtcdCoordinationConfig, 'endpoints' | 'leaseTtl' | 'prefix' | 'tls' | 'auth'>;

/** Starts one coordinator with `cfg` and returns what start() rejected with (or undefined). */
async function startError(cfg: Cfg, env: NodeJS.ProcessEnv = { ETCD_PASSWORD: PASSWORD }) {
  const events: StoredEvent[] = [];
  let seq = 0;
  const coordinator = etcdCoordinator(cfg, 'tls-owner', {
    replica: 'probe-replica',
    env,
    logger: silentLogger(),
    events: {
      append: (type, data) => {
        const e = { seq: ++seq, at: new Date().toISOString(), type, ...data };
        events.push(e);
        return e;
      },
      on: () => undefined,
      off: () => undefined,
    },
    onChange: () => undefined,
    localDrains: () => [],
    applyDrain: () => undefined,
  });
  const started = performance.now();
  const err = await coordinator.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  await coordinator.stop(500);
  return { err, events, ms };
}

function expectClear(
  err: unknown,
  want: { endpoint: string; field: string; file?: string; says: RegExp; remedy: RegExp },
) {
  expect(err).toBeInstanceOf(EtcdAccessError);
  const e = err as EtcdAccessError;
  expect(e.endpoint).toBe(want.endpoint);
  expect(e.field).toBe(want.field);
  if (want.file) expect(e.file).toBe(want.file);
  expect(e.message).toContain(want.endpoint);
  expect(e.message).toContain(want.field);
  expect(e.message).toMatch(want.says);
  expect(e.context.remedy).toMatch(want.remedy);
  expect(e.exitCode).toBe(2);
  expect(`${e.describe()} ${JSON.stringify(e)}`).not.toContain(PASSWORD);
}

describe.skipIf(!bin || !HAVE_OPENSSL)(
  'HA coordination on etcd with TLS client certificates and auth',
  () => {
    let s: SecureEtcd;
    const replicas: Replica[] = [];
    beforeAll(async () => {
      s = await startSecureEtcd(bin!);
    });
    afterAll(async () => {
      await s?.close();
    });
    afterEach(async () => {
      for (const r of replicas.splice(0)) await r.ctl.stop();
    });

    const prefix = () => `${GRANTED}${randomUUID()}/`;
    const good = (): Cfg => ({
      endpoints: [s.etcd.endpoint],
      leaseTtl: 2000,
      prefix: prefix(),
      tls: { ca: s.ca, certFile: s.clientCert, keyFile: s.clientKey },
      auth: { user: USER, passwordEnv: 'ETCD_PASSWORD' },
    });

    it('two controllers elect one leader over TLS and auth, and the other takes over when it stops', async () => {
      const log = new WriteLog();
      const coordination = `tls: { ca: "${s.ca}", certFile: "${s.clientCert}", keyFile: "${s.clientKey}"}, auth: { user: ${USER}, passwordEnv: ETCD_PASSWORD }`;
      const opts = { prefix: prefix(), coordination, env: { ETCD_PASSWORD: PASSWORD } };
      for (const id of ['t1', 't2']) replicas.push(await startReplica(id, log, s.etcd.endpoint, opts));
      const leader = await oneLeader(replicas);
      const follower = replicas.find((r) => r !== leader)!;
      for (const r of replicas)
        expect((await status(r)).coordination).toMatchObject({
          kind: 'etcd',
          etcd: 'connected',
          leader: leader.id,
        });

      await reportAll(replicas);
      await until(
        () => log.app(),
        (v) => v?.join() === '192.0.2.10',
      );
      expect(log.writes.map((w) => w.replica)).toEqual([leader.id]);

      // A graceful stop resigns: the other one leads at once and publishes the next failover.
      const stoppedAt = performance.now();
      await leader.ctl.stop();
      replicas.splice(replicas.indexOf(leader), 1);
      await until(
        () => follower.ctl.coordinator.view().role,
        (r) => r === 'leader',
        5000,
      );
      expect(performance.now() - stoppedAt).toBeLessThan(3000);
      await reportAll([follower], new Set(['use-a']));
      await until(
        () => log.app(),
        (v) => v?.join() === '198.51.100.10',
      );
      expect(log.writes.at(-1)?.replica).toBe(follower.id);

      // The password is in no status, event or file the controllers wrote.
      const seen = [
        JSON.stringify(await status(follower)),
        JSON.stringify(follower.ctl.events.since(0, 10_000)),
      ];
      for (const r of [leader, follower])
        for (const f of readdirSync(r.dir, { recursive: true, withFileTypes: true }))
          if (f.isFile()) seen.push(readFileSync(join(f.parentPath, f.name), 'utf8'));
      for (const text of seen) expect(text).not.toContain(PASSWORD);
    });

    it('a permission taken away while running: steps down, lets the lease run out, says why once; leads again once given back', async () => {
      const log = new WriteLog();
      const coordination = `tls: { ca: "${s.ca}", certFile: "${s.clientCert}", keyFile: "${s.clientKey}" }, auth: { user: ${USER}, passwordEnv: ETCD_PASSWORD }`;
      const at = prefix();
      const r = await startReplica('t3', log, s.etcd.endpoint, {
        prefix: at,
        coordination,
        env: { ETCD_PASSWORD: PASSWORD },
      });
      replicas.push(r);
      await oneLeader([r]);
      const grant = { permission: 'Readwrite' as const, range: s.root.range({ prefix: GRANTED }) };
      await s.root.role(USER).revoke(grant);
      try {
        const c = await until(
          () => status(r).then((x) => x.coordination),
          (v) => v?.etcd === 'refused' && v.role === 'follower',
          10_000,
        );
        expect(c?.reason).toMatch(/^not the leader: etcd at .*: user "geofailover" may not read and write/);
        expect(c?.reason).toContain('to fix: grant a role of the user readwrite on the prefix');
        expect(r.ctl.coordinator.canWrite().ok).toBe(false);
        // It stops renewing its lease (etcd would renew it without a permission on the prefix), so the
        // leader key runs out for a replica etcd accepts; and it says so once, not once per keepalive.
        await until(
          () => s.root.get(`${at}leader`).string(),
          (v) => v === null,
          4000,
        );
        expect(r.ctl.events.since(0, 1000, ['etcd-refused'])).toHaveLength(1);
      } finally {
        await s.root.role(USER).grant(grant);
      }
      await until(
        () => r.ctl.coordinator.view(),
        (v) => v.etcd === 'connected' && v.role === 'leader',
        10_000,
      );
    });

    it('a CA that did not sign etcd’s certificate: the CA file and field, and what to set', async () => {
      const { err, events } = await startError({ ...good(), tls: { ...good().tls, ca: s.otherCa } });
      expectClear(err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.tls.ca',
        file: s.otherCa,
        says: /etcd's certificate is not signed by the CA in tls.ca \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
        remedy: /set controller\.coordination\.tls\.ca to the CA that signed etcd's server certificate/,
      });
      expect(events.filter((e) => e.type === 'etcd-refused')).toHaveLength(1);
    });

    it('no client certificate where etcd requires one', async () => {
      const { err } = await startError({ ...good(), tls: { ca: s.ca } });
      expectClear(err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.tls.certFile',
        says: /etcd requires a client certificate \(--client-cert-auth\) and none is configured/,
        remedy: /set controller\.coordination\.tls\.certFile and keyFile/,
      });
    });

    it('a client certificate from a CA etcd does not trust', async () => {
      const { err } = await startError({
        ...good(),
        tls: { ca: s.ca, certFile: s.foreignCert, keyFile: s.foreignKey },
      });
      expectClear(err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.tls.certFile',
        file: s.foreignCert,
        says: /etcd refused our client certificate/,
        remedy: /--trusted-ca-file/,
      });
    });

    it('a wrong password: authentication failed for the user, and where the password comes from', async () => {
      const { err } = await startError(good(), { ETCD_PASSWORD: 'not-the-password' });
      expectClear(err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.auth',
        says: new RegExp(`authentication failed for user "${USER}"`),
        remedy: /check the password in passwordEnv ETCD_PASSWORD/,
      });
      expect((err as Error).message).not.toContain('not-the-password');
    });

    it('no user while etcd has auth on, and a prefix the user may not touch', async () => {
      const { auth: _, ...noAuth } = good();
      expectClear((await startError(noAuth)).err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.auth',
        says: /etcd has authentication enabled and this controller gives no user/,
        remedy: /set controller\.coordination\.auth/,
      });
      expectClear((await startError({ ...good(), prefix: '/elsewhere/' })).err, {
        endpoint: s.etcd.endpoint,
        field: 'controller.coordination.auth.user',
        says: new RegExp(`user "${USER}" may not read and write /elsewhere/`),
        remedy: /etcdctl role grant-permission ROLE --prefix=true readwrite \/elsewhere\//,
      });
    });

    it('http:// to a server that speaks TLS', async () => {
      const plain = s.etcd.endpoint.replace('https:', 'http:');
      const { tls: _, ...noTls } = good();
      const { err } = await startError({ ...noTls, endpoints: [plain] });
      expectClear(err, {
        endpoint: plain,
        field: 'controller.coordination.endpoints[0]',
        says: /the server speaks TLS, but the endpoint is http:\/\//,
        remedy: /write the endpoints as https:\/\//,
      });
    });

    it('an outage is no configuration error: a closed port starts as unreachable, not refused', async () => {
      const { err, events, ms } = await startError({ ...good(), endpoints: ['https://127.0.0.1:9'] });
      expect(err).toBeUndefined();
      expect(events.filter((e) => e.type === 'etcd-refused')).toEqual([]);
      expect(ms).toBeLessThan(5000);
    });

    it('the controller command refuses to start on a wrong password: exit 2, one message, no password', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gf-etcd-cli-'));
      const file = join(dir, 'config.yaml');
      writeFileSync(file, yamlFor(dir, s, prefix()));
      const r = await runGeofailover(['controller', '--config', file, '--listen', '127.0.0.1:0'], {
        PATH: process.env.PATH,
        ...ENV,
        ETCD_PASSWORD: 'wrong-password-123',
        GEOFAILOVER_LOG_LEVEL: 'error',
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `error: etcd at ${s.etcd.endpoint}: authentication failed for user "${USER}"`,
      );
      expect(r.stderr).toContain('remedy: check the password in passwordEnv ETCD_PASSWORD');
      expect(r.output).not.toContain('wrong-password-123');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }, 60_000);
  },
);

function yamlFor(dir: string, s: SecureEtcd, prefix: string): string {
  return `
owner: tls-owner
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
probers:
  - { id: p1, keyEnv: K1 }
health: { minProbers: 1 }
providers:
  mem: { kind: memory }
zones:
  - name: example.com
    provider: mem
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east] } }
controller:
  listen: "127.0.0.1:0"
  stateDir: ${dir}/state
  coordination:
    kind: etcd
    endpoints: ["${s.etcd.endpoint}"]
    prefix: "${prefix}"
    tls: { ca: "${s.ca}", certFile: "${s.clientCert}", keyFile: "${s.clientKey}" }
    auth: { user: ${USER}, passwordEnv: ETCD_PASSWORD }
`;
}
