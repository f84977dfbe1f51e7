// Endpoint weights in load-balancer mode against the fake API through the real SDK: a region whose
// endpoints are weighted 3:1 is one pool whose origins carry weights 1 and 0.3333, planned as one
// weighted set per endpoint; a DOWN endpoint disables its origin; equal weights leave origins at 1
// and plan exactly as before. Every case re-plans to zero changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/index.ts';
import type { RegionState } from '../../../src/model/index.ts';
import type { FakeCloudflare } from '../../fakes/cloudflare/index.ts';
import { ACCOUNT_ID, converge, plan, provider, REGIONS, startFake, TOKEN_ENV, ZONE_ID } from './harness.ts';

function config(baseURL: string, weights: Record<string, number>) {
  return parseConfig(
    stringify({
      owner: 'shop-prod',
      regions: REGIONS.map((r) => ({
        ...r,
        endpoints: r.endpoints.map((e) =>
          weights[e.id] === undefined ? e : { ...e, weight: weights[e.id] },
        ),
      })),
      providers: {
        cf: {
          kind: 'cloudflare',
          zoneId: ZONE_ID,
          accountId: ACCOUNT_ID,
          apiTokenEnv: TOKEN_ENV,
          baseURL,
          mode: 'load-balancer',
        },
      },
      zones: [
        {
          name: 'example.com',
          provider: 'cf',
          records: [
            {
              name: 'api.example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
            },
          ],
        },
      ],
      health: { minProbers: 1 },
    }),
  );
}

describe('cloudflare load-balancer mode: endpoint weights as origin weights', () => {
  let fake: FakeCloudflare;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const pool = (region: string) =>
    [...fake.accounts.get(ACCOUNT_ID)!.pools.values()].find(
      (p) => p.name === `geofailover-shop-prod-${region}`,
    )!;

  it('writes origin weights, plans one set per endpoint, follows a DOWN endpoint, and re-plans to zero', async () => {
    const c = config(fake.url, { 'use-a': 3, 'use-b': 1, 'use-6': 3 });
    const p = provider(c);
    const { plan: first } = await converge(c, p);
    const sets = first.changes
      .filter((ch) => ch.after?.type === 'A')
      .map((ch) => [ch.after!.setId, ch.after!.weight]);
    expect(sets.sort()).toEqual([
      ['eu-west', 30],
      ['us-east/use-a', 53],
      ['us-east/use-b', 18],
    ]);
    expect(pool('us-east').origins.map((o) => [o.name, o.weight, o.enabled])).toEqual([
      ['use-a', 1, true],
      ['use-b', 0.3333, true],
      ['use-6', 1, true],
    ]);
    expect((await plan(c, p)).changes).toEqual([]);

    const states = new Map<string, RegionState>([
      ['us-east', { id: 'us-east', status: 'up', since: 0, upEndpoints: ['use-b', 'use-6'] }],
    ]);
    await converge(c, p, states);
    expect(pool('us-east').origins.find((o) => o.name === 'use-a')?.enabled).toBe(false);
    expect((await plan(c, p, states)).changes).toEqual([]);
    await converge(c, p);
    expect(pool('us-east').origins.every((o) => o.enabled)).toBe(true);
    expect((await plan(c, p)).changes).toEqual([]);
  });

  it('equal endpoint weights: origins keep weight 1 and an existing setup plans zero changes', async () => {
    const before = config(fake.url, {});
    const p = provider(before);
    await converge(before, p);
    const after = config(fake.url, { 'use-a': 4, 'use-b': 4, 'use-6': 4 });
    expect((await plan(after, provider(after))).changes).toEqual([]);
    expect(pool('us-east').origins.every((o) => o.weight === 1)).toBe(true);
  });
});
