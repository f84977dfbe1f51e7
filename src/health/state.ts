// The health engine's mutable state: per (endpoint, prober) pairs, probers, endpoints and regions,
// built once from the config. Every other engine file reads and updates these shapes. A dual-stack
// endpoint is judged per address family: one state (with its own pairs) per family, and a whole
// that is up while one family is; its region gets one roll-up per family beside its own.
import type { Config, EndpointConfig } from '../config/index.ts';
import {
  type AddressFamily,
  endpointAddresses,
  type Health,
  probedFamilies,
  UsageError,
} from '../model/index.ts';
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
  /** Families on which its own path looks broken: its DOWN votes on them are not counted. */
  impairedFamilies: AddressFamily[];
}

/** Is this prober's DOWN vote on this state left out (impaired, or impaired on the state's family)? */
export function impairedFor(p: ProberState, e: EndpointState): boolean {
  return p.impaired || (e.family !== undefined && p.impairedFamilies.includes(e.family));
}

export interface EndpointState {
  id: string;
  /** Set for one family of a dual-stack endpoint: the state judges that family's address only. */
  family?: AddressFamily;
  region: RegionRuntime;
  /** Per prober; empty for the whole of a dual-stack endpoint (its families hold the pairs). */
  pairs: PairState[];
  state: Health;
  quorum: Health;
  since: number | null;
  /** The whole of a dual-stack endpoint: its families' states (it is up while one of them is). */
  families?: EndpointState[];
  /** One family of a dual-stack endpoint: the endpoint as a whole. */
  whole?: EndpointState;
  /** The roll-ups that count this state: its region's, and (in a dual-stack region) its family's. */
  rollups: RegionRuntime[];
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
  /** Set for the roll-up of one address family of a dual-stack region (see `families`). */
  family?: AddressFamily;
  /** A family roll-up's region, whose drains, overrides, maintenance and vetoes apply to it. */
  parent?: RegionRuntime;
  /**
   * A region with dual-stack endpoints: one roll-up per family, over the endpoints (or families of
   * endpoints) with an address of it, with its own hold-down. A and AAAA records follow them.
   */
  families?: RegionRuntime[];
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
  /** By endpoint id: the endpoint, or the whole of a dual-stack one (its families hold the pairs). */
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
    return { id: p.id, lastReportAt: Number.NEGATIVE_INFINITY, impaired: false, impairedFamilies: [] };
  });
  const endpoints = new Map<string, EndpointState>();
  const regions = new Map<string, RegionRuntime>();
  const fresh = (): Omit<RegionRuntime, 'id' | 'endpoints'> => ({
    health: undefined,
    since: null,
    holdingFailback: false,
    flaps: [],
    vetoes: [],
  });
  const pairs = (): PairState[] =>
    probers.map(() => ({
      vote: 'unknown',
      okRun: 0,
      failRun: 0,
      lastAt: Number.NEGATIVE_INFINITY,
      lastRawAt: Number.NEGATIVE_INFINITY,
      detail: '',
    }));
  for (const r of config.regions) {
    const region: RegionRuntime = { id: r.id, endpoints: [], ...fresh() };
    const dualStack = r.endpoints.some((e) => probedFamilies(e).length > 0);
    const families = new Map<AddressFamily, RegionRuntime>();
    const familyOf = (f: AddressFamily): RegionRuntime => {
      let fr = families.get(f);
      if (!fr) {
        fr = { id: r.id, family: f, parent: region, endpoints: [], ...fresh() };
        families.set(f, fr);
      }
      return fr;
    };
    for (const e of r.endpoints) {
      const base = {
        id: e.id,
        region,
        state: 'unknown' as Health,
        quorum: 'unknown' as Health,
        since: null,
        quorumSize: 0,
      };
      const fams = probedFamilies(e);
      if (fams.length === 0) {
        const ep: EndpointState = { ...base, pairs: pairs(), signals: [], rollups: [region] };
        // In a dual-stack region a single-address endpoint counts in its address's family too.
        const f = dualStack ? addressFamily(e) : undefined;
        if (f) {
          ep.rollups.push(familyOf(f));
          familyOf(f).endpoints.push(ep);
        }
        region.endpoints.push(ep);
        endpoints.set(e.id, ep);
        continue;
      }
      const whole: EndpointState = { ...base, pairs: [], signals: [], families: [], rollups: [region] };
      for (const f of fams) {
        const fe: EndpointState = {
          ...base,
          family: f,
          pairs: pairs(),
          signals: [],
          whole,
          rollups: [familyOf(f)],
        };
        whole.families!.push(fe);
        familyOf(f).endpoints.push(fe);
      }
      region.endpoints.push(whole);
      endpoints.set(e.id, whole);
    }
    if (dualStack) region.families = [...families.values()];
    regions.set(r.id, region);
  }
  const quorum = quorumSize(config.health.quorum, config.probers.length);
  for (const e of endpoints.values()) for (const t of e.families ?? [e]) t.quorumSize = quorum;
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

/** The family of a single-address endpoint's address (undefined for a host name). */
function addressFamily(e: EndpointConfig): AddressFamily | undefined {
  return endpointAddresses(e)[0]?.family;
}

/** Every state that holds pairs: single endpoints and each family of the dual-stack ones. */
export function probedStates(s: EngineState): EndpointState[] {
  return [...s.endpoints.values()].flatMap((e) => e.families ?? [e]);
}

/** The states a signal on this endpoint acts on: the endpoint, or each family of a dual-stack one. */
export function statesOf(e: EndpointState): EndpointState[] {
  return e.families ?? [e];
}

/** The region's roll-up and, for a dual-stack region, its families' roll-ups. */
export function rollupsOf(r: RegionRuntime): RegionRuntime[] {
  return [r, ...(r.families ?? [])];
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

/**
 * Decided since start (or drained, in maintenance or forced up): policy may act on it. A dual-stack
 * region is decided once each of its families is too (an AAAA answer waits for IPv6 evidence).
 */
export function isDecided(r: RegionRuntime): boolean {
  return (
    r.drain !== undefined ||
    r.maintenance !== undefined ||
    r.override !== undefined ||
    (r.health !== undefined && (r.families ?? []).every((f) => f.health !== undefined))
  );
}
