// The failback hold-down's life cycle on a region: started when a down region's endpoints recover
// (length from failback.ts), aborted when it goes down again meanwhile (a flap), resumed after a
// restart, and passed on tick() when it has run out. The failback ramp (failback-ramp.ts) starts where the region comes up.
import type { Config } from '../config/index.ts';
import { flapWindow, holdDownMs, holdDownReason, recentFlaps } from './failback.ts';
import { startRamp } from './failback-ramp.ts';
import { endpointEvidence, regionEvent, rollupEvent } from './region-status.ts';
import type { EngineState, RegionRuntime } from './state.ts';
import type { HealthEvent, RegionMemory } from './types.ts';

type Evidence = Record<string, unknown>;

/** A down region's endpoints are up again: hold it down (or, with no hold-down, bring it up now). */
export function startFailback(
  h: Config['health'],
  r: RegionRuntime,
  now: number,
  upReason: string,
  evidence: Evidence,
  events: HealthEvent[],
): void {
  const from = r.health ?? 'unknown';
  const hold = holdDownMs(r.flaps, now, h);
  const why = holdDownReason(hold, r.flaps.length, h);
  r.upSince = now;
  r.holdMs = hold;
  r.holdFlaps = r.flaps.length;
  if (hold <= 0) {
    r.health = 'up';
    r.since = now;
    r.reason = upReason;
    events.push(regionEvent(r, from, now, { trigger: 'recovered (no hold-down)', ...evidence }));
    startRamp(h, r, now, events);
    return;
  }
  r.holdingFailback = true;
  r.failbackAt = now + hold;
  r.reason = `recovered; failback hold-down until ${new Date(now + hold).toISOString()} (${why})`;
  events.push(
    rollupEvent(r, {
      type: 'failback-hold',
      at: now,
      region: r.id,
      from: 'down',
      to: 'holding',
      evidence: {
        holdDownMs: hold,
        failbackAt: now + hold,
        recentFlaps: r.flaps.length,
        holdDownReason: why,
        flapWindowMs: flapWindow(h),
        ...evidence,
      },
    }),
  );
}

/** Down again while holding: the hold-down ends unpassed and counts as a flap. */
export function abortFailback(
  h: Config['health'],
  r: RegionRuntime,
  now: number,
  reason: string,
  evidence: Evidence,
  events: HealthEvent[],
): void {
  r.holdingFailback = false;
  r.failbackAt = undefined;
  r.flaps.push(now);
  r.reason = reason;
  // What the next recovery will wait, said now: the flap just counted lengthens it.
  const next = holdDownMs([...r.flaps], now, h);
  const flaps = recentFlaps(r.flaps, now, h);
  events.push(
    rollupEvent(r, {
      type: 'failback-aborted',
      at: now,
      region: r.id,
      from: 'holding',
      to: 'down',
      evidence: {
        upSince: r.upSince,
        holdDownMs: r.holdMs,
        recentFlaps: r.flaps.length,
        nextHoldDownMs: next,
        nextHoldDownReason: holdDownReason(next, flaps, h),
        ...evidence,
      },
    }),
  );
}

/** After a restart: continue the hold-down the previous run had started. False when it had none. */
export function resumeFailback(
  h: Config['health'],
  r: RegionRuntime,
  prior: RegionMemory,
  now: number,
  evidence: Evidence,
  events: HealthEvent[],
): boolean {
  if (!prior.holdingFailback || prior.failbackAt === undefined || prior.upSince === undefined) return false;
  r.holdingFailback = true;
  r.upSince = prior.upSince;
  r.failbackAt = prior.failbackAt;
  r.holdMs = prior.holdMs ?? prior.failbackAt - prior.upSince;
  r.holdFlaps = recentFlaps(r.flaps, prior.upSince, h);
  const why = holdDownReason(r.holdMs, r.holdFlaps, h);
  r.reason = `recovered; failback hold-down until ${new Date(prior.failbackAt).toISOString()} (${why}; continued after restart)`;
  events.push(
    rollupEvent(r, {
      type: 'failback-hold',
      at: now,
      region: r.id,
      from: 'down',
      to: 'holding',
      evidence: {
        holdDownMs: r.holdMs,
        failbackAt: r.failbackAt,
        restored: true,
        recentFlaps: r.flaps.length,
        holdDownReason: why,
        flapWindowMs: flapWindow(h),
        ...evidence,
      },
    }),
  );
  return true;
}

/**
 * tick(): regions (and families of dual-stack regions) whose hold-down has run out come back up. A
 * region's families pass before it, so one that passes with its region says so as evidence only.
 */
export function passFailbacks(s: EngineState, now: number, events: HealthEvent[]): void {
  for (const region of [...s.regions.values()].flatMap((r) => [...(r.families ?? []), r])) {
    if (region.holdingFailback && region.failbackAt !== undefined && region.failbackAt <= now) {
      const from = region.health ?? 'unknown';
      region.holdingFailback = false;
      region.health = 'up';
      region.since = now;
      const why = holdDownReason(region.holdMs ?? 0, region.holdFlaps ?? 1, s.h);
      region.reason = `up for ${now - region.upSince!} ms without a break (failback ${why})`;
      const evidence = {
        trigger: 'failback hold-down passed',
        upSince: region.upSince,
        holdDownMs: region.holdMs,
        recentFlaps: region.flaps.length,
        holdDownReason: why,
        endpoints: endpointEvidence(region),
      };
      region.failbackAt = undefined;
      events.push(regionEvent(region, from, now, evidence));
      startRamp(s.h, region, now, events);
    }
  }
}
