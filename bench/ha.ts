// HA benchmark on a real etcd: leader hand-over time = leader killed (keepalives stop, no resign) ->
// the new leader's first provider write of the failover that was pending. Two in-process replicas
// share one spy provider per trial. Printed beside the target (leaseTtl + 1 s) and the floor: a bare
// etcd lease of the same TTL left to expire, measured in the same run (keepalive, stop, watch the
// key bound to it disappear) — no safe election can beat that without the dead leader's help. The
// floor counts from the last keepalive; a kill lands up to one keepalive period (TTL/6) after it, so
// a hand-over can measure slightly below the floor.
// Run: node bin/run-ts.js bench/ha.ts [trials] [ttlSeconds...]   -> bench/results/ha.json
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Etcd3 } from 'etcd3';
import { EtcdServer, etcdBinary } from '../test/integration/ha/etcd-server.ts';
import {
  kill,
  oneLeader,
  type Replica,
  reportAll,
  startReplica,
  until,
  WriteLog,
} from '../test/integration/ha/replicas.ts';

const TRIALS = Math.max(5, Number(process.argv[2] ?? 7));
const TTLS = (process.argv.length > 3 ? process.argv.slice(3).map(Number) : [2, 5]).filter((n) => n >= 1);

const bin = etcdBinary();
if (!bin) {
  console.error('bench/ha: no `etcd` binary (Debian package etcd-server); nothing measured');
  process.exit(1);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** One hand-over: returns kill -> first write of the pending failover (ms), and kill -> elected. */
async function handover(endpoint: string, ttlSec: number): Promise<{ applyMs: number; electedMs: number }> {
  const log = new WriteLog();
  const prefix = `/gf-bench/${randomUUID()}/`;
  const replicas: Replica[] = [];
  try {
    for (const id of ['r1', 'r2'])
      replicas.push(await startReplica(id, log, endpoint, { prefix, leaseTtl: `${ttlSec}s` }));
    const leader = await oneLeader(replicas);
    await reportAll(replicas);
    await until(
      () => log.app(),
      (v) => v?.join() === '192.0.2.10',
    );
    const follower = replicas.find((r) => r !== leader)!;
    await reportAll([follower], new Set(['use-a']));
    await until(
      () => follower.ctl.engine.snapshot().regions.find((x) => x.id === 'us-east')?.status,
      (s) => s === 'down',
    );
    // Kill at a random phase of the keepalive cycle, as a real crash would.
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    const wall0 = Date.now();
    const t0 = performance.now();
    await kill(leader);
    await until(
      () => log.writes.length,
      (n) => n >= 2,
      ttlSec * 1000 + 15_000,
    );
    if (log.writes.length !== 2 || log.writes[1]!.replica !== follower.id)
      throw new Error(`unexpected writes: ${JSON.stringify(log.writes)}`);
    // The election time from the new leader's own event (wall clock, ms resolution).
    const elected = follower.ctl.events
      .since(0, 10_000, ['leader-elected'])
      .find((e) => e.origin === undefined && Date.parse(e.at) >= wall0);
    return {
      applyMs: log.writes[1]!.at - t0,
      electedMs: elected ? Date.parse(elected.at) - wall0 : Number.NaN,
    };
  } finally {
    for (const r of replicas) await r.ctl.stop();
  }
}

/** The floor: a bare lease of the same TTL, kept alive once, then abandoned; time until etcd drops its key. */
async function leaseExpiry(endpoint: string, ttlSec: number): Promise<number> {
  const client = new Etcd3({ hosts: endpoint.replace(/^http:\/\//, '') });
  try {
    const key = `/gf-bench-floor/${randomUUID()}`;
    const lease = client.lease(ttlSec, { autoKeepAlive: false });
    await lease.put(key).value('x');
    const watcher = await client.watch().key(key).create();
    const gone = new Promise<number>((r) => watcher.on('delete', () => r(performance.now())));
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    const t0 = performance.now();
    await lease.keepaliveOnce();
    lease.release();
    const at = await gone;
    await watcher.cancel();
    return at - t0;
  } finally {
    client.close();
  }
}

const etcd = await EtcdServer.start(bin);
const results: Record<string, unknown>[] = [];
try {
  for (const ttl of TTLS) {
    const apply: number[] = [];
    const elected: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const h = await handover(etcd.endpoint, ttl);
      apply.push(h.applyMs);
      elected.push(h.electedMs);
      floor.push(await leaseExpiry(etcd.endpoint, ttl));
    }
    const target = ttl * 1000 + 1000;
    const row = {
      leaseTtlMs: ttl * 1000,
      trials: TRIALS,
      handoverMs: { p50: round1(pct(apply, 50)), max: round1(Math.max(...apply)), all: apply.map(round1) },
      electedMs: { p50: round1(pct(elected, 50)), max: round1(Math.max(...elected)) },
      floorLeaseExpiryMs: {
        p50: round1(pct(floor, 50)),
        max: round1(Math.max(...floor)),
        all: floor.map(round1),
      },
      targetMs: target,
      p50OverTarget: ratio(pct(apply, 50), target),
      p50OverFloor: ratio(pct(apply, 50), pct(floor, 50)),
      meetsTarget: pct(apply, 50) < target,
    };
    results.push(row);
    console.log(
      `leaseTtl ${ttl} s, ${TRIALS} trials: hand-over (kill -> new leader's first apply) p50 ${row.handoverMs.p50} ms, max ${row.handoverMs.max} ms` +
        ` | elected p50 ${row.electedMs.p50} ms` +
        ` | target (TTL + 1 s) ${target} ms: p50/target ${row.p50OverTarget}` +
        ` | floor (bare lease expiry after its last keepalive, same run) p50 ${row.floorLeaseExpiryMs.p50} ms, max ${row.floorLeaseExpiryMs.max} ms: p50/floor ${row.p50OverFloor}`,
    );
  }
} finally {
  await etcd.close();
}

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/ha.json',
  `${JSON.stringify(
    {
      bench: 'ha',
      at: new Date().toISOString(),
      etcd: 'single member, loopback, --heartbeat-interval 50 --election-timeout 500',
      machine: { loadavg1m: round1(loadavg()[0] ?? 0) },
      results,
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/ha.json');
process.exit(0);
