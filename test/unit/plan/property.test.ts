// Property tests (fast-check): for random owned, foreign and desired record sets, applying the plan to
// the strict memory provider yields exactly the desired set (+ markers, + what is not ours), and
// planning again yields nothing; the checksum ignores change/key/value order and timestamps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import {
  type Change,
  keyId,
  markerRecord,
  normaliseRecord,
  type RecordSet,
  sortRecords,
} from '../../../src/model/index.ts';
import { makeNormaliser } from '../../../src/plan/fast.ts';
import { assemblePlan, planChecksum, planZone } from '../../../src/plan/index.ts';
import { OWNER, owned, SAFETY, want, ZONE } from './helpers.ts';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `${n}.example.com`);
const VALUES = {
  A: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.7'],
  AAAA: ['2001:db8::1', '2001:DB8::2', '2001:db8:0:0::3'],
  CNAME: ['x.example.net', 'Y.example.net.', 'z.example.org'],
} as const;

const record: fc.Arbitrary<RecordSet> = fc
  .record({
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom('A' as const, 'AAAA' as const, 'CNAME' as const),
    set: fc.constantFrom(undefined, 'us-east', 'eu-west', 'default'),
    ttl: fc.constantFrom(30, 60, 300),
    picks: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
    weight: fc.integer({ min: 0, max: 255 }),
    geo: fc.boolean(),
  })
  .map(({ name, type, set, ttl, picks, weight, geo }) => {
    const pool = VALUES[type];
    const values =
      type === 'CNAME' ? [pool[picks[0]! % pool.length]!] : picks.map((i) => pool[i % pool.length]!);
    const r: RecordSet = { name, type, ttl, values };
    if (set !== undefined) {
      r.setId = set;
      if (geo) r.geo = set === 'default' ? 'default' : { continent: set === 'us-east' ? 'NA' : 'EU' };
      else r.weight = weight;
    }
    return r;
  });

const records = fc.uniqueArray(record, { selector: (r) => keyId(r), maxLength: 14 });

