// The part `plan` and `apply` share: load the config, turn --assume into region states, open the
// providers, plan every zone; and how a refused plan is reported. Reads only: nothing here writes.
// When the assumed states (--assume, --at) leave a rule or record with no UP region of its own, a
// warning on stderr names them and what they will answer.

import { existsSync } from 'node:fs';
import type { DnsProvider } from '../../providers/index.ts';
import type { Config } from '../config/index.ts';
import { loadConfig } from '../config/index.ts';
import { evaluateWindows, type MaintenanceWindow, windowsFromConfig } from '../health/index.ts';
import { GeofailoverError, isoOrUndefined, type RegionStates, type RegionStatus } from '../model/index.ts';
import type { Plan } from '../plan/index.ts';
import { assumeStates, assumeSteering, type Uncovered, uncovered } from '../policy/index.ts';
import { storedApiWindows } from '../reconcile/operator-stores.ts';
import { closeProviders, openProviders, planZones } from '../reconcile/reconcile.ts';

// apply writes through the same pass; re-exported so the CLI loads it from one light module.
export { applyPlan, closeProviders } from '../reconcile/reconcile.ts';

export interface Planned {
  config: Config;
  states: RegionStates;
  providers: Map<string, DnsProvider>;
  plan: Plan;
}

export interface PlanRequest {
  config: string;
  assume?: ReadonlyMap<string, RegionStatus>;
  /** `--assume-rtt`: prober → region → round-trip time (ms), for latency records. */
  assumeRtt?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  adopt?: boolean;
  force?: boolean;
  /** Plan as DNS will be at this time (epoch ms): regions in a maintenance window then are drained. */
  at?: number;
}

/**
 * `plan --at TIME`: the regions the maintenance windows hold at that time, planned as drained (an
 * explicit --assume for a region wins). The config's windows, plus those added through the API when
 * this machine holds the controller's state dir (`api`, read from its maintenance.json).
 */
export function maintenanceAssumptions(
  config: Config,
  at: number,
  assume: ReadonlyMap<string, RegionStatus>,
  api: { windows: readonly MaintenanceWindow[]; source: string } = { windows: [], source: '' },
): { assume: Map<string, RegionStatus>; note: string } {
  const active = evaluateWindows([...windowsFromConfig(config), ...api.windows], at).active;
  const out = new Map(assume);
  const held: string[] = [];
  for (const [region, occ] of active) {
    if (out.has(region)) continue;
    out.set(region, 'drained');
    held.push(
      `${region} (window ${occ.window} until ${isoOrUndefined(occ.end) ?? `${occ.end} ms`}: ${occ.reason})`,
    );
  }
  const when = new Date(at).toISOString();
  return {
    assume: out,
    note:
      (held.length
        ? `planning at ${when}: in maintenance, planned as drained: ${held.join('; ')}\n`
        : `planning at ${when}: no region is in a maintenance window of the config${api.windows.length > 0 ? ' or the API' : ''}\n`) +
      (api.source ? `${api.source}\n` : ''),
  };
}

/** The API's windows as far as this machine can see them, and a line saying where they came from. */
function apiWindowsHere(config: Config): { windows: MaintenanceWindow[]; source: string } {
  const dir = config.controller.stateDir;
  try {
    const { file, windows } = storedApiWindows(dir);
    if (!existsSync(file))
      return {
        windows: [],
        source: `windows added through the API: not seen (no ${file} here; run this where the controller keeps its state dir)`,
      };
    return { windows, source: `windows added through the API: ${windows.length}, from ${file}` };
  } catch (err) {
    const message = err instanceof GeofailoverError ? err.describe() : (err as Error).message;
    return { windows: [], source: `windows added through the API: not used: ${message}` };
  }
}

/** Plan from a config file. The caller owns `providers` and must closeProviders() them. */
export async function planFromFile(req: PlanRequest): Promise<Planned> {
  const config = loadConfig(req.config);
  // Unknown regions in --assume are a usage error (exit 2) before any provider is opened.
  let assume: ReadonlyMap<string, RegionStatus> = req.assume ?? new Map();
  if (req.at !== undefined) {
    const m = maintenanceAssumptions(config, req.at, assume, apiWindowsHere(config));
    process.stderr.write(m.note);
    assume = m.assume;
  }
  const states = assumeStates(config, assume);
  const inputs = req.assumeRtt ? { steering: assumeSteering(config, req.assumeRtt) } : {};
  process.stderr.write(uncoveredText(uncovered(config, states), req.at));
  const providers = await openProviders(config);
  try {
    const plan = await planZones(config, providers, states, {
      adopt: req.adopt === true,
      force: req.force === true,
      inputs,
    });
    return { config, states, providers, plan };
  } catch (err) {
    await closeProviders(providers);
    throw err;
  }
}

/** The warning for rules and records the assumed states leave to their last resort (none: empty). */
export function uncoveredText(list: readonly Uncovered[], at?: number): string {
  if (list.length === 0) return '';
  const when = at === undefined ? 'with these region states' : `at ${new Date(at).toISOString()}`;
  const lines = [
    `warning: ${list.length} rule(s) or record(s) have no UP region of their own ${when}:`,
    ...list.map((u) => `  ${u.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One paragraph for stderr: which zones were refused by which checks, and what to do. */
export function refusalMessage(plan: Plan, command: 'plan' | 'apply'): string {
  const lines = ['refused by the safety gate: nothing was applied.'];
  for (const z of plan.zones.filter((zp) => !zp.allowed)) {
    for (const v of z.safety.filter((s) => !s.ok)) lines.push(`  ${v.check}: ${v.message}`); // the message names the zone and provider
  }
  const ownership = plan.zones.some(
    (z) => !z.allowed && z.safety.some((v) => v.check === 'ownership' && !v.ok),
  );
  lines.push(
    ownership
      ? `  remedy: review the plan above; records without a marker can be taken over with --adopt (another owner's never)`
      : `  remedy: review the plan above; if it is intended, run \`geofailover apply --force\`${command === 'apply' ? '' : ' with the same options'}`,
  );
  return `${lines.join('\n')}\n`;
}
