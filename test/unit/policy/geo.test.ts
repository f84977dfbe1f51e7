// Geo policy: one set per rule (stable set ids from the match), each carrying the UP endpoints of
// the rule's first UP region, over every up/down/drained combination.
import { describe, expect, it } from 'vitest';
import type { RecordSet, RegionStatus } from '../../../src/model/index.ts';
import { desiredRecords, geoSetId } from '../../../src/policy/index.ts';
import { everyCombination, HOST, makeConfig, states, V4 } from './config.ts';

const RULES = [
  { match: { continent: 'EU' }, regions: ['eu-west', 'us-east'] },
  { match: { country: 'US', subdivision: 'CA' }, regions: ['us-east', 'ap-south'] },
  { match: { country: 'IN' }, regions: ['ap-south', 'eu-west', 'us-east'] },
  { match: 'default', regions: ['us-east', 'eu-west'] },
];
const SET_IDS = ['continent-eu', 'country-us-ca', 'country-in', 'default'];

function geo(whenAllDown = 'fail-open', type = 'A') {
  const config = makeConfig([
    { name: 'www.example.com', type, ttl: 20, policy: { kind: 'geo', rules: RULES, whenAllDown } },
  ]);
  return { config, zone: config.zones[0]! };
}

function oracle(regions: string[], combo: Record<string, RegionStatus>): string[] {
  const up = regions.find((r) => combo[r] === 'up');
  if (up) return V4[up]!;
  const open = regions.filter((r) => combo[r] !== 'drained');
  return (open.length > 0 ? open : regions).flatMap((r) => V4[r]!).sort();
}

describe('geo policy: every region-state combination', () => {
  const { config, zone } = geo();
  for (const combo of everyCombination()) {
    const label = Object.entries(combo)
      .map(([r, s]) => `${r}=${s}`)
      .join(' ');
    it(`fail-open: ${label}`, () => {
      const ds = desiredRecords(config, zone, states(combo));
      expect(ds.map((d) => d.record.setId)).toEqual(SET_IDS);
      ds.forEach((d, i) => {
        const rule = RULES[i]!;
        expect(d.record.values, d.record.setId).toEqual(oracle(rule.regions, combo));
        expect(d.source).toEqual({ name: 'www.example.com', type: 'A', policy: 'geo', rule: i });
        const first = rule.regions.findIndex((r) => combo[r] === 'up');
        if (first < 0) expect(d.reason.code).toBe('all-down');
        else if (first === 0) expect(d.reason.code).toBe('config');
        else expect(d.reason.region).toBe(rule.regions[0]);
      });
    });
  }
});

describe('geo policy: details', () => {
  it('derives set ids and geo locations from the match', () => {
    const { config, zone } = geo();
    const ds = desiredRecords(config, zone, new Map());
    expect(ds.map((d) => d.record.geo)).toEqual([
      { continent: 'EU' },
      { country: 'US', subdivision: 'CA' },
      { country: 'IN' },
      'default',
    ]);
    expect(geoSetId({ continent: 'EU', country: 'DE' })).toBe('continent-eu-country-de');
  });

  it('sends the EU rule to its fallback when eu-west is down and explains it', () => {
    const { config, zone } = geo();
    const eu = desiredRecords(config, zone, states({ 'eu-west': 'down' }))[0]!;
    expect(eu.record.values).toEqual(V4['us-east']);
    expect(eu.reason).toMatchObject({ code: 'region-down', region: 'eu-west', detail: 'eu-west is DOWN' });
    expect(eu.explanation).toContain('first UP region of rule continent-eu [eu-west, us-east]');
  });

  it('keep-last keeps each rule’s published answer when all its regions are down', () => {
    const { config, zone } = geo('keep-last');
    const published: RecordSet[] = [
      {
        name: 'www.example.com',
        type: 'A',
        setId: 'continent-eu',
        ttl: 20,
        values: ['198.51.100.10'],
        geo: { continent: 'EU' },
      },
    ];
    const ds = desiredRecords(config, zone, states({ 'eu-west': 'down', 'us-east': 'down' }), published);
    expect(ds[0]!.record.values).toEqual(['198.51.100.10']);
    expect(ds[0]!.reason.code).toBe('all-down');
    // The default rule has nothing published: fail-open.
    expect(ds[3]!.record.values).toEqual([...V4['us-east']!, ...V4['eu-west']!].sort());
    // country-in still has ap-south.
    expect(ds[2]!.record.values).toEqual(V4['ap-south']);
  });

  it('CNAME geo sets carry one host name each', () => {
    const { config, zone } = geo('fail-open', 'CNAME');
    const ds = desiredRecords(config, zone, states({ 'eu-west': 'drained' }));
    expect(ds.map((d) => d.record.values)).toEqual([
      [HOST['us-east']],
      [HOST['us-east']],
      [HOST['ap-south']],
      [HOST['us-east']],
    ]);
  });
});
