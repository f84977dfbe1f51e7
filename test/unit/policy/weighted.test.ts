// Weighted policy over every up/down/drained combination: UP regions keep their weight, others get
// weight 0 with all their addresses (never empty); when no weighted region serves, whenAllDown decides.
import { describe, expect, it } from 'vitest';
import type { RecordSet, RegionStatus } from '../../../src/model/index.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { everyCombination, makeConfig, state, states, V4, V6 } from './config.ts';

const WEIGHTS = { 'us-east': 50, 'eu-west': 30, 'ap-south': 20 };
const IDS = Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[];

function weighted(whenAllDown = 'fail-open', weights: Record<string, number> = WEIGHTS, type = 'A') {
  const config = makeConfig([
    { name: 'api.example.com', type, ttl: 60, policy: { kind: 'weighted', weights, whenAllDown } },
  ]);
  return { config, zone: config.zones[0]! };
}

function bySet(records: { record: RecordSet }[]): Record<string, RecordSet> {
  return Object.fromEntries(records.map((d) => [d.record.setId!, d.record]));
}

describe('weighted policy: every region-state combination', () => {
  const { config, zone } = weighted();
  for (const combo of everyCombination()) {
    const label = IDS.map((r) => `${r}=${combo[r]}`).join(' ');
    it(`fail-open: ${label}`, () => {
      const ds = desiredRecords(config, zone, states(combo));
      expect(ds.map((d) => d.record.setId)).toEqual(IDS);
      const sets = bySet(ds);
      const anyUp = IDS.some((r) => combo[r] === 'up');
      for (const r of IDS) {
        const rec = sets[r]!;
        expect(rec).toMatchObject({ name: 'api.example.com.', type: 'A', ttl: 60, setId: r });
        expect(rec.values).toEqual(V4[r]);
        const status = combo[r] as RegionStatus;
        const weight = anyUp
          ? status === 'up'
            ? WEIGHTS[r]
            : 0
          : // all down: fail-open keeps configured weights, except drained regions.
            status === 'drained'
            ? 0
            : WEIGHTS[r];
        expect(rec.weight, r).toBe(weight);
        const reason = ds.find((d) => d.record.setId === r)!.reason;
        if (!anyUp) expect(reason.code).toBe('all-down');
        else if (status === 'up') expect(reason.code).toBe('config');
        else
          expect(reason).toMatchObject({
            code: status === 'down' ? 'region-down' : 'region-drained',
            region: r,
          });
      }
    });
  }
});

describe('weighted policy: details', () => {
  it('publishes only the UP endpoints of a partly healthy region, with its weight', () => {
    const { config, zone } = weighted();
    const sets = bySet(
      desiredRecords(config, zone, new Map([['us-east', state('us-east', 'up', ['use-a'])]])),
    );
    expect(sets['us-east']).toMatchObject({ values: ['192.0.2.10'], weight: 50 });
  });

  it('a DOWN region publishes all its addresses with weight 0 (never empty)', () => {
    const { config, zone } = weighted();
    const ds = desiredRecords(config, zone, states({ 'eu-west': 'down' }));
    const euw = ds.find((d) => d.record.setId === 'eu-west')!;
    expect(euw.record).toMatchObject({ values: ['198.51.100.10'], weight: 0 });
    expect(euw.reason.detail).toBe('eu-west is DOWN');
    expect(euw.explanation).toContain('weight 0 (configured 30)');
  });

  it('a region configured with weight 0 does not keep the record "up"', () => {
    const { config, zone } = weighted('fail-open', { 'us-east': 0, 'eu-west': 10 });
    const sets = bySet(desiredRecords(config, zone, states({ 'eu-west': 'down' })));
    // eu-west, the only weighted region, is down: all-down, fail-open keeps configured weights.
    expect(sets['eu-west']!.weight).toBe(10);
    expect(sets['us-east']!.weight).toBe(0);
  });

  it('keep-last keeps each published set when no region serves, and fails open for unpublished ones', () => {
    const { config, zone } = weighted('keep-last');
    const published: RecordSet[] = [
      { name: 'api.example.com', type: 'A', setId: 'us-east', ttl: 60, values: ['192.0.2.11'], weight: 0 },
      {
        name: 'api.example.com',
        type: 'A',
        setId: 'eu-west',
        ttl: 60,
        values: ['198.51.100.10'],
        weight: 30,
      },
    ];
    const ds = desiredRecords(
      config,
      zone,
      states({ 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' }),
      published,
    );
    const sets = bySet(ds);
    expect(sets['us-east']).toMatchObject({ values: ['192.0.2.11'], weight: 0 });
    expect(sets['eu-west']).toMatchObject({ values: ['198.51.100.10'], weight: 30 });
    expect(sets['ap-south']).toMatchObject({ values: ['203.0.113.10'], weight: 20 });
    expect(ds.every((d) => d.reason.code === 'all-down')).toBe(true);
  });

  it('a region back from weight 0 is a region-up change', () => {
    const { config, zone } = weighted();
    const published: RecordSet[] = [
      { name: 'api.example.com', type: 'A', setId: 'eu-west', ttl: 60, values: ['198.51.100.10'], weight: 0 },
    ];
    const euw = desiredRecords(config, zone, new Map(), published).find((d) => d.record.setId === 'eu-west')!;
    expect(euw.reason).toMatchObject({ code: 'region-up', region: 'eu-west' });
    expect(euw.record.weight).toBe(30);
  });

  it('AAAA weighted sets carry IPv6 addresses', () => {
    const { config, zone } = weighted('fail-open', WEIGHTS, 'AAAA');
    const sets = bySet(desiredRecords(config, zone, new Map()));
    for (const r of IDS) expect(sets[r]!.values).toEqual(V6[r]);
  });
});
