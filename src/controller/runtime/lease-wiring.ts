// One LeaseKeeper per (zone, provider) unit this controller may write, started once coordination has
// started, nudged when leadership is gained, stopped (and the leases removed) on a clean shutdown.
import type { DnsProvider } from '../../../providers/index.ts';
import { type Config, zoneProviders } from '../../config/index.ts';
import type { Coordinator } from '../../coordination/index.ts';
import type { Logger } from '../../log/index.ts';
import { type EventJournal, normaliseName } from '../../model/index.ts';
import { LeaseKeeper, type LeaseView } from './lease-keeper.ts';
import { unitCanWrite, unitKey } from './reconcile-wiring.ts';

/**
 * Whether a unit keeps a lease. Not in dry-run: such a controller writes nothing, so a scheduled apply
 * does not fight it. Not on a provider whose zones live inside one process (memory), which no
 * other process (no `geofailover apply`) can read or write.
 */
export function keepsLease(config: Config, provider: Pick<DnsProvider, 'capabilities'>): boolean {
  return config.controller.mode === 'apply' && provider.capabilities.sharedAcrossProcesses;
}

export interface LeaseKeepers {
  start(): void;
  /** This replica has just become the leader: take the leases now. */
  nudge(): void;
  /** Stop renewing and remove the leases this replica holds, all within `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
  /** By unitKey(zone, provider). */
  views(): Map<string, LeaseView>;
}

export function wireLeases(o: {
  config: Config;
  providers: ReadonlyMap<string, DnsProvider>;
  coordinator: Coordinator;
  replica: string;
  events: Pick<EventJournal, 'append'>;
  logger: Logger;
}): LeaseKeepers {
  const { lease } = o.config.controller;
  const keepers = new Map<string, LeaseKeeper>();
  for (const zone of o.config.zones) {
    const name = normaliseName(zone.name);
    for (const id of zoneProviders(zone)) {
      const provider = o.providers.get(id)!;
      if (!keepsLease(o.config, provider)) continue;
      keepers.set(
        unitKey(name, id),
        new LeaseKeeper({
          provider,
          zone: name,
          owner: o.config.owner,
          replica: o.replica,
          durationMs: lease.duration,
          renewEveryMs: lease.renewEvery,
          canWrite: unitCanWrite(provider, o.coordinator),
          events: o.events,
          logger: o.logger.child({ zone: name, provider: id }),
        }),
      );
    }
  }
  return {
    start: () => {
      for (const k of keepers.values()) k.start();
    },
    nudge: () => {
      for (const k of keepers.values()) k.nudge();
    },
    stop: async (timeoutMs) => {
      await Promise.all([...keepers.values()].map((k) => k.stop(timeoutMs)));
    },
    views: () => new Map([...keepers].map(([key, k]) => [key, k.view()])),
  };
}
