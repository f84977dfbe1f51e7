// One reconcile pass as plain functions: read each zone from its provider → desired records from
// policy → planZone; then apply each zone through the applier, which re-plans to verify. The CLI
// (`plan`, `apply`) and the controller runtime both use these, so what `plan` shows is what runs.

import { createProvider, type DnsProvider } from '../../providers/index.ts';
import { type Config, type ZoneConfig, zoneProviders } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import {
  GeofailoverError,
  normaliseName,
  type RecordSet,
  type RegionStates,
  UsageError,
} from '../model/index.ts';
import { assemblePlan, type Plan, planZone, type ZonePlan } from '../plan/index.ts';
import { type DesiredRecord, desiredRecords, type PolicyInputs, plainRecords } from '../policy/index.ts';
import { type ApplyMode, type ApplyOutcome, applyZonePlan } from './applier.ts';

export interface PlanZonesOptions {
  /** Take ownership of unmarked records at managed names. */
  adopt?: boolean;
  /** Pass the fractions, empty-answer and NS/SOA checks (never ownership). */
  force?: boolean;
  signal?: AbortSignal;
  now?: Date;
  /** Only these zones (any spelling); default: every zone of the config. */
  zones?: readonly string[];
  /** Sees what was read and what policy wants (the controller shows the latter as the published answer). */
  inspect?: (current: readonly RecordSet[], desired: readonly DesiredRecord[]) => void;
  /** What policy reads beside region states: latency records' measured (or assumed) steering. */
  inputs?: PolicyInputs;
}

function selectZones(config: Config, only: readonly string[] | undefined): ZoneConfig[] {
  if (!only) return config.zones;
  const wanted = new Set(only.map(normaliseName));
  const zones = config.zones.filter((z) => wanted.has(normaliseName(z.name)));
  const unknown = [...wanted].filter((w) => !zones.some((z) => normaliseName(z.name) === w));
  if (unknown.length > 0) {
    throw new UsageError(`unknown zone ${unknown.join(', ')}`, {
      zone: unknown[0],
      remedy: `name a zone from the config: ${config.zones.map((z) => z.name).join(', ')}`,
    });
  }
  return zones;
}

function providerOf(zone: ZoneConfig, id: string, providers: ReadonlyMap<string, DnsProvider>): DnsProvider {
  const provider = providers.get(id);
  if (!provider || !zoneProviders(zone).includes(id)) {
    throw new UsageError(`zone ${zone.name}: provider "${id}" is not open for this zone`, {
      zone: zone.name,
      provider: id,
      remedy: 'open every provider the config names (openProviders) before planning',
    });
  }
  return provider;
}

/** Read one zone and plan it: provider.records() → desiredRecords() → planZone(). */
export async function planZoneOf(
  config: Config,
  zone: ZoneConfig,
  provider: DnsProvider,
  states: RegionStates,
  opts: PlanZonesOptions = {},
): Promise<ZonePlan> {
  const names = zone.records.map((r) => r.name);
  const current = await provider.records(zone.name, { names }, opts.signal);
  // A provider without weighted sets publishes each weighted record as one plain set (see plainRecords).
  const desired = plainRecords(
    desiredRecords(config, zone, states, current, opts.inputs),
    provider.capabilities,
    { zone: zone.name, provider: provider.id },
    current,
  );
  opts.inspect?.(current, desired);
  return planZone({
    zone,
    providerId: provider.id,
    providerKind: provider.kind,
    current,
    desired,
    options: {
      owner: config.owner,
      adopt: opts.adopt === true,
      force: opts.force === true,
      safety: config.safety,
    },
  });
}

/** Plan every zone of the config (or `opts.zones`) against its provider. Reads only. */
export async function planZones(
  config: Config,
  providers: ReadonlyMap<string, DnsProvider>,
  states: RegionStates,
  opts: PlanZonesOptions = {},
): Promise<Plan> {
  const zones: ZonePlan[] = [];
  // One plan per (zone, provider): a zone published to several providers is planned against each.
  for (const zone of selectZones(config, opts.zones)) {
    for (const id of zoneProviders(zone))
      zones.push(await planZoneOf(config, zone, providerOf(zone, id, providers), states, opts));
  }
  return assemblePlan(config.owner, zones, opts.now);
}

