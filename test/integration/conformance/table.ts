// The provider conformance table: each case is one function of a harness and a fresh zone, run over
// every adapter's real server or strict fake. A case that needs a declared feature (weighted, geo),
// a fault the server cannot produce (lost compare-and-swap, refused login, throttling) or updates an
// emulator gets wrong is gated.
// Every case ends by planning again and finding zero changes.
import { expect } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import type { Config } from '../../../src/config/index.ts';
import { applyZonePlan } from '../../../src/controller/index.ts';
import { ConflictError, normaliseName, ProviderError, type RecordSet } from '../../../src/model/index.ts';
import { type Assume, convergeZone, planZone } from '../../helpers/converge.ts';
import { declared, declaresAtomicBatches } from './capabilities.ts';
import { EU, nameOf, OWNER, type RecordKind, tableConfig, US } from './config.ts';
import type { Gates, Harness, TestZone } from './harness.ts';

type Need = 'weighted' | 'geo' | keyof Gates;

export interface Case {
  name: string;
  /** Declared features and server abilities the case cannot run without. */
  needs: Need[];
  run(h: Harness, z: TestZone): Promise<void>;
}

/** Why `c` cannot run on this harness whatever the zone (a server ability it lacks), or undefined. */
export function serverGateOf(c: Case, h: Harness): string | undefined {
  for (const need of c.needs)
    if (need !== 'weighted' && need !== 'geo' && h.gates[need]) return h.gates[need];
  return undefined;
}

/** Why `c` cannot run on this harness and zone (a feature the kind does not declare), or undefined. */
export function gateOf(c: Case, h: Harness, z: TestZone): string | undefined {
  const d = declared(tableConfig(h, z, ['failover']), h.id);
  if (c.needs.includes('weighted') && !d.weighted) return `${h.kind} declares no weighted record sets`;
  if (c.needs.includes('geo') && !d.geo)
    return `${h.kind} does not accept a geo policy (validate refuses it)`;
  return serverGateOf(c, h);
}

interface Bench {
  config: Config;
  p: DnsProvider;
  zone: string;
}

/** The records every declared feature allows: failover always, weighted and geo where declared. */
function expressible(h: Harness, z: TestZone): RecordKind[] {
  const d = declared(tableConfig(h, z, ['failover']), h.id);
  return ['failover', ...(d.weighted ? (['weighted'] as const) : []), ...(d.geo ? (['geo'] as const) : [])];
}

async function bench(h: Harness, z: TestZone, kinds: readonly RecordKind[]): Promise<Bench> {
  const config = tableConfig(h, z, kinds);
  return { config, p: await z.open(config), zone: z.name };
}

/** Plan, apply through the applier (which re-plans), and plan once more: zero changes. */
async function converge(b: Bench, assume: Assume = {}, adopt = false) {
  const { plan, outcome, again } = await convergeZone(b.config, b.p, assume, adopt);
  expect(outcome.status === 'no-changes' || outcome.verified === true).toBe(true);
  expect(again.changes).toEqual([]);
  return plan;
}

/** The record sets the adapter reads at `name` and `type` (the contract lets us ask for any name). */
async function setsAt(b: Bench, name: string, type = 'A'): Promise<RecordSet[]> {
  const want = normaliseName(name);
  return (await b.p.records(b.zone, { names: [name] })).filter((r) => r.name === want && r.type === type);
}

async function valuesAt(b: Bench, name: string, type = 'A'): Promise<string[]> {
  return (await setsAt(b, name, type)).flatMap((r) => r.values).sort();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
}

