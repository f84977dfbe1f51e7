// The health engine's mutable state: per (endpoint, prober) pairs, probers, endpoints and regions,
// built once from the config. Every other engine file reads and updates these shapes.
import type { Config } from '../config/index.ts';
import { type Health, UsageError } from '../model/index.ts';
import type { PairCounters } from './hysteresis.ts';
import { quorumSize } from './quorum.ts';
import type {
  Drain,
  FailedChecks,
  HeldAlert,
  MaintenanceOccurrence,
  Override,
  RegionMemory,
  SignalKind,
  SignalObservation,
  SignalPush,
} from './types.ts';

export interface PairState extends PairCounters {
  /** Controller-clock time of the last applied result (result age translated from the agent's clock). */
  lastAt: number;
  /** Agent-clock `at` of the last applied result: older or equal results are duplicates. */
  lastRawAt: number;
  detail: string;
  /** The last result's failing sub-checks (an endpoint with several checks). */
  failed?: FailedChecks;
  /** The last failing result's detail and controller-clock time: kept after a recovery, so the
   *  reason an endpoint went down can still be read once it is up again. */
  failDetail?: string;
  failFailed?: FailedChecks;
  failAt?: number;
}

export interface ProberState {
  id: string;
  lastReportAt: number;
  impaired: boolean;
}

export interface EndpointState {
  id: string;
  region: RegionRuntime;
  pairs: PairState[];
  state: Health;
  quorum: Health;
  since: number | null;
  /** Signals acting on this endpoint: its own, and its region's voting ones (signal-state.ts). */
  signals: SignalRuntime[];
  /** Votes needed to move it: the engine's quorum, over probers and voting signals for `majority`. */
  quorumSize: number;
}

/** One signal's runtime (built by signal-state.ts): hysteresis like a prober's vote, and what it holds. */
export interface SignalRuntime extends PairCounters {
  id: string;
  name: string;
  kind: SignalKind;
  effect: 'veto' | 'vote';
  region: RegionRuntime;
  endpoint?: EndpointState;
  fall: number;
  rise: number;
  intervalMs: number;
  whenMissing: 'up' | 'down' | 'last';
  /** Alertmanager: labels an alert must carry, the target's own label (when mapped), how long to hold. */
  match?: Record<string, string>;
  targetLabel?: { name: string; value: string };
  expireAfterMs?: number;
  /** Tokens that may deliver it (alertmanager, push). */
  tokens: string[];
  /** Push: the longest a push may hold. */
  maxExpiresInMs?: number;
  since: number | null;
  last?: SignalObservation & { at: number };
  /** Held kinds (alertmanager, push) are sampled once per interval on tick. */
  nextSampleAt: number;
  alerts: Map<string, HeldAlert>;
  push?: SignalPush;
}

export interface RegionRuntime {
  id: string;
  endpoints: EndpointState[];
  /** Health status as last published to policy (ignoring drains); undefined until first decided. */
  health: 'up' | 'down' | undefined;
  since: number | null;
  reason?: string;
  holdingFailback: boolean;
  upSince?: number;
  failbackAt?: number;
  holdMs?: number;
  /** Flaps inside the flap window when the running hold-down began: they set its length. */
  holdFlaps?: number;
  /** Times of recent down transitions (and aborted failbacks): they lengthen the next hold-down. */
  flaps: number[];
  drain?: Drain;
  /** Failback ramp (failback-ramp.ts): the step index the region is on, and since when. */
  rampStep?: number;
  rampAt?: number;
  /** An operator's force-up (force-up.ts): up whatever the health, below a drain. */
  override?: Override;
  /** The maintenance window in force (maintenance.ts): drained like a drain. */
  maintenance?: MaintenanceOccurrence;
  /** What a previous run had decided (restored after a restart), consulted by the first decision. */
  prior?: RegionMemory;
  /** Region signals with effect veto: one that is down holds the region down. */
  vetoes: SignalRuntime[];
}

export interface EngineState {
  readonly h: Config['health'];
  /** Votes needed to move an endpoint. */
  readonly quorum: number;
  readonly probers: ProberState[];
  readonly proberIndex: Map<string, number>;
  readonly endpoints: Map<string, EndpointState>;
  readonly regions: Map<string, RegionRuntime>;
  failStaticOn: boolean;
  /** Results skipped because they were stale, duplicated, for unknown endpoints or mislabelled. */
  ignoredResults: number;
  /** Every signal runtime (attached by signal-state.ts after the regions are built), and by id. */
  signals: SignalRuntime[];
  signalsById: Map<string, SignalRuntime>;
}

export function buildState(config: Config): EngineState {
  const proberIndex = new Map<string, number>();
  const probers = config.probers.map((p, i): ProberState => {
    proberIndex.set(p.id, i);
    return { id: p.id, lastReportAt: Number.NEGATIVE_INFINITY, impaired: false };
  });
  const endpoints = new Map<string, EndpointState>();
  const regions = new Map<string, RegionRuntime>();
  for (const r of config.regions) {
    const region: RegionRuntime = {
      id: r.id,
      endpoints: [],
      health: undefined,
      since: null,
      holdingFailback: false,
      flaps: [],
      vetoes: [],
    };
    for (const e of r.endpoints) {
      const ep: EndpointState = {
        id: e.id,
        region,
        pairs: probers.map(() => ({
          vote: 'unknown',
          okRun: 0,
          failRun: 0,
          lastAt: Number.NEGATIVE_INFINITY,
          lastRawAt: Number.NEGATIVE_INFINITY,
          detail: '',
        })),
        state: 'unknown',
        quorum: 'unknown',
        since: null,
        signals: [],
        quorumSize: 0,
      };
      region.endpoints.push(ep);
      endpoints.set(e.id, ep);
    }
    regions.set(r.id, region);
  }
  const quorum = quorumSize(config.health.quorum, config.probers.length);
  for (const e of endpoints.values()) e.quorumSize = quorum;
  return {
    h: config.health,
    quorum,
    probers,
    proberIndex,
    endpoints,
    regions,
    failStaticOn: true,
    ignoredResults: 0,
    signals: [],
    signalsById: new Map(),
  };
}

/** The region by id; an unknown one is the operator's mistake (UsageError listing the known ones). */
export function regionOf(s: EngineState, id: string): RegionRuntime {
  const r = s.regions.get(id);
  if (!r) {
    throw new UsageError(`unknown region "${id}"`, {
      region: id,
      remedy: `use one of: ${[...s.regions.keys()].join(', ')}`,
    });
  }
  return r;
}

/** Decided since start (or drained, in maintenance or forced up): policy may act on it. */
export function isDecided(r: RegionRuntime): boolean {
  return (
    r.drain !== undefined || r.maintenance !== undefined || r.override !== undefined || r.health !== undefined
  );
}
