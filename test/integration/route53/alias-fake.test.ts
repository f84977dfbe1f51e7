// Alias records on the strict Route 53 fake: load-balancer aliases (each region's hosted zone id) at
// the apex and in weighted sets, an alias to another record of the zone, a failover that swaps the
// alias target, and an alias to a record neither config nor the zone has refused before any write.
// Every converging case re-plans to zero changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53Provider, resetBudgets } from '../../../providers/route53/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { InvalidChangeError } from '../../../src/model/index.ts';
import { FakeRoute53, type FakeZone } from '../../fakes/route53/index.ts';
import { aliasConfig, EUW_LB, EUW_ZONE, USE_LB, USE_ZONE } from './alias-cases.ts';
import { awsConfig, converge, dummyCredentials, FAST, OWNER, plan, providerConfig } from './helpers.ts';

let fake: FakeRoute53;
let zone: FakeZone;
let restore: () => void;

beforeAll(async () => {
  restore = dummyCredentials();
  fake = await new FakeRoute53({ pendingPolls: 1 }).start();
});
afterAll(async () => {
  await fake.close();
  restore();
});
beforeEach(() => {
  fake.zones.clear();
  zone = fake.createZone('example.com');
  resetBudgets();
});

const provider = (config: Config) => new Route53Provider('aws', awsConfig(config), OWNER, FAST);
const stored = (name: string) => [...zone.rrsets.values()].filter((r) => r.name === name && r.type === 'A');

describe('route53 (strict fake): alias records', () => {
  it('publishes load-balancer aliases at the apex and as weighted sets, and an in-zone alias; re-plans to zero', async () => {
    const config = aliasConfig(providerConfig(fake.url, zone.id), zone.id);
    const p = provider(config);
    const { plan: first, outcome, again } = await converge(config, p);
    expect(first.changes.length).toBeGreaterThan(0);
    expect(outcome.status).toBe('applied');
    expect(again.changes).toEqual([]);
    const apex = stored('example.com.');
    expect(apex).toHaveLength(1);
    expect(apex[0]!.alias).toEqual({
      HostedZoneId: USE_ZONE,
      DNSName: `${USE_LB}.`,
      EvaluateTargetHealth: false,
    });
    expect(apex[0]!.ttl).toBeUndefined();
    const api = stored('api.example.com.').sort((a, b) => a.setId!.localeCompare(b.setId!));
    expect(
      api.map((r) => [
        r.setId,
        r.weight,
        r.alias?.HostedZoneId,
        r.alias?.DNSName,
        r.alias?.EvaluateTargetHealth,
      ]),
    ).toEqual([
      ['eu-west', 30, EUW_ZONE, `${EUW_LB}.`, true],
      ['us-east', 70, USE_ZONE, `${USE_LB}.`, false],
    ]);
    expect(stored('www.example.com.')[0]!.alias).toEqual({
      HostedZoneId: zone.id,
      DNSName: 'origin.example.com.',
      EvaluateTargetHealth: false,
    });
  });

  it('a failover swaps the alias target and its hosted zone id, and converges', async () => {
    const config = aliasConfig(providerConfig(fake.url, zone.id), zone.id);
    const p = provider(config);
    await converge(config, p);
    const down = await converge(config, p, { 'us-east': 'down' });
    expect(down.again.changes).toEqual([]);
    expect(stored('example.com.')[0]!.alias).toEqual({
      HostedZoneId: EUW_ZONE,
      DNSName: `${EUW_LB}.`,
      EvaluateTargetHealth: true,
    });
    expect(down.plan.changes.find((c) => c.after?.name === 'example.com.')?.reason.code).toBe('region-down');
    const back = await converge(config, p);
    expect(back.again.changes).toEqual([]);
    expect(stored('example.com.')[0]!.alias?.HostedZoneId).toBe(USE_ZONE);
  });

  it('an alias to a record that neither config nor the zone has is refused before any write', async () => {
    const config = aliasConfig(providerConfig(fake.url, zone.id), zone.id, 'missing.example.com');
    const p = provider(config);
    const before = zone.rrsets.size;
    const zp = await plan(config, p);
    const err = await applyZonePlan(zp, p, { mode: 'apply' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidChangeError);
    expect(String((err as Error).message)).toContain(
      'targets missing.example.com. (A), which is not in the zone and not defined in config',
    );
    expect(zone.rrsets.size).toBe(before);
    // Nothing was written, so the plan stands as it was.
    expect((await plan(config, p)).changes.length).toBe(zp.changes.length);
  });

  it('the fake itself refuses an alias to a missing in-zone target (as Route 53 does)', async () => {
    const config = aliasConfig(providerConfig(fake.url, zone.id), zone.id);
    const p = provider(config);
    // Bypass the adapter's own check: write the alias alone, without its target.
    const client = p.client;
    const { ChangeResourceRecordSetsCommand } = await import('@aws-sdk/client-route-53');
    const err = await client
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone.id,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'www.example.com.',
                  Type: 'A',
                  AliasTarget: {
                    HostedZoneId: zone.id,
                    DNSName: 'origin.example.com.',
                    EvaluateTargetHealth: false,
                  },
                },
              },
            ],
          },
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err?.message).toContain('but that target was not found');
    await converge(config, p);
    expect((await plan(config, p)).changes).toEqual([]);
  });
});
