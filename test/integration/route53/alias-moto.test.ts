// Alias records on moto's Route 53 emulator (moto_server on a free loopback port; it stores
// AliasTarget): load-balancer aliases at the apex and as weighted sets and an in-zone alias converge
// (re-plan finds zero changes), and a failover swaps the apex alias to the other region's load
// balancer. Moto does not check that an in-zone alias target exists; the strict fake covers that.
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { Route53Provider } from '../../../providers/route53/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { motoMissing } from '../../helpers/moto.ts';
import { aliasConfig, EUW_LB, EUW_ZONE, USE_LB, USE_ZONE } from './alias-cases.ts';
import { awsConfig, converge, FAST, motoZone, OWNER, providerConfig } from './helpers.ts';

if (motoMissing) console.warn(`skipping route53 moto alias tests: ${motoMissing}`);

describe.skipIf(motoMissing !== undefined)('route53 on moto_server: alias records', () => {
  const moto = motoZone();

  const provider = (config: Config) => new Route53Provider('aws', awsConfig(config), OWNER, FAST);

  async function aliasAt(name: string) {
    const client = new Route53Client({ region: 'us-east-1', endpoint: moto.url, maxAttempts: 1 });
    const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: moto.zoneId }));
    client.destroy();
    return (out.ResourceRecordSets ?? [])
      .filter((r) => r.Name === name && r.Type === 'A')
      .map((r) => r.AliasTarget);
  }

  it('converges load-balancer and in-zone aliases, and a failover swaps the apex target', async () => {
    const config = aliasConfig(providerConfig(moto.url, moto.zoneId), moto.zoneId);
    const p = provider(config);
    const { outcome, again } = await converge(config, p);
    expect(outcome.status).toBe('applied');
    expect(again.changes).toEqual([]);
    const apex = await aliasAt('example.com.');
    expect(apex).toHaveLength(1);
    expect(apex[0]?.HostedZoneId).toBe(USE_ZONE);
    expect(apex[0]?.DNSName?.replace(/\.$/, '')).toBe(USE_LB);
    const down = await converge(config, p, { 'us-east': 'down' });
    expect(down.again.changes).toEqual([]);
    const swapped = await aliasAt('example.com.');
    expect(swapped[0]?.HostedZoneId).toBe(EUW_ZONE);
    expect(swapped[0]?.DNSName?.replace(/\.$/, '')).toBe(EUW_LB);
  });
});
