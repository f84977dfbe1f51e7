// Failback hold-down: a recovered region gets traffic back only after `failbackAfter` of continuous UP,
// doubled for every further flap within the flap window, capped at `maxFailbackAfter` (gdnsd-style
// damping, so a flapping region cannot pull traffic back and forth).
import { spokenDuration } from '../model/index.ts';

export interface FailbackConfig {
  failbackAfter: number;
  maxFailbackAfter: number;
}

/** Flaps older than this no longer lengthen the hold-down. */
export function flapWindow(cfg: FailbackConfig): number {
  return 2 * Math.max(cfg.maxFailbackAfter, cfg.failbackAfter);
}

/** Drops flap times outside the window (in place) and returns the hold-down for the next failback. */
export function holdDownMs(flaps: number[], now: number, cfg: FailbackConfig): number {
  const since = now - flapWindow(cfg);
  while (flaps.length > 0 && flaps[0]! < since) flaps.shift();
  const n = Math.max(1, flaps.length);
  const cap = Math.max(cfg.maxFailbackAfter, cfg.failbackAfter);
  return Math.min(cap, cfg.failbackAfter * 2 ** Math.min(n - 1, 30));
}

/** How many of `flaps` fall inside the flap window ending at `now` (without changing the list). */
export function recentFlaps(flaps: readonly number[], now: number, cfg: FailbackConfig): number {
  const since = now - flapWindow(cfg);
  return flaps.filter((t) => t >= since).length;
}

/**
 * Why a hold-down is as long as it is, in words an operator reads next to a countdown: the plain
 * `failbackAfter`, or "hold-down doubled to 20 s after 2 flaps in 4 min", or capped at the maximum.
 * A measured failback that takes twice what the config says is otherwise a mystery.
 */
export function holdDownReason(holdMs: number, flaps: number, cfg: FailbackConfig): string {
  const base = cfg.failbackAfter;
  if (flaps <= 1 || holdMs <= base) return `hold-down ${spokenDuration(holdMs)} (failbackAfter)`;
  const within = `after ${flaps} flaps in ${spokenDuration(flapWindow(cfg))}`;
  const cap = Math.max(cfg.maxFailbackAfter, base);
  if (holdMs >= cap && base * 2 ** Math.min(flaps - 1, 30) > cap)
    return `hold-down capped at ${spokenDuration(cap)} (maxFailbackAfter) ${within}`;
  const times = Math.round(Math.log2(holdMs / base));
  const how = times === 1 ? 'doubled' : times === 2 ? 'doubled twice' : `doubled ${times} times`;
  return `hold-down ${how} to ${spokenDuration(holdMs)} ${within}`;
}
