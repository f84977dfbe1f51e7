// The applier and the reconcile functions over the strict memory provider and the real policy and plan:
// dry-run and refused plans write nothing, empty plans are not sent, a write is verified by planning
// again, and a provider that does not end where the plan said is a typed error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import {
  applyPlan,
  applyZonePlan,
  NotConvergedError,
  planZoneOf,
  planZones,
} from '../../../src/controller/index.ts';
import { type Change, ProviderError, type RecordSet } from '../../../src/model/index.ts';
import { assumeStates } from '../../../src/policy/index.ts';

const YAML = `
owner: shop
regions:
  - id: us-east
    endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }]
  - id: eu-west
    endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 443 } }]
providers:
  mem: { kind: memory }
zones:
  - name: example.com
    provider: mem
    records:
      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [eu-west, us-east] } }
      - { name: api.example.com, type: A, ttl: 30, policy: { kind: weighted, weights: { us-east: 70, eu-west: 30 } } }
safety: { maxUpdateFraction: 0.3, maxDeleteFraction: 0.3, minExisting: 1 }
`;

function setup(yaml = YAML) {
  const config: Config = parseConfig(yaml, 'test.yaml');
  const provider = new MemoryProvider('mem', config.owner);
  const providers = new Map<string, DnsProvider>([['mem', provider]]);
  const zone = config.zones[0]!;
  const up = assumeStates(config, new Map());
  return { config, provider, providers, zone, up };
}

