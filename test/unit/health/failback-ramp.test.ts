// The failback ramp state machine in the health engine: after the hold-down a recovered region climbs
// the steps one per stepAfter, a relapse at any step drops it at once (down, no ramp) and the next
// recovery starts with the (longer) hold-down, and the ramp survives a restart like the hold-down does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Harness, INTERVAL, makeConfig, PROBERS } from './harness.ts';

const RAMP = { steps: [10, 25, 50, 100], stepAfter: '30s' };
const STEP_MS = 30_000;

function rampHarness(): Harness {
  return new Harness(makeConfig({ failbackRamp: RAMP }));
}

const ramp = (h: Harness) => h.engine.regionStates().get('r1')?.ramp;

/** Up, down, recovered and through the hold-down: on the ramp's first step. */
function recovered(h: Harness): void {
  h.round(PROBERS, true);
  h.round(PROBERS, true);
  for (let i = 0; i < 3; i++) h.round(PROBERS, false);
  expect(h.status()).toBe('down');
  for (let i = 0; i < 40 && h.status() !== 'up'; i++) h.round(PROBERS, true);
  expect(h.status()).toBe('up');
}

describe('failback ramp', () => {
  it('climbs 10, 25, 50, 100 one step per stepAfter after the hold-down, then ends', () => {
    const h = rampHarness();
    recovered(h);
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = ramp(h);
      if (r && seen[seen.length - 1] !== r.percent) seen.push(r.percent);
      h.round(PROBERS, true);
    }
    expect(seen).toEqual([10, 25, 50, 100]);
    expect(ramp(h)).toBeUndefined();
    const steps = h.events.filter((e) => e.type === 'failback-ramp').map((e) => e.to);
    expect(steps).toEqual(['step 1/4 (10%)', 'step 2/4 (25%)', 'step 3/4 (50%)', 'step 4/4 (100%)', 'done']);
    const snap = h.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(snap.ramp).toBeUndefined();
  });

  it('shows the step, since and next step time in the snapshot', () => {
    const h = rampHarness();
    recovered(h);
    const snap = h.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(snap.ramp).toMatchObject({ step: 1, steps: 4, percent: 10 });
    expect(snap.ramp!.nextAt - snap.ramp!.since).toBe(STEP_MS);
  });

  it('a relapse mid-ramp takes the region down at once and the next recovery holds again, longer', () => {
    const h = rampHarness();
    recovered(h);
    for (let i = 0; i < 7; i++) h.round(PROBERS, true);
    expect(ramp(h)?.step).toBe(2);
    const firstHold = h.events.filter((e) => e.type === 'failback-hold').at(-1)!.evidence
      .holdDownMs as number;
    for (let i = 0; i < 3 && h.status() === 'up'; i++) h.round(PROBERS, false);
    expect(h.status()).toBe('down');
    expect(ramp(h)).toBeUndefined();
    expect(h.events.some((e) => e.type === 'failback-ramp' && e.to === 'aborted')).toBe(true);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    const snap = h.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(snap.holdingFailback).toBe(true);
    expect(h.status()).toBe('down');
    const secondHold = h.events.filter((e) => e.type === 'failback-hold').at(-1)!.evidence
      .holdDownMs as number;
    expect(secondHold).toBeGreaterThan(firstHold);
  });

  it('continues on the same step after a restart', () => {
    const h = rampHarness();
    recovered(h);
    for (let i = 0; i < 7; i++) h.round(PROBERS, true);
    expect(ramp(h)?.step).toBe(2);
    const memory = h.engine.history();
    expect(memory.find((m) => m.region === 'r1')).toMatchObject({ rampStep: 1 });
    const after = rampHarness();
    after.t = h.t;
    after.engine.restoreHistory(memory);
    after.round(PROBERS, true);
    after.round(PROBERS, true);
    expect(after.status()).toBe('up');
    expect(ramp(after)).toMatchObject({ step: 2, percent: 25 });
    for (let i = 0; i < 40; i++) after.round(PROBERS, true);
    expect(ramp(after)).toBeUndefined();
  });

  it('with no hold-down (failbackAfter 0) the ramp starts as soon as the region is back', () => {
    const h = new Harness(makeConfig({ failbackAfter: '0s', failbackRamp: RAMP }));
    recovered(h);
    expect(ramp(h)).toMatchObject({ step: 1, percent: 10 });
    expect(h.engine.snapshot().regions.find((r) => r.id === 'r1')!.holdingFailback).toBe(false);
  });

  it('without failbackRamp nothing ramps', () => {
    const h = new Harness();
    recovered(h);
    expect(ramp(h)).toBeUndefined();
    expect(h.events.some((e) => e.type === 'failback-ramp')).toBe(false);
  });

  it('property: the step never runs ahead of time, only an UP region ramps, a relapse always gives 0', () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('round' as const), ok: fc.boolean() }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120 }), (actions) => {
        const h = rampHarness();
        recovered(h);
        let startedAt = h.t;
        for (const a of actions) {
          if (a.kind === 'round') h.round(PROBERS, a.ok);
          else h.advance(a.ms);
          const started = h.events
            .filter((e) => e.type === 'failback-ramp' && e.to.startsWith('step 1/'))
            .at(-1);
          if (started) startedAt = started.at;
          const state = h.engine.regionStates().get('r1')!;
          const r = state.ramp;
          if (state.status !== 'up') {
            // Down (a relapse, or holding): no ramp, so policy gives it weight 0.
            expect(r).toBeUndefined();
            continue;
          }
          if (!r) continue;
          expect(r.percent).toBe(RAMP.steps[r.step - 1]);
          // Each step lasts at least stepAfter: step k is reached no earlier than (k-1) steps in.
          expect(h.t - startedAt).toBeGreaterThanOrEqual((r.step - 1) * STEP_MS);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('failback ramp timing', () => {
  it('steps are reached on tick, without reports in between', () => {
    const h = rampHarness();
    recovered(h);
    h.advance(STEP_MS);
    expect(ramp(h)?.step).toBe(2);
    h.advance(INTERVAL);
    expect(ramp(h)?.step).toBe(2);
  });
});
