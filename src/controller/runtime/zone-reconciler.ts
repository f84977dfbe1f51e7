// One zone's reconcile pass on one of its providers inside the running controller (a zone published
// to several providers has one ZoneReconciler each, fully independent): hold when health cannot be trusted (fail
// static, undecided after a restart, not the leader), otherwise read → plan → gate → apply → confirm
// propagation, recording every step in the event log and metrics. While a pass runs, status and
// metrics show it (since when, which stage). Provider errors are retried with exponential backoff and
// jitter; they never escape the pass, and their text is bounded here, where they enter the
// controller, before status, events, notifications and logs get it.
import type { DnsProvider } from '../../../providers/index.ts';
import type { ControllerMetrics, ReconcileView, ZoneView } from '../../api/index.ts';
import type { Config, ZoneConfig } from '../../config/index.ts';
import type { HealthEngine } from '../../health/index.ts';
import type { Logger } from '../../log/index.ts';
import {
  type Change,
  ConflictError,
  describeBounded,
  errorForLog,
  isMarkerName,
  normaliseName,
  type RecordSet,
  type SteeringInput,
  sortRecords,
} from '../../model/index.ts';
import type { ZonePlan } from '../../plan/index.ts';
import { assemblePlan, renderText } from '../../plan/index.ts';
import { policyRegions } from '../../policy/index.ts';
import { applyZonePlan } from '../../reconcile/applier.ts';
import { planZoneOf } from '../../reconcile/reconcile.ts';
import { expectationsFor, secondaryExpectations, verifyPropagation } from '../../reconcile/verify.ts';
import type { EventLog } from '../state/event-log.ts';
import { inProgressView, type RunningPass } from '../views/in-progress.ts';
import type { Trigger } from './scheduler.ts';

export interface ZoneReconcilerDeps {
  config: Config;
  zone: ZoneConfig;
  provider: DnsProvider;
  engine: HealthEngine;
  events: EventLog;
  metrics: ControllerMetrics;
  logger: Logger;
  /** Nameservers to confirm propagation on (host:port); empty: no confirmation possible. */
  nameservers: () => Promise<string[]>;
  /** Secondaries that transfer the zone from a builtin hidden primary (host:port); they serve the
   *  flattened answers (no geo, no weights) and are confirmed against those. */
  secondaries?: () => string[];
  /** Fencing: may this replica write now? Checked before planning and again right before apply. */
  canWrite: () => { ok: boolean; reason?: string };
  /** Ask the scheduler for another pass of this zone later (retry after an error). */
  retry: (delayMs: number) => void;
  /** Latency records' round-trip times and held rankings, read at the start of each pass. */
  steering?: () => SteeringInput;
}

const summary = (c: Change) => {
  const r = (c.after ?? c.before)!;
  return {
    kind: c.kind,
    name: r.name,
    type: r.type,
    ...(r.setId === undefined ? {} : { setId: r.setId }),
    ...(c.before ? { before: c.before.values, beforeWeight: c.before.weight } : {}),
    ...(c.after ? { after: c.after.values, afterWeight: c.after.weight } : {}),
    reason: c.reason,
  };
};

export class ZoneReconciler {
  readonly zone: string;
  private last?: ReconcileView;
  private published: RecordSet[] = [];
  private error?: ZoneView['error'];
  /** Since when this zone's passes have failed (the provider cannot be read or written). */
  private failing?: NonNullable<ZoneView['failing']>;
  private failures = 0;
  private holdReason?: string;
  /** The pass running now, if any. */
  private running?: RunningPass;

  constructor(private readonly d: ZoneReconcilerDeps) {
    this.zone = normaliseName(d.zone.name);
    // The series exist from the start, so an alert can tell "fine" from "never reported".
    d.metrics.providerFailing.set({ provider: d.provider.id, zone: this.zone }, 0);
    d.metrics.passEnded(this.zone, d.provider.id);
  }

  /** A pass got through to the provider: a failure streak, if any, is over (evented, notified). */
  private providerWorks(): void {
    this.failures = 0;
    if (!this.failing) return;
    const { since, attempts } = this.failing;
    this.failing = undefined;
    this.d.metrics.providerFailing.set({ provider: this.d.provider.id, zone: this.zone }, 0);
    this.d.events.append('apply-recovered', {
      zone: this.zone,
      provider: this.d.provider.id,
      attempts,
      failingForMs: Date.now() - Date.parse(since),
    });
  }

