// The real thing: two `geofailover controller` processes on one etcd, writing through the Route 53
// adapter to the strict fake Route 53 API (compare-and-swap batches) in this process. The leader is
// SIGKILLed while a failover is pending; the survivor applies it within leaseTtl + 2 s, and the fake
// counts exactly the ChangeResourceRecordSets calls the changes need (the writer's lease aside).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import { round } from '../../helpers/reports.ts';
import { EtcdServer, etcdBinary } from './etcd-server.ts';
import { ENDPOINTS, ENV, KEYS, until } from './replicas.ts';

const bin = etcdBinary();
if (!bin) console.warn('skipping HA SIGKILL test: no `etcd` binary (Debian package etcd-server)');

const LEASE_TTL_MS = 2000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function yaml(o: { dir: string; listen: string; etcd: string; r53: string; zoneId: string; deadNs: string }) {
  return `
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
  aws: { kind: route53, hostedZoneId: ${o.zoneId}, endpoint: "${o.r53}", requestsPerSecond: 50 }
zones:
  - name: example.com
    provider: aws
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west, ap-south] } }
controller:
  listen: "${o.listen}"
  schedule: "0 0 1 1 *"
  stateDir: ${o.dir}
  tokenEnv: API_TOKEN
  coordination: { kind: etcd, endpoints: ["${o.etcd}"], leaseTtl: ${LEASE_TTL_MS}ms }
# No real nameserver here: propagation cannot be confirmed (reported, not fatal).
verify: { nameservers: ["${o.deadNs}"], timeout: 300ms }
`;
}

interface Proc {
  id: string;
  url: string;
  child: ChildProcess;
  output: string;
}

describe.skipIf(!bin)('HA controllers: SIGKILL of the leader process', () => {
  let etcd: EtcdServer;
  let fake: FakeRoute53;
  let zone: FakeZone;
  const procs: Proc[] = [];

  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
    fake = await new FakeRoute53().start();
    zone = fake.createZone('example.com');
  });
  afterAll(async () => {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await fake?.close();
    await etcd?.close();
  });

  async function spawnController(id: string): Promise<Proc> {
    const dir = mkdtempSync(join(tmpdir(), `gf-ha-proc-${id}-`));
    const port = await freePort();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(
      cfg,
      yaml({
        dir,
        listen: `127.0.0.1:${port}`,
        etcd: etcd.endpoint,
        r53: fake.url,
        zoneId: zone.id,
        deadNs: `127.0.0.1:${await freePort()}`,
      }),
    );
    const child = spawn(
      process.execPath,
      ['bin/geofailover.js', 'controller', '--config', cfg, '--replica', id],
      {
        env: {
          ...process.env,
          ...ENV,
          AWS_ACCESS_KEY_ID: 'AKIDTESTTEST',
          AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
          AWS_REGION: 'us-east-1',
          GEOFAILOVER_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const p: Proc = { id, url: `http://127.0.0.1:${port}`, child, output: '' };
    const keep = (b: Buffer) => {
      p.output = (p.output + b.toString()).slice(-6000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    procs.push(p);
    await until(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`controller ${id} exited ${child.exitCode}: ${p.output}`);
        return fetch(`${p.url}/healthz`)
          .then((r) => r.status)
          .catch(() => 0);
      },
      (s) => s === 200,
      30_000,
    );
    return p;
  }

  const status = async (p: Proc) => (await (await fetch(`${p.url}/v1/status`)).json()) as StatusDoc;
  const app = () => zone.sorted().find((r) => r.name === 'app.example.com.' && r.type === 'A')?.values;

  it('the survivor applies the pending failover once, within leaseTtl + 2 s', async () => {
    const a = await spawnController('proc-a');
    const b = await spawnController('proc-b');
    const both = [a, b];
    const views = await until(
      () => Promise.all(both.map(status)),
      (s) => s.filter((x) => x.role === 'leader').length === 1 && s.every((x) => x.leader !== undefined),
      15_000,
    );
    const leader = both[views.findIndex((s) => s.role === 'leader')]!;
    const follower = both.find((p) => p !== leader)!;
    expect(views.every((s) => s.leader === leader.id)).toBe(true);

    for (let i = 0; i < 2; i++) for (const p of both) await round(p.url, KEYS, ENDPOINTS);
    await until(app, (v) => v?.join() === '192.0.2.10', 15_000);
    expect(fake.recordWrites()).toHaveLength(1);

    // Only the follower hears that us-east is down: the failover is pending where nobody may write.
    for (let i = 0; i < 2; i++) await round(follower.url, KEYS, ENDPOINTS, new Set(['use-a']));
    await until(
      () => status(follower),
      (s) => s.regions.find((r) => r.id === 'us-east')?.status === 'down',
    );
    expect(fake.recordWrites()).toHaveLength(1);

    const killedAt = performance.now();
    leader.child.kill('SIGKILL');
    await until(app, (v) => v?.join() === '198.51.100.10', LEASE_TTL_MS + 8000);
    const write = fake.recordWrites()[1]!;
    expect(write.at - killedAt).toBeLessThan(LEASE_TTL_MS + 2000);
    await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 500));
    expect(fake.recordWrites()).toHaveLength(2);
    // The survivor took the writer's lease over, so a scheduled apply still steps aside.
    const lease = zone.sorted().find((r) => r.name === 'ha-owner._geofailover-lease.example.com.');
    expect(lease?.values.join()).toContain(`replica=${follower.id}`);
    const s = await status(follower);
    expect(s.role).toBe('leader');
    expect(s.leader).toBe(follower.id);
    follower.child.kill('SIGTERM');
  });
});
