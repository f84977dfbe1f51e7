// The status view never throws: maintenance windows whose times a Date cannot hold (kept from before
// the time bounds, or shared by a replica that checks less) are left out of the lists and reported
// as problems naming the window and the remedy; a window in force at a plain time is shown as before.
import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../../src/controller/views/status-view.ts';
import { HealthEngine, type MaintenanceWindow } from '../../../../src/health/index.ts';
import { controllerConfig } from '../../../helpers/controller-config.ts';

const config = controllerConfig({ owner: 'status-view', stateDir: '/nonexistent' });
const NOW = Date.parse('2026-06-01T12:00:00Z');

function win(over: Partial<MaintenanceWindow>): MaintenanceWindow {
  return {
    id: 'w',
    region: 'us-east',
    reason: 'patching',
    durationMs: 3_600_000,
    notifyBeforeMs: 0,
    source: 'api',
    ...over,
  };
}

function status(windows: MaintenanceWindow[], at = NOW) {
  const engine = new HealthEngine(config, { now: () => at });
  engine.setApiWindows(windows);
  engine.tick(at);
  const doc = buildStatus({
    config,
    snapshot: engine.snapshot(at),
    zones: [],
    replica: 'r1',
    startedAt: at - 1000,
    role: 'single',
    errors: [],
    windows: engine.windows(),
  });
  // No prober has reported: fail static is expected and beside the point here.
  return { ...doc, problems: doc.problems.filter((p) => p.kind !== 'fail-static') };
}

describe('status view', () => {
  it('a window at the end of JavaScript time: no throw, left out, reported with the remedy', () => {
    const doc = status([win({ id: 'end-of-time', start: 8.64e15 })]);
    expect(doc.maintenance).toEqual({ active: [], upcoming: [] });
    expect(doc.problems).toEqual([
      {
        kind: 'maintenance-window',
        since: '2026-06-01T11:59:59.000Z',
        window: 'end-of-time',
        message:
          'maintenance window end-of-time (region us-east, from the API): start +275760-09-13T00:00:00.000Z is outside the years 2000 to 2199 (UTC); it is kept as it is: remove it (geofailover maintenance remove end-of-time) and add it again within the limits',
      },
    ]);
    expect(() => JSON.stringify(doc)).not.toThrow();
  });

  it('a window in force whose end a Date cannot hold: the region is drained, its view left out', () => {
    const doc = status([win({ id: 'long', start: NOW - 1000, durationMs: 8.64e15 })]);
    const region = doc.regions.find((r) => r.id === 'us-east')!;
    expect(region.status).toBe('drained');
    expect(region.maintenance).toBeUndefined();
    expect(doc.maintenance?.active).toEqual([]);
    expect(doc.problems.map((p) => [p.kind, p.window])).toEqual([['maintenance-window', 'long']]);
    expect(doc.problems[0]!.message).toMatch(/duration 8640000000000000 ms is outside 1 ms to 366 days/);
  });

  it('plain windows show as before, with no problem', () => {
    const doc = status([
      win({ id: 'now', start: NOW - 60_000 }),
      win({ id: 'later', region: 'eu-west', cron: '0 2 * * 0' }),
    ]);
    expect(doc.problems).toEqual([]);
    expect(doc.regions.find((r) => r.id === 'us-east')!.maintenance).toEqual({
      window: 'now',
      region: 'us-east',
      reason: 'patching',
      start: '2026-06-01T11:59:00.000Z',
      end: '2026-06-01T12:59:00.000Z',
    });
    expect(doc.maintenance?.upcoming.map((w) => [w.window, w.start])).toEqual([
      ['later', '2026-06-07T02:00:00.000Z'],
    ]);
  });

  it('more windows than the limit, and an every-second cron, kept from before: reported, not refused', () => {
    const many = Array.from({ length: 101 }, (_, i) => win({ id: `w${i}`, cron: '0 2 * * 0' }));
    const doc = status([
      ...many.slice(0, 100),
      win({ id: 'w100', cron: '* * * * * *', durationMs: 3 * 86_400_000 }),
    ]);
    expect(doc.problems.map((p) => [p.kind, p.window])).toEqual([
      ['maintenance-window', undefined],
      ['maintenance-window', 'w100'],
    ]);
    expect(doc.problems[0]!.message).toMatch(/^101 maintenance windows, over the limit of 100: /);
    expect(doc.problems[1]!.message).toMatch(/cron "\* \* \* \* \* \*": starts 60 times a minute/);
    expect(doc.regions.find((r) => r.id === 'us-east')!.status).toBe('drained');
  });
});