  view(): ZoneView {
    return {
      zone: this.zone,
      provider: this.d.provider.id,
      providerKind: this.d.provider.kind,
      ...(this.last ? { lastReconcile: this.last } : {}),
      records: this.published,
      ...(this.error ? { error: this.error } : {}),
      ...(this.failing ? { failing: this.failing } : {}),
      ...(this.running ? { inProgress: inProgressView(this.running, Date.now()) } : {}),
    };
  }

  /** The regions this zone's records depend on. */
  private regions(): string[] {
    return [...new Set(this.d.zone.records.flatMap((r) => policyRegions(r.policy)))];
  }

  /** Why this pass must not change DNS, or undefined when it may. */
  private holdingBecause(): string | undefined {
    const snap = this.d.engine.snapshot();
    if (snap.failStatic) {
      return `fail static: ${snap.freshProbers.length} prober(s) fresh, fewer than minProbers ${this.d.config.health.minProbers}; DNS is held as it is`;
    }
    const undecided = this.regions().filter((r) => !this.d.engine.decided(r));
    if (undecided.length > 0) {
      return `holding DNS until fresh reports decide region(s) ${undecided.join(', ')}`;
    }
    const write = this.d.canWrite();
    if (!write.ok) return write.reason ?? 'this replica may not write';
    return undefined;
  }

  async pass(triggers: readonly Trigger[]): Promise<void> {
    this.running = { since: Date.now(), stage: 'read' };
    this.d.metrics.passStarted(this.zone, this.d.provider.id, this.running.since);
    try {
      await this.run(triggers);
    } finally {
      this.running = undefined;
      this.d.metrics.passEnded(this.zone, this.d.provider.id);
    }
  }

