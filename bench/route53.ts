// Route 53 adapter benchmark against the strict fake API (real SDK over loopback HTTP): failing over
// a region that carries 2,000 records in one zone, and a steady-state reconcile with nothing to do.
// Figures are printed beside the floor of a one-call-per-record writer (octoDNS applies Route 53
// changes record by record; external-dns retries a failed batch name by name) measured in the same run.
// Run: node bin/run-ts.js bench/route53.ts [records]   → bench/results/route53.json

import { mkdirSync, writeFileSync } from 'node:fs';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { Route53Provider, resetBudgets, toWire } from '../providers/route53/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { applyZonePlan, planZoneOf } from '../src/controller/index.ts';
import type { RegionStatus } from '../src/model/index.ts';
import { assumeStates } from '../src/policy/index.ts';
import { FakeRoute53 } from '../test/fakes/route53/index.ts';

const N = Number(process.argv[2] ?? 2000);
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCHBENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-secret-not-real';

const fake = await new FakeRoute53().start();
const zone = fake.createZone('example.com');
const tcp = { kind: 'tcp', port: 80 };
const config = parseConfig(
  JSON.stringify({
    owner: 'bench',
    regions: [
      { id: 'us-east', endpoints: [{ id: 'use-a', address: '192.0.2.10', check: tcp }] },
      { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '198.51.100.10', check: tcp }] },
    ],
    providers: {
      aws: { kind: 'route53', hostedZoneId: zone.id, endpoint: fake.url, requestsPerSecond: 1000 },
    },
    zones: [
      {
        name: 'example.com',
        provider: 'aws',
        records: Array.from({ length: N }, (_, i) => ({
          name: `h${i}.example.com`,
          type: 'A',
          ttl: 30,
          policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
        })),
      },
    ],
    safety: { minExisting: 1_000_000 },
  }),
);
const cfg = config.providers.aws;
if (cfg?.kind !== 'route53') throw new Error('bench config has no route53 provider');
// Poll quickly: the fake answers INSYNC at once, and the wait is not what this measures.
const provider = new Route53Provider('aws', cfg, config.owner, { poll: { firstMs: 5 } });
const zoneCfg = config.zones[0]!;
const states = (assume: Record<string, RegionStatus>) =>
  assumeStates(config, new Map(Object.entries(assume)));

async function measure<T>(fn: () => Promise<T>) {
  fake.clearLog();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const by = (op: string) => fake.log.filter((l) => l.op === op).length;
  return {
    value,
    ms: Math.round(ms),
    calls: fake.log.length,
    list: by('ListResourceRecordSets'),
    change: by('ChangeResourceRecordSets'),
    getChange: by('GetChange'),
  };
}

// Initial publication (not a headline figure): every record + its marker created.
const initial = await measure(async () => {
  const p = await planZoneOf(config, zoneCfg, provider, states({}));
  return applyZonePlan(p, provider, { mode: 'apply' });
});

// Steady state: read + plan, nothing to change.
const steady = await measure(
  async () => (await planZoneOf(config, zoneCfg, provider, states({}))).changes.length,
);

// Failover: us-east goes down; every record moves to eu-west.
const failover = await measure(async () => {
  const p = await planZoneOf(config, zoneCfg, provider, states({ 'us-east': 'down' }));
  const out = await applyZonePlan(p, provider, { mode: 'apply' });
  return { changes: p.changes.length, applied: out.result?.applied ?? 0 };
});
const after = await planZoneOf(config, zoneCfg, provider, states({ 'us-east': 'down' }));

// Peer floor, measured: the same failover back, one ChangeResourceRecordSets per record (DELETE+CREATE
// of that record alone), the way a per-record writer does it.
const current = (await provider.records('example.com')).filter((r) => r.type === 'A');
const perRecord = await measure(async () => {
  for (const r of current) {
    const back = { ...r, values: ['192.0.2.10'] };
    await provider.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.id,
        ChangeBatch: {
          Changes: [
            { Action: 'DELETE', ResourceRecordSet: toWire(r) },
            { Action: 'CREATE', ResourceRecordSet: toWire(back) },
          ],
        },
      }),
    );
  }
  return current.length;
});
await fake.close();
resetBudgets();

const RPS = 5; // Route 53's documented per-account rate: what the call counts cost in real time
const minListPages = Math.ceil(zone.rrsets.size / 300);
const result = {
  records: N,
  rrsetsInZone: zone.rrsets.size,
  initial: { ms: initial.ms, calls: initial.calls, change: initial.change },
  steady: {
    ms: steady.ms,
    calls: steady.calls,
    list: steady.list,
    change: steady.change,
    changes: steady.value,
    listFloor: minListPages,
  },
  failover: {
    ms: failover.ms,
    calls: failover.calls,
    list: failover.list,
    change: failover.change,
    getChange: failover.getChange,
    applied: failover.value.applied,
    replanChanges: after.changes.length,
    secondsAt5rps: (failover.calls / RPS).toFixed(1),
  },
  perRecordPeer: {
    ms: perRecord.ms,
    change: perRecord.change,
    secondsAt5rps: (perRecord.change / RPS).toFixed(1),
  },
  ratio: { changeCalls: +(perRecord.change / failover.change).toFixed(1) },
  ok: failover.change <= 4 && steady.change === 0 && steady.value === 0 && after.changes.length === 0,
};

console.log(`route53 adapter vs one-call-per-record peer, ${N} failover records (fake API, loopback)`);
console.log(
  `  steady reconcile : ${steady.calls} calls (${steady.list} list, floor ${minListPages} pages of 300; ${steady.change} writes), ${steady.value} changes, ${steady.ms} ms`,
);
console.log(
  `  region failover  : ${failover.change} ChangeResourceRecordSets + ${failover.list} list + ${failover.getChange} GetChange = ${failover.calls} calls, ${failover.ms} ms (${result.failover.secondsAt5rps} s of budget at ${RPS} req/s); re-plan: ${after.changes.length} changes`,
);
console.log(
  `  per-record peer  : ${perRecord.change} ChangeResourceRecordSets, ${perRecord.ms} ms (${result.perRecordPeer.secondsAt5rps} s at ${RPS} req/s)`,
);
console.log(
  `  ratio            : ${result.ratio.changeCalls}x fewer change calls; limit check (<= 4 change calls, 0 steady writes): ${result.ok ? 'PASS' : 'FAIL'}`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/route53.json', `${JSON.stringify(result, null, 2)}\n`);
if (!result.ok) process.exitCode = 1;
