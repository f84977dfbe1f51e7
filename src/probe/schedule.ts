// Fixed-rate scheduling of many checks: check i runs at start + phase_i + k × interval (phases spread
// over the interval as jitter), so a slow run never shifts later runs (no drift). A slot that comes
// while the same check is still running or queued is skipped and counted (no overlapping runs), and
// at most `concurrency` checks run at once.

export interface SchedulerOptions {
  intervalMs: number;
  /** Number of jobs; job i is run through `run(i)`. */
  jobs: number;
  concurrency: number;
  run: (i: number) => Promise<void>;
  /** Random source for the phases (tests pass a seeded one). */
  random?: () => number;
  /** Fraction of the interval the phases spread over (1: the whole interval). */
  spread?: number;
}

export class FixedRateScheduler {
  private readonly phases: number[];
  private readonly busy: boolean[];
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private readonly queue: number[] = [];
  private active = 0;
  private start = 0;
  private stopped = true;
  private readonly idle = new Set<() => void>();
  /** Slots skipped because the previous run of the same job had not finished, or the loop stalled. */
  skipped = 0;
  started = 0;

  constructor(private readonly opts: SchedulerOptions) {
    const random = opts.random ?? Math.random;
    const spread = opts.spread ?? 1;
    this.phases = Array.from({ length: opts.jobs }, () => Math.floor(random() * opts.intervalMs * spread));
    this.busy = new Array(opts.jobs).fill(false);
    this.timers = new Array(opts.jobs).fill(undefined);
  }

  begin(now = performance.now()): void {
    this.start = now;
    this.stopped = false;
    for (let i = 0; i < this.opts.jobs; i++) this.arm(i, 0);
  }

  /** Stops scheduling; resolves when no run is in progress. */
  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) if (t) clearTimeout(t);
    this.queue.length = 0;
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private arm(i: number, k: number): void {
    if (this.stopped) return;
    const target = this.start + this.phases[i]! + k * this.opts.intervalMs;
    this.timers[i] = setTimeout(() => this.fire(i, k), Math.max(0, target - performance.now()));
  }

  private fire(i: number, k: number): void {
    if (this.stopped) return;
    if (this.busy[i]) this.skipped++;
    else {
      this.busy[i] = true;
      this.queue.push(i);
      this.pump();
    }
    // Next slot strictly in the future: after a stalled event loop, missed slots are skipped, not bunched.
    const elapsedSlots = Math.floor(
      (performance.now() - this.start - this.phases[i]!) / this.opts.intervalMs,
    );
    const next = Math.max(k + 1, elapsedSlots + 1);
    this.skipped += next - (k + 1);
    this.arm(i, next);
  }

  private pump(): void {
    while (this.active < this.opts.concurrency && this.queue.length > 0) {
      const i = this.queue.shift()!;
      this.active++;
      this.started++;
      this.opts
        .run(i)
        .catch(() => {})
        .finally(() => {
          this.active--;
          this.busy[i] = false;
          if (!this.stopped) this.pump();
          if (this.active === 0 && this.stopped) {
            for (const f of this.idle) f();
            this.idle.clear();
          }
        });
    }
  }
}
