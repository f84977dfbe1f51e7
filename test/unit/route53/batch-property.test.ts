// Property: for any change set, batches respect the request limits, keep every name (and its marker)
// in one batch, put each name's DELETEs before its CREATEs, and carry every change exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../providers/route53/index.ts';
import { type Change, markerRecord, type RecordSet } from '../../../src/model/index.ts';

const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.0.${a}.${b}`);
const rec = (name: string, values: string[], setId?: string): RecordSet => ({
  name,
  type: 'A',
  ttl: 30,
  values,
  ...(setId ? { setId, weight: 1 } : {}),
});

const changeFor = (i: number) =>
  fc.oneof(
    fc.uniqueArray(ip, { minLength: 1, maxLength: 30 }).map((v): Change[] => [
      { kind: 'create', after: rec(`n${i}.example.com.`, v.sort()), reason: { code: 'config' } },
      { kind: 'create', after: markerRecord(`n${i}.example.com.`, 'o'), reason: { code: 'ownership' } },
    ]),
    fc
      .tuple(
        fc.uniqueArray(ip, { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(ip, { minLength: 1, maxLength: 30 }),
      )
      .map(([b, a]): Change[] => [
        {
          kind: 'update',
          before: rec(`n${i}.example.com.`, b.sort(), 'x'),
          after: rec(`n${i}.example.com.`, a.sort(), 'x'),
          reason: { code: 'region-down' },
        },
      ]),
    fc.uniqueArray(ip, { minLength: 1, maxLength: 30 }).map((v): Change[] => [
      { kind: 'delete', before: markerRecord(`n${i}.example.com.`, 'o'), reason: { code: 'ownership' } },
      { kind: 'delete', before: rec(`n${i}.example.com.`, v.sort()), reason: { code: 'orphan' } },
    ]),
  );

const changeSets = fc
  .integer({ min: 1, max: 60 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => changeFor(i))))
  .map((groups) => groups.flat());

describe('route53 batch packing (property)', () => {
  it('respects limits, keeps names whole, deletes first, loses nothing', () => {
    fc.assert(
      fc.property(changeSets, fc.integer({ min: 60, max: 400 }), (changes, maxRecords) => {
        const limits = { maxRecords, maxChars: maxRecords * 12 };
        const batches = planBatches(changes, limits);
        const seenIn = new Map<string, number>();
        let wire = 0;
        batches.forEach((b, i) => {
          expect(b.records).toBeLessThanOrEqual(limits.maxRecords);
          expect(b.chars).toBeLessThanOrEqual(limits.maxChars);
          const count = b.changes.reduce(
            (n, c) => n + (c.ResourceRecordSet?.ResourceRecords?.length ?? 0),
            0,
          );
          expect(count).toBe(b.records);
          const lastDelete = new Map<string, number>();
          const firstCreate = new Map<string, number>();
          b.changes.forEach((c, j) => {
            const name = c.ResourceRecordSet!.Name!.replace(/^_geofailover\./, '');
            expect(seenIn.get(name) ?? i).toBe(i);
            seenIn.set(name, i);
            if (c.Action === 'DELETE') lastDelete.set(name, j);
            else if (!firstCreate.has(name)) firstCreate.set(name, j);
          });
          for (const [name, d] of lastDelete)
            expect(d).toBeLessThan(firstCreate.get(name) ?? Number.POSITIVE_INFINITY);
          wire += b.changes.length;
        });
        const expected = changes.reduce((n, c) => n + (c.kind === 'update' ? 2 : 1), 0);
        expect(wire).toBe(expected);
        expect(batches.reduce((n, b) => n + b.count, 0)).toBe(changes.length);
      }),
      { numRuns: 200 },
    );
  });
});
