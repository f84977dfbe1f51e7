// Leader election on etcd with self-fencing. Each replica holds its own lease (keepalive every tick)
// and runs one transaction per tick: "create <prefix>leader bound to my lease if it does not exist,
// else read it". The key's holder leads. A leader may write only until (send time of its last
// acknowledged keepalive) + TTL - guard: it stops writing before etcd could expire the lease and let
// another replica win, even when it cannot hear from etcd at all (the etcd3 election's own `error`
// event comes ~2 x TTL late — measured split brain). Followers read the key (never observe()).
import { type Etcd3, EtcdLeaseInvalidError, type Lease } from 'etcd3';
import type { Logger } from '../log/index.ts';
import { within } from './etcd-client.ts';
import type { EtcdAccessError } from './etcd-problem.ts';
import { type LeaseTiming, writableUntil } from './timing.ts';
import type { WriteCheck } from './types.ts';

export type Transition =
  | { kind: 'elected'; term: string }
  | { kind: 'lost'; reason: string }
  | { kind: 'leader-changed'; from?: string; to?: string }
  | { kind: 'reachability'; reachable: boolean; detail?: string }
  /** etcd refuses this replica for a reason a person must fix (TLS, user, permissions), or no longer. */
  | { kind: 'problem'; problem?: EtcdAccessError };

export interface ElectionOptions {
  client: Etcd3;
  /** The leader key, `<prefix>leader`. */
  key: string;
  replica: string;
  timing: LeaseTiming;
  logger: Logger;
  onTransition(t: Transition): void;
  /** Monotonic clock (ms); injectable for tests. */
  now?: () => number;
  /** The configuration problem behind a failed round, if it is one (etcd-diagnosis.ts). */
  diagnose?: (err: unknown) => Promise<EtcdAccessError | undefined>;
  /** A round succeeded: a problem found earlier no longer holds. */
  healthy?: () => void;
}

