// Proximity policy: each geography is answered by its nearest UP region (great-circle distance from
// the geography's point to the region's location, scaled by its bias), a region that is not UP is
// passed over for the next nearest, and clients of unknown location get the configured order.
import { describe, expect, it } from 'vitest';
import type { RegionStatus } from '../../../src/model/index.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig, REGIONS, states, V4 } from './config.ts';

const WHERE: Record<string, { lat: number; lon: number }> = {
  'us-east': { lat: 38.9, lon: -77.0 },
  'eu-west': { lat: 53.3, lon: -6.3 },
  'ap-south': { lat: 19.1, lon: 72.9 },
};

function proximity(policy: Record<string, unknown> = {}, bias: Record<string, number> = {}) {
  const regions = REGIONS.map((r) => ({
    ...r,
    location: WHERE[r.id],
    ...(bias[r.id] === undefined ? {} : { bias: bias[r.id] }),
  }));
  const config = makeConfig(
    [
      {
        name: 'www.example.com',
        type: 'A',
        ttl: 20,
        policy: { kind: 'proximity', regions: ['us-east', 'eu-west', 'ap-south'], ...policy },
      },
    ],
    { regions },
  );
  return { config, zone: config.zones[0]! };
}

const up = { 'us-east': 'up', 'eu-west': 'up', 'ap-south': 'up' } as Record<string, RegionStatus>;
const answerOf = (ds: ReturnType<typeof desiredRecords>, setId: string) =>
  Object.entries(V4).find(
    ([, v]) => v.join() === ds.find((d) => d.record.setId === setId)?.record.values.join(),
  )?.[0];

describe('proximity policy', () => {
  it('publishes a set per continent and a default set, each from its nearest UP region', () => {
    const { config, zone } = proximity();
    const ds = desiredRecords(config, zone, states(up));
    expect(ds.map((d) => d.record.setId)).toEqual([
      'continent-af',
      'continent-an',
      'continent-as',
      'continent-eu',
      'continent-na',
      'continent-oc',
      'continent-sa',
      'default',
    ]);
    expect(answerOf(ds, 'continent-eu')).toBe('eu-west');
    expect(answerOf(ds, 'continent-na')).toBe('us-east');
    expect(answerOf(ds, 'continent-as')).toBe('ap-south');
    expect(answerOf(ds, 'default')).toBe('us-east');
    const eu = ds.find((d) => d.record.setId === 'continent-eu')!;
    expect(eu.record.geo).toEqual({ continent: 'EU' });
    expect(eu.ranking!.map((r) => r.region)).toEqual(['eu-west', 'ap-south', 'us-east']);
    expect(eu.ranking![0]!.distanceKm).toBeGreaterThan(1000);
    expect(eu.reason.detail).toMatch(/^eu-west is the nearest UP region to continent-eu \(eu-west \d+ km/);
  });

  it('fails a geography over to the next nearest UP region', () => {
    const { config, zone } = proximity();
    const ds = desiredRecords(config, zone, states({ ...up, 'eu-west': 'down' }));
    expect(answerOf(ds, 'continent-eu')).toBe('ap-south');
    expect(ds.find((d) => d.record.setId === 'continent-eu')!.reason).toMatchObject({
      code: 'region-down',
      region: 'eu-west',
    });
    expect(answerOf(ds, 'continent-na')).toBe('us-east');
  });

  it('a bias draws clients from further away (or fewer, when negative)', () => {
    // Africa's point is nearer eu-west than ap-south; a large ap-south bias turns that round.
    const plain = proximity();
    expect(answerOf(desiredRecords(plain.config, plain.zone, states(up)), 'continent-af')).toBe('eu-west');
    const pulled = proximity({}, { 'ap-south': 50 });
    expect(answerOf(desiredRecords(pulled.config, pulled.zone, states(up)), 'continent-af')).toBe('ap-south');
    // A negative bias stretches a region's distances (x1.99 at -99): Africa goes to ap-south instead.
    const pushed = proximity({}, { 'eu-west': -99 });
    const ds = desiredRecords(pushed.config, pushed.zone, states(up));
    expect(answerOf(ds, 'continent-af')).toBe('ap-south');
    expect(answerOf(ds, 'continent-eu')).toBe('eu-west');
  });

  it('publishes the geographies listed, or one set per country', () => {
    const listed = proximity({ geographies: [{ country: 'JP' }, { continent: 'EU' }] });
    const ds = desiredRecords(listed.config, listed.zone, states(up));
    expect(ds.map((d) => d.record.setId)).toEqual(['country-jp', 'continent-eu', 'default']);
    expect(answerOf(ds, 'country-jp')).toBe('ap-south');
    const all = proximity({ geographies: 'countries' });
    const sets = desiredRecords(all.config, all.zone, states(up));
    expect(sets.length).toBeGreaterThan(250);
    expect(answerOf(sets, 'country-br')).toBe('us-east');
    expect(answerOf(sets, 'country-de')).toBe('eu-west');
  });
});
