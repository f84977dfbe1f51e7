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

/** A force-up override as stored in <stateDir>/overrides.json and shared between replicas. */
export interface OverrideRecord {
  region: string;
  state: 'up';
  reason: string;
  author: string;
  /** ISO time it was made. */
  at: string;
  /** ISO time it lifts by itself (always set: an override expires). */
  until: string;
}

/** A maintenance window added through the API, as stored in <stateDir>/maintenance.json and shared. */
export interface MaintenanceRecord {
  id: string;
  region: string;
  reason: string;
  author: string;
  /** Recurring: cron in UTC. */
  cron?: string;
  /** One-shot: ISO start time. */
  start?: string;
  durationMs: number;
  notifyBeforeMs: number;
  /** ISO time it was added. */
  at: string;
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
