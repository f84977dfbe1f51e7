// Matching local drains to the drains etcd holds (etcd is the source of truth).
import { describe, expect, it } from 'vitest';
import type { DrainRecord } from '../../../src/controller/index.ts';
import { drainActions, sameDrain } from '../../../src/coordination/index.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const d = (region: string, extra: Partial<DrainRecord> = {}): DrainRecord => ({
  region,
  reason: 'maintenance',
  author: 'alice',
  at: '2026-01-01T11:00:00.000Z',
  ...extra,
});

describe('drainActions', () => {
  it('puts remote drains in force and lifts local ones etcd no longer holds', () => {
    expect(drainActions([d('eu')], [d('us')], NOW)).toEqual([
      { region: 'eu', drain: undefined },
      { region: 'us', drain: d('us') },
    ]);
  });

  it('does nothing when both agree, whatever time each replica stamped', () => {
    expect(drainActions([d('us', { at: '2026-01-01T11:00:00.123Z' })], [d('us')], NOW)).toEqual([]);
  });

  it('replaces a drain whose reason, author or end changed', () => {
    const remote = d('us', { reason: 'db migration', until: '2026-01-01T13:00:00.000Z' });
    expect(drainActions([d('us')], [remote], NOW)).toEqual([{ region: 'us', drain: remote }]);
    expect(
      sameDrain(d('us', { until: '2026-01-01T13:00:00Z' }), d('us', { until: '2026-01-01T13:00:00.000Z' })),
    ).toBe(true);
  });

  it('treats an expired remote drain as none', () => {
    const expired = d('us', { until: '2026-01-01T11:59:59.000Z' });
    expect(drainActions([], [expired], NOW)).toEqual([]);
    expect(drainActions([d('us')], [expired], NOW)).toEqual([{ region: 'us', drain: undefined }]);
  });
});