  private async run(triggers: readonly Trigger[]): Promise<void> {
    const t0 = performance.now();
    // When this pass began and when it started writing: an HA replica's events then show that every
    // read began, and every write was sent, while it was allowed to write (chaos scenario 9 checks).
    const startedAt = new Date().toISOString();
    let writeStartedAt: string | undefined;
    const trigger = [...new Set(triggers.map((t) => t.kind))].join(',');
    const causeAt = triggers.reduce<number | undefined>(
      (m, t) => (t.at === undefined ? m : m === undefined ? t.at : Math.min(m, t.at)),
      undefined,
    );
    const end = (result: ReconcileView['result'], extra: Partial<ReconcileView> = {}) => {
      const durationMs = Math.round((performance.now() - t0) * 100) / 100;
      this.last = { at: new Date().toISOString(), trigger, result, changes: 0, durationMs, ...extra };
      this.d.metrics.reconciles.inc({ zone: this.zone, provider: this.d.provider.id, result });
      this.d.metrics.reconcileDuration.observe(
        { zone: this.zone, provider: this.d.provider.id, trigger },
        durationMs / 1000,
      );
    };

    const hold = this.holdingBecause();
    if (hold) {
      if (hold !== this.holdReason) {
        this.d.events.append('reconcile-held', {
          zone: this.zone,
          provider: this.d.provider.id,
          message: hold,
          trigger,
        });
        this.d.logger.warn({ zone: this.zone, trigger }, hold);
      }
      this.holdReason = hold;
      end('skipped', { message: hold });
      await this.refreshPublished().catch(() => undefined);
      return;
    }
    if (this.holdReason) {
      this.d.events.append('reconcile-resumed', {
        zone: this.zone,
        provider: this.d.provider.id,
        message: `no longer held (${this.holdReason})`,
      });
      this.holdReason = undefined;
    }

    let plan: ZonePlan | undefined;
    try {
      const states = this.d.engine.regionStates();
      // One view of the steering per pass: the re-plan after the write must see what the plan saw.
      const steering = this.d.steering?.();
      const inputs = steering ? { steering } : {};
      let desired: RecordSet[] = [];
      let current: readonly RecordSet[] = [];
      plan = await planZoneOf(this.d.config, this.d.zone, this.d.provider, states, {
        inputs,
        inspect: (c, d) => {
          current = c;
          desired = d.map((x) => x.record);
        },
      });
      // What is served now: the desired set once applied (or when nothing differs), else what was read.
      this.published = plan.changes.length === 0 ? sortRecords(desired) : this.managedOf(current);
      if (plan.changes.length === 0) {
        this.providerWorks();
        this.error = undefined;
        end('ok');
        return;
      }
      const changes = plan.changes.map(summary);
      if (!plan.allowed) {
        const refusals = plan.safety.filter((v) => !v.ok).map((v) => v.message);
        const message = `plan refused by the safety gate: ${refusals.join('; ')}`;
        this.d.events.append('plan-refused', {
          zone: this.zone,
          provider: this.d.provider.id,
          checksum: plan.checksum,
          changes,
          refusals,
          trigger,
        });
        this.d.logger.error({ zone: this.zone, refusals, checksum: plan.checksum }, message);
        this.d.logger.info({ zone: this.zone }, renderText(assemblePlan(this.d.config.owner, [plan])));
        this.error = {
          at: new Date().toISOString(),
          message: `${message}; review and run \`geofailover apply --force\``,
        };
        end('refused', { changes: plan.changes.length, message, checksum: plan.checksum });
        return;
      }
      if (this.d.config.controller.mode === 'dry-run') {
        this.d.events.append('plan', {
          zone: this.zone,
          provider: this.d.provider.id,
          mode: 'dry-run',
          checksum: plan.checksum,
          changes,
          trigger,
        });
        this.d.logger.info(
          { zone: this.zone, checksum: plan.checksum },
          renderText(assemblePlan(this.d.config.owner, [plan])),
        );
        end('dry-run', { changes: plan.changes.length, checksum: plan.checksum });
        return;
      }
      // Fencing: leadership may have been lost while we read and planned.
      const write = this.d.canWrite();
      if (!write.ok) {
        end('skipped', { message: write.reason ?? 'lost the right to write before apply' });
        return;
      }
      const applyStart = performance.now();
      writeStartedAt = new Date().toISOString();
      this.running = { ...this.running!, stage: 'write', changes: plan.changes.length };
      const outcome = await applyZonePlan(plan, this.d.provider, {
        mode: 'apply',
        replan: () => planZoneOf(this.d.config, this.d.zone, this.d.provider, states, { inputs }),
      });
      const applyMs = performance.now() - applyStart;
      this.published = sortRecords(desired);
      for (const c of plan.changes)
        this.d.metrics.dnsChanges.inc({ zone: this.zone, provider: this.d.provider.id, kind: c.kind });
      this.running = { ...this.running!, stage: 'confirm' };
      const visible = await this.confirm(plan, desired);
      const visibleAt = performance.now();
      this.d.events.append('apply', {
        zone: this.zone,
        provider: this.d.provider.id,
        checksum: plan.checksum,
        changes,
        trigger,
        result: outcome.status,
        startedAt,
        writeStartedAt,
        applyMs: Math.round(applyMs * 100) / 100,
        ...(outcome.result?.syncMs === undefined ? {} : { syncMs: outcome.result.syncMs }),
        visible: visible.nameservers,
        ...(visible.unchecked.length > 0 ? { unchecked: visible.unchecked } : {}),
        ...(causeAt === undefined ? {} : { sinceCauseMs: Math.round((visibleAt - causeAt) * 100) / 100 }),
      });
      this.providerWorks();
      this.error = visible.ok
        ? undefined
        : {
            at: new Date().toISOString(),
            message:
              visible.nameservers.length === 0
                ? `applied, but not confirmed: ${visible.unchecked.join('; ') || 'no nameserver to ask'}`
                : `applied, but not visible on ${visible.nameservers
                    .filter((n) => n.visibleMs === null)
                    .map(
                      (n) =>
                        `${n.nameserver}${n.lastMismatch ? ` (${n.lastMismatch})` : n.error ? ` (${n.error})` : ''}`,
                    )
                    .join(', ')} within ${this.d.config.verify.timeout} ms`,
          };
      if (!visible.ok)
        this.d.events.append('propagation-failed', {
          zone: this.zone,
          provider: this.d.provider.id,
          message: this.error!.message,
        });
      end('changed', {
        changes: plan.changes.length,
        checksum: plan.checksum,
        visible: visible.nameservers.map((n) => ({ nameserver: n.nameserver, visibleMs: n.visibleMs })),
      });
    } catch (err) {
      this.failed(err, plan, end, { startedAt, ...(writeStartedAt ? { writeStartedAt } : {}) });
    }
  }

