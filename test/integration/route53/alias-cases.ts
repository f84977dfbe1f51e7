// Alias records on a Route 53 API (the strict fake or moto): regions whose endpoints are load
// balancers (AliasTarget with each region's hosted zone id), at the apex and in a weighted name, and
// an alias to another record of the zone. Shared by both suites.
import { parseConfig } from '../../../src/config/index.ts';
import { OWNER } from './helpers.ts';

export const USE_LB = 'dualstack.use-lb-123.us-east-1.elb.amazonaws.com';
export const EUW_LB = 'euw-lb-456.eu-west-1.elb.amazonaws.com';
export const USE_ZONE = 'Z35SXDOTRQ7X7K';
export const EUW_ZONE = 'Z32O12XQLNTSW2';

const tcp = { kind: 'tcp', port: 443 };

export function aliasConfig(
  provider: Record<string, unknown>,
  ownZoneId: string,
  originTarget = 'origin.example.com',
) {
  return parseConfig(
    JSON.stringify({
      owner: OWNER,
      regions: [
        {
          id: 'us-east',
          endpoints: [{ id: 'use-lb', address: USE_LB, alias: { hostedZoneId: USE_ZONE }, check: tcp }],
        },
        {
          id: 'eu-west',
          endpoints: [
            {
              id: 'euw-lb',
              address: EUW_LB,
              alias: { hostedZoneId: EUW_ZONE, evaluateTargetHealth: true },
              check: tcp,
            },
          ],
        },
        { id: 'origin', endpoints: [{ id: 'origin-a', address: '192.0.2.50', check: tcp }] },
        {
          id: 'edge',
          endpoints: [
            { id: 'edge-a', address: originTarget, alias: { hostedZoneId: ownZoneId }, check: tcp },
          ],
        },
      ],
      providers: { aws: { kind: 'route53', ...provider } },
      zones: [
        {
          name: 'example.com',
          provider: 'aws',
          records: [
            {
              name: 'example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
            },
            {
              name: 'api.example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
            },
            {
              name: 'origin.example.com',
              type: 'A',
              ttl: 60,
              policy: { kind: 'failover', order: ['origin'] },
            },
            { name: 'www.example.com', type: 'A', ttl: 60, policy: { kind: 'failover', order: ['edge'] } },
          ],
        },
      ],
    }),
  );
}
