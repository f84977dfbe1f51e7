// The writer's lease without a process or a network: its record (name, value, parse), what a lease read
// means for apply (free, held, late, expired, unreadable) and the refusal's wording, the planner
// ignoring it, the applier's lease path refusing anything else, the keeper taking, renewing, fencing,
// taking over and removing it over the strict memory provider, and the config's checks.
import { describe, expect, it } from 'vitest';
import { adapterCapabilities, capabilitiesOf, type DnsProvider } from '../../../../providers/index.ts';
import { MemoryProvider } from '../../../../providers/memory/index.ts';
import { parseConfig } from '../../../../src/config/index.ts';
import { LeaseKeeper } from '../../../../src/controller/runtime/lease-keeper.ts';
import { keepsLease } from '../../../../src/controller/runtime/lease-wiring.ts';
import { silentLogger } from '../../../../src/log/index.ts';
import {
  type Change,
  findLease,
  InvalidChangeError,
  isLeaseName,
  isMarkerName,
  leaseName,
  leaseRecord,
  leaseValue,
  parseLease,
  type RecordSet,
} from '../../../../src/model/index.ts';
import { applyLeaseChange } from '../../../../src/reconcile/applier.ts';
import { expiredNote, leaseStanding, ZoneHeldError } from '../../../../src/reconcile/lease-standing.ts';
import { a, owned, plan, want } from '../../plan/helpers.ts';

const ZONE = 'example.com.';
const T0 = Date.parse('2026-12-08T10:00:00Z');
const TIMING = { durationMs: 180_000, renewEveryMs: 60_000, clockSkewMs: 30_000 };
const lease = (over: Partial<Parameters<typeof leaseRecord>[1]> = {}) =>
  leaseRecord(ZONE, { owner: 'shop-prod', replica: 'ctl-a-1', since: T0, expires: T0 + 180_000, ...over });

describe('the lease record', () => {
  it('sits at <owner>._geofailover-lease.<zone>: not a marker name, one name per owner', () => {
    expect(leaseName('Example.COM', 'shop-prod')).toBe('shop-prod._geofailover-lease.example.com.');
    expect(isLeaseName(leaseName(ZONE, 'shop-prod'))).toBe(true);
    expect(isMarkerName(leaseName(ZONE, 'shop-prod'))).toBe(false);
    expect(isLeaseName('_geofailover.app.example.com.')).toBe(false);
    expect(leaseName(ZONE, 'other')).not.toBe(leaseName(ZONE, 'shop-prod'));
  });

  it('holds one TXT string of fields that parse back, whatever quoting the provider adds', () => {
    const r = lease();
    expect(r).toMatchObject({ type: 'TXT', ttl: 60 });
    expect(r.values).toEqual([
      'owner=shop-prod replica=ctl-a-1 since=2026-12-08T10:00:00.000Z expires=2026-12-08T10:03:00.000Z',
    ]);
    const parsed = { owner: 'shop-prod', replica: 'ctl-a-1', since: T0, expires: T0 + 180_000 };
    expect(parseLease(r)).toEqual(parsed);
    expect(parseLease({ ...r, values: [`"${r.values[0]}"`] })).toEqual(parsed);
    expect(parseLease({ ...r, values: ['owner=shop-prod replica=x'] })).toBeUndefined();
    expect(parseLease({ ...r, type: 'A' })).toBeUndefined();
  });

  it('keeps a replica id one bounded token, so the value stays one TXT string', () => {
    const v = leaseValue({ owner: 'o', replica: `host "a" b=${'x'.repeat(300)}`, since: T0, expires: T0 });
    expect(v.length).toBeLessThan(255);
    expect(parseLease({ name: 'n.', type: 'TXT', ttl: 60, values: [v] })?.replica).toMatch(/^host__a__b_x+$/);
  });

  it("findLease picks this owner's lease out of a records() answer, by any spelling of its name", () => {
    const mine = { ...lease(), name: 'SHOP-PROD._geofailover-lease.example.com' };
    const theirs = leaseRecord(ZONE, { owner: 'other', replica: 'r', since: T0, expires: T0 });
    expect(findLease([theirs, a('app', ['192.0.2.1']), mine], ZONE, 'shop-prod')).toBe(mine);
    expect(findLease([theirs], ZONE, 'shop-prod')).toBeUndefined();
  });
});

describe('the planner and the lease', () => {
  it('never plans a change for a lease, ours or another owner’s, at any name', () => {
    const current = [
      ...owned(a('app', ['192.0.2.1'])),
      lease(),
      leaseRecord(ZONE, { owner: 'other', replica: 'r', since: T0, expires: T0 }),
    ];
    const p = plan(current, [want(a('app', ['192.0.2.1']))]);
    expect(p.changes).toEqual([]);
    expect(p.allowed).toBe(true);
    expect(p.existing).toBe(1);
  });
});

