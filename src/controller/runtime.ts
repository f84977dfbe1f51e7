// The long-running controller: report API → health engine → event-driven and scheduled reconcile
// of every zone, the embedded builtin DNS server, state (drains, event log) and the HTTP API.

import { randomUUID } from 'node:crypto';
import { resolve4, resolveNs } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { DnsProvider } from '../../providers/index.ts';
import { type Config, proberKeys, secretFromEnv } from '../config/index.ts';
import { CoordinationError, type Coordinator, createCoordinator } from '../coordination/index.ts';
import { HealthEngine, type HealthEvent } from '../health/index.ts';
import { createLogger, type Logger } from '../log/index.ts';
import { GeofailoverError, normaliseName, UsageError } from '../model/index.ts';
import type { StatusDoc } from '../server/index.ts';
import {
  apiRoutes,
  type ControllerApi,
  ControllerMetrics,
  createReportHandler,
  createRouterServer,
  HttpError,
  type Route,
} from '../server/index.ts';
import { EventLog } from './event-log.ts';
import { explain, UnknownRecordError } from './explain.ts';
import { Notifier } from './notifier.ts';
import { closeProviders, openProviders } from './reconcile.ts';
import { ReconcileScheduler } from './scheduler.ts';
import { DrainStore, HealthMemoryStore } from './state-store.ts';
import { buildStatus } from './status-view.ts';
import { ZoneReconciler } from './zone-reconciler.ts';

