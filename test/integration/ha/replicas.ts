// Test helper: controller replicas coordinated through a real etcd, all writing (when leader) to ONE
// shared in-memory provider through per-replica spies, so a test can count who wrote what.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import type { Change, RecordSet } from '../../../src/model/index.ts';
import { round } from '../../helpers/reports.ts';
import { EtcdServer } from './etcd-server.ts';

export const KEYS = { p1: 'key-one-0123456789', p2: 'key-two-0123456789', p3: 'key-three-0123456789' };
export const ENV = { K1: KEYS.p1, K2: KEYS.p2, K3: KEYS.p3, API_TOKEN: 'secret-token-xyz' };
export const ENDPOINTS = ['use-a', 'euw-a', 'aps-a'];

export function haConfig(
  stateDir: string,
  etcd: string | readonly string[],
  leaseTtl: string,
  prefix: string,
  /** More entries of the coordination mapping, e.g. `tls: {...}, auth: {...}`. */
  more?: string,
) {
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
  mem: { kind: memory }
zones:
  - name: example.com
    provider: mem
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west, ap-south] } }
controller:
  listen: "127.0.0.1:0"
  schedule: "0 0 1 1 *"
  stateDir: ${stateDir}
  tokenEnv: API_TOKEN
  coordination: { kind: etcd, endpoints: ${JSON.stringify([etcd].flat())}, leaseTtl: ${leaseTtl}, prefix: "${prefix}"${more ? `, ${more}` : ''} }
`);
}

export interface Write {
  replica: string;
  at: number;
  changes: number;
  ok: boolean;
}

/** Every apply() any replica made, in order, with its outcome. */
export class WriteLog {
  readonly mem = new MemoryProvider('mem', 'ha-owner');
  readonly writes: Write[] = [];

  spyFor(replica: string): DnsProvider {
    const mem = this.mem;
    return {
      id: 'mem',
      kind: 'memory',
      capabilities: mem.capabilities,
      records: (z, q, s) => mem.records(z, q, s),
      apply: async (z, changes: readonly Change[], s) => {
        const w: Write = { replica, at: performance.now(), changes: changes.length, ok: false };
        this.writes.push(w);
        const r = await mem.apply(z, changes, s);
        w.ok = true;
        return r;
      },
    };
  }

  app(): string[] | undefined {
    return this.mem
      .all('example.com.')
      .find((r: RecordSet) => r.name === 'app.example.com.' && r.type === 'A')?.values;
  }
}

export interface Replica {
  id: string;
  ctl: RunningController;
  dir: string;
}

export async function startReplica(
  id: string,
  log: WriteLog,
  etcd: string | readonly string[],
  opts: { leaseTtl?: string; prefix: string; dir?: string; coordination?: string; env?: NodeJS.ProcessEnv },
): Promise<Replica> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `gf-ha-${id}-`));
  const ctl = await startController({
    config: haConfig(dir, etcd, opts.leaseTtl ?? '2s', opts.prefix, opts.coordination),
    env: { ...ENV, ...opts.env },
    logger: silentLogger(),
    replicaId: id,
    providers: new Map([['mem', log.spyFor(id)]]),
  });
  return { id, ctl, dir };
}

/** As if the process died: no resign, keepalives stop, the server goes away. */
export async function kill(r: Replica): Promise<void> {
  r.ctl.coordinator.abandon();
  await r.ctl.stop();
}

export async function status(r: Replica): Promise<StatusDoc> {
  return (await (await fetch(`${r.ctl.url}/v1/status`)).json()) as StatusDoc;
}

export async function reportAll(
  replicas: readonly Replica[],
  down: ReadonlySet<string> = new Set(),
  rounds = 2,
): Promise<void> {
  for (let i = 0; i < rounds; i++) for (const r of replicas) await round(r.ctl.url, KEYS, ENDPOINTS, down);
}

export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const leaders = (replicas: readonly Replica[]) =>
  replicas.filter((r) => r.ctl.coordinator.view().role === 'leader');

/** Wait until exactly one replica leads and every other one names it as the leader. */
export async function oneLeader(replicas: readonly Replica[], ms = 15_000): Promise<Replica> {
  await until(
    () => replicas.map((r) => r.ctl.coordinator.view()),
    (views) => {
      const i = views.findIndex((v) => v.role === 'leader');
      const count = views.filter((v) => v.role === 'leader').length;
      return count === 1 && views.every((v) => v.leader === replicas[i]!.id);
    },
    ms,
  );
  return leaders(replicas)[0]!;
}

/**
 * Called inside a describe: one etcd for the block (from `bin`), and after each test every replica
 * pushed onto `replicas` is stopped. Read `etcd` inside tests, once beforeAll has run.
 */
export function haCluster(bin: string | undefined): {
  readonly etcd: EtcdServer;
  readonly replicas: Replica[];
} {
  let etcd: EtcdServer | undefined;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    etcd = await EtcdServer.start(bin);
  });
  afterAll(async () => {
    await etcd?.close();
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.ctl.stop();
  });
  return {
    get etcd() {
      if (!etcd) throw new Error('etcd is not started yet (read it inside a test)');
      return etcd;
    },
    replicas,
  };
}
