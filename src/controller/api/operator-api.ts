// The controller's side of the operator API: force-up overrides and maintenance windows
// added through the API. Each change is shared with every replica first (refused with 503 when it
// cannot be), then applied to the engine, persisted in the state dir and written to the audit trail
// with the token's name as the actor and the state before and after. A change that leaves a rule or
// record with no UP region of its own answers with a warning naming them and what they will answer.
import { randomUUID } from 'node:crypto';
import { type ApiTokens, HttpError, type OperatorApi, type WindowBody } from '../../api/index.ts';
import type { Config } from '../../config/index.ts';
import { CoordinationError, type Coordinator } from '../../coordination/index.ts';
import {
  cronPeriodProblem,
  type HealthEngine,
  nextStart,
  parseCron,
  WINDOW_LIMITS,
  windowAt,
  windowProblems,
} from '../../health/index.ts';
import { isoOrUndefined, type MaintenanceRecord } from '../../model/index.ts';
import { overrideRecordOf, windowOf } from '../../reconcile/operator-conversions.ts';
import type { MaintenanceStore } from '../../reconcile/operator-stores.ts';
import type { HealthEventSink } from '../runtime/health-events.ts';
import type { EventLog } from '../state/event-log.ts';
import type { CoverageCheck } from '../views/coverage-warnings.ts';

/** A change holds on every replica or nowhere: refused (503) when it cannot be shared through etcd. */
export async function shared(op: () => Promise<void>): Promise<void> {
  try {
    await op();
  } catch (err) {
    if (err instanceof CoordinationError)
      throw new HttpError(503, err.describe(), 'coordination-unavailable');
    throw err;
  }
}

/** The maintenance windows added through the API, kept in step with the engine and the state dir. */
export class ApiWindows {
  private list: MaintenanceRecord[];

  constructor(
    private readonly engine: HealthEngine,
    private readonly store: MaintenanceStore,
  ) {
    this.list = store.load();
    engine.setApiWindows(this.list.map(windowOf));
  }

  all(): MaintenanceRecord[] {
    return [...this.list];
  }

  /** Replace the whole set (an etcd read, or a local change); persisted at once. */
  set(list: readonly MaintenanceRecord[]): void {
    const sorted = [...list].sort((a, b) => a.id.localeCompare(b.id));
    if (JSON.stringify(sorted) === JSON.stringify(this.list)) return;
    this.list = sorted;
    this.engine.setApiWindows(sorted.map(windowOf));
    this.store.save(sorted);
  }
}

