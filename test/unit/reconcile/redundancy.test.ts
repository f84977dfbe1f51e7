// Provider redundancy in the reconcile functions the CLI uses: a zone on `providers: [a, b]` is
// planned against each (one banner per zone and provider), applied to each, and re-plans to zero.
import { describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { applyPlan, PartialApplyError, planZones } from '../../../src/controller/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { renderText } from '../../../src/plan/index.ts';
import { assumeStates } from '../../../src/policy/index.ts';

const YAML = `
owner: shop
regions:
  - id: us-east
    endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }]
  - id: eu-west
    endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 443 } }]
providers:
  one: { kind: memory }
  two: { kind: memory }
zones:
  - name: example.com
    providers: [one, two]
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [us-east, eu-west] } }
`;

describe('a zone on two providers', () => {
  it('plans each provider on its own, with one banner each, and applies both', async () => {
    const config = parseConfig(YAML, 'r.yaml');
    expect(config.zones[0]!.provider).toBe('one');
    const one = new MemoryProvider('one', config.owner);
    const two = new MemoryProvider('two', config.owner);
    const providers = new Map<string, DnsProvider>([
      ['one', one],
      ['two', two],
    ]);
    const up = assumeStates(config, new Map());
    const plan = await planZones(config, providers, up);
    expect(plan.zones.map((z) => [z.zone, z.provider, z.changes.length])).toEqual([
      ['example.com.', 'one', 2],
      ['example.com.', 'two', 2],
    ]);
    const text = renderText(plan);
    expect(text).toContain('=== zone example.com. / provider one (memory) ===');
    expect(text).toContain('=== zone example.com. / provider two (memory) ===');
    const outcomes = await applyPlan(config, plan, providers, up, { mode: 'apply' });
    expect(outcomes.map((o) => [o.provider, o.status, o.verified])).toEqual([
      ['one', 'applied', true],
      ['two', 'applied', true],
    ]);

    // a failover moves both providers' records
    const down = assumeStates(config, new Map([['us-east', 'down']]));
    const fo = await planZones(config, providers, down);
    expect(fo.zones.map((z) => z.changes.map((c) => c.reason.code))).toEqual([
      ['region-down'],
      ['region-down'],
    ]);
    await applyPlan(config, fo, providers, down, { mode: 'apply' });
    for (const p of [one, two])
      expect(p.all('example.com').find((r) => r.name === 'app.example.com.')?.values).toEqual([
        '198.51.100.10',
      ]);
    expect((await planZones(config, providers, down)).zones.map((z) => z.changes.length)).toEqual([0, 0]);
  });

  it("applies a zone's other provider when one fails, and the error says so", async () => {
    const config = parseConfig(YAML, 'r.yaml');
    const one = new MemoryProvider('one', config.owner);
    const two = new MemoryProvider('two', config.owner);
    one.apply = async () => {
      throw new ProviderError('provider one is down', { provider: 'one' });
    };
    const providers = new Map<string, DnsProvider>([
      ['one', one],
      ['two', two],
    ]);
    const up = assumeStates(config, new Map());
    const plan = await planZones(config, providers, up);
    const err = await applyPlan(config, plan, providers, up, { mode: 'apply' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialApplyError);
    expect((err as Error).message).toBe(
      "provider one is down; zone example.com.'s other provider(s) were applied: two: applied (2 change(s))",
    );
    expect(two.all('example.com').some((r) => r.name === 'app.example.com.')).toBe(true);
    expect(
      (
        await planZones(
          config,
          new Map([
            ['one', one],
            ['two', two],
          ]),
          up,
        )
      ).zones.map((z) => z.changes.length),
    ).toEqual([2, 0]);
  });
});