describe('leaseStanding: what a read lease means for apply', () => {
  const standing = (r: RecordSet | undefined, now: number) => leaseStanding(r, 'shop-prod', now, TIMING);

  it('no lease: free', () => {
    expect(standing(undefined, T0)).toEqual({ kind: 'free' });
  });

  it('held until its expiry plus the clock-skew margin; then expired', () => {
    const r = lease({ expires: T0 + 180_000 });
    expect(standing(r, T0 + 10_000)).toMatchObject({ kind: 'held', heldUntil: T0 + 210_000 });
    expect(standing(r, T0 + 10_000)).not.toHaveProperty('overdueMs');
    // Past the expiry but within the margin: the holder's clock may be behind ours.
    expect(standing(r, T0 + 200_000)).toMatchObject({ kind: 'held' });
    expect(standing(r, T0 + 210_000)).toMatchObject({ kind: 'expired', expiredForMs: 30_000 });
  });

  it('says when the holder is late renewing (it may have stopped)', () => {
    // Renewed at T0 (expires T0 + duration); renewals every 60 s: late after 2 x 60 s + 30 s.
    const r = lease({ expires: T0 + 180_000 });
    expect(standing(r, T0 + 150_000)).not.toHaveProperty('overdueMs');
    expect(standing(r, T0 + 151_000)).toMatchObject({ kind: 'held', overdueMs: 151_000 });
  });

  it('a record at our lease name that is not a lease of ours is unreadable (apply refuses)', () => {
    const garbage = { ...lease(), values: ['hello'] };
    expect(standing(garbage, T0)).toEqual({ kind: 'unreadable', record: garbage });
    const wrongOwner = { ...lease(), values: [lease().values[0]!.replace('owner=shop-prod', 'owner=x')] };
    expect(standing(wrongOwner, T0).kind).toBe('unreadable');
  });
});

describe('ZoneHeldError: the refusal', () => {
  it('names zone, provider, replica, since, until with the margin, and the remedy; exit 3', () => {
    const s = leaseStanding(lease(), 'shop-prod', T0 + 20_000, TIMING);
    if (s.kind !== 'held') throw new Error('expected held');
    const err = new ZoneHeldError(
      [{ zone: ZONE, provider: 'aws', standing: s }],
      'shop-prod',
      T0 + 20_000,
      30_000,
    );
    expect(err.exitCode).toBe(3);
    expect(err.context).toMatchObject({ zone: ZONE, provider: 'aws' });
    expect(err.describe()).toBe(
      [
        'refused: a running controller holds this zone; nothing was applied, and --force does not override this.',
        '  zone example.com. (provider aws) is held by controller replica ctl-a-1 (owner shop-prod) since 2026-12-08T10:00:00.000Z, lease until 2026-12-08T10:03:00.000Z (in 160s; with the 30s clock-skew margin, held until 2026-12-08T10:03:30.000Z)',
        "  A controller writes what its health view decides; this apply plans with every region up unless --assume says otherwise, and would undo the controller's failovers.",
        '  remedy: leave the zone to the controller (a scheduled apply is for configs without a running controller, and steps aside while one holds the zone); to change DNS now, go through the controller (drain, override) or stop it first (a clean stop removes its lease); if the controller is gone (crashed, killed), its lease runs out and apply proceeds after 2026-12-08T10:03:30.000Z',
      ].join('\n'),
    );
  });

  it('says so when the holder is late, and lists every held zone', () => {
    const late = leaseStanding(lease(), 'shop-prod', T0 + 170_000, TIMING);
    const garbage = leaseStanding({ ...lease(), values: ['x'] }, 'shop-prod', T0, TIMING);
    if (late.kind !== 'held' || garbage.kind !== 'unreadable') throw new Error('unexpected standing');
    const text = new ZoneHeldError(
      [
        { zone: ZONE, provider: 'aws', standing: late },
        { zone: 'example.net.', provider: 'cf', standing: garbage },
      ],
      'shop-prod',
      T0 + 170_000,
      30_000,
    ).describe();
    expect(text).toContain('holds 2 zones');
    expect(text).toContain(
      'it has not been renewed for 170s, so that controller may have stopped: if it is gone, apply proceeds after 2026-12-08T10:03:30.000Z',
    );
    expect(text).toContain(
      'zone example.net. (provider cf): the lease record shop-prod._geofailover-lease.example.net. holds "x", which is not a lease of owner shop-prod; it is treated as held',
    );
    expect(text).toContain('delete a lease record that no controller of owner shop-prod wrote');
  });

  it('an expired lease gets a note saying its controller stopped uncleanly', () => {
    const s = leaseStanding(lease(), 'shop-prod', T0 + 300_000, TIMING);
    if (s.kind !== 'expired') throw new Error('expected expired');
    expect(expiredNote(ZONE, 'aws', s)).toBe(
      'note: zone example.com. (provider aws): the lease of controller replica ctl-a-1 ran out at 2026-12-08T10:03:00.000Z (120s ago) without being removed, so that controller stopped uncleanly (crashed, killed) and no longer holds the zone; applying\n',
    );
  });
});

