// Policy + plan + the strict memory provider together, over the life of a zone: first apply, a
// failover, every region down (fail-open), recovery. Health-driven plans are never refused by the
// fractions even when every record changes; a config edit of the same size is.
import { describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { RegionStatus } from '../../../src/model/index.ts';
import { assemblePlan, planZone, renderText, type ZonePlan } from '../../../src/plan/index.ts';
import { assumeStates, desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig } from '../policy/config.ts';

const records = Array.from({ length: 12 }, (_, i) => ({
  name: `app${i}.example.com`,
  type: 'A',
  ttl: 30,
  policy:
    i % 3 === 0
      ? { kind: 'weighted', weights: { 'us-east': 50, 'eu-west': 50 } }
      : i % 3 === 1
        ? { kind: 'failover', order: ['us-east', 'eu-west', 'ap-south'] }
        : {
            kind: 'geo',
            rules: [
              { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
              { match: 'default', regions: ['us-east', 'ap-south'] },
            ],
          },
}));

async function step(
  provider: MemoryProvider,
  config: ReturnType<typeof makeConfig>,
  assume: Record<string, RegionStatus>,
): Promise<ZonePlan> {
  const zone = config.zones[0]!;
  const names = zone.records.map((r) => r.name);
  const current = await provider.records(zone.name, { names });
  const desired = desiredRecords(
    config,
    zone,
    assumeStates(config, new Map(Object.entries(assume))),
    current,
  );
  const plan = planZone({
    zone,
    providerId: provider.id,
    providerKind: provider.kind,
    current,
    desired,
    options: { owner: config.owner, safety: config.safety },
  });
  if (plan.allowed) await provider.apply(zone.name, plan.changes);
  return plan;
}

describe('a zone through failover and recovery', () => {
  it('applies every health-driven plan, refuses a large config edit, and converges', async () => {
    const config = makeConfig(records);
    const provider = new MemoryProvider('mem', config.owner);
    const first = await step(provider, config, {});
    expect(first.allowed).toBe(true);
    expect(first.existing).toBe(0);

    for (const assume of [
      { 'us-east': 'down' },
      { 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' },
      {},
      { 'us-east': 'drained', 'eu-west': 'down', 'ap-south': 'up' },
      {},
    ] as Record<string, RegionStatus>[]) {
      const plan = await step(provider, config, assume);
      expect(plan.changes.length, JSON.stringify(assume)).toBeGreaterThan(0);
      expect(plan.allowed, `${JSON.stringify(assume)}: ${plan.safety.map((v) => v.message).join('\n')}`).toBe(
        true,
      );
      expect((await step(provider, config, assume)).changes).toEqual([]);
    }

    // The same amount of change from a config edit (new addresses everywhere) is refused.
    const edited = makeConfig(records, {
      regions: [
        { id: 'us-east', endpoints: [{ id: 'n1', address: '192.0.2.200', check: { kind: 'tcp', port: 1 } }] },
        {
          id: 'eu-west',
          endpoints: [{ id: 'n2', address: '198.51.100.200', check: { kind: 'tcp', port: 1 } }],
        },
        {
          id: 'ap-south',
          endpoints: [{ id: 'n3', address: '203.0.113.200', check: { kind: 'tcp', port: 1 } }],
        },
      ],
    });
    const refused = await step(provider, edited, {});
    expect(refused.allowed).toBe(false);
    expect(refused.safety.find((v) => v.check === 'update-fraction')!.ok).toBe(false);
  });
});

describe('plan text for a what-if (plan --assume eu-west=down)', () => {
  it('names the region and its state on each moved record', async () => {
    const config = makeConfig([
      {
        name: 'app.example.com',
        type: 'A',
        ttl: 30,
        policy: { kind: 'failover', order: ['eu-west', 'us-east'] },
      },
      {
        name: 'api.example.com',
        type: 'A',
        ttl: 30,
        policy: { kind: 'weighted', weights: { 'us-east': 70, 'eu-west': 30 } },
      },
      {
        name: 'www.example.com',
        type: 'A',
        ttl: 30,
        policy: {
          kind: 'geo',
          rules: [
            { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
            { match: 'default', regions: ['us-east'] },
          ],
        },
      },
    ]);
    const provider = new MemoryProvider('mem', config.owner);
    await step(provider, config, {});
    const plan = await step(provider, config, { 'eu-west': 'down' });
    const lines = renderText(assemblePlan(config.owner, [plan])).split('\n');
    expect(lines).toContain(
      '  ~ update app.example.com. A  198.51.100.10 -> 192.0.2.10, 192.0.2.11  because eu-west is DOWN',
    );
    expect(lines).toContain(
      '  ~ update api.example.com. A [eu-west]  198.51.100.10 -> 198.51.100.10 (weight 30 -> 0)  because eu-west is DOWN',
    );
    expect(lines).toContain(
      '  ~ update www.example.com. A [continent-eu]  198.51.100.10 -> 192.0.2.10, 192.0.2.11 (geo continent=EU)  because eu-west is DOWN',
    );
    expect(lines).toContain('  0 to create, 3 to update, 0 to delete; 5 owned record(s) before');
  });
});
