// Startup wiring of `signals:`: each prometheus signal's query checked against its Prometheus (a
// query Prometheus rejects stops the start with Prometheus's own words; an unreachable Prometheus is
// a warning), the poller whose evaluations go to the health engine, and the controller's side of the
// signal routes (Alertmanager's webhook, pushes, the list) with their metrics and audit events.

import { type ApiTokens, type ControllerMetrics, HttpError, type SignalApi } from '../../api/index.ts';
import { type Config, ConfigError } from '../../config/index.ts';
import type { HealthEngine } from '../../health/index.ts';
import type { Logger } from '../../log/index.ts';
import {
  checkQueries,
  type PolledSignal,
  PrometheusPoller,
  type PrometheusQueryError,
  polledSignals,
} from '../../signals/index.ts';
import { SignalInputStore } from '../state/signal-store.ts';
import { signalView } from '../views/signal-words.ts';
import type { HealthEventSink } from './health-events.ts';

/** Resolves each prometheus signal's token (a missing one is a startup error) and checks its query. */
export async function prepareSignals(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  configFile = '<config>',
): Promise<PolledSignal[]> {
  const polled = polledSignals(config, env);
  const checks = await checkQueries(polled);
  const rejected = checks.filter((c) => c.result === 'rejected');
  if (rejected.length > 0)
    throw new ConfigError(
      configFile,
      rejected.map((c) => ({ path: `signals[${c.index}].query`, message: c.message! })),
    );
  for (const c of checks.filter((x) => x.result === 'unchecked'))
    logger.warn({ signal: c.name }, `query not checked at start: ${c.message}`);
  return polled;
}

export interface SignalWiring {
  api: SignalApi;
  start(): void;
  stop(): Promise<void>;
}

export function wireSignals(o: {
  config: Config;
  stateDir: string;
  polled: readonly PolledSignal[];
  tokens: ApiTokens;
  engine: HealthEngine;
  metrics: ControllerMetrics;
  logger: Logger;
  onHealthEvents: HealthEventSink;
}): SignalWiring {
  const { config, engine, metrics, onHealthEvents } = o;
  const logger = o.logger.child({ component: 'signals' });
  // What a previous run held: an alert still firing must not be forgotten by a restart.
  const store = new SignalInputStore(o.stateDir);
  const loaded = store.load();
  if (loaded.problem) logger.warn(loaded.problem);
  engine.restoreSignalInputs(loaded.inputs);
  const persist = () =>
    store.saveSoon(engine.signalInputs(), (err) => logger.error({ err }, 'cannot save signal inputs'));
  // The failure each signal is in, so a Prometheus that stays down is logged once, not every interval.
  const failing = new Map<string, string>();
  // Refused deliveries are logged once a minute per route and reason: a flood must not flood the log.
  const lastRefusalLog = new Map<string, number>();
  const observe = (
    name: string,
    obs: Parameters<HealthEngine['observeSignal']>[1],
    error?: PrometheusQueryError,
  ) => {
    metrics.signalEvaluations.inc({ signal: name, outcome: obs.outcome });
    if (obs.value !== undefined && Number.isFinite(obs.value))
      metrics.signalValue.set({ signal: name }, obs.value);
    else metrics.signalValue.remove({ signal: name });
    if (error && failing.get(name) !== error.failure) {
      failing.set(name, error.failure);
      (error.failure === 'rejected' ? logger.error : logger.warn).call(
        logger,
        { signal: name, failure: error.failure },
        error.message,
      );
    } else if (!error && failing.delete(name)) logger.info({ signal: name }, 'query answers again');
    onHealthEvents(engine.observeSignal(name, obs));
  };
  const poller = new PrometheusPoller(o.polled, observe);

  const byName = new Map(config.signals.map((s) => [s.name, s]));
  const alertSenders = new Set(config.signals.flatMap((s) => (s.kind === 'alertmanager' ? s.tokens : [])));
  const api: SignalApi = {
    tokens: o.tokens,
    alertSenders: () => alertSenders,
    deliverAlerts: (sender, alerts) => {
      const got = engine.receiveAlerts(sender.name, alerts);
      persist();
      metrics.signalDeliveries.inc({ route: 'alertmanager', result: 'accepted', reason: '' });
      logger.debug({ sender: sender.name, alerts: alerts.length, ...got }, 'alerts delivered');
      return {
        received: alerts.length,
        ...got,
        note: 'signals follow on their next samples (once per interval, with fall/rise)',
      };
    },
    pushTarget: (name) => {
      const s = byName.get(name);
      if (!s) return undefined;
      return {
        kind: s.kind,
        tokens: s.kind === 'prometheus' ? [] : s.tokens,
        maxExpiresInMs: s.kind === 'push' ? s.maxExpiresIn : 0,
      };
    },
    push: (name, body, sender) => {
      const now = Date.now();
      const until = now + body.expiresInMs;
      let e: ReturnType<HealthEngine['pushSignal']>;
      try {
        e = engine.pushSignal(
          name,
          { state: body.state, reason: body.reason, author: sender.name, at: now, until },
          now,
        );
      } catch (err) {
        throw new HttpError(404, (err as Error).message, 'unknown-signal');
      }
      onHealthEvents([{ ...e, actor: sender.name }]);
      persist();
      metrics.signalDeliveries.inc({ route: 'push', result: 'accepted', reason: '' });
      const snap = engine.snapshot(now).signals.find((s) => s.id === name);
      return {
        signal: name,
        pushed: body.state,
        reason: body.reason,
        until: new Date(until).toISOString(),
        ...(snap ? { state: snap.state } : {}),
        note: 'the signal follows on its next samples (once per interval, with fall/rise)',
      };
    },
    list: () => {
      const now = Date.now();
      return { signals: engine.snapshot(now).signals.map((s) => signalView(s, now)) };
    },
    refused: (route, reason, detail) => {
      metrics.signalDeliveries.inc({ route, result: 'refused', reason });
      const key = `${route} ${reason}`;
      const now = Date.now();
      if ((lastRefusalLog.get(key) ?? 0) > now - 60_000) return;
      lastRefusalLog.set(key, now);
      logger.warn({ route, reason }, `signal delivery refused: ${detail.slice(0, 300)}`);
    },
  };
  return {
    api,
    start: () => poller.start(),
    stop: async () => {
      await poller.stop();
      await store.flush();
    },
  };
}
