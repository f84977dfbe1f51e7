// The limits every maintenance window keeps, wherever it comes from (the config file, the API, the
// state dir, etcd), as pure checks. Windows are evaluated on every health tick and every status
// request, so how many there are and how often a cron window may start are bounded, and their times
// stay where every view can show them. A window kept from before a limit existed is reported
// (maintenanceProblems) and keeps working; it is never a reason for a view to fail.

import { cronPeriodProblem, parseCron, WINDOW_LIMITS, windowCountProblem } from '../cron/index.ts';
import { inTimeRange, isoOrUndefined, TIME_RANGE_TEXT } from '../model/index.ts';
import type { MaintenanceWindow } from './types.ts';

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
