// etcd itself fails (frozen with SIGSTOP, or killed): the leader fences itself before its lease could
// expire, applies nothing (DNS stays as it is: fail static), status says why, and a drain is refused
// rather than made on one replica only. etcd back: one leader again, the pending failover applied once.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/commands/status.ts';
import type { StoredEvent } from '../../../src/controller/index.ts';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
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
if (!bin) console.warn('skipping HA etcd-outage tests: no `etcd` binary (Debian package etcd-server)');

const LEASE_TTL_MS = 2000;

describe.skipIf(!bin)('HA controllers: etcd outage', () => {
  let etcd: EtcdServer;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
  });
  afterAll(async () => {
    await etcd?.close();
  });
  afterEach(async () => {
    etcd.thaw();
    for (const r of replicas.splice(0)) await r.ctl.stop();
  });

  it.each(['frozen', 'killed'] as const)(
    'etcd %s: the leader stops writing, DNS stays; etcd back: one leader, pending change applied once',
    async (how) => {
      const log = new WriteLog();
      const prefix = `/gf-test/${randomUUID()}/`;
      for (let i = 1; i <= 2; i++) replicas.push(await startReplica(`o${i}`, log, etcd.endpoint, { prefix }));
      const leader = await oneLeader(replicas);
      await reportAll(replicas);
      await until(
        () => log.app(),
        (v) => v?.join() === '192.0.2.10',
      );
      expect(log.writes.length).toBe(1);

      const t0 = performance.now();
      if (how === 'frozen') etcd.freeze();
      else await etcd.kill();
      // Fenced before the lease could have expired in etcd (it lives >= TTL after the last keepalive).
      await until(
        () => leader.ctl.coordinator.canWrite().ok,
        (ok) => !ok,
        LEASE_TTL_MS,
      );
      expect(performance.now() - t0).toBeLessThan(LEASE_TTL_MS);

      // us-east goes down while nobody may write: decided everywhere, applied nowhere.
      await reportAll(replicas, new Set(['use-a']));
      await until(
        () => replicas.map((r) => r.ctl.engine.snapshot().regions.find((x) => x.id === 'us-east')?.status),
        (v) => v.every((s) => s === 'down'),
      );
      await Promise.all(replicas.map((r) => r.ctl.reconcileNow()));
      expect(log.writes.length).toBe(1);
      expect(log.app()).toEqual(['192.0.2.10']);
      const s = await status(leader);
      expect(s.role).toBe('follower');
      expect(s.coordination?.reason).toMatch(/no keepalive acknowledged by etcd/);
      expect(s.zones[0]!.lastReconcile?.result).toBe('skipped');
      expect(s.zones[0]!.lastReconcile?.message).toMatch(/not the leader/);
      expect(renderStatus(s)).toMatch(/NOT WRITING: not the leader: no keepalive acknowledged by etcd/);
      const lost = (leader.ctl.events.since(0, 1000) as StoredEvent[]).find(
        (e) => e.type === 'leadership-lost',
      );
      expect(lost?.reason).toMatch(/stopped writing/);
      const metrics = await (await fetch(`${leader.ctl.url}/metrics`)).text();
      expect(metrics).toMatch(/\ngeofailover_leader 0\n/);

      // A drain that cannot be shared is refused, not made on one replica only.
      const res = await fetch(`${leader.ctl.url}/v1/drains/eu-west`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ENV.API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'during outage', author: 'bob' }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reason: string }).reason).toBe('coordination-unavailable');
      expect(leader.ctl.engine.drains()).toEqual([]);

      if (how === 'frozen') etcd.thaw();
      else await etcd.launch();
      const next = await oneLeader(replicas, 20_000);
      await until(
        () => log.app(),
        (v) => v?.join() === '198.51.100.10',
        15_000,
      );
      await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 500));
      expect(log.writes.map((w) => [w.replica, w.changes, w.ok])).toEqual([
        [leader.id, 2, true],
        [next.id, 1, true],
      ]);
    },
  );

  it('stops within its shutdown timeout while etcd is frozen (resign would hang)', async () => {
    const log = new WriteLog();
    const r = await startReplica('s1', log, etcd.endpoint, { prefix: `/gf-test/${randomUUID()}/` });
    replicas.push(r);
    await oneLeader([r]);
    etcd.freeze();
    const t0 = performance.now();
    await r.ctl.stop();
    expect(performance.now() - t0).toBeLessThan(4000);
  });
});
