// Cloudflare adapter benchmark against the fake API (real SDK over loopback HTTP), records mode:
//  - failover of N names (one record each) -> write calls, beside a one-call-per-record writer (what
//    octoDNS does on Cloudflare) measured in the same run on the same fake;
//  - a steady-state reconcile (records() + plan, nothing to do) -> list calls per page and writes,
//    beside the SDK's auto-pagination (one extra empty page per list) measured in the same run.
//  - load-balancer mode: the same failover as pool writes (one PATCH moves every name).
// Run: node bin/run-ts.js bench/cloudflare.ts [names]   -> bench/results/cloudflare.json
import { mkdirSync, writeFileSync } from 'node:fs';
import Cloudflare from 'cloudflare';
import { createCloudflareProvider } from '../providers/cloudflare/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { applyZonePlan, planZoneOf } from '../src/controller/index.ts';
import type { RegionStatus } from '../src/model/index.ts';
import { assumeStates } from '../src/policy/index.ts';
import { FakeCloudflare } from '../test/fakes/cloudflare/index.ts';

const N = Number(process.argv[2] ?? 500);
const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
const TOKEN = 'bench-token-not-real';
const fake = new FakeCloudflare({ token: TOKEN, zones: [{ id: ZONE_ID, name: 'example.com' }] });
await fake.start();
const tcp = { kind: 'tcp', port: 80 };
const config = parseConfig(
  JSON.stringify({
    owner: 'bench',
    regions: [
      { id: 'us-east', endpoints: [{ id: 'use-a', address: '192.0.2.10', check: tcp }] },
      { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '198.51.100.10', check: tcp }] },
    ],
    providers: {
      cf: { kind: 'cloudflare', zoneId: ZONE_ID, apiTokenEnv: 'CF_BENCH_TOKEN', baseURL: fake.url },
    },
    zones: [
      {
        name: 'example.com',
        provider: 'cf',
        records: Array.from({ length: N }, (_, i) => ({
          name: `h${i}.example.com`,
          type: 'A',
          ttl: 60,
          policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
        })),
      },
    ],
    health: { minProbers: 1 },
    safety: { minExisting: 1_000_000 },
  }),
);
const cfg = config.providers.cf;
if (cfg?.kind !== 'cloudflare') throw new Error('bench config has no cloudflare provider');
const ctx = { owner: config.owner, config, env: { CF_BENCH_TOKEN: TOKEN } };
const provider = createCloudflareProvider('cf', cfg, ctx);
const zoneCfg = config.zones[0]!;
const states = (assume: Record<string, RegionStatus>) =>
  assumeStates(config, new Map(Object.entries(assume)));

async function measure<T>(fn: () => Promise<T>) {
  fake.resetCalls();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  return {
    value,
    ms,
    lists: fake.count({ method: 'GET', path: /dns_records$/ }),
    writes: fake.count({ mutating: true }),
    requests: fake.calls.length,
  };
}

async function reconcile(assume: Record<string, RegionStatus>) {
  const plan = await planZoneOf(config, zoneCfg, provider, states(assume));
  await applyZonePlan(plan, provider, { mode: 'apply' });
  return plan.changes.length;
}

await reconcile({}); // create the N names
const failover = await measure(() => reconcile({ 'us-east': 'down' }));
const steady = await measure(() => reconcile({ 'us-east': 'down' }));

// Peer: one API call per record (octoDNS's Cloudflare provider), failing back the same N records.
const sdk = new Cloudflare({ apiToken: TOKEN, baseURL: fake.url, apiVersion: '2024-09-01', maxRetries: 0 });
const ids = [...fake.zones.get(ZONE_ID)!.records.values()].map((r) => r.id);
const perRecord = await measure(async () => {
  for (const id of ids) {
    await sdk.dns.records.edit(id, {
      zone_id: ZONE_ID,
      name: fake.zones.get(ZONE_ID)!.records.get(id)!.name,
      type: 'A',
      ttl: 60,
      content: '192.0.2.10',
    });
  }
});
// Peer: the SDK's auto-pagination over the same records at 100 per page.
const autoPaged = await measure(async () => {
  let n = 0;
  for await (const _ of sdk.dns.records.list({ zone_id: ZONE_ID, per_page: 100 })) n++;
  return n;
});
const ours100 = createCloudflareProvider('cf', cfg, ctx, { perPage: 100 });
const paged = await measure(() => ours100.records('example.com', { names: [] }));
const pages = Math.ceil(N / 100);
await fake.stop();