export interface ControllerOptions {
  config: Config;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** More routes (the demo's fail/heal switches, the dashboard). */
  extraRoutes?: Route[];
  replicaId?: string;
  /** Override controller.listen (tests: "127.0.0.1:0"). */
  listen?: string;
  /** Adapters to use instead of building them from config (tests; embedding). Keyed by provider id. */
  providers?: ReadonlyMap<string, DnsProvider>;
}

export interface RunningController {
  url: string;
  /** host:port of the embedded builtin DNS server(s). */
  dnsAddresses: string[];
  replica: string;
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  /** Leadership among replicas (kind none: always this one). */
  coordinator: Coordinator;
  status(): StatusDoc;
  reconcileNow(): Promise<void>;
  stop(): Promise<void>;
}

interface DnsServerHandle {
  addresses: string[];
  close(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`listen address ${listen} is not HOST:PORT`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Turn health events into audit-trail entries (ISO time, flat fields the CLI shows). */
function auditOf(e: HealthEvent): Record<string, unknown> {
  return {
    at_engine: new Date(e.at).toISOString(),
    ...(e.region ? { region: e.region } : {}),
    ...(e.endpoint ? { endpoint: e.endpoint } : {}),
    ...(e.prober ? { prober: e.prober } : {}),
    from: e.from,
    to: e.to,
    evidence: e.evidence,
  };
}

export async function startController(opts: ControllerOptions): Promise<RunningController> {
  const { config } = opts;
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger('geofailover-controller');
  const replica = opts.replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const startedAt = Date.now();
  const stateDir = config.controller.stateDir;

  // Secrets first: a missing key is a startup error, before anything listens.
  const keys = proberKeys(config, env);
  const token = config.controller.tokenEnv
    ? secretFromEnv(config.controller.tokenEnv, 'controller.tokenEnv', env)
    : undefined;

  const metrics = new ControllerMetrics();
  const events = new EventLog(stateDir, { maxBytes: config.controller.eventLogMaxBytes });
  const drainStore = new DrainStore(stateDir);
  // Notifications ride on the audit trail: every appended event is offered to the notifier's queue.
  const notifier =
    config.notifications.length > 0
      ? new Notifier({
          owner: config.owner,
          hooks: config.notifications,
          env,
          metrics,
          logger: logger.child({ component: 'notify' }),
        })
      : undefined;
  // With replicas only the leader notifies, and events mirrored from another replica are not re-sent.
  if (notifier)
    events.on('event', (e) => {
      if (e.origin === undefined && coordinator.view().role !== 'follower') notifier.handle(e);
    });
  const engine = new HealthEngine(config);
  /** The engine's drains as persisted and shared (ISO times). */
  const drainRecords = () =>
    engine.drains().map((d) => ({
      region: d.region,
      reason: d.reason,
      author: d.author,
      at: new Date(d.at).toISOString(),
      ...(d.until === undefined ? {} : { until: new Date(d.until).toISOString() }),
    }));
  const restored = drainStore.load();
  // The engine's memory of each region from the last run: a restart continues a failback hold-down.
  const healthStore = new HealthMemoryStore(stateDir);
  const remembered = healthStore.load();
  if (remembered.problem) logger.warn(remembered.problem);
  engine.restoreHistory(remembered.memory);
  engine.restore(
    restored.map((d) => ({
      region: d.region,
      reason: d.reason,
      author: d.author,
      at: Date.parse(d.at),
      ...(d.until ? { until: Date.parse(d.until) } : {}),
    })),
  );
  // Coordination (issue 9): who may write DNS, drains and decisions shared between replicas. The hooks
  // run only after coordinator.start(), once everything they use exists.
  const coordinator = createCoordinator(config, {
    replica,
    logger,
    events,
    onChange: (view, gained) => {
      metrics.leader.set(view.role === 'follower' ? 0 : 1);
      if (gained) void scheduler?.trigger({ kind: 'leadership' });
    },
    localDrains: () => drainRecords(),
    applyDrain: (region, d) =>
      onHealthEvents([
        d
          ? engine.drain(region, {
              reason: d.reason,
              author: d.author,
              ...(d.until ? { until: Date.parse(d.until) } : {}),
            })
          : engine.undrain(region, 'etcd'),
      ]),
  });
  const errors: StatusDoc['errors'] = [];
  const pushError = (message: string, zone?: string) => {
    errors.push({ at: new Date().toISOString(), ...(zone ? { zone } : {}), message });
    if (errors.length > 50) errors.splice(0, errors.length - 50);
  };

  const injected = opts.providers !== undefined;
  const providers = opts.providers ?? (await openProviders(config, { env, logger }));
  if ([...providers.values()].some((p) => p.kind === 'cloudflare')) {
    // The Cloudflare request budget left, per token (hashed), next to the controller's own metrics.
    (await import('../../providers/cloudflare/index.ts')).registerBudgetGauge(metrics.registry);
  }
  const closeOwnProviders = () => (injected ? Promise.resolve() : closeProviders(providers));
  let dns: DnsServerHandle | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    // A secondary that does not take a hidden primary's NOTIFY is an event (it lags until its refresh).
    dns = await startEmbeddedDns(config, logger, metrics, env, (o) => {
      if (!o.ok) events.append('notify-failed', { ...o });
    });
  } catch (err) {
    await closeOwnProviders();
    events.close();
    throw err;
  }

  const saveDrains = () => drainStore.save(drainRecords());

  // Zones and their reconcilers.
  const nsCache = new Map<string, { at: number; list: string[] }>();
  const nameserversFor = (zoneName: string, provider: DnsProvider) => async (): Promise<string[]> => {
    if (config.verify.nameservers.length > 0) return config.verify.nameservers;
    if (provider.kind === 'builtin') {
      const cfg = config.providers[provider.id];
      const listen = cfg?.kind === 'builtin' && cfg.listen ? [cfg.listen].flat() : [];
      return dns?.addresses.length ? dns.addresses : listen;
    }
    const hit = nsCache.get(zoneName);
    if (hit && Date.now() - hit.at < 300_000) return hit.list;
    const names = await resolveNs(zoneName.replace(/\.$/, ''));
    const list = (await Promise.all(names.map((n) => resolve4(n).catch(() => [] as string[]))))
      .flat()
      .map((a) => `${a}:53`);
    nsCache.set(zoneName, { at: Date.now(), list });
    return list;
  };

  const reconcilers = new Map<string, ZoneReconciler>();
  // The scheduler is built after the reconcilers, which only call it later (retry).
  let scheduler: ReconcileScheduler | undefined;
  for (const zone of config.zones) {
    const provider = providers.get(zone.provider)!;
    const name = normaliseName(zone.name);
    reconcilers.set(
      name,
      new ZoneReconciler({
        config,
        zone,
        provider,
        engine,
        events,
        metrics,
        logger: logger.child({ zone: name }),
        nameservers: nameserversFor(name, provider),
        secondaries: () => secondariesOf(config, provider),
        // A builtin zone is served by each replica from its own store (each is one of the zone's
        // nameservers), so every replica writes its own copy; shared providers only through the leader.
        canWrite: provider.kind === 'builtin' ? () => ({ ok: true }) : () => coordinator.canWrite(),
        retry: (delayMs) => {
          const t = setTimeout(() => void scheduler?.trigger({ kind: 'retry' }, [name]), delayMs);
          t.unref();
        },
      }),
    );
  }
  scheduler = new ReconcileScheduler((zone, triggers) => reconcilers.get(zone)!.pass(triggers), {
    zones: [...reconcilers.keys()],
    debounceMs: config.controller.debounce,
    schedule: config.controller.schedule,
    logger,
  });

  // Health events: audit, metrics, and an immediate (debounced) reconcile when policy input moved.
  const onHealthEvents = (list: readonly HealthEvent[], cause?: number) => {
    let reconcile = false;
    let rememberHealth = false;
    for (const e of list) {
      events.append(e.type, auditOf(e));
      if (e.type === 'region-transition') metrics.regionTransitions.inc({ region: e.region ?? '', to: e.to });
      if (e.type === 'drain' || e.type === 'undrain') saveDrains();
      if (e.type === 'region-transition' || e.type === 'failback-hold' || e.type === 'failback-aborted') {
        rememberHealth = true;
      }
      if (e.type !== 'vote-transition' && e.type !== 'prober-impaired') reconcile = true;
      if (e.type === 'fail-static') {
        const msg =
          e.to === 'on' ? 'fail static: too few fresh probers, DNS held as it is' : 'fail static ended';
        logger.warn({ evidence: e.evidence }, msg);
        if (e.to === 'on') pushError(msg);
      }
    }
    if (reconcile) void scheduler!.trigger({ kind: 'health', ...(cause === undefined ? {} : { at: cause }) });
    // Off the failover's path: the write goes to the thread pool, the newest memory wins.
    if (rememberHealth)
      healthStore.saveSoon(engine.history(), (err) => logger.error({ err }, 'cannot save health memory'));
    updateGauges();
  };

  const updateGauges = () => {
    const snap = engine.snapshot();
    metrics.freshProbers.set(snap.freshProbers.length);
    metrics.failStatic.set(snap.failStatic ? 1 : 0);
    for (const r of snap.regions) {
      metrics.regionUp.set({ region: r.id }, r.status === 'up' ? 1 : 0);
      metrics.regionDrained.set({ region: r.id }, r.status === 'drained' ? 1 : 0);
    }
    for (const e of snap.endpoints) {
      metrics.endpointUp.set(
        { region: e.region, endpoint: e.id },
        e.state === 'up' ? 1 : e.state === 'down' ? 0 : -1,
      );
    }
  };

  const reportHandler = createReportHandler({
    config,
    keys,
    engine,
    // The deciding report's time: taken when the engine has ingested it (body read and verified).
    onEvents: (list) => onHealthEvents(list, performance.now()),
    onReject: (reason) => metrics.reportsRejected.inc({ reason }),
    onAccept: (report) => {
      metrics.reportsAccepted.inc({ prober: report.prober });
      metrics.probeResults.inc(report.results.length);
    },
  });

  const tickMs = Math.max(50, Math.min(500, Math.floor(config.health.interval / 4)));
  const ticker = setInterval(() => {
    try {
      const list = engine.tick();
      if (list.length > 0) onHealthEvents(list);
    } catch (err) {
      logger.error({ err }, 'health tick failed');
    }
  }, tickMs);

  const status = (): StatusDoc =>
    buildStatus({
      config,
      snapshot: engine.snapshot(),
      zones: [...reconcilers.values()].map((r) => r.view()),
      replica,
      startedAt,
      role: coordinator.view().role,
      ...(coordinator.view().leader ? { leader: coordinator.view().leader } : {}),
      coordination: coordinator.view(),
      errors: [...errors],
    });

  // A drain holds on every replica or nowhere: refused (503) when it cannot be shared through etcd.
  const shared = async (op: () => Promise<void>) => {
    try {
      await op();
    } catch (err) {
      if (err instanceof CoordinationError)
        throw new HttpError(503, err.describe(), 'coordination-unavailable');
      throw err;
    }
  };

  const regionIds = new Set(config.regions.map((r) => r.id));
  const api: ControllerApi = {
    token,
    status,
    events: (since, limit, types) => events.since(since, limit, types),
    drain: async (region, body) => {
      if (!regionIds.has(region))
        throw new HttpError(
          404,
          `unknown region "${region}"; known: ${[...regionIds].join(', ')}`,
          'unknown-region',
        );
      const until = body.forMs === undefined ? undefined : Date.now() + body.forMs;
      await shared(() =>
        coordinator.publishDrain({
          region,
          reason: body.reason,
          author: body.author,
          at: new Date().toISOString(),
          ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
        }),
      );
      const e = engine.drain(region, {
        reason: body.reason,
        author: body.author,
        ...(until === undefined ? {} : { until }),
      });
      onHealthEvents([e]);
      return {
        region,
        drained: true,
        reason: body.reason,
        author: body.author,
        ...(until ? { until: new Date(until).toISOString() } : {}),
      };
    },
    undrain: async (region, author) => {
      if (!regionIds.has(region))
        throw new HttpError(
          404,
          `unknown region "${region}"; known: ${[...regionIds].join(', ')}`,
          'unknown-region',
        );
      await shared(() => coordinator.publishUndrain(region, author ?? 'unknown'));
      const e = engine.undrain(region, author);
      onHealthEvents([e]);
      return { region, drained: false };
    },
    reconcile: async () => {
      await scheduler!.trigger({ kind: 'api' });
      return { zones: [...reconcilers.values()].map((r) => r.view()) };
    },
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.registry.metrics(),
    }),
    reports: reportHandler,
    explain: (name, type) => {
      try {
        return explain({
          config,
          name,
          ...(type ? { type } : {}),
          snapshot: engine.snapshot(),
          states: engine.regionStates(),
          published: [...reconcilers.values()].flatMap((r) => r.view().records),
          events: events.since(undefined, 10_000, ['region-transition']),
        });
      } catch (err) {
        if (err instanceof UnknownRecordError) throw new HttpError(404, err.message, 'unknown-record');
        throw err;
      }
    },
    healthy: () => ({ ok: true, detail: `up since ${new Date(startedAt).toISOString()}` }),
  };

