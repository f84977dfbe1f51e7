// Endpoint weights and failback-ramp record shapes on a Route 53 API (the strict fake or moto): the
// cases both suites run, each converging (plan -> apply -> re-plan finds zero changes).
import { expect } from 'vitest';
import type { DnsProvider } from '../../../providers/index.ts';
import { type Config, parseConfig } from '../../../src/config/index.ts';
import { applyZonePlan, planZoneOf } from '../../../src/controller/index.ts';
import type { RampStep, RecordSet, RegionState } from '../../../src/model/index.ts';
import { OWNER, RECORDS, REGIONS } from './helpers.ts';

/** The helpers' config with us-east's endpoints weighted 3:1. */
export function weightedEndpointsConfig(
  provider: Record<string, unknown>,
  records: readonly object[],
  weights = [3, 1],
) {
  const regions = REGIONS.map((r) =>
    r.id === 'us-east' ? { ...r, endpoints: r.endpoints.map((e, i) => ({ ...e, weight: weights[i] })) } : r,
  );
  return parseConfig(
    JSON.stringify({
      owner: OWNER,
      regions,
      providers: { aws: { kind: 'route53', ...provider } },
      zones: [{ name: 'example.com', provider: 'aws', records }],
      health: { failbackRamp: { steps: [10, 25, 50, 100], stepAfter: '30s' } },
    }),
  );
}

export function up(id: string, endpoints: string[], ramp?: RampStep): RegionState {
  return { id, status: 'up', since: 1, upEndpoints: endpoints, ...(ramp ? { ramp } : {}) };
}

export function down(id: string): RegionState {
  return { id, status: 'down', since: 1, upEndpoints: [] };
}

export const ALL_UP = () =>
  new Map([
    ['us-east', up('us-east', ['use-a', 'use-b'])],
    ['eu-west', up('eu-west', ['euw-a'])],
    ['ap-south', up('ap-south', ['aps-a'])],
  ]);

/** plan -> apply through the applier (it re-plans and demands zero) -> plan again == zero changes. */
export async function convergeStates(
  config: Config,
  provider: DnsProvider,
  states: Map<string, RegionState>,
) {
  const plan = () => planZoneOf(config, config.zones[0]!, provider, states);
  const p = await plan();
  const outcome = await applyZonePlan(p, provider, { mode: 'apply', replan: plan });
  expect(outcome.status === 'applied' || outcome.status === 'no-changes').toBe(true);
  const again = await plan();
  expect(again.changes).toEqual([]);
  return p;
}

export const at = (recs: RecordSet[], name: string) =>
  recs
    .filter((r) => r.name === `${name}.example.com.` && r.type === 'A')
    .map((r) => [r.setId ?? '', r.weight ?? null, r.values.join(',')])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

export { RECORDS };
