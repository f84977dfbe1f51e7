// The explain document: why a record answers what it answers, as GET /v1/explain returns it. The
// controller computes it (src/controller/views/explain.ts); the CLI prints it (explain-text.ts).
import type { Config, FallbackConfig, RecordConfig, RecordFallback } from '../config/index.ts';
import type { RecordSet } from '../model/index.ts';
import type { RankedRegion } from '../policy/index.ts';
import type { ProberRejectionView } from './status-types.ts';

export interface ExplainDoc {
  version: 1;
  name: string;
  type: string;
  zone: string;
  /** The zone's first provider: `sets[].published` is what it serves. */
  provider: string;
  /** Every provider of the zone, in config order (a zone on `providers: [a, b]` has several). */
  providers: string[];
  policy: RecordConfig['policy'];
  /** What answers when every region of a rule or order is down, in the order it is tried. */
  lastResort: {
    /** Geo: a rule falls through to the default rule first (not with fallback none). */
    defaultRule: boolean;
    fallback: FallbackConfig;
    /** Where the fallback was written (`default`: nowhere, so any-up, or none on a provider that cannot). */
    from: RecordFallback['from'];
    /** Only when no region above can serve. */
    whenAllDown: 'fail-open' | 'keep-last';
  };
  sets: {
    setId?: string;
    geo?: RecordSet['geo'];
    weight?: number;
    /** What the provider serves now (as last read by the controller). */
    published: string[];
    /** What policy wants from the current region states. */
    desired: string[];
    inSync: boolean;
    explanation: string;
    reason: { code: string; region?: string; detail?: string };
    /** Which step chose the desired answer, and the region whose endpoints it holds. */
    answeredBy?: { step: 'own' | 'default-rule' | 'fallback' | 'when-all-down'; region?: string };
    /** The same set on the zone's other providers, each planned against what it serves. */
    otherProviders?: { provider: string; published: string[]; desired: string[]; inSync: boolean }[];
    /** Latency and proximity: the regions in the order this set tries them, with what ranked them. */
    ranking?: RankedRegion[];
  }[];
  regions: {
    id: string;
    status: string;
    since?: string;
    reason?: string;
    holdingFailback: boolean;
    failbackAt?: string;
    /** The failback ramp step the region is on. */
    ramp?: { step: number; steps: number; percent: number; nextAt: string };
    drain?: { reason: string; author: string; at: string; until?: string };
    /** A force-up in force: the region counts as up whatever its checks say (a drain still wins). */
    override?: { state: 'up'; reason: string; author: string; at: string; until: string };
    /** The maintenance window in force: the region is drained until its end. */
    maintenance?: { window: string; reason: string; start: string; end: string };
    /**
     * A region with dual-stack endpoints: the address family this record's answers follow (IPv4 for
     * A, IPv6 for AAAA), with its own status and last transition.
     */
    family?: {
      family: 'ipv4' | 'ipv6';
      status: string;
      since?: string;
      reason?: string;
      holdingFailback: boolean;
      failbackAt?: string;
      lastTransition?: { seq: number; at: string; from: unknown; to: unknown; evidence: unknown };
    };
    endpoints: {
      id: string;
      state: string;
      votes: ExplainVote[];
      /** A dual-stack endpoint, per family: e.g. UP on IPv4, DOWN on IPv6. */
      families?: { family: 'ipv4' | 'ipv6'; state: string; votes: ExplainVote[] }[];
    }[];
    lastTransition?: { seq: number; at: string; from: unknown; to: unknown; evidence: unknown };
    /** Signals that speak for the region or one of its endpoints, and what each says now. */
    signals?: {
      name: string;
      kind: string;
      effect: 'veto' | 'vote';
      endpoint?: string;
      state: string;
      since?: string;
      acting: boolean;
      /** "eu-west down: alert HighErrorRate firing since 12:03:00 UTC (veto)". */
      words: string;
    }[];
  }[];
  thresholds: Pick<
    Config['health'],
    'fall' | 'rise' | 'quorum' | 'minProbers' | 'staleAfter' | 'failbackAfter' | 'minHealthy'
  >;
  failStatic: boolean;
  /** Probers of these regions whose reports the controller refused since it started. */
  rejectedProbers?: ({ id: string } & ProberRejectionView)[];
}

/** One prober's vote on an endpoint (or on one family of it), as explain shows it. */
export interface ExplainVote {
  prober: string;
  vote: string;
  fresh: boolean;
  impaired: boolean;
  counted: boolean;
  lastAt?: string;
  /** Set while the controller refuses this prober's reports (why its vote is stale). */
  rejected?: string;
  /** What the prober's last result said, when it voted down or a sub-check failed. */
  detail?: string;
  /** The failing sub-checks of an endpoint with several checks, by name. */
  failed?: { check: string; detail: string }[];
}
