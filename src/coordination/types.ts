// The contract between the controller runtime and its coordination backend: who may write DNS now,
// who leads, and how drains and decisions are shared between replicas.

import type { Logger } from '../log/index.ts';
import type { DrainRecord, EventJournal, MaintenanceRecord, OverrideRecord } from '../model/index.ts';

export type Role = 'single' | 'leader' | 'follower';

/** What status, metrics and the dashboard show about coordination. */
export interface CoordinationView {
  kind: 'none' | 'etcd';
  role: Role;
  /** The replica that leads, as last seen (this one when role is leader or single). */
  leader?: string;
  /** Why this replica may not write DNS now, when it may not. */
  reason?: string;
  /** etcd as this replica saw it on its last attempt; `refused`: TLS, user or permissions (see reason). */
  etcd?: 'connected' | 'unreachable' | 'refused';
  leaseTtlMs?: number;
  /** Age of the last keepalive etcd acknowledged (measured from when it was sent). */
  lastKeepaliveAgeMs?: number;
  /** The leader key's create revision: grows with every election (a fencing token). */
  term?: string;
}

export interface WriteCheck {
  ok: boolean;
  reason?: string;
}

export interface CoordinatorHooks {
  replica: string;
  /** Where secrets named by `…Env` keys are read (etcd's password); default process.env. */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** The audit trail: the coordinator appends leadership events and shares decisions from it. */
  events: EventJournal;
  /** Role or leader changed; `gained` is true when this replica has just become the leader. */
  onChange(view: CoordinationView, gained: boolean): void;
  /** Drains as this replica's health engine holds them now. */
  localDrains(): DrainRecord[];
  /** Put a drain (record) or lift it (undefined) on this replica's health engine. */
  applyDrain(region: string, drain: DrainRecord | undefined): void;
  /** The live overrides etcd holds, after every read: make the engine match (etcd only). */
  applyOverrides?(records: OverrideRecord[]): void;
  /** The maintenance windows added through the API that etcd holds, after every read (etcd only). */
  applyWindows?(records: MaintenanceRecord[]): void;
}

export interface Coordinator {
  readonly kind: 'none' | 'etcd';
  /**
   * Begin taking part (election, watches); resolves quickly even when etcd is unreachable, and rejects
   * with EtcdAccessError when etcd refuses this replica (TLS, user, permissions): a config to fix.
   */
  start(): Promise<void>;
  /** Cheap and synchronous: may this replica write DNS at this instant? */
  canWrite(): WriteCheck;
  view(): CoordinationView;
  /** Make a drain (or lift one) on every replica; rejects with CoordinationError when it cannot be shared. */
  publishDrain(drain: DrainRecord): Promise<void>;
  publishUndrain(region: string, author: string): Promise<void>;
  /** Overrides and API maintenance windows, shared like drains (none: local only). */
  publishOverride(record: OverrideRecord): Promise<void>;
  publishClearOverride(region: string): Promise<void>;
  publishWindow(record: MaintenanceRecord): Promise<void>;
  publishDeleteWindow(id: string): Promise<void>;
  /** Stop at once as if the process had died: no resign, the lease simply runs out (tests, fatal errors). */
  abandon(): void;
  /** Resign and disconnect, never taking longer than `timeoutMs` (resign hangs while etcd is frozen). */
  stop(timeoutMs?: number): Promise<void>;
}