export interface ElectionState {
  leading: boolean;
  leader?: string;
  term?: string;
  reachable?: boolean;
  lastAckAgeMs?: number;
  reason?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Election {
  private lease?: Lease;
  private leaseId?: string;
  private leading = false;
  private leaderUntil = 0;
  private lastAckAt?: number;
  private leader?: string;
  private term?: string;
  private reachable?: boolean;
  private lostReason?: string;
  private problem?: EtcdAccessError;
  private stopped = false;
  private running = false;
  private again = false;
  private tickTimer?: NodeJS.Timeout;
  private fenceTimer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly o: ElectionOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  /** Runs the first round (bounded by call deadlines), then keeps going every tick. */
  async start(): Promise<void> {
    await this.round();
  }

  /** Run a round now (a watch saw the leader key change); coalesced with one in flight. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else void this.round();
  }

  canWrite(): WriteCheck {
    if (this.stopped) return { ok: false, reason: 'coordination stopped: this replica no longer writes' };
    if (!this.leading) {
      if (this.problem) return { ok: false, reason: `not the leader: ${describe(this.problem)}` };
      if (this.lostReason) return { ok: false, reason: `not the leader: ${this.lostReason}` };
      return {
        ok: false,
        reason: this.leader
          ? `follower: replica ${this.leader} is the leader`
          : this.reachable === false
            ? 'not the leader: etcd is unreachable, no leader known'
            : 'not the leader: no leader elected yet',
      };
    }
    if (this.now() >= this.leaderUntil)
      return { ok: false, reason: 'not the leader: lease not renewed in time (fenced)' };
    return { ok: true };
  }

  /** Why etcd refuses this replica, while it does. */
  refusedBy(): EtcdAccessError | undefined {
    return this.problem;
  }

  state(): ElectionState {
    return {
      leading: this.leading && !this.stopped,
      ...(this.leader ? { leader: this.leader } : {}),
      ...(this.term ? { term: this.term } : {}),
      ...(this.reachable === undefined ? {} : { reachable: this.reachable }),
      ...(this.lastAckAt === undefined ? {} : { lastAckAgeMs: Math.round(this.now() - this.lastAckAt) }),
      ...(this.canWrite().ok ? {} : { reason: this.canWrite().reason }),
    };
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    clearTimeout(this.tickTimer);
    try {
      await this.step();
    } finally {
      this.running = false;
      if (!this.stopped) {
        const delay = this.again ? 0 : this.o.timing.tickMs;
        this.again = false;
        this.tickTimer = setTimeout(() => void this.round(), delay);
        this.tickTimer.unref();
      }
    }
  }

  private async step(): Promise<void> {
    const { client, key, timing } = this.o;
    try {
      // 0. Refused by etcd (TLS, user, permissions): a plain read tells whether that still holds,
      // without granting a lease that could not be used.
      if (this.problem) await this.call(() => client.get(key).options(within(timing.opTimeoutMs)).exec());
      // 1. Our lease: granted (or renewed) — either way etcd saw it after `sentAt`.
      const sentAt = this.now();
      if (!this.lease || this.leaseId === undefined) {
        const lease = client.lease(timing.ttlSec, { autoKeepAlive: false, ...within(timing.opTimeoutMs) });
        lease.on('lost', () => undefined);
        this.leaseId = await lease.grant();
        this.lease = lease;
      } else {
        const lease = this.lease;
        await this.call(() => lease.keepaliveOnce(within(timing.opTimeoutMs)));
      }
      if (this.stopped) return;
      // 2. Claim the key if free, else read who holds it.
      const value = JSON.stringify({ replica: this.o.replica, at: new Date().toISOString() });
      const leaseId = this.leaseId;
      const res = await this.call(() =>
        client
          .if(key, 'Create', '==', 0)
          .then(client.put(key).value(value).lease(leaseId))
          .else(client.get(key))
          .options(within(timing.opTimeoutMs))
          .commit(),
      );
      if (this.stopped) return;
      this.reach(true);
      this.setProblem(undefined);
      let holder: string | undefined;
      let term: string | undefined;
      let mine = false;
      if (res.succeeded) {
        mine = true;
        holder = this.o.replica;
        term = res.header.revision;
      } else {
        const kv = res.responses[0]?.response_range?.kvs[0];
        if (kv) {
          mine = kv.lease === this.leaseId;
          holder = mine ? this.o.replica : holderOf(kv.value.toString());
          term = kv.create_revision;
        }
      }
      if (mine) {
        this.lastAckAt = sentAt;
        this.leaderUntil = writableUntil(sentAt, timing);
        this.armFence();
        if (!this.leading) {
          this.leading = true;
          this.lostReason = undefined;
          this.setLeader(this.o.replica, term);
          this.o.onTransition({ kind: 'elected', term: term ?? '' });
        }
        return;
      }
      this.lastAckAt = sentAt;
      if (this.leading) this.lose(`replica ${holder ?? '(none)'} holds the leader key now`);
      else this.lostReason = undefined;
      this.setLeader(holder, term);
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof EtcdLeaseInvalidError) {
        // etcd let our lease expire: start over with a new one at once.
        this.lease = undefined;
        this.leaseId = undefined;
        this.reach(true);
        if (this.leading) this.lose('our etcd lease expired');
        this.again = true;
        return;
      }
      if (this.lease === undefined) this.leaseId = undefined;
      const problem = await this.o.diagnose?.(err).catch(() => undefined);
      if (this.stopped) return;
      this.setProblem(problem);
      if (problem) this.dropLease(problem.message);
      this.reach(false, problem?.message ?? message(err));
      // Leadership ends by the fence timer, not here: a single failed call is no proof of loss.
    }
  }