export const CASES: Case[] = [
  {
    name: 'converge: creates every expressible record from empty, then re-plans to zero',
    needs: [],
    async run(h, z) {
      const b = await bench(h, z, expressible(h, z));
      const plan = await converge(b);
      expect(plan.changes.length).toBeGreaterThan(0);
      expect(plan.changes.every((c) => c.kind === 'create')).toBe(true);
      expect(await valuesAt(b, nameOf('failover', z.name))).toEqual(US);
      // Every name carries our ownership (a marker, or tags): another controller is refused them all.
      const other = { ...b.config, owner: 'someone-else' };
      const refused = await planZone(other, await z.open(other));
      expect(refused.allowed).toBe(false);
      const ownership = refused.safety.find((s) => s.check === 'ownership');
      for (const kind of expressible(h, z))
        expect(ownership?.message).toContain(normaliseName(nameOf(kind, z.name)));
      expect(ownership?.message).toContain(`owner=${OWNER}`);
    },
  },
  {
    name: 'failover: a region down moves the answer, and back',
    needs: ['updates'],
    async run(h, z) {
      const b = await bench(h, z, ['failover']);
      const app = nameOf('failover', z.name);
      await converge(b);
      const down = await converge(b, { 'us-east': 'down' });
      expect(down.changes.map((c) => [c.kind, c.reason.code])).toEqual([['update', 'region-down']]);
      expect(await valuesAt(b, app)).toEqual(EU);
      await converge(b);
      expect(await valuesAt(b, app)).toEqual(US);
    },
  },
  {
    name: 'weighted: one set per region with its weight; a region down stops serving',
    needs: ['weighted', 'updates'],
    async run(h, z) {
      const b = await bench(h, z, ['weighted']);
      const api = nameOf('weighted', z.name);
      const bySet = async () =>
        Object.fromEntries(
          (await setsAt(b, api)).map((r) => [r.setId, { weight: r.weight, values: r.values }]),
        );
      await converge(b);
      expect(await bySet()).toEqual({
        'us-east': { weight: 70, values: US },
        'eu-west': { weight: 30, values: EU },
      });
      await converge(b, { 'eu-west': 'down' });
      const down = await bySet();
      expect(down['us-east']).toEqual({ weight: 70, values: US });
      // A region that is not up gets weight 0, or is removed where the provider treats 0 specially.
      expect(down['eu-west'] === undefined || down['eu-west'].weight === 0).toBe(true);
      await converge(b);
      expect((await bySet())['eu-west']).toEqual({ weight: 30, values: EU });
    },
  },
  {
    name: 'geo: each rule answers its first region up; the default moves when its region is down',
    needs: ['geo', 'updates'],
    async run(h, z) {
      const b = await bench(h, z, ['geo']);
      const www = nameOf('geo', z.name);
      const bySet = async () => Object.fromEntries((await setsAt(b, www)).map((r) => [r.setId, r.values]));
      await converge(b);
      expect(await bySet()).toEqual({ 'continent-eu': EU, default: US });
      await converge(b, { 'us-east': 'down' });
      expect(await bySet()).toEqual({ 'continent-eu': EU, default: EU });
      await converge(b);
      expect(await bySet()).toEqual({ 'continent-eu': EU, default: US });
    },
  },
  {
    name: 'adoption: an unmarked record at a managed name is refused, then taken over with --adopt',
    needs: [],
    async run(h, z) {
      const app = nameOf('failover', z.name);
      await z.handEdit({ name: app, type: 'A', ttl: 300, values: ['192.0.2.99'] });
      const b = await bench(h, z, ['failover']);
      const refused = await planZone(b.config, b.p);
      expect(refused.allowed).toBe(false);
      const ownership = refused.safety.find((s) => s.check === 'ownership');
      expect(ownership?.ok).toBe(false);
      expect(ownership?.message).toContain(normaliseName(app));
      expect(ownership?.message).toContain('--adopt');
      expect((await applyZonePlan(refused, b.p, { mode: 'apply' })).status).toBe('refused');
      expect(await valuesAt(b, app)).toEqual(['192.0.2.99']);
      await converge(b, {}, true);
      expect(await valuesAt(b, app)).toEqual(US);
    },
  },
  {
    name: 'foreign names: records at names config does not manage are never touched',
    needs: [],
    async run(h, z) {
      const other = `other.${z.name}`;
      await z.handEdit({ name: other, type: 'A', ttl: 300, values: ['192.0.2.50'] });
      await z.handEdit({ name: other, type: 'AAAA', ttl: 300, values: ['2001:db8::50'] });
      const b = await bench(h, z, ['failover', 'failover2']);
      const untouched = async () => {
        expect(await valuesAt(b, other, 'A')).toEqual(['192.0.2.50']);
        expect(await valuesAt(b, other, 'AAAA')).toEqual(['2001:db8::50']);
      };
      const never = (changes: { before?: RecordSet; after?: RecordSet }[]) =>
        expect(changes.filter((c) => (c.before ?? c.after)!.name.startsWith('other.'))).toEqual([]);
      never((await converge(b)).changes);
      await untouched();
      never((await converge(b, { 'us-east': 'down' })).changes);
      expect(await valuesAt(b, nameOf('failover', z.name))).toEqual(EU);
      await untouched();
      // A managed name taken out of config goes, marker and all; the foreign name stays.
      const smaller = await bench(h, z, ['failover2']);
      const removal = await converge(smaller, { 'us-east': 'down' });
      expect(removal.changes.every((c) => c.kind === 'delete')).toBe(true);
      never(removal.changes);
      expect(await valuesAt(smaller, nameOf('failover', z.name))).toEqual([]);
      await untouched();
    },
  },
  {
    name: 'lost compare-and-swap: a change between read and write is detected, not overwritten',
    needs: ['cas'],
    async run(h, z) {
      const b = await bench(h, z, ['failover', 'failover2']);
      const app = nameOf('failover', z.name);
      const web = nameOf('failover2', z.name);
      await converge(b);
      const stale = await planZone(b.config, b.p, { 'us-east': 'down' });
      expect(stale.changes).toHaveLength(2);
      await z.handEdit({ name: app, type: 'A', ttl: 60, values: ['192.0.2.77'] });
      const err = await rejection(applyZonePlan(stale, b.p, { mode: 'apply' }));
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).context.provider).toBe(h.id);
      expect(await valuesAt(b, app)).toEqual(['192.0.2.77']);
      // All or nothing where the adapter declares its batches atomic: the other change did not land.
      if (declaresAtomicBatches(b.p)) expect(await valuesAt(b, web)).toEqual(US);
      // The next reconcile reads again, sees the drift and converges.
      await converge(b, { 'us-east': 'down' });
      expect(await valuesAt(b, app)).toEqual(EU);
    },
  },
  {
    name: 'auth error: refused credentials are one typed error naming the provider, nothing written',
    needs: ['auth'],
    async run(h, z) {
      const b = await bench(h, z, ['failover']);
      const before = await planZone(b.config, b.p);
      expect(before.changes.length).toBeGreaterThan(0);
      const login = await z.refusedLogin!(b.config);
      try {
        for (const attempt of [
          () => planZone(b.config, login.provider),
          () => login.provider.apply(z.name, before.changes),
        ]) {
          const err = await rejection(attempt());
          expect(err).toBeInstanceOf(ProviderError);
          expect(err).not.toBeInstanceOf(ConflictError);
          const e = err as ProviderError;
          expect(e.retryable).toBe(false);
          expect(e.context.provider).toBe(h.id);
          expect(e.message).toMatch(new RegExp(h.kind, 'i'));
          expect(JSON.stringify({ text: e.describe(), context: e.context })).not.toContain(login.secret);
        }
      } finally {
        await login.done?.();
      }
      // Nothing was written: the working adapter plans exactly what it planned before.
      expect((await planZone(b.config, b.p)).checksum).toBe(before.checksum);
      await converge(b);
    },
  },
  {
    name: 'throttling: brief throttling is retried; throttling that does not end is one retryable error',
    needs: ['throttle'],
    async run(h, z) {
      const t = z.throttle!;
      const b = await bench(h, z, ['failover', 'failover2']);
      try {
        t.start(2);
        await converge(b);
        expect(t.served()).toBe(2);
        const stale = await planZone(b.config, b.p, { 'us-east': 'down' });
        t.start(1_000, true);
        const err = await rejection(b.p.apply(z.name, stale.changes));
        expect(err).toBeInstanceOf(ProviderError);
        expect((err as ProviderError).retryable).toBe(true);
        expect((err as ProviderError).context.provider).toBe(h.id);
      } finally {
        t.clear();
      }
      // Nothing was written: the same plan again, and it converges now that the server lets us.
      const again = await planZone(b.config, b.p, { 'us-east': 'down' });
      expect(again.changes).toHaveLength(2);
      await converge(b, { 'us-east': 'down' });
    },
  },
  {
    name: 'zero-change re-plan: converges in every region-state combination, and a zero plan writes nothing',
    needs: ['updates'],
    async run(h, z) {
      const b = await bench(h, z, expressible(h, z));
      const states: Assume[] = [
        {},
        { 'eu-west': 'down' },
        { 'us-east': 'drained' },
        { 'us-east': 'down', 'eu-west': 'down' },
        { 'us-east': 'down' },
        {},
      ];
      for (const s of states) await converge(b, s);
      const { outcome, again } = await convergeZone(b.config, b.p);
      expect(outcome.status).toBe('no-changes');
      expect(again.changes).toEqual([]);
    },
  },
];
