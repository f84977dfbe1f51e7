// Failover policy over every up/down/drained combination of three regions, plus endpoint-level
// health, record types, whenAllDown and the reasons/explanations the plan shows.
import { describe, expect, it } from 'vitest';
import type { RecordSet, RegionStatus } from '../../../src/model/index.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { everyCombination, HOST, makeConfig, state, states, V4, V6 } from './config.ts';

const ORDER = ['us-east', 'eu-west', 'ap-south'];

function failover(type: 'A' | 'AAAA' | 'CNAME', whenAllDown = 'fail-open') {
  const config = makeConfig([
    { name: 'app.example.com', type, ttl: 30, policy: { kind: 'failover', order: ORDER, whenAllDown } },
  ]);
  return { config, zone: config.zones[0]! };
}

/** The oracle, written from the policy's definition: first UP region; none: every non-drained region (all if every one is drained). */
function expected(combo: Record<string, RegionStatus>, values: Record<string, string[]>): string[] {
  const up = ORDER.find((r) => combo[r] === 'up');
  if (up) return [...values[up]!].sort();
  const open = ORDER.filter((r) => combo[r] !== 'drained');
  return (open.length > 0 ? open : ORDER).flatMap((r) => values[r]!).sort();
}

describe('failover policy: every region-state combination', () => {
  const { config, zone } = failover('A');
  for (const combo of everyCombination()) {
    const label = ORDER.map((r) => `${r}=${combo[r]}`).join(' ');
    it(`A, fail-open: ${label}`, () => {
      const [d, ...rest] = desiredRecords(config, zone, states(combo));
      expect(rest).toHaveLength(0);
      expect(d!.record).toEqual({
        name: 'app.example.com.',
        type: 'A',
        ttl: 30,
        values: expected(combo, V4),
      });
      const first = ORDER.findIndex((r) => combo[r] === 'up');
      if (first === 0) {
        expect(d!.reason.code).toBe('config');
      } else if (first > 0) {
        // The reason names the region that lost the traffic: the first in order.
        expect(d!.reason).toMatchObject({
          code: combo['us-east'] === 'drained' ? 'region-drained' : 'region-down',
          region: 'us-east',
        });
        expect(d!.explanation).toContain(`${ORDER[first]} is UP`);
        expect(d!.explanation).toContain('first UP region in order [us-east, eu-west, ap-south]');
      } else {
        expect(d!.reason.code).toBe('all-down');
        expect(d!.explanation).toContain('fail-open');
      }
      expect(d!.record.values.length).toBeGreaterThan(0);
    });
  }

  it('AAAA records carry the IPv6 addresses, normalised', () => {
    const f = failover('AAAA');
    const [d] = desiredRecords(f.config, f.zone, states({ 'us-east': 'up' }));
    expect(d!.record.values).toEqual(V6['us-east']);
    const [d2] = desiredRecords(f.config, f.zone, states({ 'us-east': 'down' }));
    expect(d2!.record.values).toEqual(V6['eu-west']);
  });

  it('CNAME records carry only the first host name of the serving region', () => {
    const f = failover('CNAME');
    const [d] = desiredRecords(f.config, f.zone, new Map());
    expect(d!.record.values).toEqual([HOST['us-east']]);
    const [d2] = desiredRecords(f.config, f.zone, new Map([['us-east', state('us-east', 'up', ['use-h2'])]]));
    expect(d2!.record.values).toEqual(['use2.example.net.']);
    const [d3] = desiredRecords(
      f.config,
      f.zone,
      states({ 'us-east': 'drained', 'eu-west': 'down', 'ap-south': 'down' }),
    );
    // fail-open for a CNAME: still one target, the first non-drained candidate's.
    expect(d3!.record.values).toEqual([HOST['eu-west']]);
  });
});

