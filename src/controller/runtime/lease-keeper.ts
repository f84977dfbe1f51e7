// Keeps the writer's lease of one zone on one provider (src/model/lease.ts) while this replica writes
// it: taken at start (and when leadership is gained), renewed every `renewEvery` with an expiry
// `duration` ahead, removed on a clean stop. `geofailover apply` reads it and will not write a zone a
// running controller holds (lease-standing.ts).
//
// Why its own timer and not a step of the reconcile pass: a lease write can take as long as a
// provider takes to confirm a change (Route 53 waits for INSYNC), and a failover must never queue
// behind one. The two writes touch different names, and each adapter applies a change set as one
// compare-and-swap, so they may overlap. Cost: one write per `renewEvery` (default one a minute),
// plus a read when the keeper does not know what stands (first write, after a failure, at stop).
import type { DnsProvider } from '../../../providers/index.ts';
import type { Logger } from '../../log/index.ts';
import {
  type Change,
  describeBounded,
  type EventJournal,
  errorForLog,
  findLease,
  leaseName,
  leaseRecord,
  leaseReplica,
  normaliseRecord,
  parseLease,
  type RecordSet,
} from '../../model/index.ts';
import { applyLeaseChange } from '../../reconcile/applier.ts';

export interface LeaseKeeperDeps {
  provider: DnsProvider;
  /** The zone apex, normalised. */
  zone: string;
  owner: string;
  replica: string;
  durationMs: number;
  renewEveryMs: number;
  /** Fencing, as for the zone's reconciler: checked before every write. */
  canWrite: () => { ok: boolean; reason?: string };
  events: Pick<EventJournal, 'append'>;
  logger: Logger;
  now?: () => number;
}

/** What status shows of a zone's lease. */
export interface LeaseView {
  name: string;
  /** Set while this replica holds it: when it runs out unless renewed. */
  expires?: string;
  since?: string;
  /** The last renewal failed with this (a scheduled apply may not see this controller). */
  error?: string;
}

export class LeaseKeeper {
  private readonly name: string;
  private readonly token: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** A renewal was asked for while one ran: run it right after. */
  private again = false;
  private abort?: AbortController;
  /** The lease as this replica last wrote it; undefined: read before writing. */
  private held?: RecordSet;
  private since?: number;
  private expires?: number;
  private error?: string;
  /** A lease write was sent at least once (it may have landed although no answer came). */
  private sent = false;
  private stopped = false;

