// Per-prober memory of refused reports, so an operator with several probers can tell which one is
// misconfigured: each configured prober's count, last reason, detail and clock offset (status, explain,
// the dashboard), the metric label to count it under (a configured id or `unknown`, never a name from
// the request, so the label set stays bounded), and log lines that name the prober without flooding
// the log: at most one line per prober (and one for all unknown senders) a minute, with the count
// since the last one, and one line when its reports are accepted again.
import type { Logger } from '../log/index.ts';
import { refusalText } from '../probe/index.ts';
import type { RejectExtra, RejectReason } from './reports.ts';
import type { ProberRejectionView, UnknownProberView } from './status-types.ts';

/** The report handler's reasons, and the TLS listener's for a report without a valid client certificate. */
export type RejectionReason = RejectReason | 'client-cert-required' | 'client-cert-invalid';

/** The metric label of rejections no configured prober can be named for. */
export const UNKNOWN_PROBER_LABEL = 'unknown';

/** Names not configured that are remembered (the newest); more would let a sender grow memory. */
export const UNKNOWN_NAMES_LIMIT = 10;

/** The key of senders that name no configured prober: not a valid prober id, so never one. */
const OTHERS = '';

/** An agent retries at least every 30 s, so a refusal older than this means it stopped sending. */
export const CURRENT_FOR_MS = 120_000;

interface Entry {
  count: number;
  reason: RejectionReason;
  detail: string;
  lastAt: number;
  offsetSeconds?: number;
  /** Refusals since its last accepted report; 0 while reporting works. */
  streak: number;
  streakSince: number;
  /** Refusals since the last log line about it. */
  unlogged: number;
  loggedAt?: number;
  /** Whether this streak was logged (its end is then logged too). */
  streakLogged: boolean;
}

/**
 * Whether a refusal is logged now: at most one line per `intervalMs` per prober, the first of a
 * streak at once unless a line went out within the interval (a prober that alternates between
 * accepted and refused must not log every report).
 */
export function shouldLogRejection(loggedAt: number | undefined, now: number, intervalMs: number): boolean {
  return loggedAt === undefined || now - loggedAt >= intervalMs;
}

/** Control characters and length out of a name the request gave, before it is shown or logged. */
export function cleanName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

export class ProberRejections {
  /** By configured prober id; OTHERS holds every other sender (for the log limiter). */
  private readonly entries = new Map<string, Entry>();
  private readonly configured: ReadonlySet<string>;
  private readonly unknownNames = new Map<string, { count: number; lastAt: number; detail: string }>();
  private readonly logIntervalMs: number;
  private readonly now: () => number;

  constructor(
    proberIds: readonly string[],
    private readonly logger?: Logger,
    opts: { logIntervalMs?: number; now?: () => number } = {},
  ) {
    this.configured = new Set(proberIds);
    this.logIntervalMs = opts.logIntervalMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The metric label for a prober name: itself when configured, else `unknown`. */
  label(prober: string | undefined): string {
    return prober !== undefined && this.configured.has(prober) ? prober : UNKNOWN_PROBER_LABEL;
  }

  /** Records a refusal and logs it when due; returns the metric label to count it under. */
  rejected(
    reason: RejectionReason,
    prober: string | undefined,
    detail: string,
    extra: RejectExtra = {},
  ): string {
    const at = this.now();
    const known = prober !== undefined && this.configured.has(prober);
    const label = known ? prober : UNKNOWN_PROBER_LABEL;
    const key = known ? prober : OTHERS;
    if (!known && extra.claimed !== undefined) this.rememberUnknown(extra.claimed, at, detail);
    const e = this.entries.get(key) ?? {
      count: 0,
      reason,
      detail,
      lastAt: at,
      streak: 0,
      streakSince: at,
      unlogged: 0,
      streakLogged: false,
    };
    if (e.streak === 0) {
      e.streakSince = at;
      e.streakLogged = false;
    }
    e.count++;
    e.streak++;
    e.unlogged++;
    e.reason = reason;
    e.detail = detail.slice(0, 300);
    e.lastAt = at;
    if (extra.offsetSeconds === undefined) delete e.offsetSeconds;
    else e.offsetSeconds = extra.offsetSeconds;
    this.entries.set(key, e);
    if (shouldLogRejection(e.loggedAt, at, this.logIntervalMs)) {
      const text = refusalText(reason, e.offsetSeconds);
      const who = !known
        ? extra.claimed === undefined
          ? 'a sender that names no configured prober'
          : `unknown prober "${cleanName(extra.claimed)}"`
        : `prober ${label}`;
      this.logger?.warn(
        {
          prober: label,
          ...(extra.claimed === undefined ? {} : { claimed: cleanName(extra.claimed) }),
          reason,
          rejected: e.unlogged,
          total: e.count,
          ...(e.offsetSeconds === undefined ? {} : { offsetSeconds: e.offsetSeconds }),
          detail: e.detail,
        },
        `${who}: ${e.unlogged} report${e.unlogged === 1 ? '' : 's'} rejected${e.loggedAt === undefined ? '' : ` in the last ${Math.round((at - e.loggedAt) / 1000)} s`} (${e.count} since start): ${text.what}; ${text.remedy}`,
      );
      e.loggedAt = at;
      e.unlogged = 0;
      e.streakLogged = true;
    }
    return label;
  }

  /** A report of `prober` was accepted: ends its streak of refusals (logged when the streak was). */
  accepted(prober: string): void {
    const e = this.entries.get(prober);
    if (!e || e.streak === 0) return;
    if (e.streakLogged) {
      this.logger?.info(
        { prober, after: e.streak, reason: e.reason },
        `reports from prober ${prober} accepted again after ${e.streak} rejection${e.streak === 1 ? '' : 's'} (${refusalText(e.reason, e.offsetSeconds).what})`,
      );
    }
    e.streak = 0;
    e.streakLogged = false;
  }

  /** A configured prober's refusals since start, or undefined when none was ever refused. */
  view(prober: string): ProberRejectionView | undefined {
    const e = this.entries.get(prober);
    if (!e || !this.configured.has(prober)) return undefined;
    const text = refusalText(e.reason, e.offsetSeconds);
    return {
      count: e.count,
      reason: e.reason,
      what: text.what,
      detail: e.detail,
      lastAt: new Date(e.lastAt).toISOString(),
      ...(e.offsetSeconds === undefined ? {} : { offsetSeconds: e.offsetSeconds }),
      current: e.streak > 0 && this.now() - e.lastAt < CURRENT_FOR_MS,
      ...(e.streak > 0 ? { streak: e.streak, since: new Date(e.streakSince).toISOString() } : {}),
      remedy: text.remedy,
    };
  }

  /** Names that are not configured but sent reports, newest first. */
  unknown(): UnknownProberView[] {
    return [...this.unknownNames]
      .map(([name, u]) => ({
        name,
        count: u.count,
        lastAt: new Date(u.lastAt).toISOString(),
        detail: u.detail,
      }))
      .reverse();
  }

  private rememberUnknown(claimed: string, at: number, detail: string): void {
    const name = cleanName(claimed);
    const u = this.unknownNames.get(name) ?? { count: 0, lastAt: at, detail };
    // Re-inserted so the map's order is the order of last use; the oldest name goes first.
    this.unknownNames.delete(name);
    this.unknownNames.set(name, { count: u.count + 1, lastAt: at, detail: detail.slice(0, 300) });
    if (this.unknownNames.size > UNKNOWN_NAMES_LIMIT)
      this.unknownNames.delete(this.unknownNames.keys().next().value as string);
  }
}
