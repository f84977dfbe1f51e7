// Unit tests of the health engine: hysteresis, quorum, staleness, fail static, impaired probers,
// drains and their expiry, failback hold-down and its lengthening, evidence on events.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/model/index.ts';
import { Harness, INTERVAL, makeConfig, PROBERS } from './harness.ts';

describe('HealthEngine', () => {
  it('starts undecided and decides a region after rise rounds of agreeing probers', () => {
    const h = new Harness();
    expect(h.engine.allDecided()).toBe(false);
    expect(h.engine.regionStates().size).toBe(0);
    h.round(PROBERS, true);
    expect(h.status()).toBeUndefined();
    h.round(PROBERS, true);
    expect(h.status()).toBe('up');
    expect(h.engine.allDecided()).toBe(true);
    const first = h.regionTransitions()[0]!;
    expect(first.from).toBe('unknown');
    expect(first.to).toBe('up');
    expect(h.engine.regionStates().get('r1')!.upEndpoints).toEqual(['r1-e0']);
  });

  it('fails over after fall rounds and carries the votes and threshold as evidence', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    h.round(PROBERS, false);
    h.round(PROBERS, false);
    expect(h.status()).toBe('up');
    h.round(PROBERS, false);
    expect(h.status()).toBe('down');
    const ep = h.events.find((e) => e.type === 'endpoint-transition' && e.to === 'down')!;
    expect(ep.evidence.quorum).toBe(2);
    expect(String(ep.evidence.tripped)).toMatch(/DOWN votes >= quorum 2/);
    const votes = ep.evidence.votes as { prober: string; vote: string; counted: boolean }[];
    expect(votes.filter((v) => v.counted && v.vote === 'down').length).toBeGreaterThanOrEqual(2);
    const rt = h.regionTransitions().at(-1)!;
    expect(rt).toMatchObject({ from: 'up', to: 'down', region: 'r1' });
    expect(rt.evidence.minHealthy).toBe(1);
  });

  it('does not move on one prober, and holds the last state when the quorum is split', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    for (let i = 0; i < 10; i++) {
      h.report('a', { 'r1-e0': false });
      h.report('b', { 'r1-e0': true });
      h.advance(INTERVAL);
    }
    expect(h.status()).toBe('up');
    expect(h.regionTransitions()).toHaveLength(1);
  });

  it('ignores an impaired prober’s DOWN votes but counts its UP votes', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    for (let i = 0; i < 5; i++) {
      h.report('a', { 'r1-e0': false }, true);
      h.report('b', { 'r1-e0': false }, true);
      h.report('c', { 'r1-e0': true });
      h.advance(INTERVAL);
    }
    expect(h.status()).toBe('up');
    expect(
      h.events.some((e) => e.type === 'prober-impaired' && e.prober === 'a' && e.to === 'impaired'),
    ).toBe(true);
    const snap = h.engine.snapshot();
    const votes = snap.endpoints.find((e) => e.id === 'r1-e0')!.votes;
    expect(votes.find((v) => v.prober === 'a')).toMatchObject({
      vote: 'down',
      impaired: true,
      counted: false,
    });
    // b recovers from impairment: one counted DOWN vote is still no quorum; a recovering makes two.
    h.report('b', { 'r1-e0': false }, false);
    expect(h.status()).toBe('up');
    h.report('a', { 'r1-e0': false }, false);
    expect(h.status()).toBe('down');
  });

  it('is fail static with fewer fresh probers than minProbers, and says so', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.events.some((e) => e.type === 'fail-static' && e.to === 'off')).toBe(true);
    // Only a keeps reporting, failing; b and c go silent.
    for (let i = 0; i < 10; i++) h.round(['a'], false);
    expect(h.engine.snapshot().failStatic).toBe(true);
    expect(h.engine.snapshot().freshProbers).toEqual(['a']);
    expect(h.events.some((e) => e.type === 'fail-static' && e.to === 'on')).toBe(true);
    expect(h.status()).toBe('up');
  });

  it('minProbers 3: two fresh probers decide nothing', () => {
    const h = new Harness(makeConfig({ minProbers: 3 }));
    for (let i = 0; i < 5; i++) h.round(['a', 'b'], true);
    expect(h.status()).toBeUndefined();
    expect(h.engine.allDecided()).toBe(false);
  });

  it('a stale prober has no vote, and starts again from UNKNOWN when it returns', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    for (let i = 0; i < 3; i++) h.round(['a', 'b', 'c'], true);
    for (let i = 0; i < 3; i++) h.round(['a'], false); // a votes DOWN
    h.advance(20_000); // a goes stale
    const va = h.engine.snapshot().endpoints[0]!.votes.find((v) => v.prober === 'a')!;
    expect(va).toMatchObject({ fresh: false, counted: false });
    // b fails, c is fine: with a's old DOWN vote counted this would be a quorum of 2; a is stale.
    for (let i = 0; i < 4; i++) h.round(['b', 'c'], false);
    for (let i = 0; i < 4; i++) {
      h.report('b', { 'r1-e0': false });
      h.report('c', { 'r1-e0': true });
      h.advance(INTERVAL);
    }
    expect(h.status()).toBe('down'); // b and c both failed the first 4 rounds: a real fresh quorum
    // a returns with one failure: its old DOWN vote was reset, so it is UNKNOWN, not DOWN.
    h.report('a', { 'r1-e0': false });
    expect(h.engine.snapshot().endpoints[0]!.votes.find((v) => v.prober === 'a')!.vote).toBe('unknown');
  });

  it('never counts a stale DOWN vote toward the quorum', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    for (let i = 0; i < 3; i++) h.round(PROBERS, true);
    for (let i = 0; i < 3; i++) h.round(['a'], false); // a votes DOWN, then goes silent
    h.advance(20_000);
    for (let i = 0; i < 6; i++) {
      h.report('b', { 'r1-e0': false });
      h.report('c', { 'r1-e0': true });
      h.advance(INTERVAL);
    }
    expect(h.status()).toBe('up');
    expect(h.regionTransitions()).toHaveLength(1);
  });

  it('translates result times by the agent clock: skew does not matter, stale and duplicate results are skipped', () => {
    const h = new Harness();
    const skew = 3_600_000; // agent an hour ahead
    const send = (seq: number, okAt: number[]) =>
      h.engine.ingest(
        {
          prober: 'a',
          seq,
          sentAt: h.t + skew,
          impaired: false,
          results: okAt.map((age) => ({
            endpoint: 'r1-e0',
            prober: 'a',
            ok: true,
            latencyMs: 1,
            detail: 'ok',
            at: h.t + skew - age,
          })),
        },
        h.t,
      );
    send(1, [60_000, 1000, 0]); // the first is a minute old: stale on arrival
    expect(h.engine.ignoredResults).toBe(1);
    const pair = h.engine.snapshot().endpoints[0]!.votes.find((v) => v.prober === 'a')!;
    expect(pair).toMatchObject({ vote: 'up', fresh: true });
    send(2, [0]); // duplicate of the last result
    expect(h.engine.ignoredResults).toBe(2);
  });

  it('holds failback for failbackAfter, and lengthens the hold-down for repeated flaps', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    for (let i = 0; i < 3; i++) h.round(PROBERS, false);
    expect(h.status()).toBe('down');
    h.round(PROBERS, true);
    h.round(PROBERS, true); // votes UP again at the 2nd ok round
    const hold = h.events.find((e) => e.type === 'failback-hold')!;
    expect(hold.evidence.holdDownMs).toBe(60_000);
    expect(h.engine.regionStates().get('r1')).toMatchObject({ status: 'down', holdingFailback: true });
    let t = 0;
    while (h.status() === 'down' && t < 120_000) {
      h.round(PROBERS, true);
      t += INTERVAL;
    }
    expect(h.status()).toBe('up');
    const back = h.regionTransitions().at(-1)!;
    expect(back.evidence.holdDownMs).toBe(60_000);
    expect(back.at - hold.at).toBeGreaterThanOrEqual(60_000);
    expect(back.at - hold.at).toBeLessThan(60_000 + INTERVAL + 1);
    // Second outage within the flap window: hold-down doubles.
    for (let i = 0; i < 3; i++) h.round(PROBERS, false);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.events.filter((e) => e.type === 'failback-hold').at(-1)!.evidence.holdDownMs).toBe(120_000);
    // Going down during the hold-down aborts it; the next one is longer again.
    for (let i = 0; i < 3; i++) h.round(PROBERS, false);
    expect(h.events.some((e) => e.type === 'failback-aborted')).toBe(true);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.events.filter((e) => e.type === 'failback-hold').at(-1)!.evidence.holdDownMs).toBe(240_000);
  });

  it('caps the hold-down at maxFailbackAfter', () => {
    const h = new Harness(makeConfig({ failbackAfter: '10s', maxFailbackAfter: '25s' }));
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    // Rounds one second apart: each recovery goes down again inside its hold-down.
    const quick = (ok: boolean) => {
      for (const p of PROBERS) h.report(p, { 'r1-e0': ok, 'r2-e0': true });
      h.advance(1000);
    };
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 3; i++) quick(false);
      for (let i = 0; i < 2; i++) quick(true);
    }
    const holds = h.events.filter((e) => e.type === 'failback-hold').map((e) => e.evidence.holdDownMs);
    expect(holds).toEqual([10_000, 20_000, 25_000, 25_000]);
  });

  it('drains with reason and author, expires drains on tick, and undrains at once', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    const ev = h.engine.drain('r1', { reason: 'maintenance', author: 'ops', until: h.t + 30_000 });
    expect(ev).toMatchObject({ type: 'drain', from: 'up', to: 'drained' });
    expect(h.engine.regionStates().get('r1')).toMatchObject({ status: 'drained', reason: 'maintenance' });
    expect(h.engine.drains()).toHaveLength(1);
    // health changes under a drain are evidence only
    for (let i = 0; i < 3; i++) h.round(PROBERS, false);
    expect(h.status()).toBe('drained');
    expect(h.events.some((e) => e.type === 'region-health' && e.to === 'down')).toBe(true);
    const expired = h.advance(30_000);
    expect(expired.find((e) => e.type === 'undrain')).toMatchObject({ from: 'drained', to: 'down' });
    expect(h.engine.drains()).toHaveLength(0);
    h.engine.drain('r2', { reason: 'x', author: 'ops' });
    expect(h.engine.undrain('r2', 'ops')).toMatchObject({ type: 'undrain', from: 'drained', to: 'up' });
    expect(() => h.engine.drain('nope', { reason: 'x', author: 'y' })).toThrow(UsageError);
  });

  it('restore() re-installs drains without events; a drained region counts as decided', () => {
    const h = new Harness();
    h.engine.restore([{ region: 'r2', reason: 'kept', author: 'ops', at: 5 }]);
    expect(h.engine.decided('r2')).toBe(true);
    expect(h.engine.decided('r1')).toBe(false);
    expect(h.engine.regionStates().get('r2')).toMatchObject({ status: 'drained', since: 5 });
  });

  it('rolls up regions with minHealthy', () => {
    const h = new Harness(makeConfig({ minHealthy: 2 }, 3));
    const all = (ok: boolean[]) => {
      for (const p of PROBERS) h.report(p, { 'r1-e0': ok[0]!, 'r1-e1': ok[1]!, 'r1-e2': ok[2]! });
      h.advance(INTERVAL);
    };
    for (let i = 0; i < 2; i++) all([true, true, true]);
    expect(h.status()).toBe('up');
    for (let i = 0; i < 3; i++) all([false, true, true]);
    expect(h.status()).toBe('up');
    expect(h.engine.regionStates().get('r1')!.upEndpoints).toEqual(['r1-e1', 'r1-e2']);
    for (let i = 0; i < 3; i++) all([false, false, true]);
    expect(h.status()).toBe('down');
  });

  it('ignores reports of unknown probers and results of unknown endpoints', () => {
    const h = new Harness();
    expect(h.report('zz', { 'r1-e0': false })).toEqual([]);
    h.report('a', { nope: false });
    expect(h.engine.ignoredResults).toBe(2);
  });
});
