// The queue of one webhook, as decisions only (no timers, no I/O): which notification goes out next,
// when a retry may go, and what is dropped when too many wait. Pages and other notifications travel in
// two lanes, one in flight each, so a page never waits behind a drain or a maintenance note, while
// each lane keeps its order (a PagerDuty resolve never overtakes its trigger). A failed item keeps its
// place in its lane until its retry time, so later items of that lane wait for it.

export interface BacklogEntry<T> {
  readonly item: T;
  readonly page: boolean;
  /** Arrival order; a lane serves its lowest first. */
  readonly seq: number;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Epoch ms before which the entry is not tried again (after a failed attempt). */
  notBefore: number;
  busy: boolean;
}

/** What the sender should do now: send an entry, wait (ms) for a retry time, or nothing. */
export type NextStep<T> = { send: BacklogEntry<T> } | { waitMs: number } | undefined;

export class Backlog<T> {
  private entries: BacklogEntry<T>[] = [];
  private seq = 0;

  /** `limit`: entries that may wait (not counting the ones in flight). */
  constructor(private readonly limit: number) {}

  /** Queue an item (trim() then enforces the limit, once what can go out has gone). */
  add(item: T, page: boolean): void {
    this.entries.push({ item, page, seq: this.seq++, attempts: 0, notBefore: 0, busy: false });
  }

  /**
   * Drop waiting entries beyond the limit, the oldest non-page first (then the oldest page); entries
   * in flight are never dropped. A failed entry waits again for its retry, so with a full backlog the
   * oldest (often that one) gives way to newer news.
   */
  trim(): T[] {
    const dropped: T[] = [];
    while (this.waiting() > this.limit) {
      const victim = this.entries.find((e) => !e.busy && !e.page) ?? this.entries.find((e) => !e.busy)!;
      this.entries.splice(this.entries.indexOf(victim), 1);
      dropped.push(victim.item);
    }
    return dropped;
  }

  /** The next entry to send (marked busy), else how long until one may go, else undefined. */
  next(now: number): NextStep<T> {
    let waitMs: number | undefined;
    for (const page of [true, false]) {
      const lane = this.entries.filter((e) => e.page === page);
      if (lane.length === 0 || lane.some((e) => e.busy)) continue;
      const head = lane[0]!;
      if (head.notBefore <= now) {
        head.busy = true;
        return { send: head };
      }
      waitMs = Math.min(waitMs ?? Number.POSITIVE_INFINITY, head.notBefore - now);
    }
    return waitMs === undefined ? undefined : { waitMs };
  }

  /** The entry was delivered, or given up on: it leaves the queue. */
  finish(entry: BacklogEntry<T>): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** The attempt failed: the entry waits in its place until `notBefore`. */
  retryAt(entry: BacklogEntry<T>, notBefore: number): void {
    entry.busy = false;
    entry.notBefore = notBefore;
  }

  /** Entries waiting (not in flight). */
  waiting(): number {
    return this.entries.reduce((n, e) => n + (e.busy ? 0 : 1), 0);
  }

  /** Entries waiting or in flight. */
  get size(): number {
    return this.entries.length;
  }

  /** Forget everything (shutdown). */
  clear(): T[] {
    const all = this.entries.map((e) => e.item);
    this.entries = [];
    return all;
  }
}
