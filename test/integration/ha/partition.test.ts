// The split-brain case REFERENCES.md measured with the etcd3 election API: the leader is cut off from
// etcd while etcd stays up for the others. Here the leader fences itself before its lease expires,
// so at no sampled instant may two replicas write, and the new leader applies the pending failover.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/controller/index.ts';
import { Blackhole } from './blackhole.ts';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
import { oneLeader, type Replica, reportAll, startReplica, until, WriteLog } from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA partition test: no `etcd` binary (Debian package etcd-server)');

const LEASE_TTL_MS = 2000;

describe.skipIf(!bin)('HA controllers: leader partitioned from etcd', () => {
  let etcd: EtcdServer;
  let hole: Blackhole;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
    hole = await new Blackhole(etcd.clientPort).start();
  });
  afterAll(async () => {
    await hole?.close();
    await etcd?.close();
  });
  afterEach(async () => {
    hole.heal();
    for (const r of replicas.splice(0)) await r.ctl.stop();
  });

  it('never two writers: the cut-off leader stops before the other is elected, which then applies', async () => {
    const log = new WriteLog();
    const prefix = `/gf-test/${randomUUID()}/`;
    const a = await startReplica('cut', log, hole.endpoint, { prefix });
    replicas.push(a);
    await oneLeader([a]);
    const b = await startReplica('ok', log, etcd.endpoint, { prefix });
    replicas.push(b);
    await oneLeader([a, b]);
    await reportAll([a, b]);
    await until(
      () => log.app(),
      (v) => v?.join() === '192.0.2.10',
    );

    let both = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      samples++;
      if (a.ctl.coordinator.canWrite().ok && b.ctl.coordinator.canWrite().ok) both++;
    }, 2);
    try {
      hole.partition();
      const cutAt = performance.now();
      await until(
        () => a.ctl.coordinator.canWrite().ok,
        (ok) => !ok,
        LEASE_TTL_MS,
      );
      const fencedAt = performance.now();
      // us-east goes down; both hear it. Only a replica that holds the lease may act on it.
      await reportAll([a, b], new Set(['use-a']));
      await until(
        () => b.ctl.coordinator.view().role,
        (r) => r === 'leader',
        LEASE_TTL_MS + 5000,
      );
      const electedAt = performance.now();
      expect(fencedAt).toBeLessThan(electedAt);
      expect(electedAt - cutAt).toBeGreaterThan(LEASE_TTL_MS / 2);
      await until(
        () => log.app(),
        (v) => v?.join() === '198.51.100.10',
      );
      expect(log.writes.map((w) => w.replica)).toEqual(['cut', 'ok']);
    } finally {
      clearInterval(sampler);
    }
    expect(samples).toBeGreaterThan(100);
    expect(both).toBe(0);

    const lost = (a.ctl.events.since(0, 1000) as StoredEvent[]).find((e) => e.type === 'leadership-lost');
    expect(lost?.reason).toMatch(/no keepalive acknowledged/);

    // Healed: the old leader learns its lease is gone and follows; still one leader.
    hole.heal();
    const leader = await oneLeader([a, b], 15_000);
    expect(leader.id).toBe('ok');
    expect(log.writes.length).toBe(2);
  });
});
