// The long-running controller: report API → health engine → event-driven and scheduled reconcile
// of every zone, the embedded builtin DNS server, state (drains, event log) and the HTTP API.
// startController is the startup sequence; each step's work lives in its own file:
// notifications, drain-records, health-events, embedded-dns, nameservers, reconcile-wiring,
// controller-api, listener, startup (what to close if a step fails) and shutdown.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DnsProvider } from '../../../providers/index.ts';
import type { DnsServerView, StatusDoc } from '../../api/index.ts';
import {
  apiRoutes,
  ControllerMetrics,
  createListener,
  loadListenerTls,
  ProberRejections,
  type Route,
} from '../../api/index.ts';
import { type Config, proberKeys, weakSecretWarnings } from '../../config/index.ts';
import { type Coordinator, createCoordinator } from '../../coordination/index.ts';
import { HealthEngine } from '../../health/index.ts';
import { createLogger, type Logger } from '../../log/index.ts';
import { nameserverLookup } from '../../reconcile/nameservers.ts';
import { closeProviders, openProviders } from '../../reconcile/reconcile.ts';
import { SteeringEngine } from '../../steering/index.ts';
import { controllerApi } from '../api/controller-api.ts';
import { wireNotifier } from '../notify/notifications.ts';
import { applySharedDrain, drainOf, drainRecordsOf } from '../state/drain-records.ts';
import { EventLog } from '../state/event-log.ts';
import { RecentErrors } from '../state/recent-errors.ts';
import { DrainStore, HealthMemoryStore } from '../state/state-store.ts';
import { buildStatus } from '../views/status-view.ts';
import { type DnsServerHandle, startEmbeddedDns } from './embedded-dns.ts';
import {
  announcedOccurrences,
  healthEventHandler,
  startHealthTicker,
  updateHealthGauges,
} from './health-events.ts';
import { type LeaseKeepers, wireLeases } from './lease-wiring.ts';
import { listen, listenError, splitListen, urlOf } from './listener.ts';
import { apiTokensOf, wireOperator } from './operator-wiring.ts';
import { unitKey, wireReconcile } from './reconcile-wiring.ts';
import type { ReconcileScheduler } from './scheduler.ts';
import { shutdownSequence } from './shutdown.ts';
import { prepareSignals, wireSignals } from './signals-wiring.ts';
import { closeServer, OpenedResources, startupFailed, stopThenUnlock } from './startup.ts';
import { lockStateDir } from './state-lock.ts';
import { startSteeringTicker } from './steering-events.ts';

/** How long a clean stop waits to remove the writer's leases; one not removed runs out by itself. */
const LEASE_RELEASE_MS = 5000;

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
  /** The file the config came from, named when a setting does not fit this machine (DNS workers). */
  configFile?: string;
}

