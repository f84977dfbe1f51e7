// Load-balancer mode against the fake API through the real SDK: failover, weighted and geo names as
// load balancers over one pool per region; health moves pool/origin `enabled`; plan -> apply ->
// re-plan is empty; ownership is respected; an account without Load Balancing is one clear error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { OwnershipError, ProviderError, type RegionState, UsageError } from '../../../src/model/index.ts';
import type { FakeCloudflare, LoadBalancer, Pool } from '../../fakes/cloudflare/index.ts';
import { leaseRoundTrip } from '../../helpers/lease.ts';
import { ACCOUNT_ID, converge, failover, makeConfig, plan, provider, startFake, ZONE_ID } from './harness.ts';

const records = () => [
  failover('app.example.com', ['us-east', 'eu-west']),
  { ...failover('app.example.com', ['us-east', 'eu-west']), type: 'AAAA' },
  {
    name: 'api.example.com',
    type: 'A',
    ttl: 60,
    proxied: true,
    policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
  },
  {
    name: 'www.example.com',
    type: 'A',
    ttl: 120,
    policy: {
      kind: 'geo',
      rules: [
        { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
        { match: { country: 'IN' }, regions: ['ap-south', 'eu-west'] },
        { match: 'default', regions: ['us-east', 'eu-west'] },
      ],
    },
  },
];

describe('cloudflare load-balancer mode', () => {
  let fake: FakeCloudflare;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const pools = () => [...fake.accounts.get(ACCOUNT_ID)!.pools.values()];
  const pool = (region: string): Pool => pools().find((p) => p.name === `geofailover-shop-prod-${region}`)!;
  const lbs = () => [...fake.lbZones.get(ZONE_ID)!.lbs.values()];
  const lb = (name: string): LoadBalancer => lbs().find((l) => l.name === name)!;

  it('builds pools and load balancers from config, then re-plans to zero', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    expect(
      pools()
        .map((x) => x.name)
        .sort(),
    ).toEqual([
      'geofailover-shop-prod-ap-south',
      'geofailover-shop-prod-eu-west',
      'geofailover-shop-prod-us-east',
    ]);
    expect(pools().every((x) => x.description === 'geofailover owner=shop-prod')).toBe(true);
    const app = lb('app.example.com');
    expect(app.steering_policy).toBe('off');
    expect(app.default_pools).toEqual([pool('us-east').id, pool('eu-west').id]);
    expect(app.ttl).toBe(60);
    const api = lb('api.example.com');
    expect(api.steering_policy).toBe('random');
    expect(api.proxied).toBe(true);
    expect(api.random_steering?.pool_weights).toEqual({
      [pool('us-east').id]: 0.2745,
      [pool('eu-west').id]: 0.1176,
    });
    const www = lb('www.example.com');
    expect(www.steering_policy).toBe('geo');
    expect(www.region_pools.WEU).toEqual([pool('eu-west').id, pool('us-east').id]);
    expect(www.region_pools.EEU).toEqual([pool('eu-west').id, pool('us-east').id]);
    expect(www.country_pools.IN).toEqual([pool('ap-south').id, pool('eu-west').id]);
    expect(www.default_pools).toEqual([pool('us-east').id, pool('eu-west').id]);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it("keeps the controller's writer lease as a TXT record beside the load balancers, never a planned change", async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    await converge(config, p);
    await leaseRoundTrip(config, p);
  });

  it('fails a region over by switching its pool off, and back', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    await converge(config, p);
    fake.resetCalls();
    const { plan: fo } = await converge(config, p, { 'us-east': 'down' });
    expect(fo.changes.length).toBeGreaterThan(0);
    // one pool PATCH moves every name at once; no load balancer is rewritten
    expect(fake.count({ mutating: true })).toBe(1);
    expect(fake.count({ method: 'PATCH', path: /pools\// })).toBe(1);
    expect(pool('us-east').enabled).toBe(false);
    const view = await p.records('example.com', { names: ['app.example.com'] });
    expect(view.find((r) => r.name === 'app.example.com.' && r.type === 'A')?.values).toEqual([
      '198.51.100.20',
      '198.51.100.21',
    ]);
    expect((await plan(config, p, { 'us-east': 'down' })).changes).toEqual([]);
    await converge(config, p);
    expect(pool('us-east').enabled).toBe(true);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('converges in every region-state combination, one after another', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    const scenarios = [
      {},
      { 'eu-west': 'down' },
      { 'ap-south': 'down' },
      { 'us-east': 'drained' },
      { 'us-east': 'down', 'ap-south': 'down' },
      { 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' },
      {},
    ] as const;
    for (const s of scenarios) {
      const { outcome } = await converge(config, p, s);
      expect(outcome.status === 'no-changes' || outcome.verified === true).toBe(true);
      expect((await plan(config, p, s)).changes).toEqual([]);
    }
  });

  it('switches a down endpoint origin off (read-modify-write keeps other origin fields)', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    await converge(config, p);
    // a field we do not manage, set by hand on an origin
    const use = pool('us-east');
    use.origins[1]!.header = { Host: ['origin.example.net'] };
    const states = new Map<string, RegionState>([
      ['us-east', { id: 'us-east', status: 'up', since: 0, upEndpoints: ['use-a', 'use-6'] }],
    ]);
    await converge(config, p, states);
    const after = pool('us-east');
    expect(after.enabled).toBe(true);
    expect(after.origins.map((o) => [o.name, o.enabled])).toEqual([
      ['use-a', true],
      ['use-b', false],
      ['use-6', true],
    ]);
    expect(after.origins[1]!.header).toEqual({ Host: ['origin.example.net'] });
    expect((await plan(config, p, states)).changes).toEqual([]);
  });

  it('refuses a hand-made DNS record at a managed name unless adopting, then replaces it', async () => {
    const zone = fake.zones.get(ZONE_ID)!;
    zone.create({ name: 'app.example.com', type: 'A', content: '192.0.2.99', ttl: 300 });
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records().slice(0, 1) });
    const p = provider(config);
    const refused = await converge(config, p);
    expect(refused.outcome.status).toBe('refused');
    expect(fake.count({ mutating: true })).toBe(0);
    const adopted = await converge(config, p, {}, true);
    expect(adopted.outcome.verified).toBe(true);
    expect(lb('app.example.com')).toBeDefined();
    expect([...zone.records.values()].filter((r) => r.name === 'app.example.com')).toEqual([]);
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('never edits a load balancer it does not own, even with --adopt', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records().slice(0, 1) });
    const p = provider(config);
    await converge(config, p);
    // someone replaces our description: the load balancer is no longer ours
    const mine = lb('app.example.com');
    mine.description = 'hand-made';
    const zp = await plan(config, p, {}, false);
    expect(zp.allowed).toBe(false);
    fake.resetCalls();
    const adopt = await plan(config, p, {}, true);
    await expect(applyZonePlan(adopt, p, { mode: 'apply' })).rejects.toBeInstanceOf(OwnershipError);
    expect(fake.count({ mutating: true })).toBe(0);
  });

  it('dry-run makes zero mutating calls', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    await converge(config, p);
    fake.resetCalls();
    const zp = await plan(config, p, { 'us-east': 'down', 'eu-west': 'drained' });
    expect(zp.changes.length).toBeGreaterThan(0);
    expect((await applyZonePlan(zp, p, { mode: 'dry-run' })).status).toBe('dry-run');
    expect(fake.count({ mutating: true })).toBe(0);
  });

  it('removes the load balancer of a name dropped from config', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    await converge(config, provider(config));
    const smaller = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records().slice(0, 2) });
    const p = provider(smaller);
    await converge(smaller, p);
    expect(lbs().map((l) => l.name)).toEqual(['app.example.com']);
    expect((await plan(smaller, p)).changes).toEqual([]);
  });

  it('survives a 429 storm', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    fake.inject({ status: 429, retryAfter: 1, times: 2 });
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(2);
  }, 30_000);

  it('an account without Load Balancing is one clear error, nothing written', async () => {
    await fake.stop();
    fake = await startFake({ accounts: [{ id: ACCOUNT_ID, loadBalancing: false }] });
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const err = await plan(config, provider(config)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/Load Balancing is not available/);
    expect((err as ProviderError).context.remedy).toMatch(/mode: records/);
    expect(fake.count({ mutating: true })).toBe(0);
  });

  it('rejects at creation what a load balancer cannot express', () => {
    const config = makeConfig({
      baseURL: fake.url,
      mode: 'load-balancer',
      records: [
        {
          name: 'www.example.com',
          type: 'A',
          ttl: 60,
          policy: {
            kind: 'geo',
            rules: [
              { match: { country: 'US', subdivision: 'CA' }, regions: ['us-east'] },
              { match: 'default', regions: ['eu-west'] },
            ],
          },
        },
      ],
    });
    expect(() => provider(config)).toThrow(UsageError);
    expect(() => provider(config)).toThrow(/subdivision/);
  });

  it('a failed write after others says how far it got; the next pass finishes', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    // pools are created first; the first load balancer create is refused
    fake.inject({
      status: 400,
      code: 1002,
      message: 'refused by test',
      times: 1,
      match: (m, path) => m === 'POST' && path.endsWith('/load_balancers'),
    });
    const zp = await plan(config, p);
    const err = await p.apply('example.com', zp.changes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/3 earlier write\(s\) of this apply were made/);
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    expect(lbs()).toHaveLength(3);
  });

  it('takes over a zone managed in records mode: load balancers replace our records', async () => {
    const recs = records().slice(0, 2);
    const before = makeConfig({ baseURL: fake.url, records: recs });
    await converge(before, provider(before));
    const zone = fake.zones.get(ZONE_ID)!;
    expect(zone.records.size).toBe(3);
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: recs });
    const p = provider(config);
    const { outcome } = await converge(config, p);
    expect(outcome.verified).toBe(true);
    expect(zone.records.size).toBe(0);
    expect(lb('app.example.com')).toBeDefined();
    expect((await plan(config, p)).changes).toEqual([]);
  });

  it('repairs a load balancer edited by hand, keeping fields it does not manage', async () => {
    const config = makeConfig({ baseURL: fake.url, mode: 'load-balancer', records: records() });
    const p = provider(config);
    await converge(config, p);
    const app = lb('app.example.com');
    app.default_pools = [...app.default_pools].reverse();
    app.session_affinity = 'cookie';
    const drift = await plan(config, p);
    expect(drift.changes.map((c) => `${c.kind} ${c.after?.name} ${c.after?.type}`)).toEqual([
      'update app.example.com. A',
      'update app.example.com. AAAA',
    ]);
    fake.resetCalls();
    await converge(config, p);
    expect(fake.count({ method: 'PATCH', path: /load_balancers\// })).toBe(1);
    expect(lb('app.example.com').default_pools).toEqual([pool('us-east').id, pool('eu-west').id]);
    expect(lb('app.example.com').session_affinity).toBe('cookie');
    expect((await plan(config, p)).changes).toEqual([]);
  });
});
