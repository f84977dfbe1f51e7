// plainRecords: weighted records as one plain set for providers without weights; geo refused.
import { describe, expect, it } from 'vitest';
import type { DesiredRecord } from '../../../src/policy/index.ts';
import { plainRecords } from '../../../src/policy/index.ts';

const d = (
  setId: string | undefined,
  weight: number | undefined,
  values: string[],
  code = 'config',
  policy: 'weighted' | 'failover' | 'geo' = 'weighted',
): DesiredRecord => ({
  record: {
    name: 'api.example.com.',
    type: 'A',
    ttl: 30,
    values,
    ...(setId ? { setId } : {}),
    ...(weight === undefined ? {} : { weight }),
  },
  reason: { code: code as never },
  explanation: setId ?? 'x',
  source: { name: 'api.example.com', type: 'A', policy },
});
const where = { zone: 'example.com', provider: 'p' };

describe('plainRecords', () => {
  it('returns the sets unchanged for a provider with weights', () => {
    const sets = [d('a', 1, ['192.0.2.1']), d('b', 0, ['192.0.2.2'])];
    expect(plainRecords(sets, { weighted: true, geo: true }, where)).toEqual(sets);
    // rfc2136 keeps the per-region sets itself (weighted false, no plainWeighted)
    expect(plainRecords(sets, { weighted: false, geo: false }, where)).toEqual(sets);
  });

  it('merges the regions with weight > 0 into one set, a health reason first', () => {
    const out = plainRecords(
      [d('a', 70, ['192.0.2.1']), d('b', 0, ['192.0.2.2'], 'region-down'), d('c', 30, ['192.0.2.3'])],
      { weighted: false, geo: false, plainWeighted: true },
      where,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.record).toEqual({
      name: 'api.example.com.',
      type: 'A',
      ttl: 30,
      values: ['192.0.2.1', '192.0.2.3'],
    });
    expect(out[0]!.reason.code).toBe('region-down');
  });

  it('publishes every region when every weight is 0, never an empty set', () => {
    const out = plainRecords(
      [d('a', 0, ['192.0.2.1']), d('b', 0, ['192.0.2.2'])],
      { weighted: false, geo: false, plainWeighted: true },
      where,
    );
    expect(out[0]!.record.values).toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('keeps failover records as they are and refuses geo', () => {
    const f = d(undefined, undefined, ['192.0.2.9'], 'config', 'failover');
    expect(plainRecords([f], { weighted: false, geo: false, plainWeighted: true }, where)).toEqual([f]);
    expect(() =>
      plainRecords(
        [d('eu', undefined, ['192.0.2.1'], 'config', 'geo')],
        { weighted: false, geo: false, plainWeighted: true },
        where,
      ),
    ).toThrow(/provider p cannot publish geo record api\.example\.com A/);
  });

  it('keeps the published plain set for keep-last when every region is down', () => {
    const part = (setId: string, values: string[]) => ({
      ...d(setId, 1, values, 'all-down'),
      source: {
        name: 'api.example.com',
        type: 'A',
        policy: 'weighted' as const,
        whenAllDown: 'keep-last' as const,
      },
    });
    const published = [{ name: 'api.example.com.', type: 'A' as const, ttl: 30, values: ['192.0.2.2'] }];
    const out = plainRecords(
      [part('a', ['192.0.2.1']), part('b', ['192.0.2.2'])],
      { weighted: false, geo: false, plainWeighted: true },
      where,
      published,
    );
    expect(out[0]!.record.values).toEqual(['192.0.2.2']);
    expect(out[0]!.reason.code).toBe('all-down');
    // fail-open (the default) publishes every region
    const open = plainRecords(
      [d('a', 1, ['192.0.2.1'], 'all-down'), d('b', 1, ['192.0.2.2'], 'all-down')],
      { weighted: false, geo: false, plainWeighted: true },
      where,
      published,
    );
    expect(open[0]!.record.values).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});
