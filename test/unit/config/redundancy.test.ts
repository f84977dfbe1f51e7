// The config of provider redundancy: `providers: [a, b]` instead of `provider: a`, every named
// provider must exist (once) and express every record's policy, verify.providers names providers.
import { describe, expect, it } from 'vitest';
import { parseConfig, zoneProviders } from '../../../src/config/index.ts';

const config = (zone: string, policy = '{ kind: failover, order: [a] }', extra = '') => `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local: { kind: builtin }
  pdns: { kind: powerdns, url: "http://127.0.0.1:8081", apiKeyEnv: PDNS_KEY }
zones:
  - name: example.com
    ${zone}
    records:
      - { name: w.example.com, type: A, ttl: 60, policy: ${policy} }
${extra}`;

describe('providers: [a, b]', () => {
  it('parses to both providers, the first as `provider`', () => {
    const c = parseConfig(config('providers: [local, pdns]'), 'x.yaml');
    expect(zoneProviders(c.zones[0]!)).toEqual(['local', 'pdns']);
    expect(c.zones[0]!.provider).toBe('local');
    expect(zoneProviders(parseConfig(config('provider: local'), 'x.yaml').zones[0]!)).toEqual(['local']);
  });

  it('refuses both forms at once, and neither', () => {
    expect(() => parseConfig(config('provider: local\n    providers: [pdns]'), 'x.yaml')).toThrow(
      /a zone needs `provider: ID` or `providers: \[ID, \.\.\.\]`, not both/,
    );
    expect(() => parseConfig(config('records2: []'), 'x.yaml')).toThrow();
  });

  it('names an unknown or repeated provider by its position', () => {
    expect(() => parseConfig(config('providers: [local, nope]'), 'x.yaml')).toThrow(
      /zones\[0\]\.providers\[1\]: unknown provider "nope"; known: local, pdns/,
    );
    expect(() => parseConfig(config('providers: [local, local]'), 'x.yaml')).toThrow(
      /zones\[0\]\.providers\[1\]: provider "local" is named twice for this zone/,
    );
  });

  it('needs every provider to express every policy, and says which one cannot', () => {
    const geo = '{ kind: geo, rules: [{ match: default, regions: [a] }] }';
    expect(parseConfig(config('provider: local', geo), 'x.yaml').zones).toHaveLength(1);
    expect(() => parseConfig(config('providers: [local, pdns]', geo), 'x.yaml')).toThrow(
      /zones\[0\]\.records\[0\]\.policy\.kind: provider pdns \(powerdns\): a geo policy cannot be expressed by plain PowerDNS records/,
    );
  });

  it('checks that verify.providers names providers', () => {
    expect(() =>
      parseConfig(
        config('providers: [local, pdns]', undefined, 'verify: { providers: { nope: ["127.0.0.1:53"] } }'),
        'x.yaml',
      ),
    ).toThrow(/verify\.providers\.nope: unknown provider "nope"/);
  });
});
