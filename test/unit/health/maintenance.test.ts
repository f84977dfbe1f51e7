// Maintenance windows: the UTC cron next-start function, window evaluation (pure), and the engine
// draining a region for a window, applying the failback hold-down after it and announcing it ahead.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.ts';
import {
  evaluateWindows,
  type MaintenanceWindow,
  nextStart,
  parseCron,
  windowAt,
} from '../../../src/health/index.ts';
import { Harness, makeConfig, PROBERS } from './harness.ts';

const T = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const H = 60 * MIN;

function spec(expr: string) {
  const s = parseCron(expr);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

function win(over: Partial<MaintenanceWindow>): MaintenanceWindow {
  return {
    id: 'w',
    region: 'r1',
    reason: 'patching',
    durationMs: 2 * H,
    notifyBeforeMs: 15 * MIN,
    source: 'config',
    ...over,
  };
}

describe('cron next start (UTC)', () => {
  it('finds the next Sunday 02:00 UTC, and the same instant when it is one', () => {
    const s = spec('0 2 * * 0');
    expect(new Date(nextStart(s, T('2026-12-07T00:00:00Z'))!).toISOString()).toBe('2026-12-13T02:00:00.000Z');
    expect(nextStart(s, T('2026-12-13T02:00:00Z'))).toBe(T('2026-12-13T02:00:00Z'));
    expect(new Date(nextStart(s, T('2026-12-13T02:00:01Z'))!).toISOString()).toBe('2026-12-20T02:00:00.000Z');
  });

  it('is DST-free: 02:30 exists on the European and US spring-forward days, once each', () => {
    const s = spec('30 2 * * *');
    expect(new Date(nextStart(s, T('2026-03-29T00:00:00Z'))!).toISOString()).toBe('2026-03-29T02:30:00.000Z');
    expect(new Date(nextStart(s, T('2026-03-08T02:31:00Z'))!).toISOString()).toBe('2026-03-09T02:30:00.000Z');
    // autumn: 01:30 happens once in UTC (not twice as in local time)
    const a = spec('30 1 * * *');
    const first = nextStart(a, T('2026-10-25T00:00:00Z'))!;
    expect(nextStart(a, first + 1)! - first).toBe(24 * H);
  });

  it('handles steps, ranges, month and day names, six fields, and 7 as Sunday', () => {
    expect(new Date(nextStart(spec('*/15 3 1-5 * *'), T('2026-12-06T03:50:00Z'))!).toISOString()).toBe(
      '2027-01-01T03:00:00.000Z',
    );
    expect(new Date(nextStart(spec('0 9 * * MON-FRI'), T('2026-12-12T10:00:00Z'))!).toISOString()).toBe(
      '2026-12-14T09:00:00.000Z',
    );
    expect(new Date(nextStart(spec('30 0 4 * * *'), T('2026-12-07T05:00:00Z'))!).toISOString()).toBe(
      '2026-12-08T04:00:30.000Z',
    );
    expect(nextStart(spec('0 0 * * 7'), T('2026-12-07T00:00:00Z'))).toBe(T('2026-12-13T00:00:00Z'));
    expect(new Date(nextStart(spec('0 0 29 2 *'), T('2026-12-07T00:00:00Z'))!).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('refuses bad expressions and the L/# forms with a message; an impossible date never fires', () => {
    expect(parseCron('0 25 * * *')).toMatch(/hour/);
    expect(parseCron('not a cron')).toMatch(/not a cron expression/);
    expect(parseCron('0 0 L * *')).toMatch(/L and # day forms/);
    expect(parseCron('0 0 30 2 *')).toMatch(/impossible day of month/);
    // 29 February on a Monday: next in 2044, beyond the five-year horizon.
    expect(nextStart(spec('0 0 29 2 1'), T('2026-12-07T00:00:00Z'))).toBeUndefined();
  });
});

describe('window evaluation (pure)', () => {
  it('one-shot: upcoming before, active in [start, end), gone after', () => {
    const w = win({ start: T('2026-12-10T02:00:00Z') });
    expect(windowAt(w, T('2026-12-10T01:00:00Z'))).toEqual({
      next: {
        window: 'w',
        region: 'r1',
        reason: 'patching',
        start: T('2026-12-10T02:00:00Z'),
        end: T('2026-12-10T04:00:00Z'),
      },
    });
    expect(windowAt(w, T('2026-12-10T02:00:00Z')).active?.end).toBe(T('2026-12-10T04:00:00Z'));
    expect(windowAt(w, T('2026-12-10T03:59:59Z')).active).toBeDefined();
    expect(windowAt(w, T('2026-12-10T04:00:00Z'))).toEqual({});
  });

  it('cron: active from each start for its duration, with the next start beside it', () => {
    const w = win({ cron: '0 2 * * 0' });
    const at = windowAt(w, T('2026-12-13T03:00:00Z'));
    expect(at.active).toMatchObject({ start: T('2026-12-13T02:00:00Z'), end: T('2026-12-13T04:00:00Z') });
    expect(at.next?.start).toBe(T('2026-12-20T02:00:00Z'));
    expect(windowAt(w, T('2026-12-13T04:00:00Z')).active).toBeUndefined();
  });

  it('chains occurrences that overlap (a duration longer than the period)', () => {
    const w = win({ cron: '0 * * * *', durationMs: 90 * MIN });
    const at = windowAt(w, T('2026-12-13T03:10:00Z'));
    expect(at.active?.start).toBe(T('2026-12-13T02:00:00Z'));
    expect(at.active?.end).toBe(T('2026-12-13T04:30:00Z'));
  });

  it('merges windows per region (latest end) and sorts upcoming by start', () => {
    const now = T('2026-12-13T03:00:00Z');
    const r = evaluateWindows(
      [
        win({ id: 'a', start: T('2026-12-13T02:00:00Z'), durationMs: 2 * H }),
        win({ id: 'b', start: T('2026-12-13T02:30:00Z'), durationMs: 3 * H }),
        win({ id: 'c', region: 'r2', start: T('2026-12-14T00:00:00Z') }),
        win({ id: 'd', region: 'r2', cron: '0 12 * * *' }),
      ],
      now,
    );
    expect(r.active.get('r1')?.window).toBe('b');
    expect(r.active.has('r2')).toBe(false);
    expect(r.inForce.map((o) => o.window)).toEqual(['a', 'b']);
    expect(r.upcoming.map((o) => o.window)).toEqual(['d', 'c']);
  });
});

describe('maintenance in the engine', () => {
  // Window times must fall within the years 2000 to 2199, so the engine's clock starts in 2026.
  const CLOCK = T('2026-12-01T00:00:00Z');

  function harness(start: number, extra: Record<string, unknown> = {}) {
    const base = makeConfig();
    const config = configSchema.parse({
      owner: 'test',
      regions: base.regions,
      probers: base.probers.map((p) => ({ id: p.id, keyEnv: p.keyEnv })),
      health: { interval: '5s', staleAfter: '15s', failbackAfter: '60s', maxFailbackAfter: '600s' },
      providers: { m: { kind: 'memory' } },
      maintenance: [
        {
          id: 'patch',
          region: 'r1',
          reason: 'kernel',
          start: new Date(start).toISOString(),
          duration: '10m',
          ...extra,
        },
      ],
    });
    const h = new Harness(config);
    h.t = CLOCK;
    return h;
  }

  it('announces once ahead, drains at the start, holds down after the end, then returns', () => {
    const start = CLOCK + 30 * MIN;
    const h = harness(start);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.status()).toBe('up');
    // 15 minutes before: one maintenance-upcoming event, not repeated.
    while (h.t < start - 15 * MIN) h.round(PROBERS, true);
    while (h.t < start - 10 * MIN) h.round(PROBERS, true);
    const upcoming = h.events.filter((e) => e.type === 'maintenance-upcoming');
    expect(upcoming).toHaveLength(1);
    expect(upcoming[0]!.evidence).toMatchObject({ window: 'patch', reason: 'kernel', start });
    expect(h.status()).toBe('up');
    while (h.t < start) h.round(PROBERS, true);
    const started = h.events.find((e) => e.type === 'maintenance-start')!;
    expect(started).toMatchObject({ region: 'r1', from: 'up', to: 'drained' });
    expect(h.status()).toBe('drained');
    expect(h.engine.snapshot().regions.find((r) => r.id === 'r1')!.maintenance?.window).toBe('patch');
    // Health changes during the window are masked.
    const transitions = h.regionTransitions().length;
    while (h.t < start + 10 * MIN) h.round(PROBERS, true);
    expect(h.regionTransitions()).toHaveLength(transitions);
    const ended = h.events.find((e) => e.type === 'maintenance-end')!;
    expect(ended).toMatchObject({ region: 'r1', from: 'drained', to: 'down' });
    expect(ended.evidence.holdingFailback).toBe(true);
    expect(h.events.some((e) => e.type === 'failback-hold' && e.region === 'r1' && e.at === ended.at)).toBe(
      true,
    );
    expect(h.engine.regionStates().get('r1')).toMatchObject({ status: 'down', holdingFailback: true });
    // After failbackAfter (60 s) of being up, traffic returns.
    while (h.t < ended.at + 65_000) h.round(PROBERS, true);
    expect(h.status()).toBe('up');
    expect(h.regionTransitions().at(-1)).toMatchObject({ from: 'down', to: 'up' });
  });

  it('a drain and an override under a window: drained wins, the override shows after', () => {
    const h = harness(CLOCK + 10_000);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    h.round(PROBERS, true);
    expect(h.status()).toBe('drained');
    const e = h.engine.forceUp('r1', { reason: 'x', author: 'ana', until: h.t + 60 * MIN });
    expect(e.to).toBe('drained');
    expect(e.evidence.note).toMatch(/maintenance/);
  });

  it('API windows replace each other on setApiWindows; config ones stay', () => {
    const h = harness(CLOCK + 5 * H);
    h.engine.setApiWindows([win({ id: 'api-1', region: 'r2', start: h.t + MIN })]);
    expect(h.engine.windows().map((w) => [w.id, w.source])).toEqual([
      ['patch', 'config'],
      ['api-1', 'api'],
    ]);
    h.engine.setApiWindows([]);
    expect(h.engine.windows().map((w) => w.id)).toEqual(['patch']);
  });
});
