// Types of the health engine's outputs: votes, drains, events with their evidence, and the snapshot
// the status API and dashboard show ("what the GSLB believes").
import type { AddressFamily, Health, RampStep, RegionStatus } from '../model/index.ts';

/** One prober's opinion of one endpoint after hysteresis. */
export type Vote = 'up' | 'down' | 'unknown';

/** What the engine had decided about a region, persisted so a restart continues from it. */
export interface RegionMemory {
  region: string;
  /** Set for one address family of a dual-stack region (its own roll-up and hold-down). */
  family?: AddressFamily;
  health: 'up' | 'down';
  /** When it entered that health (epoch ms). */
  since: number;
  /** Recent down transitions (epoch ms): they lengthen the next failback hold-down. */
  flaps: number[];
  holdingFailback: boolean;
  upSince?: number;
  failbackAt?: number;
  holdMs?: number;
  /** Failback ramp in progress: step index and when that step began (epoch ms). */
  rampStep?: number;
  rampAt?: number;
}

/** An operator's drain of a region. */
export interface Drain {
  region: string;
  reason: string;
  author: string;
  /** When the drain was made (epoch ms). */
  at: number;
  /** When it lifts by itself (epoch ms); absent: until undrained. */
  until?: number;
}

/** An operator's force-up of a region (ARC routing control, octoDNS `status: up`): wins over health, never over a drain. */
export interface Override {
  region: string;
  state: 'up';
  reason: string;
  author: string;
  /** When it was made (epoch ms). */
  at: number;
  /** When it lifts by itself (epoch ms): an override always expires. */
  until: number;
}

/** A scheduled maintenance window: one-shot (start/end) or recurring (cron + durationMs, UTC). */
export interface MaintenanceWindow {
  id: string;
  region: string;
  reason: string;
  /** Five or six field cron expression in UTC: when each occurrence starts. */
  cron?: string;
  /** One-shot window start (epoch ms). */
  start?: number;
  /** Length of each occurrence (ms). */
  durationMs: number;
  /** How long before each start a maintenance-upcoming event (and notification) goes out. */
  notifyBeforeMs: number;
  /** Where it was defined: the config file or the API (persisted in the state dir). */
  source: 'config' | 'api';
  author?: string;
}

/** One occurrence of a window. */
export interface MaintenanceOccurrence {
  window: string;
  region: string;
  reason: string;
  start: number;
  end: number;
}

export type HealthEventType =
  /** One prober's vote on one endpoint changed (hysteresis tripped). */
  | 'vote-transition'
  /** An endpoint's quorum decision changed. */
  | 'endpoint-transition'
  /** A region's status as policy sees it changed (failover, failback, first decision). */
  | 'region-transition'
  /**
   * One address family of a dual-stack region changed (e.g. IPv6 down: its AAAA answers move, its A
   * answers stay); `family` names it. The family-* types mirror the region ones for that family.
   */
  | 'family-transition'
  /** A family's health changed while its published status could not (its region drained, down, forced up). */
  | 'family-health'
  | 'family-failback-hold'
  | 'family-failback-aborted'
  /** A drained region's underlying health changed (status stays 'drained'). */
  | 'region-health'
  /** A recovered region started (or restarted) its failback hold-down. */
  | 'failback-hold'
  /** A region went down again during its hold-down: the hold-down is cancelled and will be longer. */
  | 'failback-aborted'
  /** A recovered region climbed a failback ramp step (to: 'step 2/4 (25%)'), finished ('done') or relapsed ('aborted'). */
  | 'failback-ramp'
  | 'drain'
  | 'undrain'
  /** Fewer than minProbers probers are fresh: every decision is held (to: 'on'), or that ended ('off'). */
  | 'fail-static'
  /** A prober's canaries failed (to: 'impaired') or recovered (to: 'ok'). */
  | 'prober-impaired'
  /** An operator forced a region up (or replaced the override). */
  | 'override'
  /** An override was cleared by an operator or expired. */
  | 'override-lifted'
  /** A maintenance window started (the region is drained) or ended (the failback hold-down applies). */
  | 'maintenance-start'
  | 'maintenance-end'
  /** A maintenance window starts within notifyBefore (evidence only; notified once per occurrence). */
  | 'maintenance-upcoming'
  /** A signal's state changed (its fall or rise count was met): evidence for what it vetoes or votes. */
  | 'signal-transition'
  /** A sender pushed a push signal's state (PUT /v1/signals/NAME); the actor is its token. */
  | 'signal-push';

