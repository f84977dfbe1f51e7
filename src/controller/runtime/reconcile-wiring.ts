// One ZoneReconciler per (zone, provider) (each writing through its provider, the shared ones only
// while this replica may write) and the scheduler that runs their passes on health, schedule, API and retry.
import type { DnsProvider } from '../../../providers/index.ts';
import type { ControllerMetrics } from '../../api/index.ts';
import { type Config, zoneProviders } from '../../config/index.ts';
import type { Coordinator, WriteCheck } from '../../coordination/index.ts';
import type { HealthEngine } from '../../health/index.ts';
import type { Logger } from '../../log/index.ts';
import { normaliseName, type SteeringInput } from '../../model/index.ts';
import type { NameserversFor } from '../../reconcile/nameservers.ts';
import type { EventLog } from '../state/event-log.ts';
import { ReconcileScheduler } from './scheduler.ts';
import { ZoneReconciler } from './zone-reconciler.ts';

export interface ReconcileWiring {
  /** One per (zone, provider), keyed by unitKey(zone, provider). */
  reconcilers: Map<string, ZoneReconciler>;
  scheduler: ReconcileScheduler;
}

/**
 * The scheduler's unit: a zone on one provider. A zone published to several providers has one unit
 * per provider, each with its own pass, retries and backoff, so a provider that hangs or fails never
 * delays the other's failover.
 */
export function unitKey(zone: string, provider: string): string {
  return `${normaliseName(zone)} ${provider}`;
}

export function wireReconcile(o: {
  config: Config;
  providers: ReadonlyMap<string, DnsProvider>;
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  logger: Logger;
  coordinator: Coordinator;
  nameservers: NameserversFor;
  /** Latency records' measured steering (absent: no record steers by latency). */
  steering?: () => SteeringInput;
}): ReconcileWiring {
  const { config, coordinator } = o;
  const reconcilers = new Map<string, ZoneReconciler>();
  // The scheduler is built after the reconcilers, which only call it later (retry).
  let scheduler: ReconcileScheduler | undefined;
  for (const zone of config.zones) {
    const name = normaliseName(zone.name);
    for (const id of zoneProviders(zone)) {
      const provider = o.providers.get(id)!;
      const key = unitKey(name, id);
      reconcilers.set(
        key,
        new ZoneReconciler({
          config,
          zone,
          provider,
          engine: o.engine,
          events: o.events,
          metrics: o.metrics,
          logger: o.logger.child({ zone: name, provider: id }),
          nameservers: o.nameservers(name, provider),
          secondaries: () => secondariesOf(config, provider),
          canWrite: unitCanWrite(provider, coordinator),
          ...(o.steering ? { steering: o.steering } : {}),
          retry: (delayMs) => {
            const t = setTimeout(() => void scheduler?.trigger({ kind: 'retry' }, [key]), delayMs);
            t.unref();
          },
        }),
      );
    }
  }
  scheduler = new ReconcileScheduler((unit, triggers) => reconcilers.get(unit)!.pass(triggers), {
    zones: [...reconcilers.keys()],
    debounceMs: config.controller.debounce,
    schedule: config.controller.schedule,
    logger: o.logger,
  });
  return { reconcilers, scheduler };
}

/**
 * Fencing for one unit. A zone kept per replica (builtin) is served by each replica from its own store
 * (each is one of the zone's nameservers), so every replica writes its own copy; shared providers only
 * through the leader.
 */
export function unitCanWrite(provider: DnsProvider, coordinator: Coordinator): () => WriteCheck {
  return provider.capabilities.copyPerReplica ? () => ({ ok: true }) : () => coordinator.canWrite();
}

/** A builtin hidden primary's secondaries are nameservers of its zones too (unless verify.nameservers is set). */
function secondariesOf(config: Config, provider: DnsProvider): string[] {
  const cfg = config.providers[provider.id];
  if (config.verify.nameservers.length > 0 || cfg?.kind !== 'builtin') return [];
  return cfg.secondaries;
}
