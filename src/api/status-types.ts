// The documents the controller API serves (GET /v1/status, /v1/events): shared by the server, the
// CLI and the dashboard. Versioned; fields are only ever added.
import type { ChangeReason, GeoLocation, RecordSet } from '../model/index.ts';

export interface VoteView {
  prober: string;
  /** The family voted on, for a dual-stack endpoint. */
  family?: 'ipv4' | 'ipv6';
  /** The prober's hysteresis output for this endpoint. */
  vote: 'up' | 'down' | 'unknown';
  fresh: boolean;
  impaired: boolean;
  lastAt?: string;
  detail?: string;
  /** An endpoint with several checks: the sub-checks that failed in the prober's last result. */
  failed?: FailedCheckView[];
  latencyMs?: number;
}

/** One failing sub-check of an endpoint with several checks: its name and what it said. */
export interface FailedCheckView {
  check: string;
  detail: string;
}

export interface EndpointView {
  id: string;
  /** Its address; a dual-stack endpoint's IPv4 and IPv6 addresses, comma-separated. */
  address: string;
  /** Up while one family of a dual-stack endpoint is up. */
  state: 'up' | 'down' | 'unknown';
  since?: string;
  votes: VoteView[];
  /** The newest failing check from any prober (kept after a recovery): what it said, who saw it. */
  lastFailure?: { prober: string; detail: string; at: string; failed?: FailedCheckView[] };
  /** A dual-stack endpoint, per address family: e.g. UP on IPv4, DOWN on IPv6. */
  families?: EndpointFamilyView[];
}

export interface EndpointFamilyView {
  family: 'ipv4' | 'ipv6';
  address: string;
  state: 'up' | 'down' | 'unknown';
  since?: string;
  votes: VoteView[];
  lastFailure?: { prober: string; detail: string; at: string; failed?: FailedCheckView[] };
}

/** One address family of a region with dual-stack endpoints: what its A or AAAA answers follow. */
export interface RegionFamilyView {
  family: 'ipv4' | 'ipv6';
  status: 'up' | 'down' | 'drained';
  decided: boolean;
  since?: string;
  reason?: string;
  holdingFailback: boolean;
  failbackAt?: string;
  holdDownReason?: string;
  /** Endpoints UP on this family. */
  upEndpoints: string[];
}

export interface DrainView {
  reason: string;
  author: string;
  at: string;
  until?: string;
}

/** A force-up override in force. */
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
  /** While holding failback: when it ends (same as failbackAt), how long it is and why that long
   *  ("hold-down doubled to 20 s after 2 flaps in 4 min"). */
  holdDownUntil?: string;
  holdDownMs?: number;
  holdDownReason?: string;
  /** Down transitions inside the flap window (they lengthen the next hold-down). */
  flapCount?: number;
  /** The state in one word as people read it: a region in its hold-down is `recovering`, not `down`. */
  phase?: 'up' | 'ramping' | 'forced-up' | 'down' | 'recovering' | 'drained' | 'maintenance' | 'undecided';
  /** Why the region takes no traffic now, in words (absent while it serves). */
  outBecause?: string;
  /** The failback ramp step a recovered region is on, and when the next step is due. */
  ramp?: { step: number; steps: number; percent: number; since: string; nextAt: string };
  /** False until the health engine has decided this region from fresh reports since start. */
  decided: boolean;
  drain?: DrainView;
  override?: OverrideView;
  /** The maintenance window in force (the region is drained for it). */
  maintenance?: MaintenanceView;
  endpoints: EndpointView[];
  /** A region with dual-stack endpoints, per address family (A records follow ipv4, AAAA ipv6). */
  families?: RegionFamilyView[];
}

/** Reports of a configured prober that the controller refused, since the controller started. */
export interface ProberRejectionView {
  count: number;
  /** The last refusal's code: bad-signature, stale-timestamp, unknown-prober, client-cert-required… */
  reason: string;
  /** The last refusal in words, e.g. "stale timestamp (clock 125 s behind)". */
  what: string;
  detail: string;
  lastAt: string;
  /** The prober's clock minus the controller's, in seconds, when the last refusal measured it. */
  offsetSeconds?: number;
  /** True while nothing it sent was accepted since its last refusal, and that refusal is recent. */
  current: boolean;
  /** Refusals since its last accepted report, and since when. */
  streak?: number;
  since?: string;
  remedy: string;
}

/** A prober name that is not configured but sent reports (all refused as unknown-prober). */
export interface UnknownProberView {
  name: string;
  count: number;
  lastAt: string;
  detail: string;
}