describe('applyZonePlan', () => {
  it('applies, then re-plans to zero changes; the store holds exactly the desired records', async () => {
    const { config, provider, zone, up } = setup();
    const plan = await planZoneOf(config, zone, provider, up);
    expect(plan.changes.length).toBe(5); // app, api x2, two markers
    const outcome = await applyZonePlan(plan, provider, {
      mode: 'apply',
      replan: () => planZoneOf(config, zone, provider, up),
    });
    expect(outcome).toMatchObject({ status: 'applied', changes: 5, verified: true, zone: 'example.com.' });
    expect(provider.applyCalls).toBe(1);
    const app = provider.all('example.com').find((r) => r.name === 'app.example.com.' && r.type === 'A');
    expect(app?.values).toEqual(['198.51.100.10']);
    expect((await planZoneOf(config, zone, provider, up)).changes).toEqual([]);
  });

  it('dry-run sends nothing', async () => {
    const { config, provider, zone, up } = setup();
    const plan = await planZoneOf(config, zone, provider, up);
    let replanned = false;
    const outcome = await applyZonePlan(plan, provider, {
      mode: 'dry-run',
      replan: async () => {
        replanned = true;
        return plan;
      },
    });
    expect(outcome).toMatchObject({ status: 'dry-run', changes: 5 });
    expect(provider.applyCalls).toBe(0);
    expect(replanned).toBe(false);
    expect(provider.all('example.com')).toEqual([]);
  });

  it('never applies a refused plan', async () => {
    const { config, provider, zone, up } = setup();
    // A record at a managed name without our marker: refused unless adopting.
    provider.put({ name: 'app.example.com', type: 'A', ttl: 60, values: ['203.0.113.1'] });
    const plan = await planZoneOf(config, zone, provider, up);
    expect(plan.allowed).toBe(false);
    const outcome = await applyZonePlan(plan, provider, { mode: 'apply' });
    expect(outcome.status).toBe('refused');
    expect(provider.applyCalls).toBe(0);
    expect(provider.all('example.com')).toHaveLength(1);
  });

  it('does not send an empty change set', async () => {
    const { config, provider, zone, up } = setup();
    await applyZonePlan(await planZoneOf(config, zone, provider, up), provider, { mode: 'apply' });
    const calls = provider.applyCalls;
    const again = await planZoneOf(config, zone, provider, up);
    expect(again.changes).toEqual([]);
    const outcome = await applyZonePlan(again, provider, { mode: 'apply' });
    expect(outcome.status).toBe('no-changes');
    expect(provider.applyCalls).toBe(calls);
  });

  it('reports a provider that did not end where the plan said as NotConvergedError', async () => {
    const { config, provider, zone, up } = setup();
    // An adapter that rewrites TTLs on the way in (as some APIs clamp them).
    const clamping: DnsProvider = {
      id: provider.id,
      kind: provider.kind,
      capabilities: provider.capabilities,
      records: (z, q, s) => provider.records(z, q, s),
      apply: (z, changes, s) =>
        provider.apply(
          z,
          changes.map((c): Change => (c.after ? { ...c, after: { ...c.after, ttl: c.after.ttl + 1 } } : c)),
          s,
        ),
    };
    const plan = await planZoneOf(config, zone, clamping, up);
    const err = await applyZonePlan(plan, clamping, {
      mode: 'apply',
      replan: () => planZoneOf(config, zone, clamping, up),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotConvergedError);
    expect(err).toBeInstanceOf(ProviderError);
    const e = err as NotConvergedError;
    expect(e.remaining.length).toBeGreaterThan(0);
    expect(e.context).toMatchObject({ zone: 'example.com.', provider: 'mem' });
    expect(e.message).toContain('planning again still finds');
  });

  it('passes a provider failure through and writes nothing', async () => {
    const { config, provider, zone, up } = setup();
    provider.failNextApply(new ProviderError('throttled', { retryable: true }));
    const plan = await planZoneOf(config, zone, provider, up);
    await expect(applyZonePlan(plan, provider, { mode: 'apply' })).rejects.toThrow('throttled');
    expect(provider.all('example.com')).toEqual([]);
  });

  it('refuses to apply a plan through another provider', async () => {
    const { config, provider, zone, up } = setup();
    const plan = await planZoneOf(config, zone, provider, up);
    const other = new MemoryProvider('other', config.owner);
    await expect(applyZonePlan(plan, other, { mode: 'apply' })).rejects.toThrow(/plan is for provider mem/);
    expect(other.applyCalls).toBe(0);
  });

  it('does not write once the signal is aborted', async () => {
    const { config, provider, zone, up } = setup();
    const plan = await planZoneOf(config, zone, provider, up);
    await expect(
      applyZonePlan(plan, provider, { mode: 'apply', signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(provider.applyCalls).toBe(0);
  });
});

describe('planZones / applyPlan', () => {
  it('a failover under --assume moves records and applyPlan converges', async () => {
    const { config, providers, provider, up } = setup();
    await applyPlan(config, await planZones(config, providers, up), providers, up, { mode: 'apply' });
    const down = assumeStates(config, new Map([['eu-west', 'down']]));
    const plan = await planZones(config, providers, down);
    const kinds = plan.zones[0]!.changes.map((c) => `${c.kind} ${c.after?.name} ${c.after?.setId ?? ''}`);
    expect(kinds).toEqual(['update api.example.com. eu-west', 'update app.example.com. ']);
    // Health-driven changes are exempt from the fractions: 2 of 3 records would otherwise refuse.
    expect(plan.zones[0]!.allowed).toBe(true);
    const outcomes = await applyPlan(config, plan, providers, down, { mode: 'apply' });
    expect(outcomes.map((o) => o.status)).toEqual(['applied']);
    const app = provider.all('example.com').find((r: RecordSet) => r.name === 'app.example.com.');
    expect(app?.values).toEqual(['192.0.2.10']);
  });

  it('applyPlan in dry-run writes nothing', async () => {
    const { config, providers, provider, up } = setup();
    const outcomes = await applyPlan(config, await planZones(config, providers, up), providers, up, {
      mode: 'dry-run',
    });
    expect(outcomes.map((o) => o.status)).toEqual(['dry-run']);
    expect(provider.applyCalls).toBe(0);
  });

  it('planZones refuses an unknown zone name', async () => {
    const { config, providers, up } = setup();
    await expect(planZones(config, providers, up, { zones: ['nope.example'] })).rejects.toThrow(
      /unknown zone/,
    );
  });
});

describe('the applier is the only caller of provider.apply()', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  }
  it('no other file under src/ calls .apply(zone, …)', () => {
    const root = join(import.meta.dirname, '../../../src');
    const callers = files(root).filter((f) =>
      /\b(provider|p|adapter)\??\.apply\(/.test(readFileSync(f, 'utf8')),
    );
    expect(callers.map((f) => f.slice(root.length + 1))).toEqual(['reconcile/applier.ts']);
  });
});
