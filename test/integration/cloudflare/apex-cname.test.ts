// CNAME flattening at the apex on Cloudflare (records mode) against the fake API through the real SDK:
// a failover CNAME at example.com itself pointing at each region's load balancer name is created,
// re-plans to zero, follows a failover to the other region's name and back, re-planning to zero each
// time. (Cloudflare answers an apex CNAME with the target's addresses; the builtin server and
// Route 53 cannot hold one, and validate says so.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/index.ts';
import type { FakeCloudflare } from '../../fakes/cloudflare/index.ts';
import { converge, plan, provider, startFake, TOKEN_ENV, ZONE_ID } from './harness.ts';

const tcp = { kind: 'tcp', port: 443 };

function config(baseURL: string) {
  return parseConfig(
    stringify({
      owner: 'shop-prod',
      regions: [
        { id: 'us-east', endpoints: [{ id: 'use-lb', address: 'use-lb.example.net', check: tcp }] },
        { id: 'eu-west', endpoints: [{ id: 'euw-lb', address: 'euw-lb.example.net', check: tcp }] },
      ],
      providers: {
        cf: { kind: 'cloudflare', zoneId: ZONE_ID, apiTokenEnv: TOKEN_ENV, baseURL, mode: 'records' },
      },
      zones: [
        {
          name: 'example.com',
          provider: 'cf',
          records: [
            {
              name: 'example.com',
              type: 'CNAME',
              ttl: 60,
              policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
            },
          ],
        },
      ],
      health: { minProbers: 1 },
    }),
  );
}

describe('cloudflare records mode: CNAME at the apex (flattening)', () => {
  let fake: FakeCloudflare;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const apex = () =>
    [...[...fake.zones.values()][0]!.records.values()].filter((r) => r.name === 'example.com');

  it('publishes, fails over and back, re-planning to zero each time', async () => {
    const c = config(fake.url);
    const p = provider(c);
    const { outcome } = await converge(c, p);
    expect(outcome.verified).toBe(true);
    expect(apex().map((r) => [r.type, r.content])).toEqual([['CNAME', 'use-lb.example.net']]);
    expect((await plan(c, p)).changes).toEqual([]);
    await converge(c, p, { 'us-east': 'down' });
    expect(apex().map((r) => [r.type, r.content])).toEqual([['CNAME', 'euw-lb.example.net']]);
    expect((await plan(c, p, { 'us-east': 'down' })).changes).toEqual([]);
    await converge(c, p);
    expect(apex().map((r) => r.content)).toEqual(['use-lb.example.net']);
    expect((await plan(c, p)).changes).toEqual([]);
  });
});
