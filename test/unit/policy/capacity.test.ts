// Capacity-aware weighted failover: a lost region's traffic goes to the serving regions in
// proportion to their spare capacity, no region passes its capacity while another has room, demand
// above capacity is said and shed in proportion, and the reasons are health reasons (exempt from the
// safety fractions) with the arithmetic in words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RegionStatus } from '../../../src/model/index.ts';
import { HEALTH_CODES } from '../../../src/plan/safety.ts';
import { desiredRecords } from '../../../src/policy/index.ts';
import { makeConfig, REGIONS, states } from './config.ts';

const IDS = ['us-east', 'eu-west', 'ap-south'] as const;

function weighted(weights: Record<string, number>, capacity: Record<string, number | string>) {
  const regions = REGIONS.map((r) => ({
    ...r,
    ...(capacity[r.id] === undefined ? {} : { capacity: capacity[r.id] }),
  }));
  const config = makeConfig(
    [{ name: 'api.example.com', type: 'A', ttl: 30, policy: { kind: 'weighted', weights } }],
    { regions },
  );
  return { config, zone: config.zones[0]! };
}

const W = { 'us-east': 50, 'eu-west': 30, 'ap-south': 20 };
const up = { 'us-east': 'up', 'eu-west': 'up', 'ap-south': 'up' } as Record<string, RegionStatus>;

function weightsOf(
  w: Record<string, number>,
  c: Record<string, number | string>,
  s: Record<string, RegionStatus>,
) {
  const { config, zone } = weighted(w, c);
  const ds = desiredRecords(config, zone, states(s));
  return { ds, weights: Object.fromEntries(ds.map((d) => [d.record.setId!, d.record.weight!])) };
}

