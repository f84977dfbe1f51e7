// Conversions between the engine's overrides and maintenance windows (epoch ms) and their records as
// persisted and shared between replicas (ISO times), and what a replica must change so its engine
// matches the records etcd holds (pure).
import type { HealthEngine, MaintenanceWindow, Override } from '../health/index.ts';
import type { MaintenanceRecord, OverrideRecord } from '../model/index.ts';

export function overrideRecordOf(o: Override): OverrideRecord {
  return {
    region: o.region,
    state: 'up',
    reason: o.reason,
    author: o.author,
    at: new Date(o.at).toISOString(),
    until: new Date(o.until).toISOString(),
  };
}

export function overrideOf(r: OverrideRecord): Override {
  return {
    region: r.region,
    state: 'up',
    reason: r.reason,
    author: r.author,
    at: Date.parse(r.at),
    until: Date.parse(r.until),
  };
}

export function windowOf(r: MaintenanceRecord): MaintenanceWindow {
  return {
    id: r.id,
    region: r.region,
    reason: r.reason,
    durationMs: r.durationMs,
    notifyBeforeMs: r.notifyBeforeMs,
    source: 'api',
    author: r.author,
    ...(r.cron === undefined ? {} : { cron: r.cron }),
    ...(r.start === undefined ? {} : { start: Date.parse(r.start) }),
  };
}

/** Same override for our purpose: `at` differs between replicas (each engine stamps its own time). */
function sameOverride(a: OverrideRecord, b: OverrideRecord): boolean {
  return a.reason === b.reason && a.author === b.author && Date.parse(a.until) === Date.parse(b.until);
}

export interface OverrideAction {
  region: string;
  /** The override to put in force, or undefined to lift the region's override. */
  override: OverrideRecord | undefined;
}

/** Pure: make `local` match the live records in `remote` (an expired one is lifted by each engine). */
export function overrideActions(
  local: readonly OverrideRecord[],
  remote: readonly OverrideRecord[],
  now: number,
): OverrideAction[] {
  const want = new Map(remote.filter((o) => Date.parse(o.until) > now).map((o) => [o.region, o]));
  const have = new Map(local.map((o) => [o.region, o]));
  const out: OverrideAction[] = [];
  for (const [region, o] of want) {
    const l = have.get(region);
    if (!l || !sameOverride(l, o)) out.push({ region, override: o });
  }
  for (const region of have.keys()) if (!want.has(region)) out.push({ region, override: undefined });
  return out.sort((a, b) => a.region.localeCompare(b.region));
}

/** Puts an override shared by another replica on this engine (or lifts it); returns the engine's event. */
export function applySharedOverride(engine: HealthEngine, a: OverrideAction) {
  return a.override
    ? engine.forceUp(a.region, {
        reason: a.override.reason,
        author: a.override.author,
        until: Date.parse(a.override.until),
      })
    : engine.clearOverride(a.region, 'etcd');
}
