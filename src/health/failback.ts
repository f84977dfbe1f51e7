// Failback hold-down: a recovered region gets traffic back only after `failbackAfter` of continuous UP,
// doubled for every further flap within the flap window, capped at `maxFailbackAfter` (gdnsd-style
// damping, so a flapping region cannot pull traffic back and forth).

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