  private failed(
    err: unknown,
    plan: ZonePlan | undefined,
    end: (r: ReconcileView['result'], x?: Partial<ReconcileView>) => void,
    /** When the pass began, and when it began writing (absent: it failed before sending any write). */
    when: { startedAt: string; writeStartedAt?: string },
  ) {
    this.failures++;
    const conflict = err instanceof ConflictError;
    // Exponential backoff with jitter (between half and all of a cap that doubles: 1 s … 60 s). A lost
    // compare-and-swap starts at 100 ms (a quick re-read and re-plan), but conflicts that keep coming
    // (another writer) back off too, so they cannot eat the provider's request budget.
    const exp = (base: number, max: number) => Math.min(max, base * 2 ** Math.min(this.failures - 1, 10));
    const cap = conflict ? exp(100, 30_000) : exp(1000, 60_000);
    const delay = Math.round(cap / 2 + Math.random() * (cap / 2));
    // A provider's error text can be megabytes (an HTTP body): bounded once, here.
    const message = describeBounded(err);
    this.d.metrics.providerErrors.inc({ provider: this.d.provider.id, zone: this.zone });
    this.d.events.append('apply-error', {
      zone: this.zone,
      provider: this.d.provider.id,
      message,
      attempt: this.failures,
      retryInMs: delay,
      ...(plan ? { checksum: plan.checksum, changes: plan.changes.length } : {}),
      stage: when.writeStartedAt ? 'write' : 'read',
      ...when,
    });
    this.d.logger.error(
      { zone: this.zone, provider: this.d.provider.id, err: errorForLog(err), retryInMs: delay },
      'reconcile failed',
    );
    this.error = {
      at: new Date().toISOString(),
      message,
      retryAt: new Date(Date.now() + delay).toISOString(),
    };
    this.failing = { since: this.failing?.since ?? this.error.at, message, attempts: this.failures };
    this.d.metrics.providerFailing.set({ provider: this.d.provider.id, zone: this.zone }, 1);
    end('error', { message, ...(plan ? { changes: plan.changes.length } : {}) });
    this.d.retry(delay);
  }

  private async confirm(plan: ZonePlan, desired: readonly RecordSet[]) {
    const changed = new Set(
      plan.changes.map((c) => (c.after ?? c.before)!.name).filter((n) => !isMarkerName(n)),
    );
    const records = desired.filter((r) => changed.has(r.name));
    const { expectations, unchecked } = expectationsFor(records, this.d.config.geoip.networks);
    if (!this.d.provider.capabilities.servedOverDns) {
      // An in-process store no nameserver serves: nothing to confirm.
      return {
        ok: true,
        nameservers: [],
        unchecked: [`${this.d.provider.kind} provider: not served over DNS`],
      };
    }
    const nameservers = await this.d.nameservers().catch(() => []);
    if (nameservers.length === 0) {
      return {
        ok: false,
        nameservers: [],
        unchecked: [...unchecked, 'no nameserver to ask (set verify.nameservers)'],
      };
    }
    const timing = { deadlineMs: this.d.config.verify.timeout, intervalMs: this.d.config.verify.interval };
    const secondaries = this.d.secondaries?.() ?? [];
    const [own, second] = await Promise.all([
      verifyPropagation({ nameservers, expectations, unchecked, ...timing }),
      secondaries.length === 0
        ? undefined
        : verifyPropagation({
            nameservers: secondaries,
            expectations: secondaryExpectations(records),
            ...timing,
          }),
    ]);
    const result = second
      ? { ...own, ok: own.ok && second.ok, nameservers: [...own.nameservers, ...second.nameservers] }
      : own;
    for (const n of result.nameservers) {
      if (n.visibleMs === null)
        this.d.metrics.propagationFailures.inc({
          zone: this.zone,
          provider: this.d.provider.id,
          nameserver: n.nameserver,
        });
      else
        this.d.metrics.propagation.observe(
          { zone: this.zone, provider: this.d.provider.id, nameserver: n.nameserver },
          n.visibleMs / 1000,
        );
    }
    return result;
  }

  /** While held, show what the provider serves (best effort; errors are reported by real passes). */
  private async refreshPublished(): Promise<void> {
    const names = this.d.zone.records.map((r) => r.name);
    this.published = this.managedOf(await this.d.provider.records(this.zone, { names }));
  }

  private managedOf(current: readonly RecordSet[]): RecordSet[] {
    const managed = new Set(this.d.zone.records.map((r) => normaliseName(r.name)));
    return sortRecords(current.filter((r) => managed.has(normaliseName(r.name)) && !isMarkerName(r.name)));
  }
}