export interface ApplyPlanOptions extends PlanZonesOptions {
  mode: ApplyMode;
}

/**
 * Apply a plan zone by zone (and provider by provider) through the applier; each written zone is
 * re-planned (same states and options) and must come out empty. A refused zone is skipped (status
 * `refused`), never written. Stops at the first error: zones after it are not touched; but a zone's
 * other providers are still applied (one provider's outage must not keep the zone's other copy
 * stale), and the error then says what they did (PartialApplyError).
 */
export async function applyPlan(
  config: Config,
  plan: Plan,
  providers: ReadonlyMap<string, DnsProvider>,
  states: RegionStates,
  opts: ApplyPlanOptions,
): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  const byName = new Map(config.zones.map((z) => [normaliseName(z.name), z]));
  let failed: { zone: string; error: unknown; siblings: ApplyOutcome[] } | undefined;
  for (const zonePlan of plan.zones) {
    if (failed && failed.zone !== normaliseName(zonePlan.zone)) break;
    const zone = byName.get(normaliseName(zonePlan.zone));
    if (!zone) {
      throw new UsageError(`plan names zone ${zonePlan.zone}, which the config does not have`, {
        zone: zonePlan.zone,
        remedy: 'plan and apply with the same config',
      });
    }
    const provider = providerOf(zone, zonePlan.provider, providers);
    try {
      const outcome = await applyZonePlan(zonePlan, provider, {
        mode: opts.mode,
        ...(opts.signal ? { signal: opts.signal } : {}),
        // Verdicts do not matter after a write (adopt/force only change them): the changes must be empty.
        replan: (signal) =>
          planZoneOf(config, zone, provider, states, {
            ...(signal ? { signal } : {}),
            ...(opts.inputs ? { inputs: opts.inputs } : {}),
          }),
      });
      outcomes.push(outcome);
      failed?.siblings.push(outcome);
    } catch (error) {
      if (zoneProviders(zone).length === 1 || failed) throw failed ? partial(failed) : error;
      failed = { zone: normaliseName(zonePlan.zone), error, siblings: [] };
    }
  }
  if (failed) throw partial(failed);
  return outcomes;
}

/** One provider of a zone failed; the zone's other providers were applied after it. */
export class PartialApplyError extends GeofailoverError {
  constructor(
    readonly error: unknown,
    readonly outcomes: readonly ApplyOutcome[],
    zone: string,
  ) {
    const inner = error instanceof GeofailoverError ? error : undefined;
    const done = outcomes.map(
      (o) => `${o.provider}: ${o.status}${o.changes ? ` (${o.changes} change(s))` : ''}`,
    );
    super(
      `${inner?.message ?? (error as Error)?.message ?? String(error)}${
        done.length > 0 ? `; zone ${zone}'s other provider(s) were applied: ${done.join(', ')}` : ''
      }`,
      { ...(inner?.context ?? {}), zone, cause: error },
    );
  }
}

function partial(f: { zone: string; error: unknown; siblings: ApplyOutcome[] }): PartialApplyError {
  return new PartialApplyError(f.error, f.siblings, f.zone);
}

export interface OpenProvidersOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Only the providers these zones use (default: every provider a zone uses). */
  zones?: readonly string[];
}

/** Build the adapters the config's zones use (lazily imported by kind), keyed by provider id. */
export async function openProviders(
  config: Config,
  opts: OpenProvidersOptions = {},
): Promise<Map<string, DnsProvider>> {
  const ids = new Set(selectZones(config, opts.zones).flatMap(zoneProviders));
  const out = new Map<string, DnsProvider>();
  try {
    for (const id of ids) {
      out.set(
        id,
        await createProvider(id, {
          owner: config.owner,
          config,
          env: opts.env ?? process.env,
          ...(opts.logger ? { logger: opts.logger } : {}),
        }),
      );
    }
  } catch (err) {
    await closeProviders(out);
    throw err;
  }
  return out;
}

/** Release every adapter's sockets and timers; errors while closing are ignored. */
export async function closeProviders(providers: ReadonlyMap<string, DnsProvider>): Promise<void> {
  await Promise.all([...providers.values()].map((p) => p.close?.().catch(() => undefined)));
}
