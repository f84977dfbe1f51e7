// The safety gate: update/delete fractions over owned records (only from minExisting on), the
// health exemption, empty answers, NS/SOA, and --force (which never overrides ownership).
import { describe, expect, it } from 'vitest';
import type { ChangeReason, RecordSet } from '../../../src/model/index.ts';
import { a, owned, plan, verdict, want } from './helpers.ts';

const names = Array.from({ length: 10 }, (_, i) => `r${i}`);
const current = owned(...names.map((n) => a(n, ['192.0.2.1'])));

/** Desired: the ten records, the first `changed` of them with a new value. */
function desired(changed: number, reason: ChangeReason = { code: 'config' }) {
  return names.map((n, i) => (i < changed ? want(a(n, ['192.0.2.2']), reason) : want(a(n, ['192.0.2.1']))));
}

describe('safety: update fraction', () => {
  it('refuses 4 config updates of 10 owned records (40% > 30%), with scope, counts and remedy', () => {
    const p = plan(current, desired(4));
    const v = verdict(p, 'update-fraction');
    expect(v.ok).toBe(false);
    expect(v.measured).toBeCloseTo(0.4);
    expect(v.threshold).toBe(0.3);
    expect(v.message).toBe(
      'zone example.com. (provider mem): too many updates: 4 of 10 owned records (40.0%) is over maxUpdateFraction 30.0%; re-run with --force after reviewing the plan',
    );
    expect(p.allowed).toBe(false);
    expect(p.existing).toBe(10);
  });

  it('allows exactly the threshold (3 of 10)', () => {
    const p = plan(current, desired(3));
    expect(verdict(p, 'update-fraction').ok).toBe(true);
    expect(p.allowed).toBe(true);
  });

  it('--force passes a refused fraction', () => {
    const p = plan(current, desired(4), { force: true });
    expect(verdict(p, 'update-fraction').ok).toBe(false);
    expect(p.allowed).toBe(true);
    expect(p.forced).toBe(true);
  });

  for (const code of ['region-down', 'region-up', 'region-drained', 'all-down'] as const) {
    it(`does not count ${code} changes (a failover is never blocked)`, () => {
      const p = plan(current, desired(10, { code, region: 'us-east' }));
      const v = verdict(p, 'update-fraction');
      expect(v.ok).toBe(true);
      expect(v.measured).toBe(0);
      expect(v.message).toContain('10 health-driven change(s) not counted');
      expect(p.allowed).toBe(true);
    });
  }

  it('does not check below minExisting', () => {
    const few = owned(...names.slice(0, 9).map((n) => a(n, ['192.0.2.1'])));
    const p = plan(few, desired(9).slice(0, 9));
    expect(verdict(p, 'update-fraction')).toMatchObject({ ok: true });
    expect(verdict(p, 'update-fraction').message).toContain(
      'not checked, only 9 owned record(s) (minExisting 10)',
    );
    // minExisting 0: checked from the first record.
    const strict = plan(few, desired(9).slice(0, 9), {
      safety: { maxUpdateFraction: 0.3, maxDeleteFraction: 0.3, minExisting: 0 },
    });
    expect(verdict(strict, 'update-fraction').ok).toBe(false);
  });

  it('counts neither markers nor creates', () => {
    // 10 owned records unchanged plus 20 new names: 40 creates (records + markers), no refusal.
    const more = Array.from({ length: 20 }, (_, i) => want(a(`new${i}`, ['192.0.2.9'])));
    const p = plan(current, [...desired(0), ...more]);
    expect(p.changes).toHaveLength(40);
    expect(p.allowed).toBe(true);
  });
});

describe('safety: delete fraction', () => {
  it('refuses deleting 4 of 10 owned records; markers of the deleted names do not count', () => {
    const p = plan(current, desired(0).slice(4));
    const v = verdict(p, 'delete-fraction');
    expect(p.changes.filter((c) => c.kind === 'delete')).toHaveLength(8);
    expect(v.ok).toBe(false);
    expect(v.message).toContain(
      'too many deletes: 4 of 10 owned records (40.0%) is over maxDeleteFraction 30.0%',
    );
  });
});

describe('safety: empty answers and NS/SOA', () => {
  it('refuses publishing an empty answer; --force passes it', () => {
    const p = plan([], [want(a('app', []))]);
    const v = verdict(p, 'empty-answer');
    expect(v.ok).toBe(false);
    expect(v.message).toContain('app.example.com. A');
    expect(p.allowed).toBe(false);
    expect(plan([], [want(a('app', []))], { force: true }).allowed).toBe(true);
  });

  it('refuses changing NS or SOA records', () => {
    const ns: RecordSet = { name: 'sub.example.com.', type: 'NS', ttl: 3600, values: ['ns1.example.net.'] };
    const p = plan([], [want(ns)]);
    const v = verdict(p, 'ns-soa');
    expect(v.ok).toBe(false);
    expect(v.message).toContain('sub.example.com. NS');
    expect(p.allowed).toBe(false);
  });
});
