// Overrides and API maintenance windows shared through a real etcd: a force-up made through replica A
// holds on B at once, reaches a replica started afterwards with no local state, and a clear anywhere
// lifts it everywhere; a maintenance window added through one replica is listed by the others. With
// etcd unreachable an override is refused (503) and nothing changes.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
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
if (!bin) console.warn('skipping HA override tests: no `etcd` binary (Debian package etcd-server)');

const overrideOf = async (r: Replica, region = 'us-east') =>
  (await status(r)).regions.find((x) => x.id === region)?.override;
const auth = { authorization: `Bearer ${ENV.API_TOKEN}`, 'content-type': 'application/json' };

describe.skipIf(!bin)('HA controllers: shared overrides and maintenance windows', () => {
  const ha = haCluster(bin);
  const replicas = ha.replicas;

  it('a force-up made through A holds on B and a new replica C; a clear through C lifts it on B', async () => {
    const log = new WriteLog();
    const prefix = `/gf-test/${randomUUID()}/`;
    const a = await startReplica('a', log, ha.etcd.endpoint, { prefix });
    replicas.push(a);
    await oneLeader([a]);
    const b = await startReplica('b', log, ha.etcd.endpoint, { prefix });
    replicas.push(b);
    await oneLeader([a, b]);
    // us-east is down by its checks: DNS on eu-west.
    await reportAll([a, b]);
    await reportAll([a, b], new Set(['use-a']));
    await until(
      () => log.app(),
      (v) => v?.join() === '198.51.100.10',
    );

    const res = await fetch(`${b.ctl.url}/v1/overrides/us-east`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ state: 'up', reason: 'checks wrong', author: 'alice', forMs: 600_000 }),
    });
    expect(res.status).toBe(200);
    await until(
      () => overrideOf(a),
      (o) => o?.reason === 'checks wrong' && o.author === 'alice',
      5000,
    );
    // The leader (A) publishes us-east again although its checks say down.
    await until(
      () => log.app(),
      (v) => v?.join() === '192.0.2.10',
    );

    // A new replica with an empty state dir learns the override from etcd before any report.
    const c = await startReplica('c', log, ha.etcd.endpoint, { prefix });
    replicas.push(c);
    expect((await overrideOf(c))?.reason).toBe('checks wrong');

    // An API maintenance window added through C is listed by A.
    const add = await fetch(`${c.ctl.url}/v1/maintenance`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        id: 'weekly',
        region: 'eu-west',
        reason: 'patching',
        cron: '0 3 * * 0',
        durationMs: 3_600_000,
      }),
    });
    expect(add.status).toBe(201);
    await until(
      async () =>
        ((await (await fetch(`${a.ctl.url}/v1/maintenance`)).json()) as { windows: { id: string }[] })
          .windows,
      (w) => w.some((x) => x.id === 'weekly'),
      5000,
    );

    // Clear through C: lifted on A and B; DNS follows the checks again.
    const del = await fetch(`${c.ctl.url}/v1/overrides/us-east`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(200);
    await until(
      () => Promise.all([overrideOf(a), overrideOf(b)]),
      (o) => o.every((x) => x === undefined),
      5000,
    );
    await until(
      () => log.app(),
      (v) => v?.join() === '198.51.100.10',
    );
    // The replica that applied it from etcd records where it came from.
    expect(a.ctl.events.since(0, 1000, ['override-lifted']).at(-1)).toMatchObject({ region: 'us-east' });
  }, 60_000);

  it('refuses an override with 503 when etcd is unreachable, and changes nothing', async () => {
    const log = new WriteLog();
    const prefix = `/gf-test/${randomUUID()}/`;
    const own = await EtcdServer.start(bin);
    const a = await startReplica('a', log, own.endpoint, { prefix });
    replicas.push(a);
    await oneLeader([a]);
    await own.close();
    const res = await fetch(`${a.ctl.url}/v1/overrides/us-east`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ state: 'up', reason: 'x', forMs: 60_000 }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /cannot share the override for region us-east through etcd/,
    );
    expect(await overrideOf(a)).toBeUndefined();
    await kill(a);
    replicas.splice(0);
  }, 60_000);
});
