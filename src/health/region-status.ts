// What policy sees of a region: its health with the operator's layers on top (a drain wins over
// health), and the region event that reports a health change (masked as 'region-health' evidence when
// a layer on top keeps the published status unchanged). Operator layers (force-up) plug in here.
import type { Health, RegionStatus } from '../model/index.ts';
import type { RegionRuntime } from './state.ts';
import type { HealthEvent } from './types.ts';

/** The status published to policy: drained > health; an undecided region counts as up. */
export function status(r: RegionRuntime): RegionStatus {
  return r.drain ? 'drained' : (r.health ?? 'up');
}

export function endpointEvidence(r: RegionRuntime): { id: string; state: Health; quorum: Health }[] {
  return r.endpoints.map((e) => ({ id: e.id, state: e.state, quorum: e.quorum }));
}

/** The event for a change of r.health (already made): a transition, or evidence while drained. */
export function regionEvent(
  r: RegionRuntime,
  from: 'up' | 'down' | 'unknown',
  now: number,
  evidence: Record<string, unknown>,
): HealthEvent {
  const drained = r.drain !== undefined;
  return {
    type: drained ? 'region-health' : 'region-transition',
    at: now,
    region: r.id,
    from,
    to: r.health!,
    evidence: drained ? { ...evidence, drained: true, note: 'status stays drained' } : evidence,
  };
}
