// Ownership in the plan: markers created with the first record and deleted with the last; foreign
// records refused unless adopting; another owner's names refused always; NS/SOA and user TXT untouched.
import { describe, expect, it } from 'vitest';
import { markerRecord, type RecordSet } from '../../../src/model/index.ts';
import { a, OWNER, owned, plan, summary, verdict, want } from './helpers.ts';

describe('plan ownership', () => {
  it('a fresh name gets its records and our marker; nothing counts as existing', () => {
    const p = plan([], [want(a('app', ['192.0.2.10']))]);
    expect(summary(p)).toEqual(['create _geofailover.app.example.com. TXT', 'create app.example.com. A']);
    expect(p.changes[0]!.after).toEqual({
      ...markerRecord('app.example.com', OWNER),
      values: [`owner=${OWNER}`],
    });
    expect(p.changes[0]!.reason.code).toBe('ownership');
    expect(p.existing).toBe(0);
    expect(p.allowed).toBe(true);
  });

  it('refuses a name holding records without a marker, and says how to adopt', () => {
    const current = [a('app', ['192.0.2.99'])];
    const p = plan(current, [want(a('app', ['192.0.2.10']))]);
    const v = verdict(p, 'ownership');
    expect(v.ok).toBe(false);
    expect(v.message).toContain('app.example.com. (A)');
    expect(v.message).toContain('--adopt');
    expect(p.allowed).toBe(false);
    // --force never overrides ownership.
    expect(plan(current, [want(a('app', ['192.0.2.10']))], { force: true }).allowed).toBe(false);
    // The plan still shows what adopting would do.
    expect(summary(p)).toEqual(['update app.example.com. A', 'create _geofailover.app.example.com. TXT']);
  });

  it('adopts foreign records with --adopt: they are replaced and the name gets our marker', () => {
    const current = [a('app', ['192.0.2.99']), a('app', ['192.0.2.98'], { type: 'A', setId: 'old' })];
    const p = plan(current, [want(a('app', ['192.0.2.10']))], { adopt: true });
    expect(verdict(p, 'ownership')).toMatchObject({ ok: true });
    expect(verdict(p, 'ownership').message).toContain('adopting 1 name');
    expect(summary(p)).toEqual([
      'delete app.example.com. A old',
      'update app.example.com. A',
      'create _geofailover.app.example.com. TXT',
    ]);
    expect(p.changes[1]!.before!.values).toEqual(['192.0.2.99']);
    expect(p.allowed).toBe(true);
  });

  it("refuses another owner's name always, even with --adopt and --force", () => {
    const current = [markerRecord('app.example.com', 'other-team'), a('app', ['192.0.2.99'])];
    for (const options of [{}, { adopt: true }, { force: true }, { adopt: true, force: true }]) {
      const p = plan(current, [want(a('app', ['192.0.2.10']))], options);
      const v = verdict(p, 'ownership');
      expect(v.ok).toBe(false);
      expect(v.message).toContain('owner=other-team');
      expect(v.message).toContain('Neither --force nor --adopt');
      expect(p.allowed).toBe(false);
      // We never write a marker over theirs.
      expect(summary(p)).not.toContain('create _geofailover.app.example.com. TXT');
    }
  });

  it("ignores other owners' names that config does not manage", () => {
    const current = [markerRecord('theirs.example.com', 'other-team'), a('theirs', ['192.0.2.99'])];
    const p = plan(current, [want(a('app', ['192.0.2.10']))]);
    expect(summary(p)).toEqual(['create _geofailover.app.example.com. TXT', 'create app.example.com. A']);
    expect(p.allowed).toBe(true);
  });

  it('deletes owned records no longer desired (orphan) and the marker with the last of them', () => {
    const current = owned(a('old', ['192.0.2.1']), a('app', ['192.0.2.10']));
    const p = plan(current, [want(a('app', ['192.0.2.10']))]);
    expect(summary(p)).toEqual(['delete _geofailover.old.example.com. TXT', 'delete old.example.com. A']);
    expect(p.changes.map((c) => c.reason.code)).toEqual(['ownership', 'orphan']);
    expect(p.existing).toBe(2);
  });

  it('removes an orphaned record type but keeps the marker while the name still has desired records', () => {
    const current = owned(a('app', ['192.0.2.10']), {
      name: 'app.example.com.',
      type: 'AAAA',
      ttl: 30,
      values: ['2001:db8::1'],
    });
    const p = plan(current, [want(a('app', ['192.0.2.10']))]);
    expect(summary(p)).toEqual(['delete app.example.com. AAAA']);
  });

  it("never touches a user's TXT at a managed name, nor NS/SOA at the apex", () => {
    const userTxt: RecordSet = { name: 'app.example.com.', type: 'TXT', ttl: 300, values: ['v=spf1 -all'] };
    const ns: RecordSet = { name: 'example.com.', type: 'NS', ttl: 3600, values: ['ns1.example.net.'] };
    const soa: RecordSet = {
      name: 'example.com.',
      type: 'SOA',
      ttl: 3600,
      values: ['ns1.example.net. h. 1 2 3 4 5'],
    };
    // TXT at an unowned desired name is not foreign; NS/SOA at the apex do not block managing the apex.
    const p = plan(
      [userTxt, ns, soa],
      [want(a('app', ['192.0.2.10'])), want(a('example.com.', ['192.0.2.20']))],
    );
    expect(p.allowed).toBe(true);
    expect(summary(p)).toEqual([
      'create _geofailover.app.example.com. TXT',
      'create _geofailover.example.com. TXT',
      'create app.example.com. A',
      'create example.com. A',
    ]);
    // Owned and no longer desired: our A goes, the user's TXT and the NS/SOA stay.
    const q = plan([...owned(a('app', ['192.0.2.10'])), userTxt, ns, soa], []);
    expect(summary(q)).toEqual(['delete _geofailover.app.example.com. TXT', 'delete app.example.com. A']);
    expect(verdict(q, 'ns-soa').ok).toBe(true);
  });
});
