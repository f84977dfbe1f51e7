// Region and endpoint states: what the health engine decides and the policy consumes.

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
}

export interface RampStep {
  step: number;
  steps: number;
  percent: number;
}

/** Region id → state. Regions missing from the map are treated as up with all endpoints (plan --assume default). */
export type RegionStates = ReadonlyMap<string, RegionState>;