describe('applyLeaseChange', () => {
  it('writes a lease change and refuses any other record, so it cannot bypass the safety gate', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    await applyLeaseChange(mem, ZONE, { kind: 'create', after: lease(), reason: { code: 'lease' } });
    expect(mem.all(ZONE)).toEqual([lease()]);
    const sneaky: Change = { kind: 'create', after: a('app', ['192.0.2.1']), reason: { code: 'lease' } };
    await expect(applyLeaseChange(mem, ZONE, sneaky)).rejects.toThrow(InvalidChangeError);
    const notLease: Change = { kind: 'delete', before: lease(), reason: { code: 'config' } };
    await expect(applyLeaseChange(mem, ZONE, notLease)).rejects.toThrow(/not a writer's lease record/);
    expect(mem.applyCalls).toBe(1);
  });
});

describe('LeaseKeeper', () => {
  function keeper(
    provider: DnsProvider,
    o: { replica?: string; may?: () => boolean; now?: () => number } = {},
  ) {
    const events: { type: string; data: Record<string, unknown> }[] = [];
    const k = new LeaseKeeper({
      provider,
      zone: ZONE,
      owner: 'shop-prod',
      replica: o.replica ?? 'ctl-a-1',
      durationMs: 180_000,
      renewEveryMs: 60_000,
      canWrite: () => (o.may?.() === false ? { ok: false, reason: 'follower' } : { ok: true }),
      events: {
        append: (type, data = {}) => {
          events.push({ type, data });
          return { type, seq: events.length, at: '' };
        },
      },
      logger: silentLogger(),
      ...(o.now ? { now: o.now } : {}),
    });
    return { k, events };
  }
  const settle = () => new Promise((r) => setTimeout(r, 20));
  const stored = (mem: MemoryProvider) => {
    const r = findLease(mem.all(ZONE), ZONE, 'shop-prod');
    return r && parseLease(r);
  };

  it('takes the lease at start, renews it by compare-and-swap, and removes it on stop', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    let now = T0;
    const { k, events } = keeper(mem, { now: () => now });
    k.start();
    await settle();
    expect(stored(mem)).toEqual({ owner: 'shop-prod', replica: 'ctl-a-1', since: T0, expires: T0 + 180_000 });
    expect(events.map((e) => e.type)).toEqual(['lease-acquired']);
    expect(k.view()).toMatchObject({
      expires: '2026-12-08T10:03:00.000Z',
      since: '2026-12-08T10:00:00.000Z',
    });
    const reads = mem.readCalls;
    // A renewal is one write on what it wrote last, no read; `since` stays.
    now = T0 + 60_000;
    (k as unknown as { tick(): void }).tick();
    await settle();
    expect(stored(mem)).toEqual({ owner: 'shop-prod', replica: 'ctl-a-1', since: T0, expires: T0 + 240_000 });
    expect(mem.readCalls).toBe(reads);
    expect(events.map((e) => e.type)).toEqual(['lease-acquired']);
    await k.stop(1000);
    expect(stored(mem)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['lease-acquired', 'lease-released']);
    expect(mem.all(ZONE)).toEqual([]);
  });

  it('one renewal at a time: leadership gained during the first one runs another after it, not beside it', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    // A provider slow to read: the first renewal is still reading when start() and nudge() come.
    let reads = 0;
    const slow = Object.create(mem) as MemoryProvider;
    slow.records = async (...args: Parameters<MemoryProvider['records']>) => {
      reads++;
      await new Promise((r) => setTimeout(r, 30));
      return mem.records(...args);
    };
    const { k, events } = keeper(slow);
    k.nudge(); // leader elected while coordination starts
    await new Promise((r) => setTimeout(r, 5));
    k.start(); // then start-up starts the keepers
    k.nudge();
    await new Promise((r) => setTimeout(r, 150));
    expect(events.map((e) => e.type)).toEqual(['lease-acquired']);
    expect(events.some((e) => e.type === 'lease-failed')).toBe(false);
    expect(reads).toBe(1);
    expect(stored(mem)?.replica).toBe('ctl-a-1');
    await k.stop(1000);
  });

  it('writes nothing while it may not write (a follower), and takes over a live lease when it may', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    await applyLeaseChange(mem, ZONE, {
      kind: 'create',
      after: leaseRecord(ZONE, {
        owner: 'shop-prod',
        replica: 'old-leader',
        since: T0,
        expires: T0 + 180_000,
      }),
      reason: { code: 'lease' },
    });
    let leader = false;
    const { k, events } = keeper(mem, { may: () => leader, now: () => T0 + 5000 });
    k.start();
    await settle();
    expect(stored(mem)?.replica).toBe('old-leader');
    expect(mem.applyCalls).toBe(1);
    leader = true;
    k.nudge();
    await settle();
    expect(stored(mem)).toMatchObject({ replica: 'ctl-a-1', since: T0 + 5000, expires: T0 + 185_000 });
    expect(events).toEqual([
      {
        type: 'lease-acquired',
        data: expect.objectContaining({
          tookOverFrom: { replica: 'old-leader', expires: '2026-12-08T10:03:00.000Z' },
        }),
      },
    ]);
    // Lost leadership before stopping: it must not write, so the lease stays for the new leader.
    leader = false;
    await k.stop(1000);
    expect(stored(mem)?.replica).toBe('ctl-a-1');
  });

  it('a failed renewal is one event per failure streak; the next renewal reads again and recovers', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    const { k, events } = keeper(mem, { now: () => T0 });
    k.start();
    await settle();
    mem.failNextApply(new Error('provider down (test)'), new Error('still down (test)'));
    const tick = () => (k as unknown as { tick(): void }).tick();
    tick();
    await settle();
    tick();
    await settle();
    expect(events.map((e) => e.type)).toEqual(['lease-acquired', 'lease-failed']);
    expect(events[1]!.data.message).toContain('provider down (test)');
    expect(k.view().error).toContain('still down (test)');
    const reads = mem.readCalls;
    tick();
    await settle();
    expect(mem.readCalls).toBe(reads + 1);
    expect(events.map((e) => e.type)).toEqual(['lease-acquired', 'lease-failed', 'lease-recovered']);
    expect(k.view().error).toBeUndefined();
    await k.stop(1000);
  });

  it('stop does not remove a lease another replica has taken over', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    const { k } = keeper(mem, { now: () => T0 });
    k.start();
    await settle();
    const mine = findLease(mem.all(ZONE), ZONE, 'shop-prod')!;
    const theirs = leaseRecord(ZONE, { owner: 'shop-prod', replica: 'ctl-b-2', since: T0, expires: T0 + 1 });
    await applyLeaseChange(mem, ZONE, {
      kind: 'update',
      before: mine,
      after: theirs,
      reason: { code: 'lease' },
    });
    await k.stop(1000);
    expect(stored(mem)?.replica).toBe('ctl-b-2');
  });

  it('a stop never waits longer than its bound on a provider that hangs', async () => {
    const mem = new MemoryProvider('mem', 'shop-prod');
    let hang = false;
    const stuck: DnsProvider = {
      id: 'mem',
      kind: 'route53',
      capabilities: mem.capabilities,
      records: (z, q, s) => (hang ? new Promise(() => undefined) : mem.records(z, q, s)),
      apply: (z, c, s) => (hang ? new Promise(() => undefined) : mem.apply(z, c, s)),
    };
    const { k } = keeper(stuck, { now: () => T0 });
    k.start();
    await settle();
    hang = true;
    (k as unknown as { tick(): void }).tick();
    const t0 = Date.now();
    await k.stop(300);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('which units keep a lease, and the config', () => {
  const cfg = (controller: string) =>
    parseConfig(`
owner: shop
regions: [{ id: r, endpoints: [{ id: e, address: 192.0.2.1, check: { kind: tcp, port: 80 } }] }]
providers: { p: { kind: memory } }
zones: [{ name: example.com, provider: p, records: [] }]
controller: ${controller}
`);

  it('every writing provider but the in-process memory one; none in dry-run', () => {
    const apply = cfg('{ mode: apply }');
    const of = (kind: string) => ({ capabilities: adapterCapabilities(capabilitiesOf({ kind })) });
    expect(keepsLease(apply, of('builtin'))).toBe(true);
    expect(keepsLease(apply, of('route53'))).toBe(true);
    expect(keepsLease(apply, of('memory'))).toBe(false);
    expect(keepsLease(cfg('{ mode: dry-run }'), of('builtin'))).toBe(false);
  });

  it('defaults to 3m, renewed every 1m, with a 30s clock-skew margin', () => {
    expect(cfg('{}').controller.lease).toEqual({ duration: 180_000, renewEvery: 60_000, clockSkew: 30_000 });
  });

  it('refuses a renewal interval above half the duration, or under a second', () => {
    expect(() => cfg('{ lease: { duration: 60s, renewEvery: 45s } }')).toThrow(/at most half of duration/);
    expect(() => cfg('{ lease: { duration: 10s, renewEvery: 500ms } }')).toThrow(/at least 1s/);
  });
});
