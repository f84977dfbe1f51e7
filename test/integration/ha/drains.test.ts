// Drains shared through etcd: a drain made through replica A holds on replica B at once, survives A's
// death, reaches a replica started afterwards with no local state, and an undrain anywhere lifts it.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { etcdBinary } from './etcd-server.ts';
import {
  ENV,
  haCluster,
  kill,
  oneLeader,
  type Replica,
  reportAll,
  startReplica,
  status,
  until,
  WriteLog,
} from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA drain tests: no `etcd` binary (Debian package etcd-server)');

const drainOf = async (r: Replica, region = 'us-east') =>
  (await status(r)).regions.find((x) => x.id === region)?.drain;

describe.skipIf(!bin)('HA controllers: shared drains', () => {
  const ha = haCluster(bin);
  const replicas = ha.replicas;

  it('a drain made through A holds on B, survives A, reaches a new replica C; undrain through C lifts it', async () => {
    const log = new WriteLog();
    const prefix = `/gf-test/${randomUUID()}/`;
    const a = await startReplica('a', log, ha.etcd.endpoint, { prefix });
    replicas.push(a);
    await oneLeader([a]);
    const b = await startReplica('b', log, ha.etcd.endpoint, { prefix });
    replicas.push(b);
    await oneLeader([a, b]);
    await reportAll([a, b]);
    await until(
      () => log.app(),
      (v) => v?.join() === '192.0.2.10',
    );

    // Drain through the follower-or-leader A (A leads here: it started first).
    const res = await fetch(`${a.ctl.url}/v1/drains/us-east`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ENV.API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'db migration', author: 'alice' }),
    });
    expect(res.status).toBe(200);
    await until(
      () => drainOf(b),
      (d) => d?.reason === 'db migration' && d.author === 'alice',
      5000,
    );
    await until(
      () => log.app(),
      (v) => v?.join() === '198.51.100.10',
    );

    await kill(a);
    replicas.splice(replicas.indexOf(a), 1);
    expect((await drainOf(b))?.reason).toBe('db migration');

    // A new replica with an empty state dir learns the drain from etcd before any report.
    const c = await startReplica('c', log, ha.etcd.endpoint, { prefix });
    replicas.push(c);
    expect((await drainOf(c))?.reason).toBe('db migration');
    // A's lease runs out; B or C takes over and keeps the drain in DNS (nothing to write).
    await oneLeader([b, c], 10_000);
    await reportAll([b, c]);
    await Promise.all([b.ctl.reconcileNow(), c.ctl.reconcileNow()]);
    expect(log.app()).toEqual(['198.51.100.10']);
    expect(log.writes.length).toBe(2);

    // Undrain through the follower C: lifted on B too.
    const del = await fetch(`${c.ctl.url}/v1/drains/us-east`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ENV.API_TOKEN}` },
    });
    expect(del.status).toBe(200);
    await until(
      () => drainOf(b),
      (d) => d === undefined,
      5000,
    );
    expect(await drainOf(c)).toBeUndefined();
  });
});
