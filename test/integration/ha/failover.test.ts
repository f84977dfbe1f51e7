// Highly available controllers on a real etcd (started here on free loopback ports): exactly one
// leader; the leader killed while a failover is pending -> a survivor applies it once within
// leaseTtl + 2 s; no replica ever writes twice; hand-overs shown in status, metrics and events.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/controller/index.ts';
import { etcdBinary } from './etcd-server.ts';
import {
  haCluster,
  kill,
  leaders,
  oneLeader,
  reportAll,
  startReplica,
  status,
  until,
  WriteLog,
} from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA failover tests: no `etcd` binary (Debian package etcd-server)');

const LEASE_TTL_MS = 2000;

describe.skipIf(!bin)('HA controllers: election and hand-over', () => {
  const ha = haCluster(bin);
  const replicas = ha.replicas;

  it.each([2, 3])(
    '%i replicas: one leader; killed with a failover pending, a survivor applies it once within leaseTtl + 2 s',
    async (n) => {
      const log = new WriteLog();
      const prefix = `/gf-test/${randomUUID()}/`;
      for (let i = 1; i <= n; i++)
        replicas.push(await startReplica(`r${i}`, log, ha.etcd.endpoint, { prefix }));
      const leader = await oneLeader(replicas);
      for (const r of replicas) {
        const s = await status(r);
        expect(s.role).toBe(r === leader ? 'leader' : 'follower');
        expect(s.leader).toBe(leader.id);
        expect(s.coordination).toMatchObject({ kind: 'etcd', etcd: 'connected', leaseTtlMs: LEASE_TTL_MS });
        const metrics = await (await fetch(`${r.ctl.url}/metrics`)).text();
        expect(metrics).toMatch(new RegExp(`\\ngeofailover_leader ${r === leader ? 1 : 0}\\n`));
      }

      // Every replica hears the same reports; only the leader publishes.
      await reportAll(replicas);
      await until(
        () => log.app(),
        (v) => v?.join() === '192.0.2.10',
      );
      expect(log.writes.map((w) => w.replica)).toEqual([leader.id]);

      // The followers decide us-east is down; the leader's copies of those reports are lost, so the
      // failover is pending: decided, but only on replicas that may not write.
      const followers = replicas.filter((r) => r !== leader);
      await reportAll(followers, new Set(['use-a']));
      await until(
        () => followers.map((f) => f.ctl.engine.snapshot().regions.find((x) => x.id === 'us-east')?.status),
        (v) => v.every((s) => s === 'down'),
      );
      await Promise.all(followers.map((f) => f.ctl.reconcileNow()));
      expect(log.writes.length).toBe(1);
      const held = await status(followers[0]!);
      expect(held.zones[0]!.lastReconcile?.message).toContain(`replica ${leader.id} is the leader`);

      const killedAt = performance.now();
      await kill(leader);
      await until(
        () => log.app(),
        (v) => v?.join() === '198.51.100.10',
        LEASE_TTL_MS + 8000,
      );
      const handover = log.writes[1]!.at - killedAt;
      expect(handover).toBeLessThan(LEASE_TTL_MS + 2000);

      const survivors = replicas.filter((r) => r !== leader);
      const next = await oneLeader(survivors);
      // A further lease period: nobody writes again (no double apply, nothing left to do).
      await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 500));
      expect(log.writes.map((w) => [w.replica, w.changes, w.ok])).toEqual([
        [leader.id, 2, true], // app.example.com + its ownership marker
        [next.id, 1, true],
      ]);
      expect(leaders(survivors)).toEqual([next]);

      // Hand-over in status and events; the new leader's apply is mirrored to the other survivors.
      for (const r of survivors) {
        const s = await status(r);
        expect(s.leader).toBe(next.id);
        const events = r.ctl.events.since(0, 1000) as StoredEvent[];
        expect(
          events.some((e) => e.type === 'leader-changed' && e.from === leader.id && e.to === next.id),
        ).toBe(true);
        if (r !== next) {
          expect(events.some((e) => e.type === 'apply' && e.origin === next.id)).toBe(true);
          expect(events.some((e) => e.type === 'leader-elected' && e.origin === next.id)).toBe(true);
        } else {
          expect(events.some((e) => e.type === 'leader-elected' && e.origin === undefined)).toBe(true);
        }
      }
    },
  );

  it('a replica that stops gracefully resigns: the next leader is elected without waiting for the lease', async () => {
    const log = new WriteLog();
    const prefix = `/gf-test/${randomUUID()}/`;
    for (let i = 1; i <= 2; i++)
      replicas.push(await startReplica(`g${i}`, log, ha.etcd.endpoint, { prefix }));
    const leader = await oneLeader(replicas);
    const other = replicas.find((r) => r !== leader)!;
    const t0 = performance.now();
    await leader.ctl.stop();
    await until(
      () => other.ctl.coordinator.view().role,
      (r) => r === 'leader',
      LEASE_TTL_MS,
    );
    expect(performance.now() - t0).toBeLessThan(LEASE_TTL_MS);
  });
});
