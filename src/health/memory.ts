// The engine's memory across restarts (persisted as <stateDir>/health.json by the controller): what
// each region was decided to be, its recent flaps and any failback hold-down in progress; for a
// dual-stack region also each address family's (an entry with `family`).
import { type EngineState, type RegionRuntime, rollupsOf } from './state.ts';
import type { RegionMemory } from './types.ts';

function remember(r: RegionRuntime): RegionMemory[] {
  if (r.health === undefined) return r.prior ? [r.prior] : [];
  return [
    {
      region: r.id,
      ...(r.family === undefined ? {} : { family: r.family }),
      health: r.health,
      since: r.since ?? 0,
      flaps: [...r.flaps],
      holdingFailback: r.holdingFailback,
      ...(r.upSince === undefined ? {} : { upSince: r.upSince }),
      ...(r.failbackAt === undefined ? {} : { failbackAt: r.failbackAt }),
      ...(r.holdMs === undefined ? {} : { holdMs: r.holdMs }),
      ...(r.rampStep === undefined ? {} : { rampStep: r.rampStep, rampAt: r.rampAt ?? 0 }),
    },
  ];
}

/** What to persist so a restarted engine can continue. Decided regions (or their restored memory) only. */
export function history(s: EngineState): RegionMemory[] {
  return [...s.regions.values()].flatMap((r) => rollupsOf(r).flatMap(remember));
}

/** Installs a previous run's memory on still-undecided regions; their first decision continues from it. */
export function restoreHistory(s: EngineState, memory: readonly RegionMemory[]): void {
  for (const m of memory) {
    const region = s.regions.get(m.region);
    const r = m.family === undefined ? region : region?.families?.find((f) => f.family === m.family);
    if (r && r.health === undefined) r.prior = { ...m, flaps: [...m.flaps] };
  }
}
