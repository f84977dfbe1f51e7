// Before `apply` writes: read the writer's lease of every zone it would change, through that zone's
// provider, and say which zones a running controller holds (apply then writes nothing) and which
// leases ran out (a controller that stopped uncleanly; apply goes on, with a note).
import type { DnsProvider } from '../../providers/index.ts';
import type { Config } from '../config/index.ts';
import { findLease, leaseName } from '../model/index.ts';
import type { Plan } from '../plan/index.ts';
import { type BlockedZone, expiredNote, leaseStanding, ZoneHeldError } from '../reconcile/lease-standing.ts';

export interface LeaseCheck {
  /** Set when a controller holds a zone the plan would write: nothing may be written. */
  refusal?: ZoneHeldError;
  /** Lines for stderr (leases that ran out). */
  notes: string[];
}

/** Zones without changes are not read: apply does not write them, so it cannot fight over them. */
export async function checkLeases(
  config: Config,
  plan: Plan,
  providers: ReadonlyMap<string, DnsProvider>,
  now: () => number = Date.now,
): Promise<LeaseCheck> {
  const { lease } = config.controller;
  const timing = { durationMs: lease.duration, renewEveryMs: lease.renewEvery, clockSkewMs: lease.clockSkew };
  const blocked: BlockedZone[] = [];
  const notes: string[] = [];
  for (const z of plan.zones) {
    if (z.changes.length === 0 || !z.allowed) continue;
    const provider = providers.get(z.provider);
    if (!provider) continue;
    const read = await provider.records(z.zone, { names: [leaseName(z.zone, config.owner)] });
    const standing = leaseStanding(findLease(read, z.zone, config.owner), config.owner, now(), timing);
    if (standing.kind === 'held' || standing.kind === 'unreadable')
      blocked.push({ zone: z.zone, provider: z.provider, standing });
    else if (standing.kind === 'expired') notes.push(expiredNote(z.zone, z.provider, standing));
  }
  return {
    notes,
    ...(blocked.length > 0
      ? { refusal: new ZoneHeldError(blocked, config.owner, now(), lease.clockSkew) }
      : {}),
  };
}

/** For `plan`: one line per zone apply would refuse now, so the plan's reader knows before applying. */
export function heldNotes(check: LeaseCheck): string[] {
  return (check.refusal?.blocked ?? []).map((b) => {
    const who =
      b.standing.kind === 'held'
        ? `controller replica ${b.standing.lease.replica}, lease held until ${new Date(b.standing.heldUntil).toISOString()}`
        : 'an unreadable lease record';
    return `note: zone ${b.zone} (provider ${b.provider}) is held by a running controller (${who}): \`geofailover apply\` would write nothing to it (exit 3)\n`;
  });
}
