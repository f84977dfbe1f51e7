// Valid configs load: the shipped examples, the embedded local default and test/fixtures/valid.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, secretRefs } from '../../../src/config/index.ts';

const root = join(import.meta.dirname, '../../..');
const valid = readdirSync(join(root, 'test/fixtures/valid'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('test/fixtures/valid', f));

describe('valid configs', () => {
  it.each(['config/example.yaml', 'config/local.yaml', ...valid])('%s loads', (file) => {
    const config = loadConfig(join(root, file));
    expect(config.regions.length).toBeGreaterThan(0);
  });

  it('example.yaml: 3 regions and one failover, one weighted and one geo record on the builtin provider', () => {
    const config = loadConfig(join(root, 'config/example.yaml'));
    expect(config.regions.map((r) => r.id)).toHaveLength(3);
    const zone = config.zones[0]!;
    expect(config.providers[zone.provider]?.kind).toBe('builtin');
    expect(zone.records.map((r) => r.policy.kind).sort()).toEqual(['failover', 'geo', 'weighted']);
  });

  it('local.yaml publishes only loopback addresses', () => {
    const config = loadConfig(join(root, 'config/local.yaml'));
    const addresses = config.regions.flatMap((r) => r.endpoints.map((e) => e.address));
    expect(addresses).toHaveLength(3);
    for (const a of addresses) expect(a).toMatch(/^127\./);
    expect(config.providers[config.zones[0]!.provider]?.kind).toBe('builtin');
  });

  it('applies defaults and parses durations to milliseconds', () => {
    const config = loadConfig(join(root, 'test/fixtures/valid/minimal.yaml'));
    expect(config.health.interval).toBe(5000);
    expect(config.health.failbackAfter).toBe(60_000);
    expect(config.safety).toEqual({ maxUpdateFraction: 0.3, maxDeleteFraction: 0.3, minExisting: 10 });
    expect(config.controller.mode).toBe('apply');
    expect(config.zones).toEqual([]);
  });

  it('names every secret by its variable, never holding a value', () => {
    const config = loadConfig(join(root, 'test/fixtures/valid/every-provider.yaml'));
    expect(secretRefs(config).map((r) => r.envVar)).toEqual([
      'PROBER_VIRGINIA_KEY',
      'PROBER_SINGAPORE_KEY',
      'CLOUDFLARE_API_TOKEN',
      'CLOUDFLARE_API_TOKEN',
      'HOOK_TOKEN',
    ]);
  });
});
