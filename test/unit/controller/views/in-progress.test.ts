// A running pass as status shows it: its age and stage, when its provider counts as behind (a read
// or write past BEHIND_AFTER_MS, never the wait for nameservers), and the problem that then stays at
// the top of status until the pass ends.
import { describe, expect, it } from 'vitest';
import type { ZoneView } from '../../../../src/api/index.ts';
import { BEHIND_AFTER_MS, inProgressView } from '../../../../src/controller/views/in-progress.ts';
import { problemsOf } from '../../../../src/controller/views/status-view.ts';

const T0 = Date.parse('2026-12-08T10:00:00.000Z');

describe('inProgressView', () => {
  it('shows since, stage, age and changes; not behind while young', () => {
    expect(inProgressView({ since: T0, stage: 'write', changes: 2 }, T0 + 1500)).toEqual({
      since: '2026-12-08T10:00:00.000Z',
      stage: 'write',
      ageMs: 1500,
      changes: 2,
      behind: false,
    });
  });

  it('a read or a write past the threshold is behind; confirming never is', () => {
    const late = T0 + BEHIND_AFTER_MS;
    expect(inProgressView({ since: T0, stage: 'write', changes: 1 }, late).behind).toBe(true);
    expect(inProgressView({ since: T0, stage: 'read' }, late).behind).toBe(true);
    expect(inProgressView({ since: T0, stage: 'confirm', changes: 1 }, late + 60_000).behind).toBe(false);
    expect(inProgressView({ since: T0, stage: 'read' }, late - 1).behind).toBe(false);
    expect(inProgressView({ since: T0, stage: 'read' }, T0 + 500, 400).behind).toBe(true);
  });
});

describe('problemsOf with a pass in progress', () => {
  const zone = (inProgress?: ZoneView['inProgress']): ZoneView => ({
    zone: 'example.com.',
    provider: 'dns',
    providerKind: 'rfc2136',
    lastReconcile: {
      at: new Date(T0).toISOString(),
      trigger: 'health',
      result: 'changed',
      changes: 1,
      durationMs: 9,
    },
    records: [],
    ...(inProgress ? { inProgress } : {}),
  });

  it('a provider behind is a problem naming it, the zone, the stage and how long', () => {
    const view = inProgressView({ since: T0, stage: 'write', changes: 2 }, T0 + 12_400);
    expect(problemsOf([zone(view)], false, T0)).toEqual([
      {
        kind: 'provider-behind',
        since: '2026-12-08T10:00:00.000Z',
        zone: 'example.com.',
        provider: 'dns',
        message:
          'provider dns is behind: writing 2 change(s) to zone example.com. for 12 s and has not finished; what was decided since waits for it, and DNS may serve an old answer',
      },
    ]);
  });

  it('a young pass, or none, is no problem', () => {
    expect(problemsOf([zone(inProgressView({ since: T0, stage: 'write' }, T0 + 100))], false, T0)).toEqual(
      [],
    );
    expect(problemsOf([zone()], false, T0)).toEqual([]);
  });
});
