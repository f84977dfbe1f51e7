// Scheduled maintenance windows. evaluateWindows is pure (windows + now → occurrences in force and
// the next of each); applyMaintenance puts them on the engine's regions on every tick: a region in a
// window is drained (traffic moves at its start), and when the window ends the normal failback
// hold-down applies before traffic returns. A window about to start is evented once per occurrence
// (notifyBefore ahead) so the notifier can warn people.
import type { Config } from '../config/index.ts';
import { type CronSpec, nextStart, parseCron, prevStart } from '../cron/index.ts';
import { startFailback } from './failback-hold.ts';
import { endpointEvidence, status } from './region-status.ts';
import type { EngineState } from './state.ts';
import type { HealthEvent, MaintenanceOccurrence, MaintenanceWindow } from './types.ts';

export interface WindowsAt {
  /** Region → the occurrence in force (overlapping windows merged: the latest end wins). */
  active: Map<string, MaintenanceOccurrence>;
  /** Every occurrence in force, one per window. */
  inForce: MaintenanceOccurrence[];
  /** The next start after `now` of each window, soonest first. */
  upcoming: MaintenanceOccurrence[];
}

/** Parsed cron expressions; dropped whole past this size (expressions come and go through the API). */
const specs = new Map<string, CronSpec | string>();
const MAX_SPECS = 1000;
function specOf(expression: string): CronSpec | undefined {
  let s = specs.get(expression);
  if (s === undefined) {
    if (specs.size >= MAX_SPECS) specs.clear();
    s = parseCron(expression);
    specs.set(expression, s);
  }
  return typeof s === 'string' ? undefined : s;
}

function occurrence(w: MaintenanceWindow, start: number, end: number): MaintenanceOccurrence {
  return { window: w.id, region: w.region, reason: w.reason, start, end };
}

/**
 * The occurrence of one window in force at `now` (if any) and its next start after `now`. A cron
 * window is in force at `now` iff some start s has now - duration < s <= now; occurrences that
 * overlap (a duration longer than the period) are one, from the earliest start still in force to
 * the end of the latest. Three calendar searches, whatever the schedule and the duration.
 */
export function windowAt(
  w: MaintenanceWindow,
  now: number,
): { active?: MaintenanceOccurrence; next?: MaintenanceOccurrence } {
  const d = w.durationMs;
  if (w.cron === undefined) {
    const start = w.start ?? Number.NaN;
    if (!(d > 0) || !Number.isFinite(start)) return {};
    if (start <= now && now < start + d) return { active: occurrence(w, start, start + d) };
    return start > now ? { next: occurrence(w, start, start + d) } : {};
  }
  const spec = specOf(w.cron);
  if (!spec || !(d > 0)) return {};
  const out: { active?: MaintenanceOccurrence; next?: MaintenanceOccurrence } = {};
  const latest = prevStart(spec, now, now - d + 1);
  if (latest !== undefined) {
    const earliest = nextStart(spec, now - d + 1) ?? latest;
    out.active = occurrence(w, Math.min(earliest, latest), latest + d);
  }
  const next = nextStart(spec, now + 1);
  if (next !== undefined) out.next = occurrence(w, next, next + d);
  return out;
}

/** Pure: which windows are in force at `now` and what comes next. */
export function evaluateWindows(windows: readonly MaintenanceWindow[], now: number): WindowsAt {
  const active = new Map<string, MaintenanceOccurrence>();
  const inForce: MaintenanceOccurrence[] = [];
  const upcoming: MaintenanceOccurrence[] = [];
  for (const w of windows) {
    const at = windowAt(w, now);
    if (at.active) {
      inForce.push(at.active);
      const had = active.get(w.region);
      if (!had || at.active.end > had.end) active.set(w.region, at.active);
    }
    if (at.next) upcoming.push(at.next);
  }
  upcoming.sort((a, b) => a.start - b.start || a.region.localeCompare(b.region));
  return { active, inForce, upcoming };
}

/** The windows the config defines (ids `config-N` unless given), as the engine evaluates them. */
export function windowsFromConfig(config: Pick<Config, 'maintenance'>): MaintenanceWindow[] {
  return config.maintenance.map((w, i) => ({
    id: w.id ?? `config-${i}`,
    region: w.region,
    reason: w.reason,
    durationMs: w.duration ?? (w.end !== undefined && w.start !== undefined ? w.end - w.start : 0),
    notifyBeforeMs: w.notifyBefore,
    source: 'config',
    ...(w.cron === undefined ? {} : { cron: w.cron }),
    ...(w.start === undefined ? {} : { start: w.start }),
  }));
}

/** What the engine keeps about windows between ticks. */
export interface MaintenanceState {
  windows: MaintenanceWindow[];
  /** `window@start` of occurrences already announced (maintenance-upcoming), so each is announced once. */
  announced: Set<string>;
}

/** tick(): start and end windows on the regions, and announce the ones about to start. */
export function applyMaintenance(
  s: EngineState,
  m: MaintenanceState,
  now: number,
  events: HealthEvent[],
): void {
  const at = evaluateWindows(m.windows, now);
  for (const r of s.regions.values()) {
    const occ = at.active.get(r.id);
    if (occ && !r.maintenance) {
      const from = status(r);
      r.maintenance = occ;
      events.push({
        type: 'maintenance-start',
        at: now,
        region: r.id,
        from,
        to: status(r),
        evidence: {
          window: occ.window,
          reason: occ.reason,
          start: occ.start,
          end: occ.end,
          before: null,
          after: occ,
        },
      });
    } else if (occ && r.maintenance) {
      r.maintenance = occ;
    } else if (!occ && r.maintenance) {
      const before = r.maintenance;
      const from = status(r);
      r.maintenance = undefined;
      // Traffic returns only after the failback hold-down, as after any recovery: a region coming
      // out of maintenance is as cold as one coming back from an outage.
      const later: HealthEvent[] = [];
      if (r.health === 'up') {
        r.health = 'down';
        startFailback(
          s.h,
          r,
          now,
          'maintenance window ended; endpoints up',
          { trigger: 'maintenance window ended', endpoints: endpointEvidence(r) },
          later,
        );
      }
      events.push({
        type: 'maintenance-end',
        at: now,
        region: r.id,
        from,
        to: status(r),
        evidence: {
          window: before.window,
          reason: before.reason,
          start: before.start,
          end: before.end,
          holdingFailback: r.holdingFailback,
          ...(r.failbackAt === undefined ? {} : { failbackAt: r.failbackAt }),
          before,
          after: null,
        },
      });
      events.push(...later);
    }
  }
  const notifyBefore = new Map(m.windows.map((w) => [w.id, w.notifyBeforeMs]));
  for (const occ of at.upcoming) {
    const key = `${occ.window}@${occ.start}`;
    if (occ.start - now > (notifyBefore.get(occ.window) ?? 0) || m.announced.has(key)) continue;
    m.announced.add(key);
    events.push({
      type: 'maintenance-upcoming',
      at: now,
      region: occ.region,
      from: 'scheduled',
      to: 'upcoming',
      evidence: {
        window: occ.window,
        reason: occ.reason,
        start: occ.start,
        end: occ.end,
        inMs: occ.start - now,
      },
    });
  }
  for (const key of m.announced) {
    const start = Number(key.slice(key.lastIndexOf('@') + 1));
    if (start < now) m.announced.delete(key);
  }
}