describe('plan + memory provider (property)', () => {
  it('applying the plan yields exactly the desired records, and planning again yields no change', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        records,
        records,
        fc.boolean(),
        async (ours, foreignRaw, desiredRaw, userTxt) => {
          const ownedNames = new Set(ours.map((r) => normaliseRecord(r).name));
          // Foreign records live at names we do not own; those at desired names get adopted.
          const foreign = foreignRaw.filter((r) => !ownedNames.has(normaliseRecord(r).name));
          const untouchable: RecordSet[] = [
            { name: 'z.example.com', type: 'A', ttl: 60, values: ['203.0.113.1'] },
            markerRecord('y.example.com', 'other-team'),
            { name: 'y.example.com', type: 'A', ttl: 60, values: ['203.0.113.2'] },
          ];
          if (userTxt) untouchable.push({ name: 'a.example.com', type: 'TXT', ttl: 60, values: ['v=user'] });
          const provider = new MemoryProvider('mem', OWNER, [...owned(...ours), ...foreign, ...untouchable]);
          const desired = desiredRaw.map((r) => want(r));
          const names = desiredRaw.map((r) => r.name);
          const options = { owner: OWNER, safety: SAFETY, force: true, adopt: true };

          const current = await provider.records(ZONE.name, { names });
          const first = planZone({
            zone: ZONE,
            providerId: 'mem',
            providerKind: 'memory',
            current,
            desired,
            options,
          });
          expect(first.allowed).toBe(true);
          await provider.apply(ZONE.name, first.changes);

          const desiredNames = new Set(desiredRaw.map((r) => normaliseRecord(r).name));
          const leftForeign = foreign.filter((r) => !desiredNames.has(normaliseRecord(r).name));
          const expected = sortRecords(
            [
              ...desiredRaw,
              ...[...desiredNames].map((n) => markerRecord(n, OWNER)),
              ...leftForeign,
              ...untouchable,
            ].map(normaliseRecord),
          );
          expect(provider.all(ZONE.name)).toEqual(expected);

          const again = planZone({
            zone: ZONE,
            providerId: 'mem',
            providerKind: 'memory',
            current: await provider.records(ZONE.name, { names }),
            desired,
            options: { owner: OWNER, safety: SAFETY },
          });
          expect(again.changes).toEqual([]);
          expect(again.allowed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('without --adopt, a plan touching foreign names is refused, and with no foreign names it needs no adopt', async () => {
    await fc.assert(
      fc.asyncProperty(records, records, async (foreign, desiredRaw) => {
        const provider = new MemoryProvider('mem', OWNER, foreign);
        const names = desiredRaw.map((r) => r.name);
        const p = planZone({
          zone: ZONE,
          providerId: 'mem',
          providerKind: 'memory',
          current: await provider.records(ZONE.name, { names }),
          desired: desiredRaw.map((r) => want(r)),
          options: { owner: OWNER, safety: SAFETY, force: true },
        });
        const foreignNames = new Set(foreign.map((r) => normaliseRecord(r).name));
        const clash = desiredRaw.some((r) => foreignNames.has(normaliseRecord(r).name));
        expect(p.allowed).toBe(!clash);
      }),
      { numRuns: 200 },
    );
  });
});

/** The same change with its object keys in reverse order and its values reversed. */
function respell(c: Change): Change {
  const rec = (r: RecordSet | undefined) =>
    r === undefined
      ? undefined
      : (Object.fromEntries(
          Object.entries({ ...r, values: [...r.values].reverse(), name: r.name.toUpperCase() }).reverse(),
        ) as unknown as RecordSet);
  const out: Record<string, unknown> = { reason: { code: 'drift', detail: 'reworded' } };
  if (c.after) out.after = rec(c.after);
  if (c.before) out.before = rec(c.before);
  out.kind = c.kind;
  return out as unknown as Change;
}

const change: fc.Arbitrary<Change> = fc
  .tuple(fc.constantFrom('create' as const, 'update' as const, 'delete' as const), record, record)
  .map(([kind, x, y]) => {
    if (kind === 'create') return { kind, after: x, reason: { code: 'config' } };
    if (kind === 'delete') return { kind, before: x, reason: { code: 'orphan' } };
    return { kind, before: x, after: { ...y, name: x.name, type: x.type }, reason: { code: 'region-down' } };
  });

describe('checksum (property)', () => {
  it('is independent of change order, key order, value order, reasons and timestamps', () => {
    fc.assert(
      fc.property(
        fc
          .array(change, { maxLength: 12 })
          .chain((cs) =>
            fc.tuple(
              fc.constant(cs),
              fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }),
            ),
          ),
        fc.date({ noInvalidDate: true }),
        fc.date({ noInvalidDate: true }),
        ([cs, shuffled], t1, t2) => {
          const sum = planChecksum(cs);
          expect(planChecksum(shuffled.map(respell))).toBe(sum);
          const zone = (changes: Change[]) => ({
            zone: 'example.com.',
            provider: 'mem',
            providerKind: 'memory',
            changes,
            existing: 0,
            safety: [],
            allowed: true,
            forced: false,
            checksum: planChecksum(changes),
          });
          expect(assemblePlan(OWNER, [zone(cs)], t1).checksum).toBe(
            assemblePlan(OWNER, [zone(shuffled)], t2).checksum,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('differs when one written value differs', () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 8 }), (cs) => {
        const last = cs[cs.length - 1]!;
        const target = (last.after ?? last.before)!;
        const bumped = { ...target, ttl: target.ttl + 1 };
        const changed: Change = last.after ? { ...last, after: bumped } : { ...last, before: bumped };
        expect(planChecksum([...cs.slice(0, -1), changed])).not.toBe(planChecksum(cs));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the planner’s normalisation fast path (property)', () => {
  it('gives what the model’s normaliseRecord gives, for normal and odd spellings alike', () => {
    const odd = fc.tuple(record, fc.boolean(), fc.boolean()).map(([r, upper, reverse]) => {
      const x: RecordSet = { ...r, values: reverse ? [...r.values].reverse() : r.values };
      if (upper) x.name = x.name.toUpperCase();
      return x;
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(odd, odd.map(normaliseRecord)), { maxLength: 20 }), (rs) => {
        const fast = makeNormaliser();
        for (const r of rs) expect(fast(r)).toEqual(normaliseRecord(r));
      }),
      { numRuns: 300 },
    );
  });
});