export interface ProberView {
  id: string;
  fresh: boolean;
  impaired: boolean;
  /** Address families on which its own path looks broken (its DOWN votes on them do not count). */
  impairedFamilies?: ('ipv4' | 'ipv6')[];
  lastReportAt?: string;
  seq?: number;
  /** Present once a report of this prober was refused. */
  rejected?: ProberRejectionView;
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

/**
 * Who serves whom, and why: one entry per record set (a geo rule, a weighted set, a failover answer),
 * with the clients it answers, the region(s) in the answer and the reason in words.
 */
export interface RouteView {
  zone: string;
  name: string;
  type: string;
  policy: string;
  setId?: string;
  geo?: GeoLocation;
  weight?: number;
  /** Who gets this answer: "all clients", "clients in Europe (EU)", "all other clients", "70% of clients". */
  clients: string;
  /** The region(s) whose endpoints the answer holds (as served now). */
  regions: string[];
  /** The answering region's phase, `all-down` when whenAllDown decided, `out` for a weight-0 set. */
  state: string;
  /** The reason in words: "failed over from us-east because use-a and use-b fail: status 500". */
  because: string;
  /** The policy's reason (the plan's `because` for a change of this set) and its chain of reasoning. */
  reason: ChangeReason;
  explanation: string;
  /** The answer as the zone's first provider serves it now. */
  values: string[];
  /** What policy wants when that differs from what is served (a pass pending, held or failing). */
  pending?: string[];
  /** Why DNS is not being changed now (fail static, undecided regions, not the leader). */
  held?: string;
}

/** A signal (README "Signals: Prometheus and Alertmanager"): what it says and what it acts on. */
export interface SignalView {
  /** The signal's id: its name, or `name:target` for an alertmanager signal mapped by label. */
  name: string;
  /** The config entry's name. */
  signal: string;
  kind: 'prometheus' | 'alertmanager' | 'push';
  effect: 'veto' | 'vote';
  /** "region eu-west" or "endpoint euw-a". */
  target: string;
  region: string;
  endpoint?: string;
  /** After its fall/rise. */
  state: 'up' | 'down' | 'unknown';
  since?: string;
  /** True while it acts: a veto that is down, a vote that is decided. */
  acting: boolean;
  /** In words: "eu-west down: alert HighErrorRate firing since 12:03:00 UTC (veto)". */
  words: string;
  fall: number;
  rise: number;
  whenMissing?: 'up' | 'down' | 'last';
  /** The last evaluation (prometheus) or sample (alertmanager, push). */
  last?: { at: string; outcome: 'up' | 'down' | 'missing'; value?: number; detail: string };
  /** Alertmanager: the first ten firing alerts it holds, and how many it holds. */
  alerts?: {
    name: string;
    labels: Record<string, string>;
    startsAt?: string;
    summary?: string;
    expiresAt: string;
  }[];
  alertCount?: number;
  /** Push: the push in force, or the last one. */
  push?: { state: 'up' | 'down'; reason: string; author: string; at: string; until: string };
}

/** Something an operator must look at, shown until it clears (status top, dashboard banner, CLI). */
export interface StatusProblem {
  kind:
    | 'provider-failing'
    | 'provider-behind'
    | 'plan-refused'
    | 'propagation'
    | 'fail-static'
    | 'prober-rejected'
    | 'maintenance-window';
  since: string;
  message: string;
  zone?: string;
  provider?: string;
  prober?: string;
  /** kind maintenance-window: the window outside the limits (kept as it is until someone acts). */
  window?: string;
}

/** Leadership among controller replicas (coordination none: role single, always the writer). */
export interface CoordinationStatus {
  kind: 'none' | 'etcd';
  role: 'single' | 'leader' | 'follower';
  leader?: string;
  /** Why this replica may not write DNS now (a follower, fenced, etcd unreachable). */
  reason?: string;
  /** `refused`: etcd turned this replica away (TLS, user or permissions); reason says why and what to do. */
  etcd?: 'connected' | 'unreachable' | 'refused';
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
  /** Prober names that are not configured but sent reports (the newest 10). */
  unknownProbers?: UnknownProberView[];
  zones: ZoneView[];
  /** Who serves whom, and why (see RouteView). */
  routes?: RouteView[];
  errors: { at: string; zone?: string; message: string }[];
  problems: StatusProblem[];
  /** Maintenance windows in force and the next start of each window, soonest first. */
  maintenance?: { active: MaintenanceView[]; upcoming: MaintenanceView[] };
  /** Every signal and what it says (absent when none is configured). */
  signals?: SignalView[];
  /** The builtin DNS servers this controller runs (absent when it runs none). */
  dns?: DnsServerView[];
}
