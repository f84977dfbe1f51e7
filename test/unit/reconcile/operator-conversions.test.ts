// Pure parts of sharing overrides between replicas: what a replica changes so its engine matches
// etcd, and the record <-> engine conversions.
import { describe, expect, it } from 'vitest';
import type { OverrideRecord } from '../../../src/model/index.ts';
import {
  overrideActions,
  overrideOf,
  overrideRecordOf,
  windowOf,
} from '../../../src/reconcile/operator-conversions.ts';

const NOW = Date.parse('2026-12-07T01:00:00Z');
const rec = (region: string, over: Partial<OverrideRecord> = {}): OverrideRecord => ({
  region,
  state: 'up',
  reason: 'checks wrong',
  author: 'ana',
  at: '2026-12-07T00:59:00.000Z',
  until: '2026-12-07T01:30:00.000Z',
  ...over,
});

describe('overrideActions', () => {
  it('puts remote overrides in force, lifts local ones etcd no longer has, ignores `at`', () => {
    const actions = overrideActions(
      [rec('us-east', { at: '2026-12-07T00:59:30.000Z' }), rec('ap-south')],
      [rec('us-east'), rec('eu-west')],
      NOW,
    );
    expect(actions).toEqual([
      { region: 'ap-south', override: undefined },
      { region: 'eu-west', override: rec('eu-west') },
    ]);
  });

  it('replaces one that differs in reason, author or until; an expired remote one is no override', () => {
    expect(
      overrideActions([rec('us-east')], [rec('us-east', { until: '2026-12-07T02:00:00.000Z' })], NOW),
    ).toHaveLength(1);
    expect(
      overrideActions([rec('us-east')], [rec('us-east', { author: 'bo' })], NOW)[0]!.override?.author,
    ).toBe('bo');
    expect(overrideActions([], [rec('us-east', { until: '2026-12-07T00:00:00.000Z' })], NOW)).toEqual([]);
  });

  it('converts records and engine overrides both ways', () => {
    const r = rec('us-east');
    expect(overrideRecordOf(overrideOf(r))).toEqual(r);
    expect(
      windowOf({
        id: 'w',
        region: 'us-east',
        reason: 'x',
        author: 'ana',
        start: '2026-12-24T02:00:00.000Z',
        durationMs: 60_000,
        notifyBeforeMs: 0,
        at: '2026-12-07T01:00:00.000Z',
      }),
    ).toEqual({
      id: 'w',
      region: 'us-east',
      reason: 'x',
      author: 'ana',
      start: Date.parse('2026-12-24T02:00:00Z'),
      durationMs: 60_000,
      notifyBeforeMs: 0,
      source: 'api',
    });
  });
});
