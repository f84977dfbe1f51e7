// The plan checksum covers the changes only: not their order, key order, value order, reason text
// or timestamps; any change to what would be written changes it.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/index.ts';
import { assemblePlan, planChecksum } from '../../../src/plan/index.ts';
import { a, owned, plan, want } from './helpers.ts';

const changes: Change[] = [
  { kind: 'delete', before: a('old', ['192.0.2.1']), reason: { code: 'orphan' } },
  {
    kind: 'update',
    before: a('app', ['192.0.2.10', '192.0.2.11']),
    after: a('app', ['198.51.100.10']),
    reason: { code: 'region-down', region: 'us-east', detail: 'us-east is DOWN' },
  },
  {
    kind: 'create',
    after: a('api', ['192.0.2.20'], { setId: 'us-east', weight: 50 }),
    reason: { code: 'config' },
  },
];

describe('planChecksum', () => {
  const base = planChecksum(changes);

  it('is sha256 hex', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores change order, key order, value order, name spelling and reasons', () => {
    const shuffled: Change[] = [changes[2]!, changes[0]!, changes[1]!];
    expect(planChecksum(shuffled)).toBe(base);
    const respelled: Change[] = [
      {
        reason: { code: 'drift', detail: 'other words' },
        before: { values: ['192.0.2.1'], ttl: 30, type: 'A', name: 'OLD.example.com' },
        kind: 'delete',
      },
      { ...changes[1]!, before: a('app', ['192.0.2.11', '192.0.2.10']), reason: { code: 'config' } },
      { ...changes[2]!, reason: { code: 'config', detail: 'x' } },
    ];
    expect(planChecksum(respelled)).toBe(base);
  });

  it('changes when anything written changes', () => {
    const variants: Change[][] = [
      changes.slice(1),
      [changes[0]!, { ...changes[1]!, after: a('app', ['198.51.100.11']) }, changes[2]!],
      [
        changes[0]!,
        changes[1]!,
        { ...changes[2]!, after: a('api', ['192.0.2.20'], { setId: 'us-east', weight: 51 }) },
      ],
      [
        changes[0]!,
        changes[1]!,
        { ...changes[2]!, after: a('api', ['192.0.2.20'], { setId: 'us-east', weight: 50, ttl: 31 }) },
      ],
      [
        { ...changes[0]!, kind: 'create', after: changes[0]!.before, before: undefined },
        changes[1]!,
        changes[2]!,
      ],
    ];
    for (const v of variants) expect(planChecksum(v)).not.toBe(base);
  });
});

describe('assemblePlan', () => {
  it('has one checksum over every zone, independent of timestamps and zone order', () => {
    const z1 = plan([], [want(a('app', ['192.0.2.10']))]);
    const z2 = { ...plan(owned(a('x', ['192.0.2.1'])), []), zone: 'example.org.' };
    const p1 = assemblePlan('shop-prod', [z1, z2], new Date(0));
    const p2 = assemblePlan('shop-prod', [z2, z1], new Date());
    expect(p1.checksum).toBe(p2.checksum);
    expect(p1.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(p1.version).toBe(1);
    expect(assemblePlan('shop-prod', [z1]).checksum).not.toBe(p1.checksum);
  });

  it('a plan without changes has the same checksum whatever its zones', () => {
    const none = plan(owned(a('app', ['192.0.2.10'])), [want(a('app', ['192.0.2.10']))]);
    expect(none.changes).toHaveLength(0);
    expect(assemblePlan('o', [none]).checksum).toBe(assemblePlan('o', []).checksum);
  });
});
