// Client-side request budget: a token bucket (rate per second, small burst) shared by every zone and
// provider instance that talks to the same account through the same endpoint, because Route 53
// throttles per account, not per zone. Waiters are served in FIFO order.

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export class RequestBudget {
  rate: number;
  burst: number;
  /** Theoretical arrival time of the next request (GCRA): later callers queue behind earlier ones. */
  private tat = Number.NEGATIVE_INFINITY;
  private readonly clock: Clock;
  /** Requests granted, for tests and benchmarks. */
  granted = 0;

  constructor(rate: number, burst = Math.max(1, Math.floor(rate)), clock: Clock = realClock) {
    if (!(rate > 0)) throw new RangeError(`request budget rate must be positive, got ${rate}`);
    this.rate = rate;
    this.burst = burst;
    this.clock = clock;
  }

  /** Milliseconds the next caller would wait now (0 when a token is free). */
  delay(): number {
    const interval = 1000 / this.rate;
    const now = this.clock.now();
    const tat = Math.max(this.tat, now);
    return Math.max(0, tat + interval - now - this.burst * interval);
  }

  /** Waits for a token. The slot is reserved synchronously, so concurrent callers keep their order. */
  async take(signal?: AbortSignal): Promise<void> {
    const interval = 1000 / this.rate;
    const now = this.clock.now();
    const tat = Math.max(this.tat, now) + interval;
    const wait = tat - now - this.burst * interval;
    this.tat = tat;
    this.granted++;
    if (wait > 0) await this.clock.sleep(wait, signal);
  }
}

const registry = new Map<string, RequestBudget>();

/**
 * The budget for one account+endpoint identity. The first caller's rate wins; a later caller asking
 * for a lower rate lowers it for everyone (the strictest configured budget is the safe one).
 */
export function sharedBudget(key: string, rate: number, clock: Clock = realClock): RequestBudget {
  const existing = registry.get(key);
  if (existing) {
    if (rate < existing.rate) {
      existing.rate = rate;
      existing.burst = Math.min(existing.burst, Math.max(1, Math.floor(rate)));
    }
    return existing;
  }
  const b = new RequestBudget(rate, undefined, clock);
  registry.set(key, b);
  return b;
}

/** Forget every shared budget (tests). */
export function resetBudgets(): void {
  registry.clear();
}
