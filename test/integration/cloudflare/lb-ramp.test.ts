// The failback ramp in load-balancer mode against the fake API through the real SDK: a weighted name's
// recovering region gets its ramped pool weight, and a failover name steers randomly between the
// recovering region's pool (at the step's percent) and the one that carried the traffic, then goes back
// to plain failover at 100%. Every step re-plans to zero changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/index.ts';
import type { RampStep, RegionState } from '../../../src/model/index.ts';
import type { FakeCloudflare, LoadBalancer } from '../../fakes/cloudflare/index.ts';
import { ACCOUNT_ID, converge, plan, provider, REGIONS, startFake, TOKEN_ENV, ZONE_ID } from './harness.ts';

function config(baseURL: string) {
  return parseConfig(
    stringify({
      owner: 'shop-prod',
      regions: REGIONS,
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
              name: 'app.example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
            },
            {
              name: 'api.example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'weighted', weights: { 'us-east': 100, 'eu-west': 100 } },
            },
          ],
        },
      ],
      health: { minProbers: 1, failbackRamp: { steps: [10, 25, 50, 100], stepAfter: '30s' } },
    }),
  );
}

const all = ['use-a', 'use-b', 'use-6'];
function states(us: 'up' | 'down', ramp?: RampStep): Map<string, RegionState> {
  return new Map<string, RegionState>([
    [
      'us-east',
      { id: 'us-east', status: us, since: 0, upEndpoints: us === 'up' ? all : [], ...(ramp ? { ramp } : {}) },
    ],
    ['eu-west', { id: 'eu-west', status: 'up', since: 0, upEndpoints: ['euw-a', 'euw-b', 'euw-6'] }],
  ]);
}

describe('cloudflare load-balancer mode: failback ramp', () => {
  let fake: FakeCloudflare;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const pools = () => [...fake.accounts.get(ACCOUNT_ID)!.pools.values()];
  const poolId = (region: string) => pools().find((p) => p.name === `geofailover-shop-prod-${region}`)!.id;
  const lb = (name: string): LoadBalancer =>
    [...fake.lbZones.get(ZONE_ID)!.lbs.values()].find((l) => l.name === name)!;

  it('ramps pool weights step by step and returns to plain failover at 100%', async () => {
    const c = config(fake.url);
    const p = provider(c);
    await converge(c, p, states('up'));
    await converge(c, p, states('down'));
    expect((await plan(c, p, states('down'))).changes).toEqual([]);
    for (const [i, pct] of [10, 25, 50].entries()) {
      const s = states('up', { step: i + 1, steps: 4, percent: pct });
      const { plan: step } = await converge(c, p, s);
      expect(
        step.changes.every((ch) => ch.reason.detail === `ramp step ${i + 1}/4 of us-east (${pct}%)`),
      ).toBe(true);
      const app = lb('app.example.com');
      expect(app.steering_policy).toBe('random');
      expect(app.random_steering?.pool_weights).toEqual({
        [poolId('us-east')]: Math.round((pct / 255) * 10_000) / 10_000,
        [poolId('eu-west')]: Math.round(((100 - pct) / 255) * 10_000) / 10_000,
      });
      expect(lb('api.example.com').random_steering?.pool_weights?.[poolId('us-east')]).toBe(
        Math.round((pct / 255) * 10_000) / 10_000,
      );
      expect((await plan(c, p, s)).changes).toEqual([]);
    }
    const last = states('up', { step: 4, steps: 4, percent: 100 });
    await converge(c, p, last);
    expect(lb('app.example.com').steering_policy).toBe('off');
    expect((await plan(c, p, last)).changes).toEqual([]);
    expect((await plan(c, p, states('up'))).changes).toEqual([]);
  });

  it('a relapse mid-ramp takes the recovering pool out at once', async () => {
    const c = config(fake.url);
    const p = provider(c);
    await converge(c, p, states('down'));
    await converge(c, p, states('up', { step: 2, steps: 4, percent: 25 }));
    const { plan: relapse } = await converge(c, p, states('down'));
    expect(relapse.changes.length).toBeGreaterThan(0);
    expect(pools().find((x) => x.id === poolId('us-east'))!.enabled).toBe(false);
    expect(lb('app.example.com').steering_policy).toBe('off');
    expect((await plan(c, p, states('down'))).changes).toEqual([]);
  });
});
