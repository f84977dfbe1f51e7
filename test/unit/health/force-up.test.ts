// Force-up overrides in the health engine: they win over health, never over a drain or a maintenance
// window, expire by themselves, mask health changes while in force, and hand back to health at once.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/model/index.ts';
import { Harness, INTERVAL, makeConfig, PROBERS } from './harness.ts';

const MIN = 60_000;

function downRegion(): Harness {
  const h = new Harness();
  h.round(PROBERS, true);
  h.round(PROBERS, true);
  for (let i = 0; i < 3; i++) h.round(PROBERS, false);
  expect(h.status()).toBe('down');
  return h;
}

describe('force-up override', () => {
  it('puts a down region up with every endpoint, and says so in the event', () => {
    const h = downRegion();
    const e = h.engine.forceUp('r1', { reason: 'checks broken', author: 'ana', until: h.t + 30 * MIN });
    expect(e).toMatchObject({ type: 'override', region: 'r1', from: 'down', to: 'up' });
    expect(e.evidence.before).toBeNull();
    expect(e.evidence.after).toMatchObject({ state: 'up', reason: 'checks broken', author: 'ana' });
    const st = h.engine.regionStates().get('r1')!;
    expect(st.status).toBe('up');
    // The operator says the checks are wrong: every endpoint is published.
    expect(st.upEndpoints).toEqual(['r1-e0']);
    expect(st.reason).toMatch(/forced up by ana: checks broken/);
    expect(h.engine.snapshot().regions.find((r) => r.id === 'r1')!.override?.until).toBe(h.t + 30 * MIN);
  });

  it('never wins over a drain: drained stays drained, and the override shows again when the drain lifts', () => {
    const h = downRegion();
    h.engine.drain('r1', { reason: 'deploy', author: 'bo' });
    const e = h.engine.forceUp('r1', { reason: 'x', author: 'ana', until: h.t + 30 * MIN });
    expect(e.to).toBe('drained');
    expect(e.evidence.note).toMatch(/drain wins/);
    expect(h.status()).toBe('drained');
    const u = h.engine.undrain('r1', 'bo');
    expect(u.to).toBe('up');
    expect(h.status()).toBe('up');
  });

  it('masks health changes while in force: region-health evidence, no region-transition', () => {
    const h = new Harness();
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    h.engine.forceUp('r1', { reason: 'x', author: 'ana', until: h.t + 60 * MIN });
    const before = h.regionTransitions().length;
    for (let i = 0; i < 3; i++) h.round(PROBERS, false);
    expect(h.regionTransitions()).toHaveLength(before);
    const masked = h.events.filter((e) => e.type === 'region-health' && e.region === 'r1');
    expect(masked.at(-1)).toMatchObject({ from: 'up', to: 'down' });
    expect(masked.at(-1)!.evidence.forcedUp).toBe(true);
    expect(h.status()).toBe('up');
  });

  it('expires on tick and hands the region back to its health at once', () => {
    const h = downRegion();
    h.engine.forceUp('r1', { reason: 'x', author: 'ana', until: h.t + 2 * INTERVAL });
    expect(h.status()).toBe('up');
    h.advance(INTERVAL);
    expect(h.status()).toBe('up');
    const ev = h.advance(INTERVAL);
    const lifted = ev.find((e) => e.type === 'override-lifted')!;
    expect(lifted).toMatchObject({ region: 'r1', from: 'up', to: 'down' });
    expect(lifted.evidence).toMatchObject({ author: 'expiry', why: 'override expired', after: null });
    expect(h.status()).toBe('down');
    expect(h.engine.overrides()).toEqual([]);
  });

  it('clear lifts it; replacing one records the one it replaced', () => {
    const h = downRegion();
    h.engine.forceUp('r1', { reason: 'one', author: 'ana', until: h.t + MIN });
    const again = h.engine.forceUp('r1', { reason: 'two', author: 'bo', until: h.t + 2 * MIN });
    expect(again.evidence.before).toMatchObject({ reason: 'one', author: 'ana' });
    const c = h.engine.clearOverride('r1', 'bo');
    expect(c).toMatchObject({ type: 'override-lifted', from: 'up', to: 'down' });
    expect(c.evidence.before).toMatchObject({ reason: 'two' });
    expect(h.status()).toBe('down');
  });

  it('counts an undecided region as decided while forced (DNS need not wait for reports)', () => {
    const h = new Harness();
    expect(h.engine.decided('r1')).toBe(false);
    h.engine.forceUp('r1', { reason: 'x', author: 'ana', until: h.t + MIN });
    expect(h.engine.decided('r1')).toBe(true);
    expect(h.engine.regionStates().get('r1')).toMatchObject({ status: 'up', upEndpoints: ['r1-e0'] });
  });

  it('restores persisted overrides without events, and expired ones lift on the next tick', () => {
    const h = downRegion();
    const other = new Harness(makeConfig());
    other.t = h.t;
    other.engine.restoreOverrides([
      { region: 'r1', state: 'up', reason: 'x', author: 'ana', at: h.t - MIN, until: h.t + MIN },
      { region: 'r2', state: 'up', reason: 'y', author: 'ana', at: h.t - 2 * MIN, until: h.t - 1 },
      { region: 'gone', state: 'up', reason: 'z', author: 'ana', at: h.t, until: h.t + MIN },
    ]);
    expect(other.engine.overrides().map((o) => o.region)).toEqual(['r1', 'r2']);
    const ev = other.advance(1);
    expect(ev.filter((e) => e.type === 'override-lifted').map((e) => e.region)).toEqual(['r2']);
  });

  it('refuses an unknown region with the known ones', () => {
    const h = new Harness();
    expect(() => h.engine.forceUp('nope', { reason: 'x', author: 'a', until: h.t + MIN })).toThrow(
      UsageError,
    );
    expect(() => h.engine.clearOverride('nope')).toThrow(/unknown region "nope"/);
  });
});
