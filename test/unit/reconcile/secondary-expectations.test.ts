// What the controller expects a hidden primary's secondaries to serve must be exactly what the
// transfer gives them (providers/builtin/dns-server/xfr-flatten.ts): checked on examples and on
// generated weighted/geo/plain groups.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenRecords } from '../../../providers/builtin/dns-server/xfr-flatten.ts';
import type { RecordSet } from '../../../src/model/index.ts';
import { secondaryExpectations } from '../../../src/reconcile/verify.ts';

describe('secondaryExpectations', () => {
  it('expects the default rule of a geo name and every live value of a weighted name', () => {
    const e = secondaryExpectations([
      { name: 'w.example.com.', type: 'A', ttl: 30, values: ['192.0.2.1'], setId: 'us', weight: 70 },
      { name: 'w.example.com.', type: 'A', ttl: 30, values: ['192.0.2.2'], setId: 'eu', weight: 0 },
      { name: 'w.example.com.', type: 'A', ttl: 30, values: ['192.0.2.3'], setId: 'ap', weight: 5 },
      {
        name: 'g.example.com.',
        type: 'A',
        ttl: 30,
        values: ['192.0.2.4'],
        setId: 'eu',
        geo: { continent: 'EU' },
      },
      { name: 'g.example.com.', type: 'A', ttl: 30, values: ['192.0.2.5'], setId: 'default', geo: 'default' },
    ]);
    expect(e).toEqual([
      {
        name: 'w.example.com.',
        type: 'A',
        acceptable: [['192.0.2.1', '192.0.2.3']],
        label: 'w.example.com. A (secondary)',
      },
      {
        name: 'g.example.com.',
        type: 'A',
        acceptable: [['192.0.2.5']],
        label: 'g.example.com. A (secondary)',
      },
    ]);
  });

  it('agrees with what a zone transfer carries', () => {
    const ip = fc.integer({ min: 1, max: 30 }).map((i) => `192.0.2.${i}`);
    const member = (kind: 'weighted' | 'geo' | 'plain', type: 'A' | 'CNAME', i: number) =>
      fc
        .record({
          values: fc.uniqueArray(type === 'A' ? ip : fc.constantFrom('a.example.net.', 'b.example.net.'), {
            minLength: 1,
            maxLength: type === 'A' ? 3 : 1,
          }),
          weight: fc.integer({ min: 0, max: 3 }),
        })
        .map(
          (m): RecordSet => ({
            name: `n.example.com.`,
            type,
            ttl: 30,
            values: [...m.values].sort(),
            ...(kind === 'weighted' ? { setId: `s${i}`, weight: m.weight } : {}),
            ...(kind === 'geo' ? { setId: `s${i}`, geo: i === 0 ? 'default' : { country: `C${i}` } } : {}),
          }),
        );
    const group = fc
      .tuple(
        fc.constantFrom('weighted', 'geo', 'plain') as fc.Arbitrary<'weighted' | 'geo' | 'plain'>,
        fc.constantFrom('A', 'CNAME') as fc.Arbitrary<'A' | 'CNAME'>,
        fc.integer({ min: 1, max: 4 }),
      )
      .chain(([kind, type, n]) =>
        fc.tuple(...Array.from({ length: kind === 'plain' ? 1 : n }, (_, i) => member(kind, type, i))),
      );
    fc.assert(
      fc.property(group, (records) => {
        const flat = flattenRecords(records);
        const expected = secondaryExpectations(records);
        expect(expected.map((e) => e.acceptable[0])).toEqual(flat.map((f) => f.values));
      }),
      { numRuns: 300 },
    );
  });
});
