// The warning an operator change carries when it leaves a rule or record with no UP region of its own
// (a drain, an override or a maintenance window): which records, and what they will answer. It is
// a warning, never a refusal: draining the last region may be exactly what is meant, but nobody
// should learn it from the DNS answers.

import type { Config } from '../../config/index.ts';
import { evaluateWindows, type HealthEngine, type MaintenanceWindow, windowAt } from '../../health/index.ts';
import type { RecordSet, RegionState, RegionStates } from '../../model/index.ts';
import { isoClamped } from '../../model/index.ts';
import { type Uncovered, uncovered } from '../../policy/index.ts';

/** The region states while the windows in force at `at` hold their regions drained (pure). */
export function statesDuring(
  states: RegionStates,
  windows: readonly MaintenanceWindow[],
  at: number,
): Map<string, RegionState> {
  const out = new Map(states);
  for (const [region, occ] of evaluateWindows(windows, at).active) {
    out.set(region, {
      id: region,
      status: 'drained',
      since: occ.start,
      upEndpoints: out.get(region)?.upEndpoints ?? [],
      reason: `maintenance window ${occ.window}: ${occ.reason}`,
    });
  }
  return out;
}

export interface WindowWarnings {
  /** The occurrence the warnings are for: the one in force, else the next. */
  occurrence?: { start: string; end: string };
  warnings: Uncovered[];
}

export interface CoverageCheck {
  /** What has no UP region of its own under the engine's states now (after a drain or override). */
  now(): Uncovered[];
  /** What will have none while window `id` runs (its occurrence in force, or its next), health as now. */
  during(id: string, now: number): WindowWarnings;
}

export function coverageCheck(
  config: Config,
  engine: Pick<HealthEngine, 'regionStates' | 'windows'>,
  published: (zone: string) => readonly RecordSet[] | undefined,
): CoverageCheck {
  return {
    now: () => uncovered(config, engine.regionStates(), published),
    during: (id, now) => {
      const windows = engine.windows();
      const w = windows.find((x) => x.id === id);
      const at = w ? windowAt(w, now) : {};
      const occ = at.active ?? at.next;
      if (!occ) return { warnings: [] };
      const states = statesDuring(engine.regionStates(), windows, Math.max(occ.start, now));
      return {
        occurrence: { start: isoClamped(occ.start), end: isoClamped(occ.end) },
        warnings: uncovered(config, states, published),
      };
    },
  };
}
