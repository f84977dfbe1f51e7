// The documents the controller API serves (GET /v1/status, /v1/events): shared by the server, the
// CLI and the dashboard. Versioned; fields are only ever added.
import type { RecordSet } from '../model/index.ts';

export interface VoteView {
  prober: string;
  /** The prober's hysteresis output for this endpoint. */
  vote: 'up' | 'down' | 'unknown';
  fresh: boolean;
  impaired: boolean;
  lastAt?: string;
  detail?: string;
  latencyMs?: number;
}

export interface EndpointView {
  id: string;
  address: string;
  state: 'up' | 'down' | 'unknown';
  since?: string;
  votes: VoteView[];
}

export interface DrainView {
  reason: string;
  author: string;
  at: string;
  until?: string;
}

/** A force-up override in force (issue 16). */
export interface OverrideView {
  state: 'up';
  reason: string;
  author: string;
  at: string;
  until: string;
}

/** One occurrence of a maintenance window. */
export interface MaintenanceView {
  window: string;
  region: string;
  reason: string;
  start: string;
  end: string;
}

export interface RegionView {
  id: string;
  status: 'up' | 'down' | 'drained';
  since?: string;
  reason?: string;
  holdingFailback?: boolean;
  failbackAt?: string;
  /** The failback ramp step a recovered region is on, and when the next step is due. */
  ramp?: { step: number; steps: number; percent: number; since: string; nextAt: string };
  /** False until the health engine has decided this region from fresh reports since start. */
  decided: boolean;
  drain?: DrainView;
  override?: OverrideView;
  /** The maintenance window in force (the region is drained for it). */
  maintenance?: MaintenanceView;
  endpoints: EndpointView[];
}

export interface ProberView {
  id: string;
  fresh: boolean;
  impaired: boolean;
  lastReportAt?: string;
  seq?: number;
}

export interface ReconcileView {
  at: string;
  trigger: string;
  result: 'ok' | 'changed' | 'dry-run' | 'refused' | 'error' | 'skipped';
  changes: number;
  durationMs: number;
  message?: string;
  checksum?: string;
  visible?: { nameserver: string; visibleMs: number | null }[];
}

export interface PublishedRecord extends RecordSet {
  /** The config record and policy this set belongs to. */
  policy?: string;
}

export interface ZoneView {
  zone: string;
  provider: string;
  providerKind: string;
  lastReconcile?: ReconcileView;
  /** What the provider serves now, as last read (our records only, markers excluded). */
  records: PublishedRecord[];
  error?: { at: string; message: string; retryAt?: string };
  /** Set while the provider's passes for this zone fail (read or write): DNS may serve an old answer. */
  failing?: { since: string; message: string; attempts: number };
  /**
   * Set while a pass runs (lastReconcile is the last one that finished): since when, what it is doing,
   * and `behind` once it has been reading or writing for long enough that the provider is behind
   * (what was decided since waits for this pass; DNS may serve an old answer).
   */
  inProgress?: InProgressView;
  /**
   * The writer's lease this replica keeps for the zone (absent where it keeps none: dry-run, memory):
   * `expires` while held, `error` when the last renewal failed. `geofailover apply` will not write a
   * zone whose lease is held.
   */
  lease?: { name: string; expires?: string; since?: string; error?: string };
}

/** The stage a running pass is in: reading the zone (and planning), writing changes, confirming them. */
export type PassStage = 'read' | 'write' | 'confirm';

export interface InProgressView {
  since: string;
  stage: PassStage;
  ageMs: number;
  /** Changes being written (stage write, confirm). */
  changes?: number;
  behind: boolean;
}

/** Something an operator must look at, shown until it clears (status top, dashboard banner, CLI). */
export interface StatusProblem {
  kind: 'provider-failing' | 'provider-behind' | 'plan-refused' | 'propagation' | 'fail-static';
  since: string;
  message: string;
  zone?: string;
  provider?: string;
}

/** Leadership among controller replicas (coordination none: role single, always the writer). */
export interface CoordinationStatus {
  kind: 'none' | 'etcd';
  role: 'single' | 'leader' | 'follower';
  leader?: string;
  /** Why this replica may not write DNS now (a follower, fenced, etcd unreachable). */
  reason?: string;
  etcd?: 'connected' | 'unreachable';
  leaseTtlMs?: number;
  lastKeepaliveAgeMs?: number;
  /** Create revision of the leader key: grows with every election. */
  term?: string;
}

/** A builtin DNS server the controller runs, and how many worker processes serve it and why. */
export interface DnsServerView {
  provider: string;
  addresses: string[];
  /** Processes answering (the controller's own included). */
  workers: number;
  /** What decided the count: configured, cpu-quota, memory, cpus or hidden-primary. */
  limit: string;
  /** In words, e.g. "cgroup cpu.max 1.0 CPU", "memory limit 512 MiB holds 4", "configured". */
  reason: string;
}

export interface StatusDoc {
  version: 1;
  owner: string;
  mode: 'apply' | 'dry-run';
  role: 'single' | 'leader' | 'follower';
  leader?: string;
  coordination?: CoordinationStatus;
  replica: string;
  now: string;
  startedAt: string;
  failStatic: boolean;
  failStaticReason?: string;
  freshProbers: number;
  minProbers: number;
  regions: RegionView[];
  probers: ProberView[];
  zones: ZoneView[];
  errors: { at: string; zone?: string; message: string }[];
  problems: StatusProblem[];
  /** Maintenance windows in force and the next start of each window, soonest first. */
  maintenance?: { active: MaintenanceView[]; upcoming: MaintenanceView[] };
  /** The builtin DNS servers this controller runs (absent when it runs none). */
  dns?: DnsServerView[];
}
