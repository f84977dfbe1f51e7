// The controller's HTTP API behind its routes: probe report intake, status, events, drain/undrain
// (shared with every replica first), overrides and maintenance windows (operator-api.ts), reconcile,
// metrics, explain, the health check and signal deliveries (signals-wiring.ts).
import {
  type ApiTokens,
  type ControllerApi,
  type ControllerMetrics,
  createReportHandler,
  HttpError,
  type ProberRejections,
  type SignalApi,
  type StatusDoc,
} from '../../api/index.ts';
import { type Config, zoneProviders } from '../../config/index.ts';
import type { Coordinator } from '../../coordination/index.ts';
import type { HealthEngine } from '../../health/index.ts';
import { normaliseName } from '../../model/index.ts';
import type { SteeringEngine } from '../../steering/index.ts';
import type { HealthEventSink } from '../runtime/health-events.ts';
import type { ReconcileScheduler } from '../runtime/scheduler.ts';
import type { ZoneReconciler } from '../runtime/zone-reconciler.ts';
import type { EventLog } from '../state/event-log.ts';
import { coverageCheck } from '../views/coverage-warnings.ts';
import { explain, UnknownRecordError } from '../views/explain.ts';
import { TIMELINE_TYPES, timelineOf } from '../views/timeline.ts';
import { type ApiWindows, operatorApi, shared } from './operator-api.ts';

export interface ApiParts {
  config: Config;
  tokens: ApiTokens;
  /** Maintenance windows added through the API. */
  windows: ApiWindows;
  /** Prober id → report signing key. */
  keys: ReadonlyMap<string, string>;
  engine: HealthEngine;
  /** Latency steering: fed every accepted report; explain shows its rankings. */
  steering?: SteeringEngine;
  /** Refused reports per prober: logged, counted by prober and shown in status. */
  rejections: ProberRejections;
  events: EventLog;
  metrics: ControllerMetrics;
  coordinator: Coordinator;
  reconcilers: ReadonlyMap<string, ZoneReconciler>;
  scheduler: ReconcileScheduler;
  onHealthEvents: HealthEventSink;
  status: () => StatusDoc;
  startedAt: number;
  /** Signal deliveries and the signal list (signals-wiring.ts). */
  signals: SignalApi;
}

export function controllerApi(p: ApiParts): ControllerApi {
  const { config, engine, events, metrics, coordinator, reconcilers, scheduler, onHealthEvents } = p;
  const reportHandler = createReportHandler({
    config,
    keys: p.keys,
    engine,
    // The deciding report's time: taken when the engine has ingested it (body read and verified).
    onEvents: (list) => onHealthEvents(list, performance.now()),
    onReject: (reason, prober, detail, extra) =>
      metrics.reportsRejected.inc({ reason, prober: p.rejections.rejected(reason, prober, detail, extra) }),
    onAccept: (report) => {
      p.steering?.ingest(report);
      p.rejections.accepted(report.prober);
      metrics.reportsAccepted.inc({ prober: report.prober });
      metrics.probeResults.inc(report.results.length);
    },
  });

  const regionIds = new Set(config.regions.map((r) => r.id));
  const knownRegion = (region: string) => {
    if (!regionIds.has(region))
      throw new HttpError(
        404,
        `unknown region "${region}"; known: ${[...regionIds].join(', ')}`,
        'unknown-region',
      );
  };
  const views = () => [...reconcilers.values()].map((r) => r.view());
  // What a zone serves now, as its first provider last read it (keep-last answers come from it).
  const published = (zone: string) => {
    const z = config.zones.find((x) => normaliseName(x.name) === zone);
    const first = z ? zoneProviders(z)[0] : undefined;
    return views().find((v) => v.zone === zone && v.provider === first)?.records;
  };
  const coverage = coverageCheck(config, engine, published);
  return {
    ...operatorApi({
      config,
      tokens: p.tokens,
      engine,
      events,
      coordinator,
      windows: p.windows,
      onHealthEvents,
      knownRegion,
      coverage,
    }),
    status: p.status,
    events: (since, limit, types) => events.since(since, limit, types),
    timeline: (windowMs) =>
      timelineOf({
        events: events.since(undefined, 10_000, TIMELINE_TYPES),
        regions: p.status().regions,
        now: Date.now(),
        ...(windowMs === undefined ? {} : { windowMs }),
      }),
    drain: async (region, body, actor) => {
      knownRegion(region);
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
      onHealthEvents([{ ...e, actor }]);
      return {
        region,
        drained: true,
        reason: body.reason,
        author: body.author,
        ...(until ? { until: new Date(until).toISOString() } : {}),
        warnings: coverage.now(),
      };
    },
    undrain: async (region, author, actor) => {
      knownRegion(region);
      await shared(() => coordinator.publishUndrain(region, author ?? 'unknown'));
      const e = engine.undrain(region, author);
      onHealthEvents([{ ...e, actor }]);
      return { region, drained: false };
    },
    reconcile: async (actor) => {
      events.append('reconcile-requested', { actor });
      await scheduler.trigger({ kind: 'api' });
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
          ...(p.steering?.active ? { steering: p.steering.input() } : {}),
          rejections: (prober) => p.rejections.view(prober),
          published: (zone, provider) =>
            views().find((v) => v.zone === zone && v.provider === provider)?.records ?? [],
          events: events.since(undefined, 10_000, ['region-transition']),
        });
      } catch (err) {
        if (err instanceof UnknownRecordError) throw new HttpError(404, err.message, 'unknown-record');
        throw err;
      }
    },
    healthy: () => ({ ok: true, detail: `up since ${new Date(p.startedAt).toISOString()}` }),
    signals: p.signals,
  };
}
