// The engine's memory across restarts (persisted as <stateDir>/health.json by the controller): what
// each region was decided to be, its recent flaps and any failback hold-down in progress.
import type { EngineState } from './state.ts';
import type { RegionMemory } from './types.ts';

/** What to persist so a restarted engine can continue. Decided regions (or their restored memory) only. */
export function history(s: EngineState): RegionMemory[] {
  return [...s.regions.values()].flatMap((r) =>
    r.health === undefined
      ? r.prior
        ? [r.prior]
        : []
      : [
          {
            region: r.id,
            health: r.health,
            since: r.since ?? 0,
            flaps: [...r.flaps],
            holdingFailback: r.holdingFailback,
            ...(r.upSince === undefined ? {} : { upSince: r.upSince }),
            ...(r.failbackAt === undefined ? {} : { failbackAt: r.failbackAt }),
            ...(r.holdMs === undefined ? {} : { holdMs: r.holdMs }),
          },
        ],
  );
}

/** Installs a previous run's memory on still-undecided regions; their first decision continues from it. */
export function restoreHistory(s: EngineState, memory: readonly RegionMemory[]): void {
  for (const m of memory) {
    const r = s.regions.get(m.region);
    if (r && r.health === undefined) r.prior = { ...m, flaps: [...m.flaps] };
  }
}
