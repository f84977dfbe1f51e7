// The calendar span geofailover accepts for a time it is given (maintenance window starts and ends,
// plan --at), and a time formatter that never throws. A Date holds only ±8.64e15 ms (about year
// 275760): a time accepted near that edge made every later status request fail while it was kept.

/** Times from 2000-01-01 up to (not including) 2200-01-01, UTC: every plausible schedule fits. */
export const TIME_RANGE = { min: Date.UTC(2000, 0, 1), max: Date.UTC(2200, 0, 1) } as const;

/** The range as operators read it. */
export const TIME_RANGE_TEXT = 'the years 2000 to 2199 (UTC)';

export function inTimeRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= TIME_RANGE.min && ms < TIME_RANGE.max;
}

/**
 * Why the time `raw` (parsed to `ms`) is refused, or undefined when it is within TIME_RANGE. The
 * caller puts the field in front ("start", maintenance[0].start).
 */
export function timeRangeProblem(raw: string, ms: number): string | undefined {
  if (inTimeRange(ms)) return undefined;
  return `must be a time in ${TIME_RANGE_TEXT}; got ${raw.slice(0, 40)}: give a time in that range, such as 2026-12-24T02:00:00Z`;
}

/** The largest time a Date holds, either way (about year 275760). */
const DATE_LIMIT = 8.64e15;

/** ISO 8601 of an epoch-ms time clamped to what a Date holds: for drawing, never throws (NaN: 1970). */
export function isoClamped(ms: number): string {
  const t = Number.isFinite(ms)
    ? Math.max(-DATE_LIMIT, Math.min(DATE_LIMIT, ms))
    : Number.isNaN(ms)
      ? 0
      : Math.sign(ms) * DATE_LIMIT;
  return new Date(t).toISOString();
}

/** ISO 8601 of an epoch-ms time, or undefined when there is none or a Date cannot hold it. */
export function isoOrUndefined(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > DATE_LIMIT) return undefined;
  return new Date(ms).toISOString();
}
