// Operator force-up overrides (Route 53 ARC routing controls, octoDNS `status: up`): the operator
// knows better than the checks. A forced region is up whatever its health, but a drain or a
// maintenance window still wins (region-status.ts); an override always expires (lifted on tick()).
import { status } from './region-status.ts';
import type { EngineState, RegionRuntime } from './state.ts';
import type { HealthEvent, Override } from './types.ts';

export function forceUp(
  r: RegionRuntime,
  opts: { reason: string; author: string; until: number },
  now: number,
): HealthEvent {
  const from = status(r);
  const before = r.override;
  r.override = {
    region: r.id,
    state: 'up',
    reason: opts.reason,
    author: opts.author,
    at: now,
    until: opts.until,
  };
  return {
    type: 'override',
    at: now,
    region: r.id,
    from,
    to: status(r),
    evidence: {
      state: 'up',
      reason: opts.reason,
      author: opts.author,
      until: opts.until,
      health: r.health ?? 'unknown',
      ...(r.drain ? { note: 'the region stays drained: a drain wins over an override' } : {}),
      ...(r.maintenance ? { note: 'the region stays drained for its maintenance window' } : {}),
      before: before ?? null,
      after: { ...r.override },
    },
  };
}

/** Lifts an override; the region returns to its health status at once (no hold-down: an operator's call). */
export function liftOverride(r: RegionRuntime, author: string, now: number, why: string): HealthEvent {
  const from = status(r);
  const before = r.override;
  r.override = undefined;
  return {
    type: 'override-lifted',
    at: now,
    region: r.id,
    from,
    to: status(r),
    evidence: { author, why, health: r.health ?? 'unknown', before: before ?? null, after: null },
  };
}

/** tick(): lifts overrides whose `until` has passed. */
export function expireOverrides(s: EngineState, now: number, events: HealthEvent[]): void {
  for (const r of s.regions.values()) {
    if (r.override && r.override.until <= now)
      events.push(liftOverride(r, 'expiry', now, 'override expired'));
  }
}

/** Re-installs persisted overrides (no events; expired ones lift on the next tick). */
export function restoreOverrides(s: EngineState, overrides: readonly Override[]): void {
  for (const o of overrides) {
    const r = s.regions.get(o.region);
    if (r) r.override = { ...o };
  }
}

export function listOverrides(s: EngineState): Override[] {
  return [...s.regions.values()].flatMap((r) => (r.override ? [{ ...r.override }] : []));
}
