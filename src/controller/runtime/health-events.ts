// What the controller does with the health engine's events: audit them, count them, persist drains
// and the engine's memory, warn on fail static, and trigger a (debounced) reconcile when policy input
// moved. Also the health gauges and the tick timer that drives the engine's clock.

import type { ControllerMetrics } from '../../api/index.ts';
import type { HealthEngine, HealthEvent } from '../../health/index.ts';
import type { Logger } from '../../log/index.ts';
import type { EventLog } from '../state/event-log.ts';
import type { HealthMemoryStore } from '../state/state-store.ts';
import type { Trigger } from './scheduler.ts';

export type HealthEventSink = (list: readonly HealthEvent[], cause?: number) => void;

/** Turn health events into audit-trail entries (ISO time, flat fields the CLI shows). */
export function auditOf(e: HealthEvent): Record<string, unknown> {
  return {
    at_engine: new Date(e.at).toISOString(),
    ...(e.region ? { region: e.region } : {}),
    ...(e.endpoint ? { endpoint: e.endpoint } : {}),
    ...(e.family ? { family: e.family } : {}),
    ...(e.prober ? { prober: e.prober } : {}),
    ...(e.actor ? { actor: e.actor } : {}),
    from: e.from,
    to: e.to,
    evidence: e.evidence,
  };
}

export function updateHealthGauges(engine: HealthEngine, metrics: ControllerMetrics): void {
  const snap = engine.snapshot();
  metrics.freshProbers.set(snap.freshProbers.length);
  metrics.failStatic.set(snap.failStatic ? 1 : 0);
  for (const p of snap.probers) {
    metrics.proberFresh.set({ prober: p.id }, p.fresh ? 1 : 0);
    metrics.proberImpaired.set({ prober: p.id }, p.impaired ? 1 : 0);
  }
  for (const r of snap.regions) {
    metrics.regionUp.set({ region: r.id }, r.status === 'up' ? 1 : 0);
    metrics.regionDrained.set({ region: r.id }, r.status === 'drained' ? 1 : 0);
    metrics.regionForcedUp.set({ region: r.id }, r.override ? 1 : 0);
    metrics.regionInMaintenance.set({ region: r.id }, r.maintenance ? 1 : 0);
    for (const f of r.families ?? [])
      metrics.regionFamilyUp.set({ region: r.id, family: f.family }, f.status === 'up' ? 1 : 0);
  }
  for (const e of snap.endpoints) {
    metrics.endpointUp.set(
      { region: e.region, endpoint: e.id },
      e.state === 'up' ? 1 : e.state === 'down' ? 0 : -1,
    );
    for (const f of e.families ?? [])
      metrics.endpointFamilyUp.set(
        { region: e.region, endpoint: e.id, family: f.family },
        f.state === 'up' ? 1 : f.state === 'down' ? 0 : -1,
      );
  }
  for (const s of snap.signals) {
    metrics.signalUp.set(
      { signal: s.id, kind: s.kind, effect: s.effect },
      s.state === 'up' ? 1 : s.state === 'down' ? 0 : -1,
    );
    if (s.kind === 'alertmanager') metrics.signalAlerts.set({ signal: s.id }, s.alertCount ?? 0);
  }
}

/** Evidence only: what they change reaches policy as endpoint and region events of their own. */
const NO_RECONCILE = new Set(['vote-transition', 'prober-impaired', 'signal-transition', 'signal-push']);

/** The handler for every batch of health events (`cause`: the deciding report's performance.now()). */
export function healthEventHandler(o: {
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  logger: Logger;
  healthStore: HealthMemoryStore;
  saveDrains: () => void;
  /** Persist overrides after an override event. */
  saveOverrides?: () => void;
  trigger: (t: Trigger) => void;
  pushError: (message: string) => void;
}): HealthEventSink {
  const { engine, events, metrics, logger } = o;
  return (list, cause) => {
    let reconcile = false;
    let rememberHealth = false;
    for (const e of list) {
      events.append(e.type, auditOf(e));
      if (e.type === 'region-transition') metrics.regionTransitions.inc({ region: e.region ?? '', to: e.to });
      if (e.type === 'drain' || e.type === 'undrain') o.saveDrains();
      if (e.type === 'override' || e.type === 'override-lifted') o.saveOverrides?.();
      if (
        e.type === 'region-transition' ||
        e.type === 'failback-hold' ||
        e.type === 'failback-aborted' ||
        e.type === 'failback-ramp' ||
        e.type.startsWith('family-')
      ) {
        rememberHealth = true;
      }
      if (!NO_RECONCILE.has(e.type)) reconcile = true;
      if (e.type === 'fail-static') {
        const msg =
          e.to === 'on' ? 'fail static: too few fresh probers, DNS held as it is' : 'fail static ended';
        logger.warn({ evidence: e.evidence }, msg);
        if (e.to === 'on') o.pushError(msg);
      }
    }
    if (reconcile) o.trigger({ kind: 'health', ...(cause === undefined ? {} : { at: cause }) });
    // Off the failover's path: the write goes to the thread pool, the newest memory wins.
    if (rememberHealth)
      o.healthStore.saveSoon(engine.history(), (err) => logger.error({ err }, 'cannot save health memory'));
    updateHealthGauges(engine, metrics);
  };
}

/** Ticks the engine (staleness, hold-downs, drain expiry) a few times per probe interval; returns the timer. */
export function startHealthTicker(
  engine: HealthEngine,
  intervalMs: number,
  onEvents: HealthEventSink,
  logger: Logger,
): NodeJS.Timeout {
  const tickMs = Math.max(50, Math.min(500, Math.floor(intervalMs / 4)));
  return setInterval(() => {
    try {
      const list = engine.tick();
      if (list.length > 0) onEvents(list);
    } catch (err) {
      logger.error({ err }, 'health tick failed');
    }
  }, tickMs);
}

/** The maintenance occurrences announced in the event log (for HealthEngine.rememberAnnounced). */
export function announcedOccurrences(events: EventLog): { window: string; start: number }[] {
  return events.since(undefined, 1000, ['maintenance-upcoming']).flatMap((e) => {
    const ev = e.evidence as { window?: unknown; start?: unknown } | undefined;
    return typeof ev?.window === 'string' && typeof ev.start === 'number'
      ? [{ window: ev.window, start: ev.start }]
      : [];
  });
}
