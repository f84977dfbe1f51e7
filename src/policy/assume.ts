// Region states from `plan --assume REGION=up|down|drained`: what-if planning without probes. An
// address family of a region can be assumed on its own (`us-east/ipv6=down`): its A or AAAA answers
// then follow that, the region's other answers its own state.
import type { Config } from '../config/index.ts';
import {
  ADDRESS_FAMILIES,
  type AddressFamily,
  endpointAddresses,
  type FamilyState,
  type RegionState,
  type RegionStatus,
  UsageError,
} from '../model/index.ts';

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
  const families = new Map<string, Partial<Record<AddressFamily, RegionStatus>>>();
  for (const [key, status] of assumptions) {
    const [id, family] = key.split('/') as [string, string | undefined];
    if (!known.has(id)) {
      throw new UsageError(`--assume names unknown region "${id}"`, {
        region: id,
        value: `${key}=${status}`,
        remedy: `use one of: ${[...known].join(', ')}`,
      });
    }
    if (family !== undefined) {
      if (!ADDRESS_FAMILIES.includes(family as AddressFamily) || (status !== 'up' && status !== 'down')) {
        throw new UsageError(
          `--assume ${key}=${String(status)}: an address family is ipv4 or ipv6, up or down`,
          {
            region: id,
            value: `${key}=${status}`,
            remedy: `write --assume ${id}/ipv6=down (or ${id}/ipv4=…; drain the region as a whole with ${id}=drained)`,
          },
        );
      }
      families.set(id, { ...families.get(id), [family]: status });
      continue;
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
    const fams = families.get(region.id);
    if (fams) {
      // Each family assumed alone; the other follows the region. A drained or down region holds both.
      state.families = {};
      for (const f of ADDRESS_FAMILIES) {
        const mine = status === 'up' ? (fams[f] ?? 'up') : status;
        const fs: FamilyState = {
          status: mine,
          since: now,
          upEndpoints:
            mine === 'down'
              ? []
              : region.endpoints
                  .filter((e) => endpointAddresses(e).some((a) => a.family === f))
                  .map((e) => e.id),
        };
        if (fams[f] !== undefined) fs.reason = `assumed ${fams[f]} (--assume ${region.id}/${f})`;
        state.families[f] = fs;
      }
    }
    states.set(region.id, state);
  }
  return states;
}
