// Operator drains on the engine's regions: make, lift (by operator or expiry) and re-install after a
// restart. A drained region's status is 'drained' whatever its health (region-status.ts).
import { status } from './region-status.ts';
import type { EngineState, RegionRuntime } from './state.ts';
import type { Drain, HealthEvent } from './types.ts';

export function drainRegion(
  r: RegionRuntime,
  opts: { reason: string; author: string; until?: number },
  now: number,
): HealthEvent {
  const from = status(r);
  const previous = r.drain;
  r.drain = { region: r.id, reason: opts.reason, author: opts.author, at: now, until: opts.until };
  return {
    type: 'drain',
    at: now,
    region: r.id,
    from,
    to: 'drained',
    evidence: {
      reason: opts.reason,
      author: opts.author,
      until: opts.until ?? null,
      replaced: previous ?? null,
      before: previous ?? null,
      after: { ...r.drain },
    },
  };
}

/** Lifts a drain; the region returns to its health status at once (no hold-down). */
export function liftDrain(r: RegionRuntime, author: string, now: number, why: string): HealthEvent {
  const drain = r.drain;
  r.drain = undefined;
  return {
    type: 'undrain',
    at: now,
    region: r.id,
    from: drain ? 'drained' : status(r),
    to: status(r),
    evidence: {
      author,
      why,
      drain: drain ?? null,
      decided: r.health !== undefined,
      before: drain ?? null,
      after: null,
    },
  };
}

/** tick(): lifts drains whose `until` has passed. */
export function expireDrains(s: EngineState, now: number, events: HealthEvent[]): void {
  for (const region of s.regions.values()) {
    if (region.drain?.until !== undefined && region.drain.until <= now) {
      events.push(liftDrain(region, 'expiry', now, 'drain expired'));
    }
  }
}

/** Re-installs persisted drains (no events; expired ones lift on the next tick). */
export function restoreDrains(s: EngineState, drains: readonly Drain[]): void {
  for (const d of drains) {
    const r = s.regions.get(d.region);
    if (r) r.drain = { ...d };
  }
}

/** The drains in force, for persistence. */
export function listDrains(s: EngineState): Drain[] {
  return [...s.regions.values()].flatMap((r) => (r.drain ? [{ ...r.drain }] : []));
}