/** The sub-checks that failed in a result of an endpoint with several checks, by name. */
export type FailedChecks = { check: string; detail: string }[];

export interface VoteEvidence {
  prober: string;
  /** The family voted on, for a dual-stack endpoint. */
  family?: AddressFamily;
  vote: Vote;
  /** The prober's last result for this endpoint is younger than staleAfter. */
  fresh: boolean;
  impaired: boolean;
  /** Whether this vote counted toward the quorum (fresh, decided, and not an impaired DOWN). */
  counted: boolean;
  /** Controller-clock time of the prober's last result for this endpoint (epoch ms), or null. */
  lastAt: number | null;
  detail?: string;
  /** The last result's failing sub-checks, when the endpoint has several checks. */
  failed?: FailedChecks;
  /** This prober's last failing result for the endpoint (controller clock), if it ever failed. */
  lastFailure?: { detail: string; at: number; failed?: FailedChecks };
}

export interface HealthEvent {
  type: HealthEventType;
  /** Engine clock time of the transition (epoch ms). */
  at: number;
  region?: string;
  endpoint?: string;
  /** The address family the event is about: one family of a dual-stack endpoint or region. */
  family?: AddressFamily;
  prober?: string;
  from: string;
  to: string;
  /** Who voted what, which threshold tripped, when: enough to explain the transition afterwards. */
  evidence: Record<string, unknown>;
  /** For an operator's change made through the API: the name of the token that made it. */
  actor?: string;
}

export interface EndpointSnapshot {
  id: string;
  region: string;
  /** The last decided state (held while the quorum is undecided); 'unknown' until first decided. */
  state: Health;
  /** What the fresh votes say right now; 'unknown' means the state above is being held. */
  quorum: Health;
  since: number | null;
  votes: VoteEvidence[];
  /** The newest failing check result from any prober: what the endpoint answered and who saw it. */
  lastFailure?: { prober: string; detail: string; at: number; failed?: FailedChecks };
  /**
   * A dual-stack endpoint, per family (its state above is up while one family is up; its votes are
   * every family's, each naming its family).
   */
  families?: EndpointFamilySnapshot[];
}

export interface EndpointFamilySnapshot {
  family: AddressFamily;
  state: Health;
  quorum: Health;
  since: number | null;
  votes: VoteEvidence[];
  lastFailure?: { prober: string; detail: string; at: number; failed?: FailedChecks };
}

/** One address family of a dual-stack region: its roll-up, as policy sees it for A or AAAA. */
export interface FamilySnapshot {
  family: AddressFamily;
  /** The status published for this family (its region's drain or force-up applied). */
  status: RegionStatus;
  decided: boolean;
  since: number | null;
  reason?: string;
  holdingFailback: boolean;
  failbackAt?: number;
  holdDownMs?: number;
  holdDownReason?: string;
  flapCount?: number;
  /** Endpoints UP on this family. */
  upEndpoints: string[];
}