  const routes = [...(opts.extraRoutes ?? []), ...apiRoutes(api)];
  const server = createRouterServer(() => routes, logger);
  const { host, port } = splitListen(opts.listen ?? config.controller.listen);
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (err) {
    clearInterval(ticker);
    await scheduler.stop();
    await dns?.close();
    await closeOwnProviders();
    events.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new GeofailoverError(
      code === 'EADDRINUSE'
        ? `cannot listen on ${host}:${port}: the address is in use`
        : `cannot listen on ${host}:${port}: ${(err as Error).message}`,
      { remedy: 'stop the other process or set controller.listen to a free address', cause: err },
    );
  }
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  events.append('controller-started', {
    replica,
    url,
    mode: config.controller.mode,
    dns: dns?.addresses ?? [],
    drainsRestored: restored.length,
  });
  logger.info({ url, dns: dns?.addresses, mode: config.controller.mode, replica }, 'controller started');
  await coordinator.start();
  metrics.leader.set(coordinator.view().role === 'follower' ? 0 : 1);
  scheduler.start();
  updateGauges();
  // A first pass shows what is served; it changes nothing until health has been decided.
  void scheduler.trigger({ kind: 'startup' });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(ticker);
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      // Finish the apply in flight (never cut a provider write in half), then close.
      await scheduler!.stop();
      // Then resign, so another replica takes over at once (bounded: resign hangs while etcd is frozen).
      await coordinator.stop(2000);
      for (const c of closers) await c().catch(() => undefined);
      await dns?.close().catch(() => undefined);
      await closeOwnProviders();
      await notifier?.drain(2000);
      notifier?.close();
      await healthStore.flush();
      events.append('controller-stopped', { replica });
      events.close();
      logger.info({ replica }, 'controller stopped');
    })();
    return stopping;
  };

  return {
    url,
    dnsAddresses: dns?.addresses ?? [],
    replica,
    engine,
    events,
    metrics,
    coordinator,
    status,
    reconcileNow: () => scheduler!.trigger({ kind: 'api' }),
    stop,
  };
}

