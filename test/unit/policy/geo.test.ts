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

function geo(whenAllDown = 'fail-open', type = 'A', fallback?: string | string[]) {
  const config = makeConfig([
    {
      name: 'www.example.com',
      type,
      ttl: 20,
      policy: { kind: 'geo', rules: RULES, whenAllDown },
      ...(fallback === undefined ? {} : { fallback }),
    },
  ]);
  return { config, zone: config.zones[0]! };
}

const ALL = ['us-east', 'eu-west', 'ap-south'];
const DEFAULT_RULE = RULES[3]!.regions;

/**
 * The oracle: the rule's first UP region; with a last resort (the default, any-up), then the default
 * rule's and then the first UP region of the config; none UP: every non-drained region of the rule.
 */
function oracle(regions: string[], combo: Record<string, RegionStatus>, lastResort: boolean): string[] {
  const chain = lastResort ? [...regions, ...DEFAULT_RULE, ...ALL] : regions;
  const up = chain.find((r) => combo[r] === 'up');
  if (up) return V4[up]!;
  const open = regions.filter((r) => combo[r] !== 'drained');
  return (open.length > 0 ? open : regions).flatMap((r) => V4[r]!).sort();
}

for (const [title, fallback] of [
  ['fallback none (only the rule’s own regions, then whenAllDown)', 'none'],
  ['no fallback written (any-up)', undefined],
] as const) {
  describe(`geo policy: every region-state combination, ${title}`, () => {
    const { config, zone } = geo('fail-open', 'A', fallback);
    for (const combo of everyCombination()) {
      const label = Object.entries(combo)
        .map(([r, s]) => `${r}=${s}`)
        .join(' ');
      it(label, () => {
        const ds = desiredRecords(config, zone, states(combo));
        expect(ds.map((d) => d.record.setId)).toEqual(SET_IDS);
        ds.forEach((d, i) => {
          const rule = RULES[i]!;
          expect(d.record.values, d.record.setId).toEqual(
            oracle(rule.regions, combo, fallback === undefined),
          );
          expect(d.source).toEqual({ name: 'www.example.com', type: 'A', policy: 'geo', rule: i });
          const first = rule.regions.findIndex((r) => combo[r] === 'up');
          const anyUp = ALL.some((r) => combo[r] === 'up');
          if (first < 0 && (fallback === 'none' || !anyUp)) {
            expect(d.reason.code).toBe('all-down');
            expect(d.answeredBy).toEqual({ step: 'when-all-down' });
          } else if (first < 0) {
            // A last resort answers: the reason names the rule's first region, as for a failover.
            expect(d.reason.region).toBe(rule.regions[0]);
            expect(['default-rule', 'fallback']).toContain(d.answeredBy?.step);
          } else if (first === 0) expect(d.reason.code).toBe('config');
          else expect(d.reason.region).toBe(rule.regions[0]);
        });
      });
    }
  });
}

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

  it('keep-last keeps each rule’s published answer when all its regions are down (fallback none)', () => {
    const { config, zone } = geo('keep-last', 'A', 'none');
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