  constructor(private readonly d: LeaseKeeperDeps) {
    this.name = leaseName(d.zone, d.owner);
    this.token = leaseReplica(d.replica);
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  view(): LeaseView {
    return {
      name: this.name,
      ...(this.expires !== undefined && this.since !== undefined
        ? { expires: new Date(this.expires).toISOString(), since: new Date(this.since).toISOString() }
        : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Take the lease now, then keep renewing it. */
  start(): void {
    this.nudge();
  }

  /**
   * Renew at once (this replica has just become the leader). One renewal at a time: leadership can
   * be gained while start-up's first renewal runs, and two at once both read "no lease" and both
   * create it (the second is refused: it exists). During a renewal, the next one follows it at once.
   */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    const started = this.now();
    this.running = this.renew().finally(() => {
      this.running = undefined;
      const now = this.again;
      this.again = false;
      this.schedule(now ? 0 : Math.max(0, this.d.renewEveryMs - (this.now() - started)));
    });
  }

  /** Read what stands at the lease name (normalised). */
  private async read(signal: AbortSignal): Promise<RecordSet | undefined> {
    const found = findLease(
      await this.d.provider.records(this.d.zone, { names: [this.name] }, signal),
      this.d.zone,
      this.d.owner,
    );
    return found && normaliseRecord(found);
  }

  private async renew(): Promise<void> {
    if (!this.d.canWrite().ok) {
      // Another replica writes now (it takes the lease over); ours runs out if it never does.
      this.held = undefined;
      this.since = undefined;
      this.expires = undefined;
      return;
    }
    this.abort = new AbortController();
    // A renewal that hangs must not outlive its turn: the next one reads and tries again.
    const timeout = setTimeout(() => this.abort?.abort(), this.d.renewEveryMs);
    const signal = this.abort.signal;
    try {
      let before = this.held;
      let tookOver: { replica: string; expires: string } | undefined;
      if (!before) {
        before = await this.read(signal);
        const prior = before && parseLease(before);
        if (prior && prior.replica === this.token) this.since ??= prior.since;
        else {
          this.since = undefined;
          if (prior && prior.expires > this.now())
            tookOver = { replica: prior.replica, expires: new Date(prior.expires).toISOString() };
        }
      }
      const now = this.now();
      const acquiring = this.since === undefined;
      const since = this.since ?? now;
      const expires = now + this.d.durationMs;
      const after = normaliseRecord(
        leaseRecord(this.d.zone, { owner: this.d.owner, replica: this.d.replica, since, expires }),
      );
      // Fencing right before the write: leadership may have gone while we read.
      if (!this.d.canWrite().ok) return;
      const reason = { code: 'lease' as const, detail: `replica ${this.token} writes this zone` };
      const change: Change = before
        ? { kind: 'update', before, after, reason }
        : { kind: 'create', after, reason };
      this.sent = true;
      await applyLeaseChange(this.d.provider, this.d.zone, change, signal);
      this.held = after;
      this.since = since;
      this.expires = expires;
      const where = { zone: this.d.zone, provider: this.d.provider.id, replica: this.token };
      if (acquiring) {
        this.d.events.append('lease-acquired', {
          ...where,
          name: this.name,
          expires: new Date(expires).toISOString(),
          ...(tookOver ? { tookOverFrom: tookOver } : {}),
        });
        this.d.logger.info({ replica: this.token, expires, tookOver }, 'writer lease taken');
      }
      if (this.error) {
        this.d.events.append('lease-recovered', { ...where, message: `lease renewed after: ${this.error}` });
        this.error = undefined;
      }
    } catch (err) {
      // Read again next time: the write may or may not have landed.
      this.held = undefined;
      if (this.stopped) return; // cut short by stop(), which removes the lease
      const message = describeBounded(err);
      if (!this.error) {
        this.d.events.append('lease-failed', {
          zone: this.d.zone,
          provider: this.d.provider.id,
          replica: this.token,
          name: this.name,
          message,
          remedy: `while the lease is not renewed, a scheduled \`geofailover apply\` cannot see this controller once the last lease runs out; retrying every ${Math.round(this.d.renewEveryMs / 1000)}s`,
        });
        this.d.logger.warn({ replica: this.token, err: errorForLog(err) }, 'writer lease not renewed');
      }
      this.error = message;
    } finally {
      clearTimeout(timeout);
      this.abort = undefined;
    }
  }

  /**
   * Stop renewing and remove the lease if this replica still holds it, so a scheduled apply may write
   * at once. Bounded by `timeoutMs`: a lease that cannot be removed simply runs out.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    const deadline = this.now() + timeoutMs;
    const within = <T>(p: Promise<T>, ms: number) =>
      Promise.race([
        p,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), Math.max(0, ms)).unref()),
      ]);
    await within(this.running ?? Promise.resolve(), timeoutMs);
    if (!this.sent || !this.d.canWrite().ok) return;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), Math.max(0, deadline - this.now()));
    try {
      await within(this.release(ac.signal), deadline - this.now());
    } finally {
      clearTimeout(timer);
    }
  }

  private async release(signal: AbortSignal): Promise<void> {
    const where = { zone: this.d.zone, provider: this.d.provider.id, replica: this.token };
    try {
      const before = await this.read(signal);
      // Only our own: a lease another replica took over is theirs to keep.
      if (!before || parseLease(before)?.replica !== this.token) return;
      await applyLeaseChange(
        this.d.provider,
        this.d.zone,
        { kind: 'delete', before, reason: { code: 'lease', detail: `replica ${this.token} stopped` } },
        signal,
      );
      this.held = undefined;
      this.since = undefined;
      this.expires = undefined;
      this.d.events.append('lease-released', { ...where, name: this.name });
      this.d.logger.info({ replica: this.token }, 'writer lease removed');
    } catch (err) {
      this.d.events.append('lease-release-failed', {
        ...where,
        name: this.name,
        message: describeBounded(err),
        remedy: `it runs out by itself within ${Math.round(this.d.durationMs / 1000)}s; until then a scheduled apply steps aside`,
      });
      this.d.logger.warn({ replica: this.token, err: errorForLog(err) }, 'writer lease not removed');
    }
  }
}
