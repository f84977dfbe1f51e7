// What measured steering hands the latency policy: each prober's smoothed round-trip time to each
// region, and the ranking each latency geography holds (the controller's hysteresis has already
// decided which region is faster for long enough). Here, beside region states, so the policies and
// the controller that measures meet on one shape without importing each other.

/** A ranking one latency geography holds, and the pairs still waiting out the hold to swap. */
export interface HeldRanking {
  /** Regions, fastest first, as the hysteresis lets them stand. */
  order: string[];
  /** When the order last changed (epoch ms). */
  since: number;
  /** A region measured faster (by the margin) than one ranked above it, and since when (epoch ms). */
  pending: { region: string; over: string; since: number }[];
}

export interface SteeringInput {
  /** Prober → region → smoothed round-trip time (ms); only fresh measurements are present. */
  rtt: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** steeringKey(name, type, setId) → the ranking that geography holds; absent: rank by rtt as it is. */
  held: ReadonlyMap<string, HeldRanking>;
  /** Measured by the probers, or assumed on the command line (plan --assume-rtt). */
  source: 'measured' | 'assumed';
  /** When the rankings were held (epoch ms): explain says how long a pending swap has waited. */
  now?: number;
}

/** The key of one geography of one latency record (its geo set). */
export function steeringKey(name: string, type: string, setId: string): string {
  return `${name} ${type} ${setId}`;
}
