// Webhook notifications (issue 6): failover, failback, drain, apply-error, fail-static, maintenance,
// override. Each event is sent once per webhook from a queue (a reconcile never waits for it), retried
// with backoff, and carries an id the receiver can deduplicate on. Bodies hold the event's facts, never
// a secret. Formats: json, slack, and pagerduty (Events API v2 trigger/resolve, pagerduty.ts).
import type { NotificationConfig } from '../config/index.ts';
import { secretFromEnv } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { isoOrUndefined } from '../model/index.ts';
import type { ControllerMetrics } from '../server/index.ts';
import type { StoredEvent } from './event-log.ts';
import { PAGERDUTY_URL, pagerdutyEvent } from './pagerduty.ts';

export type NotifyKind = NotificationConfig['events'][number];

export interface Notification {
  id: string;
  kind: NotifyKind;
  at: string;
  message: string;
  region?: string;
  zone?: string;
  owner: string;
  details: Record<string, unknown>;
}

/** Which notification an audit event is, if any. */
export function classify(e: StoredEvent): NotifyKind | undefined {
  switch (e.type) {
    case 'region-transition':
      if (e.to === 'down' && e.from === 'up') return 'failover';
      if (e.to === 'up' && e.from === 'down') return 'failback';
      return undefined;
    case 'drain':
    case 'undrain':
      return 'drain';
    case 'apply-error':
      // The first failure of a streak notifies; its retries do not, and its end does (apply-recovered).
      return typeof e.attempt === 'number' && e.attempt > 1 ? undefined : 'apply-error';
    case 'apply-recovered':
    case 'plan-refused':
    case 'propagation-failed':
      return 'apply-error';
    case 'fail-static':
      return 'fail-static';
    case 'maintenance-upcoming':
    case 'maintenance-start':
    case 'maintenance-end':
      return 'maintenance';
    case 'override':
    case 'override-lifted':
      return 'override';
    default:
      return undefined;
  }
}

const isoMs = (v: unknown) => (typeof v === 'number' ? (isoOrUndefined(v) ?? '?') : '?');

function messageOf(kind: NotifyKind, e: StoredEvent): string {
  const region = typeof e.region === 'string' ? e.region : undefined;
  switch (kind) {
    case 'failover':
      return `region ${region} is DOWN: traffic moves to the next healthy region`;
    case 'failback':
      return `region ${region} is UP again: traffic returns to it`;
    case 'drain':
      return e.type === 'drain'
        ? `region ${region} drained${typeof (e.evidence as { reason?: string })?.reason === 'string' ? `: ${(e.evidence as { reason: string }).reason}` : ''}`
        : `region ${region} undrained`;
    case 'apply-error':
      if (e.type === 'apply-recovered')
        return `zone ${String(e.zone ?? '?')}: provider ${String(e.provider ?? '?')} works again after ${String(e.attempts ?? '?')} failed attempt(s); DNS is current`;
      return `zone ${String(e.zone ?? '?')}: ${e.type === 'plan-refused' ? 'plan refused by the safety gate' : e.type === 'propagation-failed' ? 'change not visible on the nameservers' : 'DNS update failed'}: ${String(e.message ?? (e.refusals as string[] | undefined)?.join('; ') ?? '')}`;
    case 'fail-static':
      return e.to === 'on'
        ? 'fail static: too few probers are fresh; DNS is held as it is'
        : 'fail static ended: enough probers are fresh again';
    case 'maintenance': {
      const ev = (e.evidence ?? {}) as Record<string, unknown>;
      const why = typeof ev.reason === 'string' ? `: ${ev.reason}` : '';
      if (e.type === 'maintenance-upcoming')
        return `region ${region} maintenance starts at ${isoMs(ev.start)} and ends at ${isoMs(ev.end)}; traffic will move away at the start${why}`;
      if (e.type === 'maintenance-start')
        return `region ${region} in maintenance until ${isoMs(ev.end)}: traffic moved away${why}`;
      return `region ${region} maintenance ended; traffic returns after the failback hold-down${why}`;
    }
    case 'override': {
      const ev = (e.evidence ?? {}) as Record<string, unknown>;
      const who = typeof e.actor === 'string' ? ` by ${e.actor}` : '';
      return e.type === 'override'
        ? `region ${region} forced UP${who} until ${isoMs(ev.until)}: ${String(ev.reason ?? '')}`
        : `region ${region} override lifted (${String(ev.why ?? '')}); status ${String(e.to)}`;
    }
  }
}

