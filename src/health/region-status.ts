// What policy sees of a region: its health with the operator's layers on top (a drain or maintenance
// window wins over a force-up, which wins over health), and the region event that reports a health
// change (masked as 'region-health' evidence when a layer on top keeps the published status unchanged).
// A family roll-up of a dual-stack region has its region's layers, and its events are family-* ones.
import { familyName, type Health, type RegionStatus } from '../model/index.ts';
import type { RegionRuntime } from './state.ts';
import type { HealthEvent, HealthEventType } from './types.ts';

/** What a family roll-up's events are called: they move one family's answers, not the region's. */
const FAMILY_TYPES: Partial<Record<HealthEventType, HealthEventType>> = {
  'region-transition': 'family-transition',
  'region-health': 'family-health',
  'failback-hold': 'family-failback-hold',
  'failback-aborted': 'family-failback-aborted',
};

/** The event as the roll-up it is about says it: a family's is renamed and names the family. */
export function rollupEvent(r: RegionRuntime, e: HealthEvent): HealthEvent {
  if (r.family === undefined) return e;
  return { ...e, type: FAMILY_TYPES[e.type] ?? e.type, family: r.family };
}

/** " on IPv6" after a family roll-up's counts; nothing for a region's. */
export function onFamily(r: RegionRuntime): string {
  return r.family === undefined ? '' : ` on ${familyName(r.family)}`;
}

/** Is the region forced up right now (an override in force: force-up.ts)? */
export function forcedUp(r: RegionRuntime): boolean {
  return (r.parent ?? r).override !== undefined;
}

/**
 * The status published to policy: drained > maintenance > forced up > health; an undecided region
 * counts as up. A family is down while its region is (a region's failback hold-down holds its
 * families too).
 */
export function status(r: RegionRuntime): RegionStatus {
  const layers = r.parent ?? r;
  if (layers.drain || layers.maintenance) return 'drained';
  if (forcedUp(r)) return 'up';
  if (r.parent?.health === 'down') return 'down';
  return r.health ?? 'up';
}

/** Which operator layer keeps the published status whatever the health does, if any. */
export function maskedBy(r: RegionRuntime): 'drained' | 'maintenance' | 'forced-up' | undefined {
  const layers = r.parent ?? r;
  if (layers.drain) return 'drained';
  if (layers.maintenance) return 'maintenance';
  return forcedUp(r) ? 'forced-up' : undefined;
}

export function endpointEvidence(
  r: RegionRuntime,
): { id: string; family?: string; state: Health; quorum: Health }[] {
  return r.endpoints.map((e) => ({
    id: e.id,
    ...(e.family === undefined ? {} : { family: e.family }),
    state: e.state,
    quorum: e.quorum,
  }));
}

/** The event for a change of r.health (already made): a transition, or evidence while masked. */
export function regionEvent(
  r: RegionRuntime,
  from: 'up' | 'down' | 'unknown',
  now: number,
  evidence: Record<string, unknown>,
): HealthEvent {
  const masked = maskedBy(r);
  // A family of a region that is down moves no answer either: its region's status already did.
  const regionDown = !masked && r.parent?.health === 'down';
  return rollupEvent(r, {
    type: masked || regionDown ? 'region-health' : 'region-transition',
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
      : regionDown
        ? { ...evidence, regionDown: true, note: `status stays down (region ${r.id} is down)` }
        : evidence,
  });
}
