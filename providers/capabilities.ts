// What a provider kind can publish: the one declaration each kind makes in its definition.ts, which
// validate (what to refuse or warn about), the planner (through the adapter's flags, derived here)
// and the docs all read.
import type { Feature } from '../src/model/index.ts';

/** A feature the kind lacks, with what validate says: why, and what to do instead. */
export interface Refused {
  /** The message, for a record whose policy kind (e.g. `weighted`) needs the feature. */
  refused: (policy: string) => string;
}

/** Weighted records published as one plain set of every serving region's values (no weights). */
export interface Plain {
  /**
   * Who merges a record's per-region sets into one: the planner (src/policy plainRecords, before the
   * adapter sees them) or the adapter itself (rfc2136 keeps the per-region sets in its marker).
   */
  plain: 'planner' | 'adapter';
  /** The warning validate prints: what the record becomes, and where to get real weights. */
  warning: string;
  /** Where the warning points, relative to the record; default ['policy', 'kind']. */
  at?: (string | number)[];
}

/** true: has it. false or absent: lacks it (validate refuses what needs it). */
export type Support<F extends Feature = Feature> = boolean | Refused | (F extends 'weighted' ? Plain : never);

/**
 * Every feature a kind has (src/model features.ts says what each means), and how its adapter writes.
 * Absent means no: a new kind declares what it can.
 */
export type ProviderCapabilities = { readonly [F in Feature]?: Support<F> } & {
  /** Several values in one record set (round robin). */
  readonly multiValue?: boolean;
  /** apply() is all-or-nothing for one call. */
  readonly atomicBatch?: boolean;
  /**
   * Where the kind's zones live, which decides who may write them and how a write is confirmed.
   * 'service' (absent): one DNS service every replica and `geofailover apply` reach: only the leader
   * writes, under a writer's lease, and a write is confirmed at the zone's nameservers.
   * 'replica': each controller keeps and serves its own copy: every replica writes its own (still
   * under a lease: `geofailover apply` can write the store), confirmed at the controller's own server.
   * 'process': inside one process, which nothing else reads or writes and no nameserver serves.
   */
  readonly zonesLive?: 'service' | 'replica' | 'process';
};

/** True when the declaration has the feature outright (not refused, not flattened). */
export function hasFeature(c: ProviderCapabilities, f: Feature): boolean {
  return c[f] === true;
}

/** What the planner reads from an adapter at run time; adapters derive it with adapterCapabilities. */
export interface AdapterCapabilities {
  /** Weighted record sets (setId + weight). */
  weighted: boolean;
  /** Geolocation record sets (setId + geo). */
  geo: boolean;
  multiValue: boolean;
  atomicBatch: boolean;
  /** Weighted records reach apply() as one plain set, merged by the planner (see Plain). */
  plainWeighted?: boolean;
  /** Another process (a replica, `geofailover apply`) can write the zones: a writer's lease guards them. */
  sharedAcrossProcesses: boolean;
  /** Each replica writes its own copy without being the leader, and serves it: confirm at its own server. */
  copyPerReplica: boolean;
  /** Some nameserver answers for the zones, so a write can be confirmed over DNS. */
  servedOverDns: boolean;
}

export function adapterCapabilities(c: ProviderCapabilities): AdapterCapabilities {
  const out: AdapterCapabilities = {
    weighted: hasFeature(c, 'weighted'),
    geo: hasFeature(c, 'geo'),
    multiValue: c.multiValue === true,
    atomicBatch: c.atomicBatch === true,
    sharedAcrossProcesses: c.zonesLive !== 'process',
    copyPerReplica: c.zonesLive === 'replica',
    servedOverDns: c.zonesLive !== 'process',
  };
  const w = c.weighted;
  if (typeof w === 'object' && 'plain' in w && w.plain === 'planner') out.plainWeighted = true;
  return out;
}
