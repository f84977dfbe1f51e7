// The long-running controller: report API → health engine → event-driven and scheduled reconcile
// of every zone, the embedded builtin DNS server, state (drains, event log) and the HTTP API.
// startController is the startup sequence; each step is a named function below or lives in its own file:
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
import { lockStateDir, type StateLock } from './state-lock.ts';
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

  const { keys, tokens, listenerTls, polled } = await readStartupInputs(config, env, logger, opts.configFile);

  // What is opened from here on is closed in reverse if a later step fails.
  const opened = new OpenedResources();
  const lock = lockStateDir(stateDir, replica);
  opened.add('state dir lock', () => lock.release());
  try {
    const metrics = new ControllerMetrics();
    const events = openEventLog(config, lock, metrics, logger, opened);
    const drainStore = new DrainStore(stateDir);
    const notifier = wireNotifier({ config, env, metrics, logger, events, coordinator: () => coordinator });

    const { engine, restored, healthStore } = restoreEngine(config, drainStore, events, logger);
    // Latency records' round-trip times and rankings (idle when no record steers by latency).
    const steering = new SteeringEngine(config);
    // Overrides and API maintenance windows, restored like drains and shared through etcd.
    const operator = wireOperator({ stateDir, engine, logger, onHealthEvents: () => onHealthEvents });

    // Coordination: who may write DNS, drains and decisions shared between replicas. The hooks
    // run only after coordinator.start(), once everything they use exists.
    const coordinator = coordinate({
      config,
      replica,
      env,
      logger,
      events,
      metrics,
      engine,
      operator,
      // Filled in below, before coordinator.start() lets any hook run.
      onLeadership: () => {
        void scheduler?.trigger({ kind: 'leadership' });
        leases?.nudge();
      },
      onHealthEvents: (e) => onHealthEvents(e),
    });
    const errors = new RecentErrors();

    const { providers, closeOwnProviders } = await openOwnProviders(opts, env, logger, metrics, opened);
    const dns = await openEmbeddedDns(opts, env, logger, metrics, events, opened);

    // Zones, their reconcilers and the scheduler of their passes.
    let scheduler: ReconcileScheduler | undefined;
    let leases: LeaseKeepers | undefined;
    const zones = wireZones({
      config,
      providers,
      engine,
      events,
      metrics,
      logger,
      coordinator,
      replica,
      dns,
      steering,
      opened,
    });
    const { reconcilers, leases: ownLeases } = zones;
    scheduler = zones.scheduler;
    leases = ownLeases;

    const { onHealthEvents, ticker, signals, steeringTicker, rejections, status } = wireInputsAndStatus({
      config,
      engine,
      events,
      metrics,
      logger,
      healthStore,
      drainStore,
      operator,
      polled,
      tokens,
      trigger: (t) => void scheduler!.trigger(t),
      errors,
      opened,
      steering,
      reconcilers,
      leases: ownLeases,
      replica,
      startedAt,
      coordinator,
      dns,
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
    const { server, url } = await serveApi({ opts, api, listenerTls, metrics, rejections, logger, opened });
    announceStart({ config, events, logger, replica, url, dns, drainsRestored: restored.length });
    await setRunning({ coordinator, metrics, scheduler, leases: ownLeases, signals, engine });

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

/** Leader election and the records shared between replicas, with the hooks the runtime answers. */
function coordinate(o: {
  config: Config;
  replica: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  events: EventLog;
  metrics: ControllerMetrics;
  engine: HealthEngine;
  operator: ReturnType<typeof wireOperator>;
  onLeadership: () => void;
  onHealthEvents: (events: ReturnType<typeof applySharedDrain>[]) => void;
}): Coordinator {
  const { engine, operator } = o;
  return createCoordinator(o.config, {
    replica: o.replica,
    env: o.env,
    logger: o.logger,
    events: o.events,
    onChange: (view, gained) => {
      o.metrics.leader.set(view.role === 'follower' ? 0 : 1);
      if (gained) o.onLeadership();
    },
    localDrains: () => drainRecordsOf(engine),
    applyDrain: (region, d) => o.onHealthEvents([applySharedDrain(engine, region, d)]),
    applyOverrides: operator.applyOverrides,
    applyWindows: operator.applyWindows,
  });
}

/** Secrets, certificates and signal queries: a missing or refused one is a startup error, before anything listens. */
async function readStartupInputs(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  configFile: string | undefined,
) {
  // Secrets first: a missing key is a startup error, before anything listens.
  const keys = proberKeys(config, env);
  const tokens = apiTokensOf(config, env);
  // A short key or token still starts (validate --check-env is where it fails), but never quietly.
  for (const warning of weakSecretWarnings(config, env)) logger.warn(warning);
  // Certificate files likewise: a missing or mismatched one is a startup error naming the file.
  const listenerTls = loadListenerTls(config.controller.tls);
  // Signal queries too: one Prometheus rejects stops the start, in Prometheus's own words.
  const polled = await prepareSignals(config, env, logger, configFile);
  return { keys, tokens, listenerTls, polled };
}

/** The event log, with what the last run left behind (a taken-over lock, a torn last line) recorded in it. */
function openEventLog(
  config: Config,
  lock: StateLock,
  metrics: ControllerMetrics,
  logger: Logger,
  opened: OpenedResources,
): EventLog {
  const events = new EventLog(config.controller.stateDir, {
    maxBytes: config.controller.eventLogMaxBytes,
  });
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
  return events;
}

/**
 * The engine, continuing from the last run: its drains and its memory of each region (a restart
 * continues a failback hold-down).
 */
function restoreEngine(config: Config, drainStore: DrainStore, events: EventLog, logger: Logger) {
  const engine = new HealthEngine(config);
  const restored = drainStore.load();
  const healthStore = new HealthMemoryStore(config.controller.stateDir);
  const remembered = healthStore.load();
  if (remembered.problem) logger.warn(remembered.problem);
  engine.restoreHistory(remembered.memory);
  engine.rememberAnnounced(announcedOccurrences(events));
  engine.restore(restored.map(drainOf));
  return { engine, restored, healthStore };
}

/** The adapters: injected ones (tests, embedding) are the caller's to close, opened ones are ours. */
async function openOwnProviders(
  opts: ControllerOptions,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  metrics: ControllerMetrics,
  opened: OpenedResources,
) {
  const injected = opts.providers !== undefined;
  const providers = opts.providers ?? (await openProviders(opts.config, { env, logger }));
  // A kind's own gauges (Cloudflare's request budget left per token) next to the controller's metrics.
  for (const p of providers.values()) p.registerMetrics?.(metrics.registry);
  const closeOwnProviders = () => (injected ? Promise.resolve() : closeProviders(providers));
  opened.add('providers', closeOwnProviders);
  return { providers, closeOwnProviders };
}

/** The embedded builtin DNS server(s), if the config has any. */
async function openEmbeddedDns(
  opts: ControllerOptions,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  metrics: ControllerMetrics,
  events: EventLog,
  opened: OpenedResources,
): Promise<DnsServerHandle | undefined> {
  // A secondary that does not take a hidden primary's NOTIFY is an event (it lags until its refresh).
  const dns = await startEmbeddedDns(
    opts.config,
    logger,
    metrics,
    env,
    (o) => {
      if (!o.ok) events.append('notify-failed', { ...o });
    },
    opts.configFile,
  );
  opened.add('embedded dns', () => dns?.close());
  return dns;
}

/** The status document, built fresh on each call from the engine, the zones and the coordinator. */
function statusOf(o: {
  config: Config;
  engine: HealthEngine;
  reconcilers: ReturnType<typeof wireReconcile>['reconcilers'];
  leases: LeaseKeepers;
  replica: string;
  startedAt: number;
  coordinator: Coordinator;
  errors: RecentErrors;
  rejections: ProberRejections;
  dns: DnsServerHandle | undefined;
  steering: SteeringEngine;
}): () => StatusDoc {
  const { engine, coordinator, dns } = o;
  return () =>
    buildStatus({
      config: o.config,
      snapshot: engine.snapshot(),
      states: engine.regionStates(),
      zones: [...o.reconcilers.values()].map((r) => {
        const view = r.view();
        const lease = o.leases.views().get(unitKey(view.zone, view.provider));
        return lease ? { ...view, lease } : view;
      }),
      replica: o.replica,
      startedAt: o.startedAt,
      role: coordinator.view().role,
      ...(coordinator.view().leader ? { leader: coordinator.view().leader } : {}),
      coordination: coordinator.view(),
      errors: o.errors.all(),
      rejections: o.rejections,
      ...(dns ? { dns: dns.views() } : {}),
      windows: engine.windows(),
      ...(o.steering.active ? { steering: o.steering.input() } : {}),
    });
}

/** What feeds the health engine (ticker, signals), latency steering's ticker, refused reports, and
 * the status view over all of it. */
function wireInputsAndStatus(
  o: Parameters<typeof wireHealthInputs>[0] & {
    steering: SteeringEngine;
    reconcilers: ReturnType<typeof wireReconcile>['reconcilers'];
    leases: LeaseKeepers;
    replica: string;
    startedAt: number;
    coordinator: Coordinator;
    dns: DnsServerHandle | undefined;
  },
) {
  const { config, events, logger, opened, steering } = o;
  const { onHealthEvents, ticker, signals } = wireHealthInputs(o);
  const steeringTicker = startSteeringTicker(steering, config.health.interval, events, o.trigger, logger);
  opened.add('steering ticker', () => clearInterval(steeringTicker));
  // Refused reports per prober: which agent is misconfigured, in the log, metrics and status.
  const rejections = new ProberRejections(
    config.probers.map((p) => p.id),
    logger.child({ component: 'reports' }),
  );
  const status = statusOf({
    config,
    engine: o.engine,
    reconcilers: o.reconcilers,
    leases: o.leases,
    replica: o.replica,
    startedAt: o.startedAt,
    coordinator: o.coordinator,
    errors: o.errors,
    rejections,
    dns: o.dns,
    steering,
  });
  return { onHealthEvents, ticker, signals, steeringTicker, rejections, status };
}

/** The HTTP API listening: the caller's extra routes first, then the controller's. */
async function serveApi(o: {
  opts: ControllerOptions;
  api: Parameters<typeof apiRoutes>[0];
  listenerTls: ReturnType<typeof loadListenerTls>;
  metrics: ControllerMetrics;
  rejections: ProberRejections;
  logger: Logger;
  opened: OpenedResources;
}) {
  const { metrics, rejections, listenerTls } = o;
  const routes = [...(o.opts.extraRoutes ?? []), ...apiRoutes(o.api)];
  const server = createListener(
    () => routes,
    o.logger,
    listenerTls,
    metrics,
    (reason, prober, detail) =>
      metrics.reportsRejected.inc({ reason, prober: rejections.rejected(reason, prober, detail) }),
  );
  const { host, port } = splitListen(o.opts.listen ?? o.opts.config.controller.listen);
  await listen(server, host, port).catch((err: unknown) => {
    throw listenError(err, host, port);
  });
  o.opened.add('api listener', () => closeServer(server));
  return { server, url: urlOf(server, listenerTls ? 'https' : 'http') };
}

/**
 * Health events (audit, metrics, and an immediate debounced reconcile when policy input moved), the
 * ticker that ages observations, and the signals: Prometheus polled from start(), Alertmanager's
 * webhook and pushes through the API.
 */
function wireHealthInputs(o: {
  config: Config;
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  logger: Logger;
  healthStore: HealthMemoryStore;
  drainStore: DrainStore;
  operator: ReturnType<typeof wireOperator>;
  polled: Awaited<ReturnType<typeof prepareSignals>>;
  tokens: ReturnType<typeof apiTokensOf>;
  trigger: (t: Parameters<ReconcileScheduler['trigger']>[0]) => void;
  errors: RecentErrors;
  opened: OpenedResources;
}) {
  const { config, engine, metrics, logger } = o;
  const onHealthEvents = healthEventHandler({
    engine,
    events: o.events,
    metrics,
    logger,
    healthStore: o.healthStore,
    saveDrains: () => o.drainStore.save(drainRecordsOf(engine)),
    saveOverrides: o.operator.saveOverrides,
    trigger: o.trigger,
    pushError: (message) => o.errors.push(message),
  });
  const ticker = startHealthTicker(engine, config.health.interval, onHealthEvents, logger);
  o.opened.add('health ticker', () => clearInterval(ticker));
  const signals = wireSignals({
    config,
    stateDir: config.controller.stateDir,
    polled: o.polled,
    tokens: o.tokens,
    engine,
    metrics,
    logger,
    onHealthEvents,
  });
  o.opened.add('signal pollers', () => signals.stop());
  return { onHealthEvents, ticker, signals };
}

/** Zones, their reconcilers and the scheduler of their passes, and the writer's leases on them. */
function wireZones(o: {
  config: Config;
  providers: ReadonlyMap<string, DnsProvider>;
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  logger: Logger;
  coordinator: Coordinator;
  replica: string;
  dns: DnsServerHandle | undefined;
  steering: SteeringEngine;
  opened: OpenedResources;
}) {
  const { config, providers, events, logger, coordinator, dns, steering } = o;
  const wiring = wireReconcile({
    config,
    providers,
    engine: o.engine,
    events,
    metrics: o.metrics,
    logger,
    coordinator,
    nameservers: nameserverLookup(config, (id) => dns?.addressesOf(id)),
    ...(steering.active ? { steering: () => steering.input() } : {}),
  });
  o.opened.add('scheduler', () => wiring.scheduler.stop());
  // The writer's leases: what tells a scheduled `geofailover apply` that this controller holds a zone.
  const leases = wireLeases({ config, providers, coordinator, replica: o.replica, events, logger });
  o.opened.add('leases', () => leases.stop(LEASE_RELEASE_MS));
  return { reconcilers: wiring.reconcilers, scheduler: wiring.scheduler, leases };
}

/** The start in the audit trail and the log: where the API listens, the DNS servers, the drains kept. */
function announceStart(o: {
  config: Config;
  events: EventLog;
  logger: Logger;
  replica: string;
  url: string;
  dns: DnsServerHandle | undefined;
  drainsRestored: number;
}): void {
  const { replica, url, dns } = o;
  const mode = o.config.controller.mode;
  o.events.append('controller-started', {
    replica,
    url,
    mode,
    dns: dns?.addresses ?? [],
    drainsRestored: o.drainsRestored,
  });
  o.logger.info({ url, dns: dns?.addresses, mode, replica }, 'controller started');
}

/** Every part set running, leadership first; then a first pass. */
async function setRunning(o: {
  coordinator: Coordinator;
  metrics: ControllerMetrics;
  scheduler: ReconcileScheduler;
  leases: LeaseKeepers;
  signals: { start(): void };
  engine: HealthEngine;
}): Promise<void> {
  await o.coordinator.start();
  o.metrics.leader.set(o.coordinator.view().role === 'follower' ? 0 : 1);
  o.scheduler.start();
  o.leases.start();
  o.signals.start();
  updateHealthGauges(o.engine, o.metrics);
  // A first pass shows what is served; it changes nothing until health has been decided.
  void o.scheduler.trigger({ kind: 'startup' });
}