export function toNotification(owner: string, kind: NotifyKind, e: StoredEvent): Notification {
  const { seq, at, type, ...rest } = e;
  return {
    id: `${owner}-${seq}`,
    kind,
    at,
    message: messageOf(kind, e),
    ...(typeof e.region === 'string' ? { region: e.region } : {}),
    ...(typeof e.zone === 'string' ? { zone: e.zone } : {}),
    owner,
    details: { event: type, seq, ...rest },
  };
}

function body(format: 'json' | 'slack', n: Notification): string {
  if (format === 'slack') {
    const icon =
      n.kind === 'failback'
        ? ':white_check_mark:'
        : n.kind === 'drain' || n.kind === 'override'
          ? ':construction:'
          : n.kind === 'maintenance'
            ? ':wrench:'
            : ':rotating_light:';
    return JSON.stringify({ text: `${icon} geofailover (${n.owner}): ${n.message} (${n.at})` });
  }
  return JSON.stringify({ version: 1, ...n });
}

export interface NotifierOptions {
  owner: string;
  hooks: readonly NotificationConfig[];
  env: NodeJS.ProcessEnv;
  metrics: ControllerMetrics;
  logger: Logger;
  /** Attempts per notification (first try included). */
  attempts?: number;
  /** First retry delay; doubles each time, with jitter. */
  backoffMs?: number;
  timeoutMs?: number;
}

interface Job {
  hook: NotificationConfig;
  token: string | undefined;
  n: Notification;
  body: string;
}

export class Notifier {
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly tokens: (string | undefined)[];
  private readonly routingKeys: (string | undefined)[];
  private idle: (() => void)[] = [];
  private closed = false;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: NotifierOptions) {
    // Resolve secrets at start: a missing token is a startup error, not a silent failure at 3 a.m.
    this.tokens = o.hooks.map((h, i) =>
      h.tokenEnv ? secretFromEnv(h.tokenEnv, `notifications[${i}].tokenEnv`, o.env) : undefined,
    );
    this.routingKeys = o.hooks.map((h, i) =>
      h.routingKeyEnv
        ? secretFromEnv(h.routingKeyEnv, `notifications[${i}].routingKeyEnv`, o.env)
        : undefined,
    );
    this.attempts = o.attempts ?? 5;
    this.backoffMs = o.backoffMs ?? 500;
    this.timeoutMs = o.timeoutMs ?? 5000;
  }

  /** Queue an audit event for every webhook that wants its kind. Never throws, never waits. */
  handle(e: StoredEvent): void {
    if (this.closed) return;
    const kind = classify(e);
    if (!kind) return;
    const n = toNotification(this.o.owner, kind, e);
    this.o.hooks.forEach((hook, i) => {
      if (hook.format === 'pagerduty') {
        // An alert opened for a failover is resolved by the failback even when only failover is listed.
        const wanted =
          hook.events.includes(kind) || (kind === 'failback' && hook.events.includes('failover'));
        const pd = wanted
          ? pagerdutyEvent(this.o.owner, this.routingKeys[i]!, e, n.message, n.details)
          : undefined;
        if (pd) this.queue.push({ hook, token: undefined, n, body: JSON.stringify(pd) });
        return;
      }
      if (hook.events.includes(kind))
        this.queue.push({ hook, token: this.tokens[i], n, body: body(hook.format, n) });
    });
    this.pump();
  }

  private pump(): void {
    // A few in flight at once; each job retries on its own schedule.
    while (this.running < 4 && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.deliver(job).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const f of this.idle.splice(0)) f();
      });
    }
  }

  private async deliver(job: Job): Promise<void> {
    const url = new URL(job.hook.url ?? PAGERDUTY_URL);
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'geofailover',
            'x-geofailover-event': job.n.kind,
            'x-geofailover-event-id': job.n.id,
            ...(job.token ? { authorization: `Bearer ${job.token}` } : {}),
          },
          body: job.body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.o.metrics.notificationsSent.inc({ event: job.n.kind });
          return;
        }
        lastError = `HTTP ${res.status}`;
        // A 4xx other than 408/429 will not get better by retrying.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (err) {
        lastError = (err as Error).message;
      }
      if (attempt < this.attempts && !this.closed) {
        const cap = this.backoffMs * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
      }
    }
    this.o.metrics.notificationsFailed.inc({ event: job.n.kind });
    this.o.logger.warn(
      { webhook: url.origin, kind: job.n.kind, id: job.n.id, error: lastError },
      'notification not delivered',
    );
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  drain(timeoutMs = 5000): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): void {
    this.closed = true;
  }
}