  /**
   * One retry on a transport failure: with several etcd members the failed one is skipped for a
   * moment (etcd-client.ts), so the retry reaches another. Never retried: a lease etcd says is gone.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof EtcdLeaseInvalidError || this.stopped) throw err;
      return fn();
    }
  }

  private setLeader(holder: string | undefined, term: string | undefined): void {
    if (term !== undefined) this.term = term;
    if (holder !== this.leader) {
      const from = this.leader;
      this.leader = holder;
      this.o.onTransition({
        kind: 'leader-changed',
        ...(from ? { from } : {}),
        ...(holder ? { to: holder } : {}),
      });
    }
  }

  /**
   * Stop renewing our lease and stop leading: a replica etcd refuses cannot check its claim, and
   * without a permission on the prefix it may still renew the lease (leases are not guarded by
   * permissions) and so hold the leader key against every other replica. The lease runs out in etcd.
   */
  private dropLease(reason: string): void {
    this.lease?.release();
    this.lease = undefined;
    this.leaseId = undefined;
    if (this.leading) this.lose(`etcd refuses this replica: ${reason}`);
  }

  private setProblem(problem: EtcdAccessError | undefined): void {
    if (problem === undefined) this.o.healthy?.();
    if (problem?.message === this.problem?.message) return;
    this.problem = problem;
    this.o.onTransition({ kind: 'problem', ...(problem ? { problem } : {}) });
  }

  private reach(reachable: boolean, detail?: string): void {
    if (this.reachable === reachable) return;
    this.reachable = reachable;
    this.o.onTransition({ kind: 'reachability', reachable, ...(detail ? { detail } : {}) });
  }

  private armFence(): void {
    clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(() => this.checkFence(), Math.max(0, this.leaderUntil - this.now()) + 1);
    this.fenceTimer.unref();
  }

  private checkFence(): void {
    if (!this.leading || this.stopped) return;
    const left = this.leaderUntil - this.now();
    if (left > 0) {
      this.armFence();
      return;
    }
    const age = this.lastAckAt === undefined ? undefined : Math.round(this.now() - this.lastAckAt);
    this.lose(
      `no keepalive acknowledged by etcd for ${age ?? '?'} ms (lease TTL ${this.o.timing.ttlMs} ms): ` +
        `stopped writing ${this.o.timing.guardMs} ms before the lease could expire; DNS is held as it is`,
    );
  }

  private lose(reason: string): void {
    this.leading = false;
    this.leaderUntil = 0;
    this.lostReason = reason;
    clearTimeout(this.fenceTimer);
    if (this.leader === this.o.replica) this.leader = undefined;
    this.o.logger.warn({ reason }, 'leadership lost');
    this.o.onTransition({ kind: 'lost', reason });
  }

  private halt(): void {
    this.stopped = true;
    this.leading = false;
    this.leaderUntil = 0;
    clearTimeout(this.tickTimer);
    clearTimeout(this.fenceTimer);
  }

  /** Stop at once without resigning: the lease runs out in etcd by itself. */
  abandon(): void {
    this.halt();
    this.lease?.release();
  }

  /** Give up the key (only if still ours) and revoke the lease; bounded by call deadlines. */
  async resign(): Promise<void> {
    const wasLeading = this.leading;
    this.halt();
    const { client, key, timing } = this.o;
    const lease = this.lease;
    const id = this.leaseId;
    this.lease = undefined;
    if (!lease || id === undefined) return;
    if (wasLeading) {
      await client
        .if(key, 'Lease', '==', id)
        .then(client.delete().key(key))
        .options(within(timing.opTimeoutMs))
        .commit()
        .catch(() => undefined);
    }
    await lease.revoke(within(timing.opTimeoutMs)).catch(() => undefined);
  }
}

const describe = (p: EtcdAccessError) =>
  p.context.remedy ? `${p.message}; to fix: ${p.context.remedy}` : p.message;

function holderOf(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { replica?: unknown };
    return typeof v.replica === 'string' ? v.replica : text;
  } catch {
    return text || undefined;
  }
}
