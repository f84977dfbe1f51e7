// The record vocabulary shared by policy, plan and every provider: RecordKey, RecordSet, Change.

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** Types a policy may manage; NS and SOA are only ever read (the safety gate refuses touching them). */
export type ManagedRecordType = 'A' | 'AAAA' | 'CNAME';

export type GeoMatch = { continent?: string; country?: string; subdivision?: string };
export type GeoLocation = GeoMatch | 'default';

export interface RecordKey {
  /** Fully qualified, lower case, with a trailing dot. */
  name: string;
  type: RecordType;
  /** Identity of one member of a weighted or geo set (Route 53's SetIdentifier). */
  setId?: string;
}

/** A Route 53 alias: the record answers with what its one value (a DNS name) answers. */
export interface AliasTarget {
  /** The target's hosted zone id, bare (no /hostedzone/ prefix). */
  hostedZoneId: string;
  evaluateTargetHealth: boolean;
}

export interface RecordSet extends RecordKey {
  /** 0 for an alias (it has no TTL of its own: resolvers get the target's). */
  ttl: number;
  /** Sorted, normalised, never empty for a published record. */
  values: string[];
  weight?: number;
  geo?: GeoLocation;
  /** Set for a Route 53 alias record; `values` then holds the target's DNS name. */
  alias?: AliasTarget;
}

export type ChangeKind = 'create' | 'update' | 'delete';

/** Why a change is in a plan. Health-driven codes are exempt from the update/delete fractions. */
export interface ChangeReason {
  code: ReasonCode;
  region?: string;
  detail?: string;
}

export type ReasonCode =
  | 'region-down' // a region left service (health)
  | 'region-up' // a region came back (health)
  | 'region-drained' // an operator drained a region
  | 'all-down' // whenAllDown decided the answer
  | 'steering' // measured steering moved the answer (a latency ranking changed, or its measurements went stale)
  | 'config' // the desired record follows from config, not from a health change
  | 'ownership' // marker record added or removed
  | 'lease' // the writer's lease taken, renewed or released (never part of a plan)
  | 'drift' // the provider holds something else than we last published
  | 'orphan'; // an owned record no longer in config

export interface Change {
  kind: ChangeKind;
  before?: RecordSet;
  after?: RecordSet;
  reason: ChangeReason;
}

/** What a provider reports after applying a change set. */
export interface ApplyResult {
  applied: number;
  /** Provider change ids (Route 53 change id, Cloudflare batch), for logs. */
  ids?: string[];
  /** Milliseconds until the provider reported the change in sync, where it says so. */
  syncMs?: number;
  /** API calls made, for benchmarks and the request budget. */
  calls?: number;
}
