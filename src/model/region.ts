// Region and endpoint states: what the health engine decides and the policy consumes.
import type { AddressFamily } from './address-family.ts';

export type Health = 'up' | 'down' | 'unknown';
/** A region's state as policy sees it. */
export type RegionStatus = 'up' | 'down' | 'drained';

export interface RegionState {
  id: string;
  status: RegionStatus;
  /** When the region entered this status (epoch ms). */
  since: number;
  /** Endpoint ids of this region that are UP now (policy publishes only these when the region is up). */
  upEndpoints: string[];
  /** Drain reason, or a one-line summary of the transition that led here. */
  reason?: string;
  /** True while a recovered region is held back by the failback hold-down (status stays 'down'). */
  holdingFailback?: boolean;
  /** A recovered region climbing the failback ramp: step (1-based) of steps, at percent of its weight. */
  ramp?: RampStep;
  /**
   * A region with dual-stack endpoints, per address family: A records follow `ipv4`, AAAA records
   * `ipv6`. Each has the region's operator layers (drain, force-up) already applied. A family missing
   * here follows the region as a whole.
   */
  families?: Partial<Record<AddressFamily, FamilyState>>;
}

/** One address family of a region: its own health, hold-down and UP endpoints (on that family). */
export interface FamilyState {
  status: RegionStatus;
  since: number;
  /** Endpoint ids UP on this family. */
  upEndpoints: string[];
  reason?: string;
  holdingFailback?: boolean;
}

export interface RampStep {
  step: number;
  steps: number;
  percent: number;
}

/** Region id → state. Regions missing from the map are treated as up with all endpoints (plan --assume default). */
export type RegionStates = ReadonlyMap<string, RegionState>;
