// The failback hold-down explained: its length in words (plain, doubled after flaps, capped), what the
// snapshot and the events say about a running hold-down, and the last failing check kept per endpoint.
import { describe, expect, it } from 'vitest';
import { holdDownReason, recentFlaps } from '../../../src/health/index.ts';
import { spokenDuration } from '../../../src/model/index.ts';
import { Harness, makeConfig, PROBERS } from './harness.ts';

const cfg = { failbackAfter: 10_000, maxFailbackAfter: 300_000 };

describe('holdDownReason', () => {
  it('says the plain failbackAfter when nothing lengthened it', () => {
    expect(holdDownReason(10_000, 1, cfg)).toBe('hold-down 10 s (failbackAfter)');
    expect(holdDownReason(10_000, 0, cfg)).toBe('hold-down 10 s (failbackAfter)');
  });

  it('says how often it doubled, after how many flaps, within which window', () => {
    expect(holdDownReason(20_000, 2, cfg)).toBe('hold-down doubled to 20 s after 2 flaps in 10 min');
    expect(holdDownReason(40_000, 3, cfg)).toBe('hold-down doubled twice to 40 s after 3 flaps in 10 min');
    expect(holdDownReason(80_000, 4, cfg)).toBe(
      'hold-down doubled 3 times to 1 min 20 s after 4 flaps in 10 min',
    );
  });

  it('says when the cap stopped the doubling', () => {
    const capped = { failbackAfter: 10_000, maxFailbackAfter: 25_000 };
    expect(holdDownReason(25_000, 3, capped)).toBe(
      'hold-down capped at 25 s (maxFailbackAfter) after 3 flaps in 50 s',
    );
  });

  it('counts only the flaps inside the window', () => {
    expect(recentFlaps([0, 500_000, 590_000], 600_001, cfg)).toBe(2);
  });
});

describe('spokenDuration', () => {
  it('reads like a sentence', () => {
    expect([500, 1500, 10_000, 60_000, 90_000, 3_600_000, 5_400_000].map(spokenDuration)).toEqual([
      '500 ms',
      '1.5 s',
      '10 s',
      '1 min',
      '1 min 30 s',
      '1 h',
      '1 h 30 min',
    ]);
  });
});

describe('a running hold-down in the snapshot and the events', () => {
  const flapTwice = () => {
    const h = new Harness(makeConfig({ failbackAfter: '10s', maxFailbackAfter: '5m' }));
    const quick = (ok: boolean) => {
      for (const p of PROBERS) h.report(p, { 'r1-e0': ok, 'r2-e0': true });
      h.advance(1000);
    };
    for (let i = 0; i < 2; i++) quick(true);
    // Down, recovered, down again inside the hold-down (a flap), recovered: the hold-down doubles.
    for (let i = 0; i < 3; i++) quick(false);
    for (let i = 0; i < 2; i++) quick(true);
    for (let i = 0; i < 3; i++) quick(false);
    for (let i = 0; i < 2; i++) quick(true);
    return h;
  };

  it('exposes the length, the end, the flaps and the reason while holding', () => {
    const h = flapTwice();
    const r1 = h.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(r1).toMatchObject({
      status: 'down',
      holdingFailback: true,
      holdDownMs: 20_000,
      flapCount: 2,
      holdDownReason: 'hold-down doubled to 20 s after 2 flaps in 10 min',
    });
    expect(r1.failbackAt! - h.t).toBeGreaterThan(15_000);
    expect(r1.reason).toContain('hold-down doubled to 20 s after 2 flaps in 10 min');
  });

  it('puts the reason on failback-hold, the next length on failback-aborted, and both on the failback', () => {
    const h = flapTwice();
    const holds = h.events.filter((e) => e.type === 'failback-hold');
    expect(holds.map((e) => e.evidence.holdDownReason)).toEqual([
      'hold-down 10 s (failbackAfter)',
      'hold-down doubled to 20 s after 2 flaps in 10 min',
    ]);
    expect(holds[1]!.evidence.flapWindowMs).toBe(600_000);
    const aborted = h.events.find((e) => e.type === 'failback-aborted')!;
    expect(aborted.evidence).toMatchObject({
      nextHoldDownMs: 20_000,
      nextHoldDownReason: 'hold-down doubled to 20 s after 2 flaps in 10 min',
    });
    h.advance(20_000);
    const back = h.regionTransitions().at(-1)!;
    expect(back.to).toBe('up');
    expect(back.evidence.holdDownReason).toBe('hold-down doubled to 20 s after 2 flaps in 10 min');
    const r1 = h.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(r1.holdDownMs).toBeUndefined();
    expect(r1.flapCount).toBe(2);
  });

  it('keeps the last failing check of an endpoint after it recovered', () => {
    const h = flapTwice();
    h.advance(20_000);
    const e = h.engine.snapshot().endpoints.find((x) => x.id === 'r1-e0')!;
    expect(e.state).toBe('up');
    expect(e.lastFailure).toMatchObject({ detail: 'fail' });
    expect(PROBERS).toContain(e.lastFailure!.prober);
    const vote = e.votes.find((v) => v.prober === 'a')!;
    expect(vote.detail).toBe('ok');
    expect(vote.lastFailure?.detail).toBe('fail');
  });
});
