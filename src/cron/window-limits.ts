// The limits of a maintenance window's schedule that the config checks and the health engine share:
// how many windows there may be, how often a cron window may start, how long an occurrence lasts.
// Windows are evaluated on every health tick and every status request, so these are bounded.
import type { CronSpec } from './cron-next.ts';

const DAY = 86_400_000;

export const WINDOW_LIMITS = {
  /** Windows at once, from the config and the API together. */
  maxWindows: 100,
  /** A cron window starts at most once a minute: one value in the seconds field. */
  minCronPeriodMs: 60_000,
  /** The longest occurrence. */
  maxDurationMs: 366 * DAY,
} as const;

/** Why this schedule starts more often than once a minute, or undefined when it does not. */
export function cronPeriodProblem(spec: CronSpec): string | undefined {
  // Starts in different minutes are at least a minute apart, so one second value is enough.
  if (spec.second.length <= 1) return undefined;
  return `starts ${spec.second.length} times a minute; a maintenance window may start at most once a minute: use 5 fields (minute resolution) or one number in the seconds field`;
}

/** Why there are too many windows, or undefined. */
export function windowCountProblem(count: number): string | undefined {
  if (count <= WINDOW_LIMITS.maxWindows) return undefined;
  return `${count} maintenance windows, over the limit of ${WINDOW_LIMITS.maxWindows}: remove the ones that are over or not needed, or make one cron window of several one-shot ones`;
}
