// Types of the health engine's outputs: votes, drains, events with their evidence, and the snapshot
// the status API and dashboard show ("what the GSLB believes").
import type { Health, RampStep, RegionStatus } from '../model/index.ts';

/** One prober's opinion of one endpoint after hysteresis. */
export type Vote = 'up' | 'down' | 'unknown';

/** What the engine had decided about a region, persisted so a restart continues from it. */
export interface RegionMemory {
  region: string;
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

export type HealthEventType =
  /** One prober's vote on one endpoint changed (hysteresis tripped). */
  | 'vote-transition'
  /** An endpoint's quorum decision changed. */
  | 'endpoint-transition'
  /** A region's status as policy sees it changed (failover, failback, first decision). */
  | 'region-transition'
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
  | 'prober-impaired';

export interface VoteEvidence {
  prober: string;
  vote: Vote;
  /** The prober's last result for this endpoint is younger than staleAfter. */
  fresh: boolean;
  impaired: boolean;
  /** Whether this vote counted toward the quorum (fresh, decided, and not an impaired DOWN). */
  counted: boolean;
  /** Controller-clock time of the prober's last result for this endpoint (epoch ms), or null. */
  lastAt: number | null;
  detail?: string;
}

export interface HealthEvent {
  type: HealthEventType;
  /** Engine clock time of the transition (epoch ms). */
  at: number;
  region?: string;
  endpoint?: string;
  prober?: string;
  from: string;
  to: string;
  /** Who voted what, which threshold tripped, when: enough to explain the transition afterwards. */
  evidence: Record<string, unknown>;
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
  /** The failback ramp step the region is on, since when and when the next one is due (epoch ms). */
  ramp?: RampStep & { since: number; nextAt: number };
  upEndpoints: string[];
  drain?: Drain;
}

export interface ProberSnapshot {
  id: string;
  lastReportAt: number | null;
  fresh: boolean;
  impaired: boolean;
}

export interface HealthSnapshot {
  at: number;
  /** Fewer than minProbers probers are fresh: decisions are held as they are. */
  failStatic: boolean;
  freshProbers: string[];
  probers: ProberSnapshot[];
  endpoints: EndpointSnapshot[];
  regions: RegionSnapshot[];
}
