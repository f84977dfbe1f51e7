// What a writer's lease read from a provider means for `geofailover apply` (pure): free, held by a
// running controller (apply must not write), expired (a controller that stopped without removing it),
// or unreadable; and the refusal that names every held zone.
import { GeofailoverError, type Lease, leaseName, parseLease, type RecordSet } from '../model/index.ts';

export type LeaseStanding =
  | { kind: 'free' }
  | {
      kind: 'held';
      lease: Lease;
      /** The expiry plus the clock-skew margin: apply writes again only after this. */
      heldUntil: number;
      /** Set when the holder is late renewing it (it may have stopped): how long since its last renewal. */
      overdueMs?: number;
    }
  | { kind: 'expired'; lease: Lease; expiredForMs: number }
  | { kind: 'unreadable'; record: RecordSet };

export interface LeaseTiming {
  durationMs: number;
  renewEveryMs: number;
  clockSkewMs: number;
}

/**
 * The standing of `owner`'s lease record (undefined: none). A lease is held until its expiry plus the
 * clock-skew margin: the holder wrote the expiry by its own clock, which may run behind ours. A lease
 * naming another owner is not ours to obey (other owners' controllers never write our names).
 */
export function leaseStanding(
  record: RecordSet | undefined,
  owner: string,
  now: number,
  timing: LeaseTiming,
): LeaseStanding {
  if (!record) return { kind: 'free' };
  const lease = parseLease(record);
  if (!lease || lease.owner !== owner) return { kind: 'unreadable', record };
  const heldUntil = lease.expires + timing.clockSkewMs;
  if (now >= heldUntil) return { kind: 'expired', lease, expiredForMs: now - lease.expires };
  // The holder writes expires = renewal time + duration, and renews every renewEvery.
  const sinceRenewal = now - (lease.expires - timing.durationMs);
  const late = sinceRenewal > 2 * timing.renewEveryMs + timing.clockSkewMs;
  return { kind: 'held', lease, heldUntil, ...(late ? { overdueMs: sinceRenewal } : {}) };
}

const iso = (t: number) => new Date(t).toISOString();
const secs = (ms: number) => `${Math.max(0, Math.round(ms / 1000))}s`;

/** One zone (on one provider) that apply may not write now. */
export interface BlockedZone {
  zone: string;
  provider: string;
  standing: Extract<LeaseStanding, { kind: 'held' } | { kind: 'unreadable' }>;
}

function blockedLine(b: BlockedZone, owner: string, now: number, skewMs: number): string {
  const where = `zone ${b.zone} (provider ${b.provider})`;
  if (b.standing.kind === 'unreadable') {
    return `${where}: the lease record ${leaseName(b.zone, owner)} holds "${b.standing.record.values.join(' ')}", which is not a lease of owner ${owner}; it is treated as held`;
  }
  const { lease, heldUntil, overdueMs } = b.standing;
  const base = `${where} is held by controller replica ${lease.replica} (owner ${owner}) since ${iso(lease.since)}, lease until ${iso(lease.expires)} (in ${secs(lease.expires - now)}; with the ${secs(skewMs)} clock-skew margin, held until ${iso(heldUntil)})`;
  return overdueMs === undefined
    ? base
    : `${base}; it has not been renewed for ${secs(overdueMs)}, so that controller may have stopped: if it is gone, apply proceeds after ${iso(heldUntil)}`;
}

/**
 * `apply` met zones a running controller holds: nothing is written (exit 3), and --force does not
 * change that. The scheduled apply plans with every region up unless told otherwise, so writing now
 * would undo the controller's failovers; the two must never take turns on one zone.
 */
export class ZoneHeldError extends GeofailoverError {
  override readonly exitCode = 3;
  readonly blocked: readonly BlockedZone[];

  constructor(blocked: readonly BlockedZone[], owner: string, now: number, skewMs: number) {
    const first = blocked[0]!;
    const lines = blocked.map((b) => `  ${blockedLine(b, owner, now, skewMs)}`);
    const unreadable = blocked.some((b) => b.standing.kind === 'unreadable');
    const until = blocked.flatMap((b) => (b.standing.kind === 'held' ? [b.standing.heldUntil] : []));
    super(
      `refused: a running controller holds ${blocked.length === 1 ? 'this zone' : `${blocked.length} zones`}; nothing was applied, and --force does not override this.\n` +
        `${lines.join('\n')}\n` +
        '  A controller writes what its health view decides; this apply plans with every region up unless ' +
        "--assume says otherwise, and would undo the controller's failovers.",
      {
        zone: first.zone,
        provider: first.provider,
        value: first.standing.kind === 'held' ? first.standing.lease : first.standing.record.values,
        remedy:
          'leave the zone to the controller (a scheduled apply is for configs without a running controller, and steps aside while one holds the zone); ' +
          'to change DNS now, go through the controller (drain, override) or stop it first (a clean stop removes its lease)' +
          (until.length === 0
            ? ''
            : `; if the controller is gone (crashed, killed), its lease runs out and apply proceeds after ${iso(Math.max(...until))}`) +
          (unreadable ? `; delete a lease record that no controller of owner ${owner} wrote` : ''),
      },
    );
    this.blocked = blocked;
  }
}

/** A line for stderr when apply writes over a lease that ran out (its controller did not remove it). */
export function expiredNote(
  zone: string,
  provider: string,
  s: Extract<LeaseStanding, { kind: 'expired' }>,
): string {
  return `note: zone ${zone} (provider ${provider}): the lease of controller replica ${s.lease.replica} ran out at ${iso(s.lease.expires)} (${secs(s.expiredForMs)} ago) without being removed, so that controller stopped uncleanly (crashed, killed) and no longer holds the zone; applying\n`;
}