describe('failover policy: endpoints, states and explanations', () => {
  const { config, zone } = failover('A');

  it('regions missing from the states are up with all endpoints', () => {
    const [d] = desiredRecords(config, zone, new Map());
    expect(d!.record.values).toEqual(V4['us-east']);
    expect(d!.reason).toMatchObject({ code: 'config', region: 'us-east' });
  });

  it('publishes only the UP endpoints of a partly healthy region, naming the DOWN ones', () => {
    const [d] = desiredRecords(
      config,
      zone,
      new Map([['us-east', state('us-east', 'up', ['use-b', 'use-6'])]]),
    );
    expect(d!.record.values).toEqual(['192.0.2.11']);
    expect(d!.reason).toMatchObject({ code: 'region-down', region: 'us-east' });
    expect(d!.reason.detail).toContain('use-a');
    expect(d!.explanation).toContain('1 of 2 endpoints');
  });

  it('skips a region that is UP but has no UP endpoint usable for the type', () => {
    const [d] = desiredRecords(
      config,
      zone,
      new Map([['us-east', state('us-east', 'up', ['use-6', 'use-h'])]]),
    );
    expect(d!.record.values).toEqual(V4['eu-west']);
    expect(d!.reason.detail).toContain('no UP endpoint usable in a A record');
  });

  it('explains the chain with the time each region entered its state', () => {
    const [d] = desiredRecords(
      config,
      zone,
      new Map([['us-east', state('us-east', 'down', [], Date.UTC(2026, 0, 2, 3, 4, 5))]]),
    );
    expect(d!.explanation).toBe(
      'us-east is DOWN since 2026-01-02T03:04:05.000Z; eu-west is UP: first UP region in order [us-east, eu-west, ap-south]',
    );
    expect(d!.reason.detail).toBe('us-east is DOWN');
  });

  it('never chooses a drained region and says why', () => {
    const s = new Map([['us-east', { ...state('us-east', 'drained'), reason: 'maintenance' }]]);
    const [d] = desiredRecords(config, zone, s);
    expect(d!.record.values).toEqual(V4['eu-west']);
    expect(d!.reason).toEqual({
      code: 'region-drained',
      region: 'us-east',
      detail: 'us-east is DRAINED (maintenance)',
    });
  });

  it('calls the return of the first region a failback (region-up) when the published answer is a later region', () => {
    const current: RecordSet[] = [{ name: 'app.example.com', type: 'A', ttl: 30, values: ['198.51.100.10'] }];
    const [d] = desiredRecords(config, zone, new Map(), current);
    expect(d!.reason).toMatchObject({ code: 'region-up', region: 'us-east' });
    // Same answer as published, or one not made of our other regions: plain config.
    const [same] = desiredRecords(config, zone, new Map(), [{ ...current[0]!, values: V4['us-east']! }]);
    expect(same!.reason.code).toBe('config');
    const [edited] = desiredRecords(config, zone, new Map(), [{ ...current[0]!, values: ['10.0.0.1'] }]);
    expect(edited!.reason.code).toBe('config');
  });
  it('calls any return from an answer made of its own regions a recovery: fail-open, lost endpoints', () => {
    const failOpen: RecordSet[] = [
      {
        name: 'app.example.com',
        type: 'A',
        ttl: 30,
        values: [...V4['us-east']!, ...V4['eu-west']!, ...V4['ap-south']!],
      },
    ];
    const [d] = desiredRecords(config, zone, new Map(), failOpen);
    expect(d!.reason).toMatchObject({ code: 'region-up', region: 'us-east', detail: 'us-east is UP again' });
    const partial: RecordSet[] = [{ name: 'app.example.com', type: 'A', ttl: 30, values: ['192.0.2.11'] }];
    const [e] = desiredRecords(config, zone, new Map(), partial);
    expect(e!.reason.code).toBe('region-up');
    // A TTL edit with the same answer is config, not health.
    const [t] = desiredRecords(config, zone, new Map(), [
      { ...partial[0]!, ttl: 60, values: V4['us-east']! },
    ]);
    expect(t!.reason.code).toBe('config');
  });
});

describe('failover policy: whenAllDown keep-last', () => {
  const { config, zone } = failover('A', 'keep-last');
  const allDown = states({ 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'drained' });
  const published: RecordSet[] = [{ name: 'APP.example.com', type: 'A', ttl: 60, values: ['198.51.100.10'] }];

  for (const combo of everyCombination()) {
    const label = ORDER.map((r) => `${r}=${combo[r]}`).join(' ');
    it(`keep-last: ${label}`, () => {
      const [d] = desiredRecords(config, zone, states(combo), published);
      const anyUp = ORDER.some((r) => combo[r] === 'up');
      expect(d!.record.values).toEqual(anyUp ? expected(combo, V4) : ['198.51.100.10']);
      expect(d!.record.ttl).toBe(30);
    });
  }

  it('keeps the published answer when every region is down', () => {
    const [d] = desiredRecords(config, zone, allDown, published);
    expect(d!.record.values).toEqual(['198.51.100.10']);
    expect(d!.reason.code).toBe('all-down');
    expect(d!.explanation).toContain('keep-last keeps the published answer');
  });

  it('fails open when nothing is published yet, or the published set is empty', () => {
    for (const current of [[], [{ ...published[0]!, values: [] }]]) {
      const [d] = desiredRecords(config, zone, allDown, current);
      expect(d!.record.values).toEqual([...V4['us-east']!, ...V4['eu-west']!].sort());
      expect(d!.explanation).toContain('no published answer to keep');
    }
  });

  it('does not take the published answer of another set id or type', () => {
    const [d] = desiredRecords(config, zone, allDown, [
      { ...published[0]!, setId: 'us-east' },
      { ...published[0]!, type: 'AAAA', values: ['2001:db8::99'] },
    ]);
    expect(d!.record.values).toEqual([...V4['us-east']!, ...V4['eu-west']!].sort());
  });
});