// Load-balancer mode: the same N failover names as load balancers; a region failover is pool writes.
const ACCOUNT = '01a7362d577a6c3019a474fd6f485823';
const lbFake = new FakeCloudflare({
  token: TOKEN,
  zones: [{ id: ZONE_ID, name: 'example.com', accountId: ACCOUNT }],
  accounts: [{ id: ACCOUNT, loadBalancing: true }],
});
await lbFake.start();
const lbConfig = parseConfig(
  JSON.stringify({
    owner: config.owner,
    regions: [
      { id: 'us-east', endpoints: [{ id: 'use-a', address: '192.0.2.10', check: tcp }] },
      { id: 'eu-west', endpoints: [{ id: 'euw-a', address: '198.51.100.10', check: tcp }] },
    ],
    providers: {
      cf: {
        kind: 'cloudflare',
        mode: 'load-balancer',
        accountId: ACCOUNT,
        zoneId: ZONE_ID,
        apiTokenEnv: 'CF_BENCH_TOKEN',
        baseURL: lbFake.url,
      },
    },
    zones: [
      {
        ...zoneCfg,
        records: zoneCfg.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, policy: r.policy })),
      },
    ],
    health: { minProbers: 1 },
    safety: { minExisting: 1_000_000 },
  }),
);
const lbCfg = lbConfig.providers.cf;
if (lbCfg?.kind !== 'cloudflare') throw new Error('bench config has no cloudflare provider');
const lbProvider = createCloudflareProvider('cf', lbCfg, {
  owner: lbConfig.owner,
  config: lbConfig,
  env: ctx.env,
});
const lbReconcile = async (assume: Record<string, RegionStatus>) => {
  const plan = await planZoneOf(
    lbConfig,
    lbConfig.zones[0]!,
    lbProvider,
    assumeStates(lbConfig, new Map(Object.entries(assume))),
  );
  await applyZonePlan(plan, lbProvider, { mode: 'apply' });
  return plan.changes.length;
};
const lbCreate = await (async () => {
  lbFake.resetCalls();
  await lbReconcile({});
  return lbFake.count({ mutating: true });
})();
lbFake.resetCalls();
const lbT0 = performance.now();
const lbChanges = await lbReconcile({ 'us-east': 'down' });
const lbFailover = {
  writes: lbFake.count({ mutating: true }),
  requests: lbFake.calls.length,
  ms: performance.now() - lbT0,
};
await lbFake.stop();

const out = {
  names: N,
  batchSize: cfg.batchSize,
  failover: { writeCalls: failover.writes, ms: Math.round(failover.ms), requests: failover.requests },
  peerOneCallPerRecord: { writeCalls: perRecord.writes, ms: Math.round(perRecord.ms) },
  steadyState: {
    listCalls: steady.lists,
    writes: steady.writes,
    requests: steady.requests,
    ms: Math.round(steady.ms),
  },
  pagination: { pages, oursListCalls: paged.lists, sdkAutoPaginationListCalls: autoPaged.lists },
  loadBalancerMode: {
    createWrites: lbCreate,
    failoverChanges: lbChanges,
    failoverWriteCalls: lbFailover.writes,
    failoverRequests: lbFailover.requests,
    ms: Math.round(lbFailover.ms),
  },
  limits: { failoverWriteCallsMax: 3, steadyStateWritesMax: 0 },
  ok: failover.writes <= 3 && steady.writes === 0 && steady.lists <= 1 && paged.lists === pages,
};
console.log(`cloudflare records mode, ${N} names, batchSize ${cfg.batchSize}`);
console.log(
  `  failover: ${failover.writes} write calls in ${failover.ms.toFixed(0)} ms   ` +
    `peer one-call-per-record: ${perRecord.writes} calls in ${perRecord.ms.toFixed(0)} ms   ` +
    `ratio ${(perRecord.writes / Math.max(1, failover.writes)).toFixed(0)}x fewer calls, ${(perRecord.ms / failover.ms).toFixed(1)}x faster`,
);
console.log(
  `  steady state: ${steady.lists} list call(s) (1 page at 5000/page), ${steady.writes} writes, ${steady.requests} requests in ${steady.ms.toFixed(0)} ms`,
);
console.log(
  `  pagination at 100/page (${pages} pages): ours ${paged.lists} list calls, SDK auto-pagination ${autoPaged.lists} (ratio ${(autoPaged.lists / paged.lists).toFixed(2)})`,
);
console.log(
  `  load-balancer mode: ${N} names created with ${lbCreate} writes; failover (${lbChanges} record changes) = ` +
    `${lbFailover.writes} write call(s), ${lbFailover.requests} requests in ${lbFailover.ms.toFixed(0)} ms   ` +
    `peer one-call-per-record: ${N} (ratio ${(N / Math.max(1, lbFailover.writes)).toFixed(0)}x)`,
);
console.log(
  `  limits (<= 3 write calls, 0 steady-state writes, 1 list call per page): ${out.ok ? 'met' : 'NOT met'}`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/cloudflare.json', `${JSON.stringify(out, null, 2)}\n`);
if (!out.ok) process.exitCode = 1;
