// What policy sees of a region: its health with the operator's layers on top (a drain or maintenance
// window wins over a force-up, which wins over health), and the region event that reports a health
// change (masked as 'region-health' evidence when a layer on top keeps the published status unchanged).
import type { Health, RegionStatus } from '../model/index.ts';
import type { RegionRuntime } from './state.ts';
import type { HealthEvent } from './types.ts';

/** Is the region forced up right now (an override in force: force-up.ts)? */
export function forcedUp(r: RegionRuntime): boolean {
  return r.override !== undefined;
}

/** The status published to policy: drained > maintenance > forced up > health; an undecided region counts as up. */
export function status(r: RegionRuntime): RegionStatus {
  if (r.drain || r.maintenance) return 'drained';
  if (forcedUp(r)) return 'up';
  return r.health ?? 'up';
}

/** Which operator layer keeps the published status whatever the health does, if any. */
export function maskedBy(r: RegionRuntime): 'drained' | 'maintenance' | 'forced-up' | undefined {
  if (r.drain) return 'drained';
  if (r.maintenance) return 'maintenance';
  return forcedUp(r) ? 'forced-up' : undefined;
}

export function endpointEvidence(r: RegionRuntime): { id: string; state: Health; quorum: Health }[] {
  return r.endpoints.map((e) => ({ id: e.id, state: e.state, quorum: e.quorum }));
}

/** The event for a change of r.health (already made): a transition, or evidence while masked. */
export function regionEvent(
  r: RegionRuntime,
  from: 'up' | 'down' | 'unknown',
  now: number,
  evidence: Record<string, unknown>,
): HealthEvent {
  const masked = maskedBy(r);
  return {
    type: masked ? 'region-health' : 'region-transition',
    at: now,
    region: r.id,
    from,
    to: r.health!,
    evidence: masked
      ? {
          ...evidence,
          ...(masked === 'drained'
            ? { drained: true }
            : { [masked === 'forced-up' ? 'forcedUp' : 'maintenance']: true }),
          note: masked === 'drained' ? 'status stays drained' : `status stays ${status(r)} (${masked})`,
        }
      : evidence,
  };
}