export interface RunningController {
  url: string;
  /** host:port of the embedded builtin DNS server(s). */
  dnsAddresses: string[];
  /** The embedded builtin DNS server(s): addresses, worker processes and why that many. */
  dnsServers: DnsServerView[];
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

export async function startController(opts: ControllerOptions): Promise<RunningController> {
  const { config } = opts;
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger('geofailover-controller');
  const replica = opts.replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const startedAt = Date.now();
  const stateDir = config.controller.stateDir;

  // Secrets first: a missing key is a startup error, before anything listens.
  const keys = proberKeys(config, env);
  const tokens = apiTokensOf(config, env);
  // A short key or token still starts (validate --check-env is where it fails), but never quietly.
  for (const warning of weakSecretWarnings(config, env)) logger.warn(warning);
  // Certificate files likewise: a missing or mismatched one is a startup error naming the file.
  const listenerTls = loadListenerTls(config.controller.tls);
  // Signal queries too: one Prometheus rejects stops the start, in Prometheus's own words.
  const polled = await prepareSignals(config, env, logger, opts.configFile);

  // What is opened from here on is closed in reverse if a later step fails.
  const opened = new OpenedResources();
  const lock = lockStateDir(stateDir, replica);
  opened.add('state dir lock', () => lock.release());
  try {
    const metrics = new ControllerMetrics();
    const events = new EventLog(stateDir, { maxBytes: config.controller.eventLogMaxBytes });
    opened.add('event log', () => events.close());
    if (lock.tookOver) {
      const message = `state dir lock taken over from ${lock.tookOver} (the last controller did not stop cleanly)`;
      logger.warn(message);
      events.append('state-lock-recovered', { message });
    }
    if (events.tornTailBytes > 0) {
      metrics.eventLogTornTails.inc();
      const message = `event log: cut off a partial last line of ${events.tornTailBytes} bytes (a crash mid-write); every complete event is kept`;
      logger.warn({ bytes: events.tornTailBytes }, message);
      events.append('event-log-repaired', { bytes: events.tornTailBytes, message });
    }
    const drainStore = new DrainStore(stateDir);
    const notifier = wireNotifier({ config, env, metrics, logger, events, coordinator: () => coordinator });

    // The engine, continuing from the last run: its drains and its memory of each region (a restart
    // continues a failback hold-down).
    const engine = new HealthEngine(config);
    // Latency records' round-trip times and rankings (idle when no record steers by latency).
    const steering = new SteeringEngine(config);
    const restored = drainStore.load();
    const healthStore = new HealthMemoryStore(stateDir);
    const remembered = healthStore.load();
    if (remembered.problem) logger.warn(remembered.problem);
    engine.restoreHistory(remembered.memory);
    engine.rememberAnnounced(announcedOccurrences(events));
    engine.restore(restored.map(drainOf));
    // Overrides and API maintenance windows, restored like drains and shared through etcd.
    const operator = wireOperator({ stateDir, engine, logger, onHealthEvents: () => onHealthEvents });

    // Coordination: who may write DNS, drains and decisions shared between replicas. The hooks
    // run only after coordinator.start(), once everything they use exists.
    const coordinator = createCoordinator(config, {
      replica,
      env,
      logger,
      events,
      onChange: (view, gained) => {
        metrics.leader.set(view.role === 'follower' ? 0 : 1);
        if (gained) {
          void scheduler?.trigger({ kind: 'leadership' });
          leases?.nudge();
        }
      },
      localDrains: () => drainRecordsOf(engine),
      applyDrain: (region, d) => onHealthEvents([applySharedDrain(engine, region, d)]),
      applyOverrides: operator.applyOverrides,
      applyWindows: operator.applyWindows,
    });
    const errors = new RecentErrors();

    const injected = opts.providers !== undefined;
    const providers = opts.providers ?? (await openProviders(config, { env, logger }));
    // A kind's own gauges (Cloudflare's request budget left per token) next to the controller's metrics.
    for (const p of providers.values()) p.registerMetrics?.(metrics.registry);
    const closeOwnProviders = () => (injected ? Promise.resolve() : closeProviders(providers));
    opened.add('providers', closeOwnProviders);
    // A secondary that does not take a hidden primary's NOTIFY is an event (it lags until its refresh).
    const dns: DnsServerHandle | undefined = await startEmbeddedDns(
      config,
      logger,
      metrics,
      env,
      (o) => {
        if (!o.ok) events.append('notify-failed', { ...o });
      },
      opts.configFile,
    );
    opened.add('embedded dns', () => dns?.close());

    // Zones, their reconcilers and the scheduler of their passes.
    let scheduler: ReconcileScheduler | undefined;
    let leases: LeaseKeepers | undefined;
    const wiring = wireReconcile({
      config,
      providers,
      engine,
      events,
      metrics,
      logger,
      coordinator,
      nameservers: nameserverLookup(config, (id) => dns?.addressesOf(id)),
      ...(steering.active ? { steering: () => steering.input() } : {}),
    });
    const { reconcilers } = wiring;
    scheduler = wiring.scheduler;
    opened.add('scheduler', () => wiring.scheduler.stop());
    // The writer's leases: what tells a scheduled `geofailover apply` that this controller holds a zone.
    leases = wireLeases({ config, providers, coordinator, replica, events, logger });
    const ownLeases = leases;
    opened.add('leases', () => ownLeases.stop(LEASE_RELEASE_MS));

    // Health events: audit, metrics, and an immediate (debounced) reconcile when policy input moved.
    const onHealthEvents = healthEventHandler({
      engine,
      events,
      metrics,
      logger,
      healthStore,
      saveDrains: () => drainStore.save(drainRecordsOf(engine)),
      saveOverrides: operator.saveOverrides,
      trigger: (t) => void scheduler!.trigger(t),
      pushError: (message) => errors.push(message),
    });
    const ticker = startHealthTicker(engine, config.health.interval, onHealthEvents, logger);
    opened.add('health ticker', () => clearInterval(ticker));
    const steeringTicker = startSteeringTicker(
      steering,
      config.health.interval,
      events,
      (t) => void scheduler!.trigger(t),
      logger,
    );
    opened.add('steering ticker', () => clearInterval(steeringTicker));
    // Signals: Prometheus polled from start(); Alertmanager's webhook and pushes through the API.
    const signals = wireSignals({
      config,
      stateDir,
      polled,
      tokens,
      engine,
      metrics,
      logger,
      onHealthEvents,
    });
    opened.add('signal pollers', () => signals.stop());
    // Refused reports per prober: which agent is misconfigured, in the log, metrics and status.
    const rejections = new ProberRejections(
      config.probers.map((p) => p.id),
      logger.child({ component: 'reports' }),
    );

    const status = (): StatusDoc =>
      buildStatus({
        config,
        snapshot: engine.snapshot(),
        states: engine.regionStates(),
        zones: [...reconcilers.values()].map((r) => {
          const view = r.view();
          const lease = ownLeases.views().get(unitKey(view.zone, view.provider));
          return lease ? { ...view, lease } : view;
        }),
        replica,
        startedAt,
        role: coordinator.view().role,
        ...(coordinator.view().leader ? { leader: coordinator.view().leader } : {}),
        coordination: coordinator.view(),
        errors: errors.all(),
        rejections,
        ...(dns ? { dns: dns.views() } : {}),
        windows: engine.windows(),
        ...(steering.active ? { steering: steering.input() } : {}),
      });

    // /healthz answers 200 only once startup has finished: a half-started controller is not healthy.
    let started = false;
    const base = controllerApi({
      config,
      tokens,
      windows: operator.windows,
      keys,
      engine,
      steering,
      rejections,
      events,
      metrics,
      coordinator,
      reconcilers,
      scheduler,
      onHealthEvents,
      status,
      startedAt,
      signals: signals.api,
    });
    const api = {
      ...base,
      healthy: () => (started ? base.healthy() : { ok: false, detail: 'starting' }),
    };
    const routes = [...(opts.extraRoutes ?? []), ...apiRoutes(api)];
    const server = createListener(
      () => routes,
      logger,
      listenerTls,
      metrics,
      (reason, prober, detail) =>
        metrics.reportsRejected.inc({ reason, prober: rejections.rejected(reason, prober, detail) }),
    );
    const { host, port } = splitListen(opts.listen ?? config.controller.listen);
    await listen(server, host, port).catch((err: unknown) => {
      throw listenError(err, host, port);
    });
    opened.add('api listener', () => closeServer(server));
    const url = urlOf(server, listenerTls ? 'https' : 'http');
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
    ownLeases.start();
    signals.start();
    updateHealthGauges(engine, metrics);
    // A first pass shows what is served; it changes nothing until health has been decided.
    void scheduler.trigger({ kind: 'startup' });

    started = true;
    return {
      url,
      dnsAddresses: dns?.addresses ?? [],
      dnsServers: dns?.views() ?? [],
      replica,
      engine,
      events,
      metrics,
      coordinator,
      status,
      reconcileNow: () => scheduler!.trigger({ kind: 'api' }),
      stop: stopThenUnlock(
        shutdownSequence({
          replica,
          ticker,
          steeringTicker,
          stopSignals: () => signals.stop(),
          server,
          scheduler,
          leases: ownLeases,
          leaseReleaseMs: LEASE_RELEASE_MS,
          coordinator,
          dns,
          closeOwnProviders,
          notifier,
          healthStore,
          events,
          logger,
        }),
        lock,
      ),
    };
  } catch (err) {
    // A half-started controller must leave nothing listening, locked or half-written behind: close
    // what was opened (newest first) and report one clear error.
    await opened.closeAll();
    throw startupFailed(err);
  }
}
