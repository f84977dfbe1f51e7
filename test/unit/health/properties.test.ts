// Property tests (fast-check) of the health engine with 3 probers and a majority quorum: one prober
// never moves a region, stale probers never count as DOWN, flapping is damped, and a unanimous outage
// is decided after exactly `fall` rounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Harness, INTERVAL, makeConfig, PROBERS } from './harness.ts';

/** A region decided `up` or `down` by all three probers agreeing. */
function decided(state: 'up' | 'down', health: Record<string, unknown> = {}): Harness {
  const h = new Harness(makeConfig(health));
  for (let i = 0; i < h.config.health.rise; i++) h.round(PROBERS, true);
  if (state === 'down') for (let i = 0; i < h.config.health.fall; i++) h.round(PROBERS, false);
  expect(h.status()).toBe(state);
  return h;
}

const step = fc.record({
  ok: fc.boolean(),
  impaired: fc.boolean(),
  /** time until the next step: from instant to well past staleAfter */
  dt: fc.integer({ min: 0, max: 40_000 }),
});

describe('health engine properties (3 probers, majority quorum)', () => {
  it('any sequence of results from ONE prober never changes a region’s state', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'up' | 'down'>('up', 'down'),
        fc.constantFrom(...PROBERS),
        fc.boolean(),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        (initial, lone, othersKeepReporting, steps) => {
          const h = decided(initial);
          const before = h.regionTransitions().length;
          for (const s of steps) {
            h.report(lone, { 'r1-e0': s.ok, 'r2-e0': s.ok }, s.impaired);
            if (othersKeepReporting) {
              for (const p of PROBERS)
                if (p !== lone) h.report(p, { 'r1-e0': initial === 'up', 'r2-e0': true });
            }
            h.advance(s.dt);
            expect(h.status()).toBe(initial);
          }
          expect(h.regionTransitions().length).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stale prober never counts as DOWN', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROBERS),
        fc.integer({ min: 15_001, max: 120_000 }),
        fc.array(fc.record({ b: fc.boolean(), c: fc.boolean(), dt: fc.integer({ min: 0, max: 6000 }) }), {
          maxLength: 40,
        }),
        (stale, silence, steps) => {
          const h = decided('up');
          for (let i = 0; i < 3; i++) h.round([stale], false); // the stale-to-be prober votes DOWN
          h.advance(silence);
          const silentSince = h.t;
          const [p1, p2] = PROBERS.filter((p) => p !== stale);
          for (const s of steps) {
            h.report(p1!, { 'r1-e0': s.b });
            h.report(p2!, { 'r1-e0': s.c });
            h.advance(s.dt);
            const snap = h.engine.snapshot();
            const ep = snap.endpoints.find((e) => e.id === 'r1-e0')!;
            const v = ep.votes.find((x) => x.prober === stale)!;
            expect(v.fresh).toBe(false);
            expect(v.counted).toBe(false);
          }
          // Every DOWN decision since was carried by a quorum of fresh probers, never the stale one.
          for (const e of h.events) {
            if (e.type !== 'endpoint-transition' || e.to !== 'down' || e.at < silentSince) continue;
            const votes = e.evidence.votes as { prober: string; vote: string; counted: boolean }[];
            const counted = votes.filter((x) => x.counted && x.vote === 'down');
            expect(counted.map((x) => x.prober)).not.toContain(stale);
            expect(counted.length).toBeGreaterThanOrEqual(2);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an endpoint flapping every round causes a bounded number of region transitions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 10, maxLength: 300 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (pattern, fall, rise) => {
          const h = decided('up', { fall, rise });
          const start = h.t;
          for (const ok of pattern) h.round(PROBERS, ok);
          const transitions = h.regionTransitions().length - 1;
          // Each failback needs failbackAfter (60 s) of continuous UP, so at most one down/up cycle per
          // 60 s plus the one in progress.
          const cycles = Math.ceil((h.t - start) / 60_000) + 1;
          expect(transitions).toBeLessThanOrEqual(2 * cycles);
        },
      ),
      { numRuns: 300 },
    );
    // Alternating every round never reaches fall = 3 consecutive failures: no transition at all.
    const h = decided('up');
    for (let i = 0; i < 200; i++) h.round(PROBERS, i % 2 === 0);
    expect(h.regionTransitions()).toHaveLength(1);
  });

  it('with all three agreeing DOWN the region goes DOWN after exactly `fall` rounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5 }), (fall, rise) => {
        const h = new Harness(makeConfig({ fall, rise }));
        for (let i = 0; i < rise; i++) h.round(PROBERS, true);
        expect(h.status()).toBe('up');
        for (let i = 1; i <= fall; i++) {
          for (const p of PROBERS) h.report(p, { 'r1-e0': false, 'r2-e0': true });
          expect(h.status()).toBe(i === fall ? 'down' : 'up');
          h.advance(INTERVAL);
        }
      }),
      { numRuns: 100 },
    );
  });
});
