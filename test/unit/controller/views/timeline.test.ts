// The timeline as data: health bands (up, down, recovering, ramping) and operator layers (drain,
// maintenance, override) each start at their own event's time; ramp steps, flaps, DNS changes and
// leadership are marks; what the status says is in force but no kept event opened still shows.
import { describe, expect, it } from 'vitest';
import type { RegionView } from '../../../../src/api/index.ts';
import { timelineOf } from '../../../../src/controller/views/timeline.ts';
import type { StoredEvent } from '../../../../src/model/index.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let seq = 0;
const ev = (s: number, type: string, fields: Record<string, unknown> = {}): StoredEvent => ({
  seq: ++seq,
  // The audit line is written a little after the engine decided: the engine's time counts.
  at: at(s + 0.5),
  at_engine: at(s),
  type,
  ...fields,
});
const region = (id: string, extra: Partial<RegionView> = {}): RegionView => ({
  id,
  status: 'up',
  decided: true,
  endpoints: [],
  ...extra,
});

describe('timelineOf', () => {
  const events = [
    ev(0, 'region-transition', { region: 'us-east', from: 'unknown', to: 'up' }),
    ev(0, 'region-transition', { region: 'eu-west', from: 'unknown', to: 'up' }),
    ev(60, 'region-transition', { region: 'us-east', from: 'up', to: 'down' }),
    {
      seq: ++seq,
      at: at(61),
      type: 'apply',
      zone: 'example.com.',
      changes: [{ kind: 'update', name: 'app.example.com.' }],
      visible: [{ nameserver: '127.0.0.1:53', visibleMs: 4 }],
    },
    ev(90, 'failback-hold', {
      region: 'us-east',
      from: 'down',
      to: 'holding',
      evidence: { holdDownMs: 10_000 },
    }),
    ev(95, 'failback-aborted', {
      region: 'us-east',
      from: 'holding',
      to: 'down',
      evidence: { nextHoldDownReason: 'hold-down doubled to 20 s after 2 flaps in 4 min' },
    }),
    ev(100, 'failback-hold', { region: 'us-east', from: 'down', to: 'holding' }),
    ev(120, 'region-transition', { region: 'us-east', from: 'down', to: 'up' }),
    ev(120, 'failback-ramp', { region: 'us-east', from: 'hold-down passed', to: 'step 1/2 (50%)' }),
    ev(130, 'failback-ramp', { region: 'us-east', from: 'step 1/2 (50%)', to: 'step 2/2 (100%)' }),
    ev(140, 'failback-ramp', { region: 'us-east', from: 'step 2/2 (100%)', to: 'done' }),
    // eu-west: drained three minutes after its last transition, then undrained.
    ev(180, 'drain', {
      region: 'eu-west',
      from: 'up',
      to: 'drained',
      actor: 'ops-token',
      evidence: { author: 'ana', reason: 'db migration' },
    }),
    ev(240, 'undrain', { region: 'eu-west', from: 'drained', to: 'up' }),
    ev(250, 'maintenance-start', { region: 'eu-west', evidence: { window: 'k1', reason: 'kernel updates' } }),
    ev(270, 'maintenance-end', { region: 'eu-west', evidence: { window: 'k1' } }),
    ev(270, 'failback-hold', { region: 'eu-west', from: 'down', to: 'holding' }),
    ev(280, 'region-transition', { region: 'eu-west', from: 'down', to: 'up' }),
    ev(290, 'override', { region: 'eu-west', evidence: { author: 'bo', reason: 'checks wrong' } }),
    { seq: ++seq, at: at(295), type: 'leader-elected', replica: 'replica-b' },
  ];
  const doc = timelineOf({ events, regions: [region('us-east'), region('eu-west')], now: T0 + 300_000 });
  const us = doc.regions.find((r) => r.id === 'us-east')!;
  const eu = doc.regions.find((r) => r.id === 'eu-west')!;

  it('draws health from its own events, at the engine times', () => {
    expect(us.health.map((h) => [h.state, h.from, h.to])).toEqual([
      ['up', at(0), at(60)],
      ['down', at(60), at(90)],
      ['recovering', at(90), at(95)],
      ['down', at(95), at(100)],
      ['recovering', at(100), at(120)],
      ['ramping', at(120), at(140)],
      ['up', at(140), at(300)],
    ]);
    expect(doc.start).toBe(at(0));
  });

  it('starts a drain band at the drain, not at the last transition', () => {
    expect(eu.layers.map((l) => [l.kind, l.from, l.to, l.open])).toEqual([
      ['drain', at(180), at(240), false],
      ['maintenance', at(250), at(270), false],
      ['override', at(290), at(300), true],
    ]);
    expect(eu.layers[0]!.label).toBe('drained by ana: db migration');
    expect(eu.layers[1]!.label).toBe('maintenance window k1: kernel updates');
    expect(eu.health.map((h) => h.state)).toEqual(['up', 'recovering', 'up']);
    expect(eu.health[1]).toMatchObject({ from: at(270), to: at(280) });
  });

  it('marks ramp steps, flaps, DNS changes and leadership', () => {
    expect(us.marks.map((m) => [m.kind, m.at])).toEqual([
      ['flap', at(95)],
      ['ramp', at(120)],
      ['ramp', at(130)],
      ['ramp', at(140)],
    ]);
    expect(us.marks[0]!.label).toContain('next hold-down doubled to 20 s after 2 flaps in 4 min');
    expect(doc.dns).toEqual([
      {
        at: at(61),
        zone: 'example.com.',
        label: 'update app.example.com.; visible on 127.0.0.1:53 4 ms',
      },
    ]);
    expect(doc.leadership.map((l) => l.label)).toEqual(['leader-elected: replica-b']);
  });

  it('shows a drain in force that no kept event opened, from when it was made', () => {
    const d = timelineOf({
      events: [ev(0, 'region-transition', { region: 'eu-west', from: 'unknown', to: 'up' })],
      regions: [region('eu-west', { status: 'drained', drain: { reason: 'r', author: 'a', at: at(-30) } })],
      now: T0 + 300_000,
    });
    expect(d.regions[0]!.layers).toEqual([
      { kind: 'drain', from: at(0), to: at(300), label: 'drained by a: r', open: true },
    ]);
  });

  it('paints a region with no events in its state now, and clips to the window', () => {
    const d = timelineOf({
      events: [],
      regions: [region('ap-south', { status: 'down', holdingFailback: true })],
      now: T0,
      windowMs: 3_600_000,
    });
    expect(d.regions[0]!.health).toEqual([{ state: 'recovering', from: at(-60), to: at(0) }]);
    const old = timelineOf({
      events: [ev(-7200, 'region-transition', { region: 'ap-south', from: 'unknown', to: 'down' })],
      regions: [region('ap-south', { status: 'down' })],
      now: T0,
      windowMs: 3_600_000,
    });
    expect(old.start).toBe(at(-3600));
    expect(old.regions[0]!.health).toEqual([{ state: 'down', from: at(-3600), to: at(0) }]);
  });
});
