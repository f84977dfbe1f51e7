// The client-side request budget: Cloudflare allows 1,200 requests per 5 minutes per token and,
// once over, blocks every call for 5 minutes. All zones under one token share one budget, so the
// budgets live in a module-level registry keyed by a hash of the token (never the token itself).
//
// A sliding-window log rather than a refilling bucket: a bucket of capacity C refilled at C per
// window admits up to 2C in one window, which is exactly what the server punishes.
import { createHash } from 'node:crypto';
import { Gauge, register as globalRegistry, type Registry } from 'prom-client';

export interface BudgetOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in milliseconds (Cloudflare: 300,000). */
  windowMs: number;
  /**
   * Requests per second. Cloudflare also limits 200/s per client IP, shared by everything on the
   * address, so we take at most half of it by default.
   */
  perSecond?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class RequestBudget {
  limit: number;
  windowMs: number;
  perSecond: number;
  /** Send times of the requests inside the current window, oldest first. */
  private readonly sent: number[] = [];
  /** Until when the server told us to stop (a 429's retry-after), epoch ms. */
  private blockedUntil = 0;
  /** Callers waiting, served in arrival order so a busy zone cannot starve another. */
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(options: BudgetOptions, now: () => number = Date.now) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.perSecond = options.perSecond ?? 100;
    this.now = now;
  }

  /**
   * We count from when we send, the server from when the request arrives: a slot is reused only
   * after the window plus this margin, so network delay never lets the server see one too many.
   */
  private get marginMs(): number {
    return Math.min(1000, this.windowMs / 20);
  }

  private prune(at: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= at - this.windowMs - this.marginMs) this.sent.shift();
  }

  /** Another client of the same token asked for a stricter budget: the stricter one holds for all. */
  tighten(options: BudgetOptions): void {
    this.limit = Math.min(this.limit, options.limit);
    this.windowMs = Math.max(this.windowMs, options.windowMs);
    this.perSecond = Math.min(this.perSecond, options.perSecond ?? this.perSecond);
  }

  /** Requests still allowed in the current window. */
  get remaining(): number {
    this.prune(this.now());
    return Math.max(0, this.limit - this.sent.length);
  }

  /** Milliseconds until the server-imposed block ends (0 when not blocked). */
  get blockedForMs(): number {
    return Math.max(0, this.blockedUntil - this.now());
  }

  /** Record a 429: nobody under this token sends again before `ms` has passed. */
  block(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }

  /** Milliseconds the next request would have to wait now. */
  waitMs(): number {
    const at = this.now();
    this.prune(at);
    const windowWait =
      this.sent.length < this.limit ? 0 : this.sent[0]! + this.windowMs + this.marginMs - at + 1;
    // The per-second limit: the perSecond-th most recent send must be a second old.
    const nth = this.sent[this.sent.length - this.perSecond];
    const secondWait = nth === undefined ? 0 : nth + 1000 - at + 1;
    return Math.max(windowWait, secondWait, this.blockedUntil - at, 0);
  }

  /** Wait for a slot and take it. Resolves when the request may be sent. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const wait = this.waitMs();
        if (wait <= 0) break;
        await sleep(wait, signal);
      }
      this.sent.push(this.now());
    });
    // A caller that aborts must not wedge the queue for the others.
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

const byToken = new Map<string, RequestBudget>();

/** A stable, non-reversible key for a token: the registry and metrics never hold the token. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * The budget shared by every client of this token. The first client creates it; a later one with a
 * stricter limit tightens it (clients keep a reference, so it is never replaced).
 */
export function budgetFor(token: string, options: BudgetOptions): RequestBudget {
  const key = tokenKey(token);
  const b = byToken.get(key);
  if (b) {
    b.tighten(options);
    return b;
  }
  const created = new RequestBudget(options);
  byToken.set(key, created);
  return created;
}

/** Budgets by token key, for status output and metrics. */
export function budgets(): ReadonlyMap<string, RequestBudget> {
  return byToken;
}

const gauges = new WeakMap<Registry, Gauge>();

/**
 * Registers (once per registry) the gauge `geofailover_cloudflare_budget_remaining{token}`: requests
 * left in the current window for each API token, labelled by the token's hash. The controller passes
 * its own registry (src/api/metrics.ts); the default is prom-client's global one.
 */
export function registerBudgetGauge(registry: Registry = globalRegistry): Gauge {
  let gauge = gauges.get(registry);
  if (!gauge) {
    gauge = new Gauge({
      name: 'geofailover_cloudflare_budget_remaining',
      help: 'Cloudflare API requests left in the current 5-minute window, per API token (hashed)',
      labelNames: ['token'],
      registers: [registry],
      collect() {
        for (const [key, b] of byToken) this.set({ token: key }, b.remaining);
      },
    });
    gauges.set(registry, gauge);
  }
  return gauge;
}
