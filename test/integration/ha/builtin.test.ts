// Replicas serving a builtin zone: each replica is one of the zone's nameservers with its own store,
// so each writes its own copy (leadership gates only shared providers). After a failover every
// replica's DNS server answers with the new address, leader and follower alike.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import { startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { etcdBinary } from './etcd-server.ts';
import { ENV, haCluster, oneLeader, type Replica, reportAll, status, until } from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA builtin-zone test: no `etcd` binary (Debian package etcd-server)');

function config(dir: string, etcd: string, prefix: string) {
  return parseConfig(`
owner: ha-owner
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 80 } }] }
  - { id: eu-west, endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 80 } }] }
  - { id: ap-south, endpoints: [{ id: aps-a, address: 203.0.113.10, check: { kind: tcp, port: 80 } }] }
probers:
  - { id: p1, keyEnv: K1 }
  - { id: p2, keyEnv: K2 }
  - { id: p3, keyEnv: K3 }
health: { interval: 1s, timeout: 500ms, fall: 2, rise: 2, minProbers: 2, staleAfter: 60s, failbackAfter: 60s }
providers:
  local: { kind: builtin, listen: "127.0.0.1:0" }
zones:
  - name: example.com
    provider: local
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west, ap-south] } }
controller:
  listen: "127.0.0.1:0"
  schedule: "0 0 1 1 *"
  stateDir: ${dir}
  tokenEnv: API_TOKEN
  coordination: { kind: etcd, endpoints: ["${etcd}"], leaseTtl: 2s, prefix: "${prefix}" }
verify: { timeout: 5s }
`);
}

describe.skipIf(!bin)('HA controllers: builtin zones', () => {
  const ha = haCluster(bin);
  const replicas = ha.replicas;

  it('every replica updates its own nameserver; the follower too', async () => {
    const prefix = `/gf-test/${randomUUID()}/`;
    for (const id of ['n1', 'n2']) {
      const dir = mkdtempSync(join(tmpdir(), `gf-ha-ns-${id}-`));
      const ctl = await startController({
        config: config(dir, ha.etcd.endpoint, prefix),
        env: ENV,
        logger: silentLogger(),
        replicaId: id,
      });
      replicas.push({ id, ctl, dir });
    }
    const leader = await oneLeader(replicas);
    const app = async (r: Replica) =>
      (await status(r)).zones[0]?.records.find((x) => x.name === 'app.example.com.')?.values.join();
    await reportAll(replicas);
    for (const r of replicas)
      await until(
        () => app(r),
        (v) => v === '192.0.2.10',
      );
    await reportAll(replicas, new Set(['use-a']));
    for (const r of replicas)
      await until(
        () => app(r),
        (v) => v === '198.51.100.10',
      );
    const follower = replicas.find((r) => r !== leader)!;
    // The apply event is written once the change is confirmed on the DNS server (after status already
    // shows the new answer), so wait for it rather than race it.
    const applies = () =>
      follower.ctl.events
        .since(0, 1000, ['apply'])
        .filter((e) => e.origin === undefined && e.zone === 'example.com.');
    const applied = await until(applies, (list) => list.length >= 2);
    expect(applied.length).toBe(2);
    // Confirmed on the follower's own DNS server over real UDP.
    const last = applied.at(-1) as { visible?: { nameserver: string; visibleMs: number | null }[] };
    expect(last.visible?.length).toBeGreaterThan(0);
    expect(last.visible?.every((v) => v.visibleMs !== null)).toBe(true);
  });
});
