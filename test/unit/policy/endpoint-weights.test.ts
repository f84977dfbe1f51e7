// Endpoint weights and the failback ramp in policy: equal endpoint weights publish exactly the sets of
// old (no churn on upgrade), unequal ones split a region into one set per endpoint, and a ramping
// region's weight (weighted) or share (failover, as two weighted sets) follows its step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RampStep, RecordSet, RegionState } from '../../../src/model/index.ts';
import { planZone } from '../../../src/plan/index.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig, REGIONS, state } from './config.ts';

function config(records: unknown[], weights: Record<string, number> = {}) {
  const regions = REGIONS.map((r) => ({
    ...r,
    endpoints: r.endpoints.map((e) => (weights[e.id] === undefined ? e : { ...e, weight: weights[e.id] })),
  }));
  return makeConfig(records, { regions });
}

const WEIGHTED = [
  {
    name: 'api.example.com',
    type: 'A',
    ttl: 60,
    policy: { kind: 'weighted', weights: { 'us-east': 100, 'eu-west': 100 } },
  },
];
const FAILOVER = [
  {
    name: 'app.example.com',
    type: 'A',
    ttl: 60,
    policy: { kind: 'failover', order: ['us-east', 'eu-west'] },
  },
];

const ramping = (id: string, ramp: RampStep, up?: string[]): RegionState => ({
  ...state(id, 'up', up),
  ramp,
});
const sets = (ds: { record: RecordSet }[]) =>
  Object.fromEntries(ds.map((d) => [d.record.setId ?? '', d.record]));

describe('endpoint weights', () => {
  it('equal endpoint weights publish exactly the records of a config without weights', () => {
    const before = config([...WEIGHTED, ...FAILOVER]);
    const after = config([...WEIGHTED, ...FAILOVER], { 'use-a': 7, 'use-b': 7, 'euw-a': 3 });
    const st = new Map([['eu-west', state('eu-west', 'down')]]);
    const old = desiredRecords(before, before.zones[0]!, st).map((d) => d.record);
    const now = desiredRecords(after, after.zones[0]!, st).map((d) => d.record);
    expect(now).toEqual(old);
    // An existing zone plans zero changes after the upgrade.
    const plan = planZone({
      zone: after.zones[0]!,
      providerId: 'mem',
      providerKind: 'memory',
      current: desiredRecords(before, before.zones[0]!, new Map()).map((d) => d.record),
      desired: desiredRecords(after, after.zones[0]!, new Map()),
      options: {
        owner: 'shop-prod',
        safety: { maxUpdateFraction: 1, maxDeleteFraction: 1, minExisting: 0 },
        adopt: true,
      },
    });
    expect(plan.changes.filter((c) => c.after?.type !== 'TXT')).toEqual([]);
  });

  it('unequal weights give one set per endpoint, the region weight shared in proportion', () => {
    const c = config(WEIGHTED, { 'use-a': 3, 'use-b': 1 });
    const s = sets(desiredRecords(c, c.zones[0]!, new Map()));
    expect(Object.keys(s).sort()).toEqual(['eu-west', 'us-east/use-a', 'us-east/use-b']);
    expect(s['us-east/use-a']).toMatchObject({ weight: 75, values: ['192.0.2.10'] });
    expect(s['us-east/use-b']).toMatchObject({ weight: 25, values: ['192.0.2.11'] });
    expect(s['eu-west']).toMatchObject({ weight: 100, values: ['198.51.100.10'] });
  });

  it("a DOWN endpoint's set goes to 0 and the region keeps its share on the others", () => {
    const c = config(WEIGHTED, { 'use-a': 3, 'use-b': 1 });
    const ds = desiredRecords(c, c.zones[0]!, new Map([['us-east', state('us-east', 'up', ['use-b'])]]));
    const s = sets(ds);
    expect(s['us-east/use-a']).toMatchObject({ weight: 0, values: ['192.0.2.10'] });
    expect(s['us-east/use-b']).toMatchObject({ weight: 100 });
    expect(ds.find((d) => d.record.setId === 'us-east/use-a')!.reason.code).toBe('region-down');
  });

  it('a DOWN region puts all its endpoint sets at 0; all down fails open with the configured shares', () => {
    const c = config(WEIGHTED, { 'use-a': 3, 'use-b': 1 });
    const down = sets(desiredRecords(c, c.zones[0]!, new Map([['us-east', state('us-east', 'down')]])));
    expect([down['us-east/use-a']!.weight, down['us-east/use-b']!.weight]).toEqual([0, 0]);
    const all = sets(
      desiredRecords(
        c,
        c.zones[0]!,
        new Map([
          ['us-east', state('us-east', 'down')],
          ['eu-west', state('eu-west', 'down')],
        ]),
      ),
    );
    expect([all['us-east/use-a']!.weight, all['us-east/use-b']!.weight, all['eu-west']!.weight]).toEqual([
      75, 25, 100,
    ]);
  });

  it('rounds to integers and never rounds a positive share to 0', () => {
    const c = config(
      [
        {
          name: 'api.example.com',
          type: 'A',
          ttl: 60,
          policy: { kind: 'weighted', weights: { 'us-east': 1, 'eu-west': 1 } },
        },
      ],
      { 'use-a': 200, 'use-b': 1 },
    );
    const s = sets(desiredRecords(c, c.zones[0]!, new Map()));
    expect(s['us-east/use-a']!.weight).toBe(1);
    expect(s['us-east/use-b']!.weight).toBe(1);
  });
});