describe('capacity-aware weighted failover', () => {
  it('keeps the configured weights while every region serves', () => {
    expect(weightsOf(W, { 'us-east': 60, 'eu-west': 60, 'ap-south': 40 }, up).weights).toEqual(W);
  });

  it('spreads a down region’s share by spare capacity, and says the arithmetic', () => {
    const { ds, weights } = weightsOf(
      W,
      { 'us-east': '60%', 'eu-west': '60%', 'ap-south': '40%' },
      { ...up, 'us-east': 'down' },
    );
    expect(weights).toEqual({ 'us-east': 0, 'eu-west': 60, 'ap-south': 40 });
    const eu = ds.find((d) => d.record.setId === 'eu-west')!;
    expect(eu.reason).toEqual({
      code: 'region-down',
      region: 'us-east',
      detail: 'us-east down: its 50% split eu-west 30%, ap-south 20% by spare capacity',
    });
    expect(eu.explanation).toContain('weight 60: 30 configured + 30 of the lost 50 by spare capacity');
  });

  it('fills every region’s spare by the same fraction, so none passes its capacity while another has room', () => {
    // Spare: eu-west 10, ap-south 40; the 50 lost fill both exactly (a weight-proportional split would
    // have put eu-west at 60, past its 40).
    const { weights } = weightsOf(
      W,
      { 'us-east': 60, 'eu-west': 40, 'ap-south': 60 },
      { ...up, 'us-east': 'down' },
    );
    expect(weights).toEqual({ 'us-east': 0, 'eu-west': 40, 'ap-south': 60 });
    // Spare 100 and 50 for 50 lost: each fills a third of its spare (eu-west 30 + 33.3, ap-south 20 + 16.7).
    const third = weightsOf(
      W,
      { 'us-east': 60, 'eu-west': 130, 'ap-south': 70 },
      { ...up, 'us-east': 'down' },
    );
    expect(third.weights).toEqual({ 'us-east': 0, 'eu-west': 63, 'ap-south': 37 });
  });

  it('says when demand exceeds capacity and sheds in proportion to capacity', () => {
    const { ds, weights } = weightsOf(
      W,
      { 'us-east': 60, 'eu-west': 35, 'ap-south': 30 },
      { ...up, 'us-east': 'down' },
    );
    // Demand 100 over capacity 65: each at 154% of its capacity.
    expect(weights).toEqual({ 'us-east': 0, 'eu-west': 54, 'ap-south': 46 });
    const eu = ds.find((d) => d.record.setId === 'eu-west')!;
    expect(eu.reason.detail).toBe(
      "us-east down: demand 100 exceeds the serving regions' capacity 65 by 53.8%; eu-west 53.8%, ap-south 46.2% in proportion to capacity (load shed in proportion)",
    );
    expect(eu.explanation).toContain('each takes 153.8% of its capacity 35');
  });

  it('goes back to the configured weights when the region returns, as a recovery', () => {
    const { config, zone } = weighted(W, { 'us-east': 60, 'eu-west': 60, 'ap-south': 40 });
    const failed = desiredRecords(config, zone, states({ ...up, 'us-east': 'down' })).map((d) => d.record);
    const back = desiredRecords(config, zone, states(up), failed);
    expect(back.map((d) => d.record.weight)).toEqual([50, 30, 20]);
    expect(back.find((d) => d.record.setId === 'eu-west')!.reason).toMatchObject({
      code: 'region-up',
      region: 'eu-west',
    });
    for (const d of back) expect(HEALTH_CODES.has(d.reason.code) || d.reason.code === 'config').toBe(true);
  });

  it('a drained region hands over its share too; with none serving the last resort decides as before', () => {
    const { weights } = weightsOf(
      W,
      { 'us-east': 60, 'eu-west': 60, 'ap-south': 40 },
      { ...up, 'eu-west': 'drained' },
    );
    expect(weights['eu-west']).toBe(0);
    expect(weights['us-east']! + weights['ap-south']!).toBe(100);
    const none = weightsOf(
      W,
      { 'us-east': 60, 'eu-west': 60, 'ap-south': 40 },
      { 'us-east': 'down', 'eu-west': 'down', 'ap-south': 'down' },
    );
    expect(none.ds.every((d) => d.reason.code === 'all-down')).toBe(true);
  });

  it('property: within capacity every serving region stays at or under it; beyond, weights follow capacity', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
        ),
        fc.tuple(
          fc.integer({ min: 1, max: 250 }),
          fc.integer({ min: 1, max: 250 }),
          fc.integer({ min: 1, max: 250 }),
        ),
        fc.constantFrom(...IDS),
        (w, c, down) => {
          const weights = Object.fromEntries(IDS.map((id, i) => [id, w[i]!]));
          const caps = Object.fromEntries(IDS.map((id, i) => [id, c[i]!]));
          const got = weightsOf(weights, caps, { ...up, [down]: 'down' }).weights;
          const serving = IDS.filter((id) => id !== down);
          const lost = weights[down]!;
          const spare = serving.reduce((s, id) => s + Math.max(0, caps[id]! - weights[id]!), 0);
          const top = Math.max(...serving.map((id) => got[id]!));
          if (top >= 255) return; // scaled to fit 0-255: shares only, checked below by proportion
          if (lost <= spare) {
            for (const id of serving)
              expect(got[id]!).toBeLessThanOrEqual(Math.max(weights[id]!, caps[id]!) + 0.5);
            const sum = serving.reduce((s, id) => s + got[id]!, 0);
            expect(
              Math.abs(sum - (lost + serving.reduce((s, id) => s + weights[id]!, 0))),
            ).toBeLessThanOrEqual(1);
          } else {
            // Every serving region takes demand x its capacity / the serving capacity (rounded).
            const demand = IDS.reduce((s, id) => s + weights[id]!, 0);
            const cap = serving.reduce((s, id) => s + caps[id]!, 0);
            for (const id of serving)
              expect(Math.abs(got[id]! - (demand * caps[id]!) / cap)).toBeLessThanOrEqual(0.5);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
