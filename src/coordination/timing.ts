// Lease timing for the etcd election, as pure functions. etcd counts lease TTLs in whole seconds, and
// a lease lives at least TTL after etcd handled the last keepalive — which was after we SENT it. So
// a leader measures from the send time of its last acknowledged keepalive and stops writing a guard
// interval before that TTL runs out: it is fenced before any other replica could have been elected.

export interface LeaseTiming {
  ttlSec: number;
  ttlMs: number;
  /** Keepalive / observation period. */
  tickMs: number;
  /** Writing stops this long before the lease could expire (covers an apply in flight and clock rate). */
  guardMs: number;
  /** Deadline of every etcd call. */
  opTimeoutMs: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function leaseTiming(leaseTtlMs: number): LeaseTiming {
  const ttlSec = Math.max(1, Math.ceil(leaseTtlMs / 1000));
  const ttlMs = ttlSec * 1000;
  const tickMs = clamp(Math.round(ttlMs / 6), 100, 1000);
  const guardMs = Math.max(Math.ceil(ttlMs / 3), 2 * tickMs);
  const opTimeoutMs = clamp(Math.round(ttlMs / 4), 250, 2000);
  return { ttlSec, ttlMs, tickMs, guardMs, opTimeoutMs };
}

/** Until when (same clock as `sentAt`) a leader whose keepalive sent at `sentAt` was acknowledged may write. */
export function writableUntil(sentAt: number, t: LeaseTiming): number {
  return sentAt + t.ttlMs - t.guardMs;
}

/** The default key prefix: one election and one drain set per owner. */
export function defaultPrefix(owner: string): string {
  return `/geofailover/${owner}/`;
}

/** A prefix always ends with one slash. */
export function normalisePrefix(prefix: string): string {
  return `${prefix.replace(/\/+$/, '')}/`;
}
