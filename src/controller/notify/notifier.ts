// Webhook notifications: failover, failback, drain, apply-error, fail-static, maintenance, override.
// Each event is queued once per webhook on that webhook's own sender (notify-receiver.ts: a reconcile
// never waits, and a dead webhook delays no other), retried with backoff, and carries an id the
// receiver can deduplicate on. Bodies hold the event's facts, never a secret; each format builds its
// own (formats/).

import type { ControllerMetrics } from '../../api/index.ts';
import type { NotificationConfig } from '../../config/index.ts';
import { secretFromEnv } from '../../config/index.ts';
import type { Logger } from '../../log/index.ts';
import { isoOrUndefined } from '../../model/index.ts';
import type { StoredEvent } from '../state/event-log.ts';
import { FORMATS, isPage } from './formats/index.ts';
import type { Notification, NotifyKind } from './notification.ts';
import { WebhookReceiver } from './notify-receiver.ts';

export type { Notification, NotifyKind } from './notification.ts';

/** Which notification an audit event is, if any. */
export function classify(e: StoredEvent): NotifyKind | undefined {
  switch (e.type) {
    case 'region-transition':
    case 'family-transition':
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

/** "IPv6" and "AAAA" for an event's family. */
function familyText(family: unknown): { name: string; type: string } {
  return family === 'ipv4' ? { name: 'IPv4', type: 'A' } : { name: 'IPv6', type: 'AAAA' };
}

const isoMs = (v: unknown) => (typeof v === 'number' ? (isoOrUndefined(v) ?? '?') : '?');

function messageOf(kind: NotifyKind, e: StoredEvent): string {
  const region = typeof e.region === 'string' ? e.region : undefined;
  switch (kind) {
    case 'failover':
      if (e.type === 'family-transition') {
        const f = familyText(e.family);
        return `region ${region} is DOWN on ${f.name}: its ${f.type} answers move to the next region with working ${f.name}; its other answers stay`;
      }
      return `region ${region} is DOWN: traffic moves to the next healthy region`;
    case 'failback':
      if (e.type === 'family-transition') {
        const f = familyText(e.family);
        return `region ${region} is UP again on ${f.name}: its ${f.type} answers return to it`;
      }
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
}

export class Notifier {
  /** One sender per webhook, in config order: a dead one holds up nobody else. */
  private readonly receivers: WebhookReceiver[];
  private readonly routingKeys: (string | undefined)[];
  private closed = false;

  constructor(private readonly o: NotifierOptions) {
    // Resolve secrets at start: a missing token is a startup error, not a silent failure at 3 a.m.
    const tokens = o.hooks.map((h, i) =>
      h.tokenEnv ? secretFromEnv(h.tokenEnv, `notifications[${i}].tokenEnv`, o.env) : undefined,
    );
    this.routingKeys = o.hooks.map((h, i) =>
      h.routingKeyEnv
        ? secretFromEnv(h.routingKeyEnv, `notifications[${i}].routingKeyEnv`, o.env)
        : undefined,
    );
    this.receivers = o.hooks.map(
      (h, i) =>
        new WebhookReceiver({
          index: i,
          url: new URL(h.url ?? FORMATS[h.format].defaultUrl ?? ''),
          token: tokens[i],
          timeoutMs: h.timeout,
          backlog: h.backlog,
          attempts: o.attempts ?? 5,
          backoffMs: o.backoffMs ?? 500,
          metrics: o.metrics,
          logger: o.logger,
        }),
    );
  }

  /** Queue an audit event for every webhook that wants its kind. Never throws, never waits. */
  handle(e: StoredEvent): void {
    if (this.closed) return;
    const kind = classify(e);
    if (!kind) return;
    const n = toNotification(this.o.owner, kind, e);
    const page = isPage(this.o.owner, e);
    this.o.hooks.forEach((hook, i) => {
      const format = FORMATS[hook.format];
      if (!format.wants(hook.events, kind)) return;
      const body = format.body({
        owner: this.o.owner,
        routingKey: this.routingKeys[i],
        event: e,
        notification: n,
      });
      if (body !== undefined) this.receivers[i]!.enqueue({ kind, id: n.id, body, page });
    });
  }

  /** Resolves when nothing is queued or in flight for any webhook (tests, shutdown), or after timeoutMs. */
  drain(timeoutMs = 5000): Promise<void> {
    if (this.receivers.every((r) => r.idle)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      void Promise.all(this.receivers.map((r) => r.whenIdle())).then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stop sending: what is in flight is aborted, what waits is dropped (and logged). */
  close(): void {
    this.closed = true;
    for (const r of this.receivers) r.close();
  }
}
