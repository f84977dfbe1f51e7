// The limits every maintenance window keeps, wherever it comes from (the config file, the API, the
// state dir, etcd), as pure checks. Windows are evaluated on every health tick and every status
// request, so how many there are and how often a cron window may start are bounded, and their times
// stay where every view can show them. A window kept from before a limit existed is reported
// (maintenanceProblems) and keeps working; it is never a reason for a view to fail.
import { inTimeRange, isoOrUndefined, TIME_RANGE_TEXT } from '../model/index.ts';
import { type CronSpec, parseCron } from './cron-next.ts';
import type { MaintenanceWindow } from './types.ts';

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

/** What is outside the limits in one window (empty when nothing is). */
export function windowProblems(w: MaintenanceWindow): string[] {
  const out: string[] = [];
  if (w.start !== undefined && !inTimeRange(w.start))
    out.push(`start ${isoOrUndefined(w.start) ?? `${w.start} ms`} is outside ${TIME_RANGE_TEXT}`);
  if (!(w.durationMs > 0) || w.durationMs > WINDOW_LIMITS.maxDurationMs)
    out.push(`duration ${w.durationMs} ms is outside 1 ms to 366 days`);
  if (w.cron !== undefined) {
    const spec = parseCron(w.cron);
    const problem = typeof spec === 'string' ? spec : cronPeriodProblem(spec);
    if (problem) out.push(`cron "${w.cron}": ${problem}`);
  }
  return out;
}

export interface WindowLimitProblem {
  /** The window it is about; none for the count. */
  window?: string;
  message: string;
}

/**
 * Every window outside the limits, with what to do: they are kept as they are (a window added by an
 * older version, or by a replica that does not check the same), so the operator has to act.
 */
export function maintenanceProblems(windows: readonly MaintenanceWindow[]): WindowLimitProblem[] {
  const out: WindowLimitProblem[] = [];
  const count = windowCountProblem(windows.length);
  if (count) out.push({ message: count });
  for (const w of windows) {
    const problems = windowProblems(w);
    if (problems.length === 0) continue;
    const remedy =
      w.source === 'config'
        ? 'fix it in the config file and restart'
        : `remove it (geofailover maintenance remove ${w.id}) and add it again within the limits`;
    out.push({
      window: w.id,
      message: `maintenance window ${w.id} (region ${w.region}, from the ${w.source === 'config' ? 'config file' : 'API'}): ${problems.join('; ')}; it is kept as it is: ${remedy}`,
    });
  }
  return out;
}
