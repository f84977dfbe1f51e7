// A restarted engine continues from the memory of the previous run: a failback hold-down is not cut
// short, recent flaps still lengthen the next one, and nothing counts as decided before fresh reports.
import { describe, expect, it } from 'vitest';
import { Harness, INTERVAL, PROBERS } from './harness.ts';

/** Up, then down; with `heal`, recovered and holding failback. Returns the engine's memory. */
function previousRun(heal: boolean) {
  const h = new Harness();
  h.round(PROBERS, true);
  h.round(PROBERS, true);
  for (let i = 0; i < 3; i++) h.round(PROBERS, false);
  expect(h.status()).toBe('down');
  if (heal) {
    for (let i = 0; i < 2; i++) h.round(PROBERS, true);
    expect(h.engine.snapshot().regions.find((r) => r.id === 'r1')!.holdingFailback).toBe(true);
  }
  return { h, memory: h.engine.history() };
}

describe('HealthEngine memory across restarts', () => {
  it('continues a failback hold-down instead of failing back at the first fresh reports', () => {
    const { h: before, memory } = previousRun(true);
    const failbackAt = before.engine.snapshot().regions.find((r) => r.id === 'r1')!.failbackAt!;
    const after = new Harness();
    after.engine.restoreHistory(memory);
    expect(after.engine.decided('r1')).toBe(false);
    after.round(PROBERS, true);
    after.round(PROBERS, true);
    expect(after.engine.decided('r1')).toBe(true);
    expect(after.status()).toBe('down');
    const snap = after.engine.snapshot().regions.find((r) => r.id === 'r1')!;
    expect(snap.holdingFailback).toBe(true);
    expect(snap.failbackAt).toBe(failbackAt);
    expect(after.events.some((e) => e.type === 'failback-hold' && e.evidence.restored === true)).toBe(true);
    // It does fail back once the original hold-down has passed.
    after.advance(Math.max(0, failbackAt - after.t) + INTERVAL);
    for (let i = 0; i < 20 && after.status() !== 'up'; i++) after.round(PROBERS, true);
    expect(after.status()).toBe('up');
  });

  it('starts a hold-down when a region that was down comes back up across the restart', () => {
    const { memory } = previousRun(false);
    const after = new Harness();
    after.engine.restoreHistory(memory);
    after.round(PROBERS, true);
    after.round(PROBERS, true);
    expect(after.status()).toBe('down');
    expect(after.engine.snapshot().regions.find((r) => r.id === 'r1')!.holdingFailback).toBe(true);
    expect(after.engine.regionStates().get('r1')?.status).toBe('down');
  });

  it('keeps the since of an unchanged state and the flap history', () => {
    const { memory } = previousRun(false);
    const down = memory.find((m) => m.region === 'r1')!;
    const after = new Harness();
    after.engine.restoreHistory(memory);
    for (let i = 0; i < 3; i++) after.round(PROBERS, false);
    expect(after.status()).toBe('down');
    const mem = after.engine.history().find((m) => m.region === 'r1')!;
    expect(mem.since).toBe(down.since);
    expect(mem.flaps).toEqual(down.flaps);
    // Nothing was remembered for r2 beyond being up.
    expect(after.engine.history().find((m) => m.region === 'r2')?.health).toBe('up');
  });
});
