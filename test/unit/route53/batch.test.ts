// Batching: updates as DELETE(before)+CREATE(after), a name and its marker together, limits respected.
import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../providers/route53/index.ts';
import { type Change, InvalidChangeError, markerRecord, type RecordSet } from '../../../src/model/index.ts';

const a = (name: string, v: string, ttl = 30): RecordSet => ({ name, type: 'A', ttl, values: [v] });

describe('route53 batches', () => {
  it('sends an update as DELETE of the exact before, then CREATE of the after', () => {
    const [b] = planBatches([
      {
        kind: 'update',
        before: a('x.example.com.', '192.0.2.1'),
        after: a('x.example.com.', '192.0.2.2', 60),
        reason: { code: 'region-down' },
      },
    ]);
    expect(b!.changes.map((c) => c.Action)).toEqual(['DELETE', 'CREATE']);
    expect(b!.changes[0]!.ResourceRecordSet).toMatchObject({
      TTL: 30,
      ResourceRecords: [{ Value: '192.0.2.1' }],
    });
    expect(b!.changes[1]!.ResourceRecordSet).toMatchObject({
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.2' }],
    });
    expect(b!.records).toBe(2);
    expect(b!.count).toBe(1);
  });

  it('fits 2,000 single-value updates into 4 requests of 1,000 records', () => {
    const changes: Change[] = Array.from({ length: 2000 }, (_, i) => ({
      kind: 'update',
      before: a(`h${i}.example.com.`, '192.0.2.1'),
      after: a(`h${i}.example.com.`, '198.51.100.1'),
      reason: { code: 'region-down' },
    }));
    const batches = planBatches(changes);
    expect(batches).toHaveLength(4);
    for (const b of batches) {
      expect(b.records).toBeLessThanOrEqual(1000);
      expect(b.chars).toBeLessThanOrEqual(32_000);
    }
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(2000);
  });

  it('keeps a name and its ownership marker in the same batch', () => {
    const changes: Change[] = [];
    for (let i = 0; i < 10; i++) {
      const n = `n${i}.example.com.`;
      changes.push({ kind: 'create', after: a(n, '192.0.2.1'), reason: { code: 'config' } });
      changes.push({ kind: 'create', after: markerRecord(n, 'shop'), reason: { code: 'ownership' } });
    }
    // Interleave badly: markers last.
    changes.sort((x, y) => Number(x.after!.type === 'TXT') - Number(y.after!.type === 'TXT'));
    const batches = planBatches(changes, { maxRecords: 5, maxChars: 32_000 });
    for (const b of batches) {
      const names = b.changes.map((c) => c.ResourceRecordSet!.Name!.replace('_geofailover.', ''));
      for (const n of names) expect(names.filter((m) => m === n)).toHaveLength(2);
    }
    expect(batches.reduce((n, b) => n + b.records, 0)).toBe(20);
  });

  it('splits on characters as well as records', () => {
    const txt = (i: number): Change => ({
      kind: 'create',
      after: { name: `t${i}.example.com.`, type: 'TXT', ttl: 60, values: ['x'.repeat(250)] },
      reason: { code: 'config' },
    });
    const batches = planBatches(Array.from({ length: 300 }, (_, i) => txt(i)));
    expect(batches.length).toBe(3);
    for (const b of batches) expect(b.chars).toBeLessThanOrEqual(32_000);
  });

  it('refuses a single name that can never fit one request', () => {
    const big: RecordSet = {
      name: 'big.example.com.',
      type: 'A',
      ttl: 30,
      values: Array.from({ length: 6 }, (_, i) => `192.0.2.${i}`),
    };
    expect(() =>
      planBatches([{ kind: 'create', after: big, reason: { code: 'config' } }], {
        maxRecords: 5,
        maxChars: 1000,
      }),
    ).toThrow(InvalidChangeError);
  });
});
