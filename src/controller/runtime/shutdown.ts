// The controller's stop sequence (idempotent): stop taking requests, finish the apply in flight,
// remove the writer's leases, resign leadership, close DNS and providers, flush notifications, health memory and the event log.
import type { Server } from 'node:http';
import type { Coordinator } from '../../coordination/index.ts';
import type { Logger } from '../../log/index.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { EventLog } from '../state/event-log.ts';
import type { HealthMemoryStore } from '../state/state-store.ts';
import type { DnsServerHandle } from './embedded-dns.ts';
import type { LeaseKeepers } from './lease-wiring.ts';
import type { ReconcileScheduler } from './scheduler.ts';

export interface ShutdownParts {
  replica: string;
  ticker: NodeJS.Timeout;
  /** Stops polling signal sources (in-flight queries aborted). */
  stopSignals: () => Promise<void>;
  /** Latency steering's ticker, when a record steers by latency. */
  steeringTicker?: NodeJS.Timeout | undefined;
  server: Server;
  scheduler: ReconcileScheduler;
  leases: LeaseKeepers;
  /** The most the leases' removal may take. */
  leaseReleaseMs: number;
  coordinator: Coordinator;
  dns: DnsServerHandle | undefined;
  closeOwnProviders: () => Promise<void>;
  notifier: Notifier | undefined;
  healthStore: HealthMemoryStore;
  events: EventLog;
  logger: Logger;
}

/** The stop() of a running controller: the first call runs the sequence, later calls share it. */
export function shutdownSequence(p: ShutdownParts): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      clearInterval(p.ticker);
      await p.stopSignals();
      clearInterval(p.steeringTicker);
      await new Promise<void>((r) => {
        p.server.close(() => r());
        p.server.closeAllConnections();
      });
      // Finish the apply in flight (never cut a provider write in half), then close.
      await p.scheduler.stop();
      // Remove the writer's leases while this replica may still write (before resigning), so a
      // scheduled apply may write at once; bounded: a lease not removed runs out by itself.
      await p.leases.stop(p.leaseReleaseMs);
      // Then resign, so another replica takes over at once (bounded: resign hangs while etcd is frozen).
      await p.coordinator.stop(2000);
      await p.dns?.close().catch(() => undefined);
      await p.closeOwnProviders();
      await p.notifier?.drain(2000);
      p.notifier?.close();
      await p.healthStore.flush();
      p.events.append('controller-stopped', { replica: p.replica });
      p.events.close();
      p.logger.info({ replica: p.replica }, 'controller stopped');
    })();
    return stopping;
  };
}
