// Test helper: plan a config's first zone on a provider, and plan -> apply -> re-plan through the real
// policy, planner and applier (as the CLI and controller do), with assumed region statuses or full
// region states. The provider adapter integration tests share it.
import type { DnsProvider } from '../../providers/index.ts';
import type { Config } from '../../src/config/index.ts';
import { applyZonePlan, planZoneOf } from '../../src/controller/index.ts';
import type { RegionState, RegionStatus } from '../../src/model/index.ts';
import type { ZonePlan } from '../../src/plan/index.ts';
import { assumeStates } from '../../src/policy/index.ts';

export type Assume = Record<string, RegionStatus>;

/** Region states from `assume`, or full RegionStates (endpoint-level health). */
export type States = Assume | Map<string, RegionState>;

function toStates(config: Config, s: States): Map<string, RegionState> {
  return s instanceof Map ? s : assumeStates(config, new Map(Object.entries(s)));
}

export async function planZone(
  config: Config,
  p: DnsProvider,
  assume: States = {},
  adopt = false,
): Promise<ZonePlan> {
  return planZoneOf(config, config.zones[0]!, p, toStates(config, assume), { adopt });
}

/**
 * Plan, apply through the applier (which re-plans and throws if anything is left), and plan once
 * more: `again` is what a test asserts empty.
 */
export async function convergeZone(config: Config, p: DnsProvider, assume: States = {}, adopt = false) {
  const zp = await planZone(config, p, assume, adopt);
  const outcome = await applyZonePlan(zp, p, {
    mode: 'apply',
    replan: () => planZone(config, p, assume, adopt),
  });
  const again = await planZone(config, p, assume, adopt);
  return { plan: zp, outcome, again };
}
