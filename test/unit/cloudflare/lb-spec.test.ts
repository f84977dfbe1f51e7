// Load-balancer mode, pure parts: the spec config implies, weight encoding, and what config it refuses.
import { describe, expect, it } from 'vitest';
import { decodeWeight, encodeWeight } from '../../../providers/cloudflare/lb-model.ts';
import { checkLbConfig, lbSpec, specMatches } from '../../../providers/cloudflare/lb-spec.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';

const cfg = (records: string, account = 'accountId: acc1'): Config =>
  parseConfig(`
owner: me
regions:
  - id: r1
    endpoints: [{ id: e1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }, { id: e6, address: "2001:db8::1", check: { kind: tcp, port: 80 } }]
  - id: r2
    endpoints: [{ id: e2, address: 192.0.2.2, check: { kind: tcp, port: 80 } }]
providers: { cf: { kind: cloudflare, mode: load-balancer, ${account}, zoneId: 023e105f4ecef8ad9ca31a8372d0c353, apiTokenEnv: T } }
zones:
  - name: example.com
    provider: cf
    records:
${records}
health: { minProbers: 1 }
`);

describe('pool weights', () => {
  it('round-trips every integer weight 0-255 through 4 decimals', () => {
    for (let w = 0; w <= 255; w++) expect(decodeWeight(encodeWeight(w))).toBe(w);
  });
});

describe('lbSpec', () => {
  it('geo rules become country/region pools with the default rule as default_pools', () => {
    const c = cfg(`      - name: www.example.com
        type: A
        ttl: 60
        policy:
          kind: geo
          rules:
            - { match: { continent: OC }, regions: [r2, r1] }
            - { match: { country: DE }, regions: [r2] }
            - { match: default, regions: [r1, r2] }`);
    const spec = lbSpec('www.example.com.', c.zones[0]!.records[0]!, 'me', (r) => `pool-${r}`);
    expect(spec).toMatchObject({
      name: 'www.example.com',
      steering_policy: 'geo',
      default_pools: ['pool-r1', 'pool-r2'],
      fallback_pool: 'pool-r2',
      region_pools: { OC: ['pool-r2', 'pool-r1'] },
      country_pools: { DE: ['pool-r2'] },
      ttl: 60,
      description: 'geofailover owner=me',
    });
    expect(specMatches({ id: 'x', ...spec }, spec)).toBe(true);
    expect(specMatches({ id: 'x', ...spec, default_pools: ['pool-r2', 'pool-r1'] }, spec)).toBe(false);
  });

  it('a proxied load balancer sends no ttl', () => {
    const c = cfg(
      `      - { name: a.example.com, type: A, ttl: 60, proxied: true, policy: { kind: failover, order: [r1, r2] } }`,
    );
    const spec = lbSpec('a.example.com.', c.zones[0]!.records[0]!, 'me', (r) => r);
    expect(spec.ttl).toBeUndefined();
    expect(spec.proxied).toBe(true);
    expect(spec.steering_policy).toBe('off');
  });
});

describe('checkLbConfig', () => {
  it('needs accountId', () => {
    const c = cfg(
      `      - { name: a.example.com, type: A, ttl: 60, policy: { kind: failover, order: [r1] } }`,
      'batchSize: 200',
    );
    expect(() => checkLbConfig(c, 'cf', undefined)).toThrow(/accountId/);
  });

  it('refuses A and AAAA at one name with different policies', () => {
    const c =
      cfg(`      - { name: a.example.com, type: A, ttl: 60, policy: { kind: failover, order: [r1, r2] } }
      - { name: a.example.com, type: AAAA, ttl: 60, policy: { kind: failover, order: [r1] } }`);
    expect(() => checkLbConfig(c, 'cf', 'acc1')).toThrow(/must share policy/);
  });

  it('accepts A and AAAA sharing one policy', () => {
    const c = cfg(`      - { name: a.example.com, type: A, ttl: 60, policy: { kind: failover, order: [r1] } }
      - { name: a.example.com, type: AAAA, ttl: 60, policy: { kind: failover, order: [r1] } }`);
    expect(() => checkLbConfig(c, 'cf', 'acc1')).not.toThrow();
  });
});
