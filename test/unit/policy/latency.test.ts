// Latency policy: each geography is answered by its fastest UP region as its probers measure it (or
// as the controller's held ranking stands), a region that is not UP is passed over at once, and with
// no fresh time the configured order answers; the reasons say which, and steering is exempt from
// the safety fractions.
import { describe, expect, it } from 'vitest';
import type { HeldRanking, RegionStatus, SteeringInput } from '../../../src/model/index.ts';
import { countsAgainstFractions } from '../../../src/plan/safety.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig, states, V4 } from './config.ts';

const PROBERS = ['virginia', 'frankfurt', 'mumbai'].map((id) => ({ id, keyEnv: `K_${id.toUpperCase()}` }));

function latency(policy: Record<string, unknown> = {}, fallback?: string) {
  const config = makeConfig(
    [
      {
        name: 'www.example.com',
        type: 'A',
        ttl: 20,
        policy: {
          kind: 'latency',
          regions: ['us-east', 'eu-west', 'ap-south'],
          geographies: [
            { match: { continent: 'EU' }, probers: ['frankfurt'] },
            { match: { country: 'IN' }, probers: ['mumbai'] },
            { match: 'default', probers: ['virginia', 'frankfurt'] },
          ],
          margin: '20ms',
          hold: '30s',
          ...policy,
        },
        ...(fallback === undefined ? {} : { fallback }),
      },
    ],
    { probers: PROBERS },
  );
  return { config, zone: config.zones[0]! };
}

/** Times as frankfurt, mumbai and virginia measure them: each geography has another fastest region. */
const RTT: Record<string, Record<string, number>> = {
  frankfurt: { 'eu-west': 12, 'us-east': 90, 'ap-south': 130 },
  mumbai: { 'ap-south': 8, 'eu-west': 110, 'us-east': 200 },
  virginia: { 'us-east': 5, 'eu-west': 80, 'ap-south': 210 },
};

function measured(rtt = RTT, held: [string, HeldRanking][] = []): SteeringInput {
  return {
    rtt: new Map(Object.entries(rtt).map(([p, r]) => [p, new Map(Object.entries(r))])),
    held: new Map(held),
    source: 'measured',
    now: 1_700_000_100_000,
  };
}

const up = { 'us-east': 'up', 'eu-west': 'up', 'ap-south': 'up' } as Record<string, RegionStatus>;

describe('latency policy', () => {
  it('answers each geography from its fastest UP region', () => {
    const { config, zone } = latency();
    const ds = desiredRecords(config, zone, states(up), [], { steering: measured() });
    expect(ds.map((d) => [d.record.setId, d.record.values])).toEqual([
      ['continent-eu', V4['eu-west']],
      ['country-in', V4['ap-south']],
      // default: virginia and frankfurt averaged: us-east (5+90)/2 = 47.5, eu-west (80+12)/2 = 46.
      ['default', V4['eu-west']],
    ]);
    expect(ds[0]!.record.geo).toEqual({ continent: 'EU' });
    expect(ds[0]!.reason).toEqual({
      code: 'steering',
      region: 'eu-west',
      detail:
        'eu-west is the fastest UP region for continent-eu (eu-west 12 ms, us-east 90 ms, ap-south 130 ms)',
    });
    expect(ds[0]!.ranking).toEqual([
      { region: 'eu-west', rttMs: 12 },
      { region: 'us-east', rttMs: 90 },
      { region: 'ap-south', rttMs: 130 },
    ]);
    expect(ds[0]!.explanation).toContain('ranking measured by frankfurt: eu-west 12 ms, us-east 90 ms');
    expect(ds[0]!.explanation).toContain('margin 20 ms, hold 30 s');
  });

  it('a region that is not UP is passed over for the next fastest at once (a health reason)', () => {
    const { config, zone } = latency();
    const ds = desiredRecords(config, zone, states({ ...up, 'eu-west': 'down' }), [], {
      steering: measured(),
    });
    expect(ds[0]!.record.values).toEqual(V4['us-east']);
    expect(ds[0]!.reason).toMatchObject({ code: 'region-down', region: 'eu-west' });
    expect(ds[1]!.record.values).toEqual(V4['ap-south']);
    expect(ds[2]!.record.values).toEqual(V4['us-east']);
  });

  it('follows the ranking the controller holds, not the times as they are', () => {
    const { config, zone } = latency();
    // eu-west is faster for frankfurt now, but has not been for the whole hold yet.
    const held: HeldRanking = {
      order: ['us-east', 'eu-west', 'ap-south'],
      since: 1_700_000_000_000,
      pending: [{ region: 'eu-west', over: 'us-east', since: 1_700_000_088_000 }],
    };
    const [eu] = desiredRecords(config, zone, states(up), [], {
      steering: measured(RTT, [['www.example.com. A continent-eu', held]]),
    });
    expect(eu!.record.values).toEqual(V4['us-east']);
    expect(eu!.explanation).toContain('waiting: eu-west faster than us-east for 12 s of the 30 s hold');
  });

  it('without fresh times the configured order answers', () => {
    const { config, zone } = latency();
    const ds = desiredRecords(config, zone, states(up));
    for (const d of ds) expect(d.record.values).toEqual(V4['us-east']);
    expect(ds[0]!.reason.detail).toBe(
      'us-east is first in the configured order for continent-eu (no fresh round-trip time from frankfurt)',
    );
    expect(ds[0]!.ranking).toEqual([{ region: 'us-east' }, { region: 'eu-west' }, { region: 'ap-south' }]);
  });

  it('with every ranked region down, the fallback and then whenAllDown answer', () => {
    const { config, zone } = latency({ regions: ['eu-west', 'us-east'] });
    const down = { 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'up' } as Record<string, RegionStatus>;
    const [eu] = desiredRecords(config, zone, states(down), [], { steering: measured() });
    expect(eu!.record.values).toEqual(V4['ap-south']);
    expect(eu!.answeredBy).toEqual({ step: 'fallback', region: 'ap-south' });
    const none = latency({ regions: ['eu-west', 'us-east'] }, 'none');
    const [eu2] = desiredRecords(none.config, none.zone, states(down), [], { steering: measured() });
    expect(eu2!.answeredBy).toEqual({ step: 'when-all-down' });
    expect(eu2!.record.values).toEqual([...V4['eu-west']!, ...V4['us-east']!].sort());
  });

  it('steering changes are not counted by the safety fractions', () => {
    expect(
      countsAgainstFractions({
        kind: 'update',
        reason: { code: 'steering', region: 'eu-west' },
      } as Parameters<typeof countsAgainstFractions>[0]),
    ).toBe(false);
  });
});