describe('failback ramp in policy', () => {
  it('weighted: the ramping region publishes its step percent of its weight, with the ramp as reason', () => {
    const c = config(WEIGHTED);
    const ds = desiredRecords(
      c,
      c.zones[0]!,
      new Map([['us-east', ramping('us-east', { step: 2, steps: 4, percent: 25 })]]),
    );
    const s = sets(ds);
    expect(s['us-east']!.weight).toBe(25);
    expect(s['eu-west']!.weight).toBe(100);
    expect(ds.find((d) => d.record.setId === 'us-east')!.reason).toEqual({
      code: 'region-up',
      region: 'us-east',
      detail: 'ramp step 2/4 of us-east (25%)',
    });
    expect(ds.find((d) => d.record.setId === 'us-east')!.explanation).toContain('failback ramp step 2/4');
  });

  it('weighted with endpoint weights: the ramped region weight is shared over its endpoints', () => {
    const c = config(WEIGHTED, { 'use-a': 3, 'use-b': 1 });
    const s = sets(
      desiredRecords(
        c,
        c.zones[0]!,
        new Map([['us-east', ramping('us-east', { step: 3, steps: 4, percent: 50 })]]),
      ),
    );
    expect([s['us-east/use-a']!.weight, s['us-east/use-b']!.weight]).toEqual([38, 13]);
  });

  it('failover: the recovering primary at the step and the serving secondary at the rest, as weighted sets', () => {
    const c = config(FAILOVER);
    const ds = desiredRecords(
      c,
      c.zones[0]!,
      new Map([['us-east', ramping('us-east', { step: 1, steps: 4, percent: 10 })]]),
    );
    expect(ds.map((d) => [d.record.setId, d.record.weight, d.record.values])).toEqual([
      ['us-east', 10, ['192.0.2.10', '192.0.2.11']],
      ['eu-west', 90, ['198.51.100.10']],
    ]);
    expect(ds.every((d) => d.reason.detail === 'ramp step 1/4 of us-east (10%)')).toBe(true);
  });

  it('failover: at 100% it is the single answer again, still explained by the ramp', () => {
    const c = config(FAILOVER);
    const ds = desiredRecords(
      c,
      c.zones[0]!,
      new Map([['us-east', ramping('us-east', { step: 4, steps: 4, percent: 100 })]]),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.record.setId).toBeUndefined();
    expect(ds[0]!.reason.detail).toBe('ramp step 4/4 of us-east (100%)');
  });

  it('failover: with no other serving region the ramping primary answers alone', () => {
    const c = config(FAILOVER);
    const ds = desiredRecords(
      c,
      c.zones[0]!,
      new Map([
        ['us-east', ramping('us-east', { step: 1, steps: 4, percent: 10 })],
        ['eu-west', state('eu-west', 'down')],
      ]),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.record.values).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('the plan that reshapes a failover answer into ramp sets deletes the old answer for the ramp, not as an orphan', () => {
    const c = config(FAILOVER);
    const current = desiredRecords(c, c.zones[0]!, new Map([['us-east', state('us-east', 'down')]])).map(
      (d) => d.record,
    );
    const desired = desiredRecords(
      c,
      c.zones[0]!,
      new Map([['us-east', ramping('us-east', { step: 1, steps: 4, percent: 10 })]]),
    );
    const plan = planZone({
      zone: c.zones[0]!,
      providerId: 'mem',
      providerKind: 'memory',
      current,
      desired,
      options: {
        owner: 'shop-prod',
        safety: { maxUpdateFraction: 0.3, maxDeleteFraction: 0.3, minExisting: 0 },
        adopt: true,
      },
    });
    const records = plan.changes.filter((ch) => (ch.after ?? ch.before)!.type === 'A');
    expect(records.map((ch) => ch.kind).sort()).toEqual(['create', 'create', 'delete']);
    expect(records.every((ch) => ch.reason.detail === 'ramp step 1/4 of us-east (10%)')).toBe(true);
  });

  it('property: a ramping region never gets more than its step (failover exactly; weighted within rounding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 99 }), (w, percent) => {
        const rampState = ramping('us-east', { step: 1, steps: 2, percent });
        const fo = config(FAILOVER);
        const f = sets(desiredRecords(fo, fo.zones[0]!, new Map([['us-east', rampState]])));
        expect(f['us-east']!.weight).toBe(percent);
        expect(f['eu-west']!.weight).toBe(100 - percent);
        const wc = config([
          {
            name: 'api.example.com',
            type: 'A',
            ttl: 60,
            policy: { kind: 'weighted', weights: { 'us-east': w, 'eu-west': 100 } },
          },
        ]);
        const s = sets(desiredRecords(wc, wc.zones[0]!, new Map([['us-east', rampState]])));
        const exact = (w * percent) / 100;
        const got = s['us-east']!.weight!;
        expect(got >= 1).toBe(true);
        expect(got <= Math.max(1, exact + 0.5)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a relapsed (DOWN) region gets weight 0 whatever its last step', () => {
    const c = config(WEIGHTED);
    const s = sets(desiredRecords(c, c.zones[0]!, new Map([['us-east', state('us-east', 'down')]])));
    expect(s['us-east']!.weight).toBe(0);
  });
});