/** A builtin hidden primary's secondaries are nameservers of its zones too (unless verify.nameservers is set). */
function secondariesOf(config: Config, provider: DnsProvider): string[] {
  const cfg = config.providers[provider.id];
  if (config.verify.nameservers.length > 0 || cfg?.kind !== 'builtin') return [];
  return cfg.secondaries;
}

/** Start the builtin DNS server in-process for each builtin provider a zone uses that has `listen`. */
async function startEmbeddedDns(
  config: Config,
  logger: Logger,
  metrics: ControllerMetrics,
  env: NodeJS.ProcessEnv,
  onNotify: (o: import('../../providers/builtin/index.ts').NotifyOutcome) => void,
): Promise<DnsServerHandle | undefined> {
  const wanted = Object.entries(config.providers).filter(
    ([id, p]) =>
      p.kind === 'builtin' && p.listen !== undefined && config.zones.some((z) => z.provider === id),
  );
  if (wanted.length === 0) return undefined;
  const builtin = await import('../../providers/builtin/index.ts');
  const handles: {
    addresses: string[];
    close(): Promise<void>;
    stats: () => import('../../providers/builtin/index.ts').DnsStats;
  }[] = [];
  try {
    for (const [providerId, cfg] of wanted) {
      if (cfg.kind !== 'builtin') continue;
      // The provider and the server share one store instance: the server hears of writes in-process.
      // A first start has no store file yet: that is an empty zone set, written on the first apply.
      const store = builtin.sharedZoneStore(builtin.storeFileOf(cfg, config), logger);
      store.loadOrEmpty();
      const h = await builtin.startDnsServer({
        config,
        providerId,
        store,
        logger: logger.child({ component: 'dns', provider: providerId }),
        env, // TSIG key secrets of a hidden primary
        onNotify,
      });
      handles.push({
        addresses: h.addresses.map((a) =>
          a.family === 'IPv6' ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`,
        ),
        close: () => h.close(),
        stats: () => h.stats(),
      });
    }
  } catch (err) {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    throw err;
  }
  // Queries, answers by rcode, malformed packets and cache hits of the embedded server(s).
  builtin.registerDnsMetrics(metrics.registry, () => handles.map((h) => h.stats));
  return {
    addresses: handles.flatMap((h) => h.addresses),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}
