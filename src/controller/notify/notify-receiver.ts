// One webhook's sender: its own bounded queue (notify-backlog.ts), its own timeout per attempt, and at
// most one page and one other notification in flight. A slow or dead receiver therefore delays only
// its own notifications, never another receiver's page; its backlog stays bounded, and what it drops
// is counted and logged. Failed attempts are retried with backoff, in order within their lane.

import type { ControllerMetrics } from '../../api/index.ts';
import type { Logger } from '../../log/index.ts';
import { Backlog, type BacklogEntry } from './notify-backlog.ts';

/** One notification for one webhook, ready to POST. */
export interface Delivery {
  kind: string;
  id: string;
  body: string;
  /** Opens or closes an alert someone is paged for: goes before everything else, dropped last. */
  page: boolean;
}

export interface ReceiverOptions {
  /** The webhook's index in `notifications` (metrics label and logs: its URL may hold a secret). */
  index: number;
  url: URL;
  token: string | undefined;
  timeoutMs: number;
  backlog: number;
  /** Attempts per notification, the first included. */
  attempts: number;
  /** First retry delay; doubles each time, with jitter. */
  backoffMs: number;
  metrics: ControllerMetrics;
  logger: Logger;
}

/** An attempt that took longer than the webhook's timeout. */
export class NotificationTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

type Outcome = { ok: true } | { ok: false; error: string; retry: boolean };

/** Octets of a webhook's answer read (and thrown away) before the connection is dropped. */
const MAX_ANSWER_BODY = 64 * 1024;

/**
 * Read the answer's body up to MAX_ANSWER_BODY, under the attempt's timeout, and drop the rest: only
 * the status matters, and a receiver that streams an endless body must not fill our memory.
 */
async function discardBody(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let seen = 0;
  try {
    while (seen <= MAX_ANSWER_BODY) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.length;
    }
    await reader.cancel();
  } catch {
    /* aborted or reset mid-body: the status is already known */
  }
}

export class WebhookReceiver {
  private readonly queue: Backlog<Delivery>;
  private readonly inFlight = new Set<AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: ReceiverOptions) {
    this.queue = new Backlog(o.backlog);
  }

  /** Queue a notification; never waits, never throws. */
  enqueue(d: Delivery): void {
    if (this.closed) return;
    this.queue.add(d, d.page);
    this.pump();
  }

  /** Nothing queued or in flight. */
  get idle(): boolean {
    return this.queue.size === 0;
  }

  /** Resolves when idle. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stop: abort what is in flight and forget what waits (logged, so nothing vanishes silently). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    for (const ac of this.inFlight) ac.abort(new Error('shutting down'));
    const left = this.queue.clear();
    this.o.metrics.notificationsBacklog.set({ hook: String(this.o.index) }, 0);
    if (left.length > 0)
      this.o.logger.warn(
        { webhook: this.o.url.origin, hook: this.o.index, notifications: left.length },
        'notifications not delivered: shutting down',
      );
    this.wakeIdle();
  }

  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const step = this.queue.next(Date.now());
      if (step === undefined) break;
      if ('waitMs' in step) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, step.waitMs);
        break;
      }
      void this.attempt(step.send);
    }
    // Trimmed after sending what can go: a page that goes out at once never pushes anything out.
    for (const lost of this.queue.trim()) this.dropped(lost);
    this.o.metrics.notificationsBacklog.set({ hook: String(this.o.index) }, this.queue.size);
    this.wakeIdle();
  }

  private async attempt(entry: BacklogEntry<Delivery>): Promise<void> {
    entry.attempts++;
    const outcome = await this.post(entry.item);
    if (this.closed) return;
    const d = entry.item;
    if (outcome.ok) {
      this.o.metrics.notificationsSent.inc({ event: d.kind });
      this.queue.finish(entry);
    } else if (!outcome.retry || entry.attempts >= this.o.attempts) {
      this.o.metrics.notificationsFailed.inc({ event: d.kind });
      this.o.logger.warn(
        {
          webhook: this.o.url.origin,
          hook: this.o.index,
          kind: d.kind,
          id: d.id,
          attempts: entry.attempts,
          error: outcome.error,
        },
        'notification not delivered',
      );
      this.queue.finish(entry);
    } else {
      const cap = this.o.backoffMs * 2 ** (entry.attempts - 1);
      this.queue.retryAt(entry, Date.now() + cap / 2 + Math.random() * (cap / 2));
    }
    this.pump();
  }

  private async post(d: Delivery): Promise<Outcome> {
    const ac = new AbortController();
    this.inFlight.add(ac);
    const timer = setTimeout(
      () => ac.abort(new NotificationTimeoutError(this.o.timeoutMs)),
      this.o.timeoutMs,
    );
    try {
      const res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'geofailover',
          'x-geofailover-event': d.kind,
          'x-geofailover-event-id': d.id,
          ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
        },
        body: d.body,
        signal: ac.signal,
      });
      await discardBody(res);
      if (res.ok) return { ok: true };
      // A 4xx other than 408/429 will not get better by retrying.
      const retry = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, error: `HTTP ${res.status}`, retry };
    } catch (err) {
      const reason = ac.signal.aborted ? (ac.signal.reason as Error) : (err as Error);
      return { ok: false, error: reason.message, retry: true };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(ac);
    }
  }

  private dropped(d: Delivery): void {
    this.o.metrics.notificationsDropped.inc({ hook: String(this.o.index), event: d.kind });
    this.o.logger.warn(
      {
        webhook: this.o.url.origin,
        hook: this.o.index,
        kind: d.kind,
        id: d.id,
        page: d.page,
        backlog: this.o.backlog,
      },
      'notification dropped: the webhook backlog is full',
    );
  }

  private wakeIdle(): void {
    if (this.queue.size === 0) for (const f of this.idleWaiters.splice(0)) f();
  }
}
