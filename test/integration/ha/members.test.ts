// Several etcd endpoints, one of them bad (a black hole that never answers, or a closed port): the
// client skips a member that just failed and retries on another, so leadership holds steady instead
// of being fenced whenever a call happens to pick the bad member.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Blackhole } from './blackhole.ts';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
import { ENV, oneLeader, type Replica, startReplica, WriteLog } from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA multi-endpoint test: no `etcd` binary (Debian package etcd-server)');

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!bin)('HA controllers: one bad etcd endpoint among several', () => {
  let etcd: EtcdServer;
  let hole: Blackhole;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
    hole = await new Blackhole(etcd.clientPort).start();
    hole.partition();
  });
  afterAll(async () => {
    await hole?.close();
    await etcd?.close();
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.ctl.stop();
  });

  it.each(['black hole', 'closed port'] as const)(
    'a %s beside a healthy member: leadership holds, drains are shared',
    async (kind) => {
      const bad = kind === 'black hole' ? hole.endpoint : `http://127.0.0.1:${await closedPort()}`;
      const log = new WriteLog();
      const prefix = `/gf-test/${randomUUID()}/`;
      for (const id of ['m1', 'm2'])
        replicas.push(await startReplica(id, log, [bad, etcd.endpoint], { prefix, leaseTtl: '3s' }));
      const leader = await oneLeader(replicas);
      await new Promise((r) => setTimeout(r, 4000));
      for (const r of replicas) expect(r.ctl.events.since(0, 1000, ['leadership-lost']), r.id).toEqual([]);
      expect(leader.ctl.coordinator.canWrite().ok).toBe(true);

      const other = replicas.find((r) => r !== leader)!;
      const res = await fetch(`${other.ctl.url}/v1/drains/ap-south`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ENV.API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'member test', author: 'carol' }),
      });
      expect(res.status).toBe(200);
    },
  );
});