export function operatorApi(p: {
  config: Config;
  tokens: ApiTokens;
  engine: HealthEngine;
  events: EventLog;
  coordinator: Coordinator;
  windows: ApiWindows;
  onHealthEvents: HealthEventSink;
  knownRegion(region: string): void;
  coverage: CoverageCheck;
}): OperatorApi {
  const { engine, coordinator, windows } = p;
  const regionIds = p.config.regions.map((r) => r.id);
  const bad = (message: string) => new HttpError(400, message, 'bad-request');

  /** The API windows still to come or in force (one-shot windows that are over are dropped). */
  const liveApiWindows = (now: number) =>
    windows.all().filter((w) => w.start === undefined || Date.parse(w.start) + w.durationMs > now);

  const checkWindow = (b: WindowBody, now: number): MaintenanceRecord => {
    if (!regionIds.includes(b.region))
      throw bad(`"region": unknown region "${b.region}"; known: ${regionIds.join(', ')}`);
    if (b.cron !== undefined) {
      const spec = parseCron(b.cron);
      if (typeof spec === 'string') throw bad(`"cron": ${spec}`);
      const often = cronPeriodProblem(spec);
      if (often) throw bad(`"cron": "${b.cron}" ${often}`);
      if (nextStart(spec, now) === undefined) throw bad(`"cron": "${b.cron}" never fires within five years`);
    } else if (b.start! + b.durationMs <= now) {
      throw bad(
        `the window is in the past: it ended at ${new Date(b.start! + b.durationMs).toISOString()} (now ${new Date(now).toISOString()}); give a later "start"`,
      );
    }
    const count = engine.windows().filter((w) => w.source === 'config').length + liveApiWindows(now).length;
    if (count >= WINDOW_LIMITS.maxWindows)
      throw bad(
        `there are ${count} maintenance windows already, the limit: remove ones that are over or not needed (geofailover maintenance remove ID), or make one cron window of several one-shot ones`,
      );
    const id = b.id ?? `mw-${randomUUID().slice(0, 8)}`;
    if (engine.windows().some((w) => w.id === id))
      throw new HttpError(
        409,
        `a maintenance window "${id}" exists already; delete it first or choose another id`,
        'conflict',
      );
    return {
      id,
      region: b.region,
      reason: b.reason,
      author: b.author,
      ...(b.cron === undefined ? {} : { cron: b.cron }),
      ...(b.start === undefined ? {} : { start: new Date(b.start).toISOString() }),
      durationMs: b.durationMs,
      notifyBeforeMs: b.notifyBeforeMs,
      at: new Date(now).toISOString(),
    };
  };

  // Defensive like status: a window kept from before the limits lists with its problems, and a time
  // a Date cannot hold is left out rather than failing the request.
  const view = (now: number) =>
    engine.windows().map((w) => {
      const at = windowAt(w, now);
      const start = isoOrUndefined(w.start);
      const activeUntil = isoOrUndefined(at.active?.end);
      const nextStart = isoOrUndefined(at.next?.start);
      const problems = windowProblems(w);
      return {
        id: w.id,
        region: w.region,
        reason: w.reason,
        source: w.source,
        ...(w.author ? { author: w.author } : {}),
        ...(w.cron ? { cron: w.cron } : {}),
        ...(start === undefined ? {} : { start }),
        durationMs: w.durationMs,
        notifyBeforeMs: w.notifyBeforeMs,
        ...(activeUntil === undefined ? {} : { activeUntil }),
        ...(nextStart === undefined ? {} : { nextStart }),
        ...(problems.length > 0 ? { problems } : {}),
      };
    });

  return {
    tokens: p.tokens,
    override: async (region, body, actor) => {
      p.knownRegion(region);
      const until = Date.now() + body.forMs;
      const record = overrideRecordOf({
        region,
        state: 'up',
        reason: body.reason,
        author: body.author,
        at: Date.now(),
        until,
      });
      await shared(() => coordinator.publishOverride(record));
      const e = engine.forceUp(region, { reason: body.reason, author: body.author, until });
      p.onHealthEvents([{ ...e, actor }]);
      const drained = engine.snapshot().regions.find((r) => r.id === region)?.status === 'drained';
      return {
        region,
        override: record,
        status: e.to,
        ...(drained
          ? { note: 'the region stays drained: a drain or maintenance window wins over an override' }
          : {}),
        warnings: p.coverage.now(),
      };
    },
    clearOverride: async (region, author, actor) => {
      p.knownRegion(region);
      await shared(() => coordinator.publishClearOverride(region));
      const e = engine.clearOverride(region, author);
      p.onHealthEvents([{ ...e, actor }]);
      return { region, override: null, status: e.to, warnings: p.coverage.now() };
    },
    windows: () => ({ windows: view(Date.now()) }),
    addWindow: async (body, actor) => {
      const now = Date.now();
      const record = checkWindow(body, now);
      await shared(() => coordinator.publishWindow(record));
      // One-shot windows that are over are dropped here (etcd drops them on its own).
      windows.set([...liveApiWindows(now), record]);
      p.events.append('maintenance-added', {
        actor,
        region: record.region,
        window: record.id,
        before: null,
        after: record,
      });
      const during = p.coverage.during(record.id, now);
      return {
        window: view(now).find((w) => w.id === record.id),
        warnings: during.warnings,
        ...(during.occurrence ? { warningsFor: during.occurrence } : {}),
      };
    },
    deleteWindow: async (id, author, actor) => {
      const w = engine.windows().find((x) => x.id === id);
      if (!w) throw new HttpError(404, `no maintenance window "${id}"`, 'unknown-window');
      if (w.source === 'config')
        throw new HttpError(
          409,
          `window "${id}" is defined in the config file; remove it there and restart`,
          'config-window',
        );
      const before = windows.all().find((x) => x.id === id) ?? null;
      await shared(() => coordinator.publishDeleteWindow(id));
      windows.set(windows.all().filter((x) => x.id !== id));
      p.events.append('maintenance-removed', {
        actor,
        author,
        region: w.region,
        window: id,
        before,
        after: null,
      });
      return { window: id, deleted: true };
    },
  };
}
