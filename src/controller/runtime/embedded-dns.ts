// The embedded builtin DNS server(s): started in-process for each builtin provider a zone uses that
// has `listen`, sharing one zone store with the provider so the server hears of writes at once. They
// share the process's CPU and memory budget: each is sized with the workers the earlier ones run.

import type { ControllerMetrics, DnsServerView } from '../../api/index.ts';
import { type Config, zoneProviders } from '../../config/index.ts';
import type { Logger } from '../../log/index.ts';

export interface DnsServerHandle {
  addresses: string[];
  /** The addresses of one builtin provider's server (provider redundancy confirms each on its own). */
  addressesOf(providerId: string): string[] | undefined;
  /** Each server: where it listens, how many workers serve it and why (for status). */
  views(): DnsServerView[];
  close(): Promise<void>;
}

/** Start the builtin DNS server in-process for each builtin provider a zone uses that has `listen`. */
export async function startEmbeddedDns(
  config: Config,
  logger: Logger,
  metrics: ControllerMetrics,
  env: NodeJS.ProcessEnv = process.env,
  onNotify?: (o: import('../../../providers/builtin/dns-server/index.ts').NotifyOutcome) => void,
  /** The config file, named in the error about a `workers` that does not fit. */
  configFile?: string,
): Promise<DnsServerHandle | undefined> {
  const wanted = Object.entries(config.providers).filter(
    ([id, p]) =>
      p.kind === 'builtin' &&
      p.listen !== undefined &&
      config.zones.some((z) => zoneProviders(z).includes(id)),
  );
  if (wanted.length === 0) return undefined;
  const builtin = await import('../../../providers/builtin/index.ts');
  const server = await import('../../../providers/builtin/dns-server/index.ts');
  const handles: {
    providerId: string;
    addresses: string[];
    sizing: import('../../../providers/builtin/dns-server/index.ts').WorkerBudget;
    close(): Promise<void>;
    stats: () => import('../../../providers/builtin/dns-server/index.ts').DnsStats;
  }[] = [];
  try {
    for (const [providerId, cfg] of wanted) {
      if (cfg.kind !== 'builtin') continue;
      // The provider and the server share one store instance: the server hears of writes in-process.
      // A first start has no store file yet: that is an empty zone set, written on the first apply.
      const store = builtin.sharedZoneStore(builtin.storeFileOf(cfg, config), logger);
      store.loadOrEmpty();
      const h = await server.startDnsServer({
        config,
        providerId,
        store,
        logger: logger.child({ component: 'dns', provider: providerId }),
        env, // TSIG key secrets of a hidden primary
        ...(onNotify ? { onNotify } : {}),
        ...(configFile === undefined ? {} : { configFile }),
        workersElsewhere: handles.reduce((n, x) => n + x.sizing.workers - 1, 0),
      });
      handles.push({
        providerId,
        addresses: h.addresses.map((a) =>
          a.family === 'IPv6' ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`,
        ),
        sizing: h.sizing,
        close: () => h.close(),
        stats: () => h.stats(),
      });
    }
  } catch (err) {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    throw err;
  }
  // Queries, answers by rcode, malformed packets and cache hits of the embedded server(s).
  server.registerDnsMetrics(metrics.registry, () => handles.map((h) => h.stats));
  // How many workers each runs and why (a cgroup quota, a memory limit, the setting).
  server.registerDnsWorkersGauge(metrics.registry, () =>
    handles.map((h) => ({ provider: h.providerId, sizing: h.sizing })),
  );
  return {
    addresses: handles.flatMap((h) => h.addresses),
    addressesOf: (id) => handles.find((h) => h.providerId === id)?.addresses,
    views: () =>
      handles.map((h) => ({
        provider: h.providerId,
        addresses: h.addresses,
        workers: h.sizing.workers,
        limit: h.sizing.limit,
        reason: h.sizing.reason,
      })),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
