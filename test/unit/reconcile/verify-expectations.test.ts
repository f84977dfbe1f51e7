// What propagation checks accept for weighted records: one live set per answer (Route 53, the builtin
// server) or the union of the live sets in one RRset (RFC 2136 servers, which have no weights).
import { describe, expect, it } from 'vitest';
import { expectationsFor } from '../../../src/reconcile/verify.ts';

describe('propagation expectations', () => {
  it('a weighted group accepts each live set or their union, never a drained set', () => {
    const { expectations } = expectationsFor(
      [
        { name: 'api.example.com.', type: 'A', setId: 'a', weight: 70, ttl: 30, values: ['192.0.2.10'] },
        { name: 'api.example.com.', type: 'A', setId: 'b', weight: 30, ttl: 30, values: ['198.51.100.10'] },
        { name: 'api.example.com.', type: 'A', setId: 'c', weight: 0, ttl: 30, values: ['203.0.113.10'] },
      ],
      [],
    );
    expect(expectations).toHaveLength(1);
    expect(expectations[0]!.acceptable).toEqual([
      ['192.0.2.10'],
      ['198.51.100.10'],
      ['192.0.2.10', '198.51.100.10'],
    ]);
  });

  it('one live set is accepted alone', () => {
    const { expectations } = expectationsFor(
      [
        { name: 'api.example.com.', type: 'A', setId: 'a', weight: 70, ttl: 30, values: ['192.0.2.10'] },
        { name: 'api.example.com.', type: 'A', setId: 'c', weight: 0, ttl: 30, values: ['203.0.113.10'] },
      ],
      [],
    );
    expect(expectations[0]!.acceptable).toEqual([['192.0.2.10']]);
  });
});
