// A bounded FIFO of results for one controller: while it is unreachable the newest results are kept
// and the oldest dropped (and counted), so an outage never grows memory without bound.

export class ResultBuffer<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Items dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends; when full the oldest item is dropped. */
  push(item: T): void {
    if (this.count === this.capacity) {
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
  }

  /** Removes and returns up to n of the oldest items. */
  take(n: number): T[] {
    const k = Math.min(n, this.count);
    const out: T[] = new Array(k);
    for (let i = 0; i < k; i++) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= k;
    return out;
  }

  /**
   * Puts items taken earlier (older than everything buffered) back at the front after a failed send.
   * Only as many fit as there is room; the oldest of them are dropped first.
   */
  putBack(items: readonly T[]): void {
    const room = this.capacity - this.count;
    const keep = items.length > room ? items.slice(items.length - room) : items;
    this.dropped += items.length - keep.length;
    for (let i = keep.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.capacity) % this.capacity;
      this.items[this.head] = keep[i];
      this.count++;
    }
  }
}