export interface RegionSnapshot {
  id: string;
  status: RegionStatus;
  /** False until the region's health has been decided once from fresh reports (a restarted controller holds DNS until then). */
  decided: boolean;
  since: number | null;
  reason?: string;
  holdingFailback: boolean;
  /** When the running hold-down ends (epoch ms). */
  failbackAt?: number;
  /** The running hold-down's length (ms), the flaps that set it and why it is that long in words. */
  holdDownMs?: number;
  holdDownReason?: string;
  /** Flaps inside the flap window (while holding: those that set the running hold-down). */
  flapCount?: number;
  /** The failback ramp step the region is on, since when and when the next one is due (epoch ms). */
  ramp?: RampStep & { since: number; nextAt: number };
  upEndpoints: string[];
  drain?: Drain;
  override?: Override;
  /** The maintenance window in force, if any. */
  maintenance?: MaintenanceOccurrence;
  /** A region with dual-stack endpoints, per address family. */
  families?: FamilySnapshot[];
}

export interface ProberSnapshot {
  id: string;
  lastReportAt: number | null;
  fresh: boolean;
  impaired: boolean;
  /** Families on which its own path looks broken (its DOWN votes on them are not counted). */
  impairedFamilies?: AddressFamily[];
}

/** What one evaluation of a signal found. `missing`: no data (empty, NaN, source unreachable or failing). */
export type SignalOutcome = 'up' | 'down' | 'missing';

export interface SignalObservation {
  outcome: SignalOutcome;
  /** The value compared with the threshold (prometheus), when there was one. */
  value?: number;
  /** In words: "value 0.31 > 0.05", "no data: the query returned no series", "Prometheus unreachable: …". */
  detail: string;
}

/** An alert as Alertmanager's webhook delivers it, already bounded and checked (src/signals). */
export interface SignalAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  /** When Alertmanager says it started firing (epoch ms), if it said. */
  startsAt?: number;
  /** The alert's summary or description annotation, if any. */
  summary?: string;
}

/** A firing alert a signal holds: dropped when resolved, or expireAfter after it was last delivered. */
export interface HeldAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt?: number;
  summary?: string;
  /** When it was last delivered firing (epoch ms). */
  receivedAt: number;
  expiresAt: number;
}

/** A push signal's state as last pushed. */
export interface SignalPush {
  state: 'up' | 'down';
  reason: string;
  /** Who pushed: the token's name. */
  author: string;
  at: number;
  /** When it stops holding (epoch ms); after it the signal is missing (whenMissing). */
  until: number;
}

export type SignalKind = 'prometheus' | 'alertmanager' | 'push';

export interface SignalSnapshot {
  /** The signal's name; with regionLabel/endpointLabel one instance per target: `name:target`. */
  id: string;
  name: string;
  kind: SignalKind;
  effect: 'veto' | 'vote';
  /** The region it speaks for (an endpoint target's region). */
  region: string;
  /** Set when it speaks for one endpoint. */
  endpoint?: string;
  /** After hysteresis; 'unknown' until fall or rise observations in a row decided it. */
  state: Vote;
  since: number | null;
  /** True while it acts: a veto that is down, a vote that is decided. */
  acting: boolean;
  fall: number;
  rise: number;
  failRun: number;
  okRun: number;
  intervalMs: number;
  whenMissing?: 'up' | 'down' | 'last';
  /** The last evaluation: when, what it found, the value and the words. */
  last?: SignalObservation & { at: number };
  /** Alertmanager: the matching alerts firing now (the first ten) and how many there are. */
  alerts?: HeldAlert[];
  alertCount?: number;
  /** Push: the push in force or the last one. */
  push?: SignalPush;
}

export interface HealthSnapshot {
  at: number;
  /** Fewer than minProbers probers are fresh: decisions are held as they are. */
  failStatic: boolean;
  freshProbers: string[];
  probers: ProberSnapshot[];
  endpoints: EndpointSnapshot[];
  regions: RegionSnapshot[];
  /** Every signal (config order; label-mapped ones once per target). */
  signals: SignalSnapshot[];
  /** Maintenance windows in force and the next occurrence of each window (soonest first). */
  maintenance: { active: MaintenanceOccurrence[]; upcoming: MaintenanceOccurrence[] };
}
