// Region states from `plan --assume REGION=up|down|drained`: what-if planning without probes.
import type { Config } from '../config/index.ts';
import { type RegionState, type RegionStatus, UsageError } from '../model/index.ts';

/**
 * One state per configured region: assumed ones as given, the rest up with all endpoints.
 * A drained region keeps its endpoints UP (draining is an operator decision, not a health one).
 */
export function assumeStates(
  config: Config,
  assumptions: ReadonlyMap<string, RegionStatus>,
  now: number = Date.now(),
): Map<string, RegionState> {
  const known = new Set(config.regions.map((r) => r.id));
  for (const [id, status] of assumptions) {
    if (!known.has(id)) {
      throw new UsageError(`--assume names unknown region "${id}"`, {
        region: id,
        value: `${id}=${status}`,
        remedy: `use one of: ${[...known].join(', ')}`,
      });
    }
    if (status !== 'up' && status !== 'down' && status !== 'drained') {
      throw new UsageError(`--assume ${id}=${String(status)}: the state must be up, down or drained`, {
        region: id,
        value: status,
        remedy: `write --assume ${id}=up, ${id}=down or ${id}=drained`,
      });
    }
  }
  const states = new Map<string, RegionState>();
  for (const region of config.regions) {
    const assumed = assumptions.get(region.id);
    const status = assumed ?? 'up';
    const state: RegionState = {
      id: region.id,
      status,
      since: now,
      upEndpoints: status === 'down' ? [] : region.endpoints.map((e) => e.id),
    };
    if (assumed !== undefined) state.reason = `assumed ${status} (--assume)`;
    states.set(region.id, state);
  }
  return states;
}
