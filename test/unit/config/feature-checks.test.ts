// What validate says when a record needs a traffic feature its provider's definition does not declare
// (its capabilities): generic, so a new provider kind only declares what it supports.
import { describe, expect, it } from 'vitest';
import { featureProblems } from '../../../src/config/feature-checks.ts';
import { parseConfig } from '../../../src/config/index.ts';

const tcp = { kind: 'tcp', port: 80 };
const config = parseConfig(
  JSON.stringify({
    owner: 'o',
    regions: [
      {
        id: 'us-east',
        endpoints: [
          { id: 'a', address: '192.0.2.1', weight: 3, check: tcp },
          { id: 'b', address: '192.0.2.2', check: tcp },
        ],
      },
      { id: 'eu-west', endpoints: [{ id: 'c', address: '198.51.100.1', check: tcp }] },
    ],
    providers: { m: { kind: 'memory' } },
    health: { failbackRamp: { steps: [50, 100], stepAfter: '10s' } },
    zones: [
      {
        name: 'example.com',
        provider: 'm',
        records: [
          {
            name: 'api.example.com',
            type: 'A',
            ttl: 30,
            policy: { kind: 'weighted', weights: { 'us-east': 1, 'eu-west': 1 } },
          },
          {
            name: 'app.example.com',
            type: 'A',
            ttl: 30,
            policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
          },
        ],
      },
    ],
  }),
);
const zone = config.zones[0]!;
const [weighted, failover] = zone.records as [(typeof zone.records)[0], (typeof zone.records)[0]];

describe('feature checks', () => {
  it('a provider with weighted sets but no endpoint weights refuses unequal endpoint weights, naming them', () => {
    const p = featureProblems(
      config,
      zone,
      weighted,
      { weighted: true, failbackRamp: true, rampedEndpointWeights: true },
      'provider "x" (kind-x)',
    );
    expect(p).toEqual([
      {
        at: ['policy', 'weights', 'us-east'],
        message:
          'region "us-east" weights its endpoints unequally (a: 3, b: 1), but provider "x" (kind-x) cannot weight single endpoints; give them equal weights or put zone example.com on route53 or builtin',
      },
    ]);
  });

  it('a provider without weighted sets refuses the ramp once per failover record (the weighted policy is its own check)', () => {
    expect(featureProblems(config, zone, weighted, {}, 'provider "x" (kind-x)')).toEqual([]);
    const p = featureProblems(config, zone, failover, {}, 'provider "x" (kind-x)');
    expect(p.map((x) => x.at)).toEqual([['policy', 'kind']]);
    expect(p[0]!.message).toContain('health.failbackRamp is set');
  });

  it('a provider that declares everything gets no problem', () => {
    const all = {
      weighted: true,
      endpointWeights: true,
      failbackRamp: true,
      rampedEndpointWeights: true,
      apexCname: true,
      alias: true,
    };
    expect(featureProblems(config, zone, weighted, all, 'p')).toEqual([]);
    expect(featureProblems(config, zone, failover, all, 'p')).toEqual([]);
  });

  it('a provider that ramps whole regions only refuses unequal endpoint weights under a ramp', () => {
    const lb = { weighted: true, endpointWeights: true, failbackRamp: true };
    const p = featureProblems(config, zone, weighted, lb, 'provider "cf" (cloudflare, mode load-balancer)');
    expect(p).toEqual([
      {
        at: ['policy', 'weights', 'us-east'],
        message:
          'region "us-east" weights its endpoints unequally and health.failbackRamp is set, but provider "cf" (cloudflare, mode load-balancer) can ramp only whole regions; give the endpoints equal weights, or put zone example.com on route53 or builtin',
      },
    ]);
  });
});
