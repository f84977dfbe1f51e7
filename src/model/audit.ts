// Records shared by the controller (which stores them) and coordination (which shares them between
// replicas): a drain as persisted and an event of the audit trail. Here so neither imports the other.

/** A drain as stored in <stateDir>/drains.json and shared between replicas. */
export interface DrainRecord {
  region: string;
  reason: string;
  author: string;
  /** ISO time the drain was made. */
  at: string;
  /** ISO time it ends by itself, if it does. */
  until?: string;
}

/** One entry of the audit trail (events.jsonl). */
export interface StoredEvent {
  /** Monotonic across restarts and rotations. */
  seq: number;
  /** ISO 8601 time of the append. */
  at: string;
  type: string;
  [field: string]: unknown;
}

/** What coordination needs of the audit trail: append to it and hear every append. */
export interface EventJournal {
  append(type: string, data?: Record<string, unknown>): StoredEvent;
  on(event: 'event', listener: (e: StoredEvent) => void): unknown;
  off(event: 'event', listener: (e: StoredEvent) => void): unknown;
}
