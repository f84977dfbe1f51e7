// When reconcile runs: at once when health changes (coalesced per zone, at most one pass in flight
// per zone, follow-ups debounced), on the cron schedule to repair drift, and on request through the API.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../log/index.ts';

export type TriggerKind = 'health' | 'steering' | 'schedule' | 'api' | 'startup' | 'retry' | 'leadership';

export interface Trigger {
  kind: TriggerKind;
  detail?: string;
  /** performance.now() when the cause happened (a deciding report's arrival), for time-to-visible. */
  at?: number;
}

export type ZonePass = (zone: string, triggers: readonly Trigger[]) => Promise<void>;

interface ZoneSlot {
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
  queued: Trigger[];
  waiters: (() => void)[];
}

export interface SchedulerOptions {
  zones: readonly string[];
  /** Coalescing window for health triggers (at most 100 ms). */
  debounceMs: number;
  /** node-cron expression (seconds allowed) for drift repair; undefined: none. */
  schedule?: string;
  logger: Logger;
}

export class ReconcileScheduler {
  private readonly slots = new Map<string, ZoneSlot>();
  private task?: ScheduledTask;
  private stopped = false;

  constructor(
    private readonly pass: ZonePass,
    private readonly options: SchedulerOptions,
  ) {
    for (const z of options.zones) this.slots.set(z, { queued: [], waiters: [] });
  }

  start(): void {
    if (this.options.schedule) {
      this.task = cron.schedule(this.options.schedule, () => this.trigger({ kind: 'schedule' }), {
        name: 'geofailover-reconcile',
        noOverlap: true,
        logger: {
          info: (m) => this.options.logger.debug({ cron: m }, 'cron'),
          warn: (m) => this.options.logger.warn({ cron: m }, 'cron'),
          error: (m) => this.options.logger.error({ cron: String(m) }, 'cron'),
          debug: (m) => this.options.logger.debug({ cron: String(m) }, 'cron'),
        },
      });
    }
  }

  /**
   * Ask for a pass over `zones` (default: all). An idle zone starts its pass on the next turn of the
   * event loop, so triggers made in the same turn share it and a failover waits for nothing. Triggers
   * that arrive while a pass runs are coalesced into one more pass, which health triggers start
   * `debounceMs` after the running one ends. Resolves when a pass that began after this call has
   * finished for every zone named.
   */
  trigger(trigger: Trigger, zones?: readonly string[]): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const names = zones ?? [...this.slots.keys()];
    return Promise.all(
      names.map((zone) => {
        const slot = this.slots.get(zone);
        if (!slot) return Promise.resolve();
        slot.queued.push(trigger);
        const done = new Promise<void>((resolve) => slot.waiters.push(resolve));
        if (!slot.timer && !slot.inFlight) {
          slot.timer = setTimeout(() => this.run(zone), 0);
        }
        return done;
      }),
    ).then(() => undefined);
  }

  private run(zone: string): void {
    const slot = this.slots.get(zone)!;
    slot.timer = undefined;
    const triggers = slot.queued.splice(0);
    const waiters = slot.waiters.splice(0);
    if (triggers.length === 0) {
      for (const w of waiters) w();
      return;
    }
    slot.inFlight = this.pass(zone, triggers)
      .catch((err: unknown) => {
        // The pass reports its own errors; this only keeps a bug from stopping the scheduler.
        this.options.logger.error({ zone, err }, 'reconcile pass failed unexpectedly');
      })
      .finally(() => {
        slot.inFlight = undefined;
        for (const w of waiters) w();
        // Triggers that arrived during the pass get a pass of their own, right after.
        if (slot.queued.length > 0 && !this.stopped) {
          const health = slot.queued.every((t) => t.kind === 'health');
          slot.timer = setTimeout(() => this.run(zone), health ? this.options.debounceMs : 0);
        }
      });
  }

  /** True while any zone has a pass running. */
  busy(): boolean {
    return [...this.slots.values()].some((s) => s.inFlight !== undefined);
  }

  /** Stop scheduling; wait for passes in flight to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await this.task?.destroy();
    for (const slot of this.slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    await Promise.all([...this.slots.values()].map((s) => s.inFlight));
    for (const slot of this.slots.values()) for (const w of slot.waiters.splice(0)) w();
  }
}
