// Each policy kind's decision: region states → the record sets of one record. Kept apart from the
// definitions (kinds/) so the config schema never loads this machinery; the table must name a
// decision for every registered kind, which the compiler checks.
import type { RecordConfig } from '../config/index.ts';
import type { RecordSet } from '../model/index.ts';
import { failoverRecords } from './failover.ts';
import { geoRecords } from './geo.ts';
import type { PolicyKind, PolicyOf } from './kinds/index.ts';
import type { LastResort } from './last-resort.ts';
import { latencyRecords } from './latency.ts';
import { proximityRecords } from './proximity.ts';
import type { RegionView } from './regions.ts';
import type { DesiredRecord, PolicyInputs } from './types.ts';
import { weightedRecords } from './weighted.ts';

/** The sets one record publishes, from views of its regions and what is published now (keep-last, recoveries). */
export type Decide<P> = (
  rec: RecordConfig,
  policy: P,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
  inputs: PolicyInputs,
) => DesiredRecord[];

const decisions: { readonly [K in PolicyKind]: Decide<PolicyOf<K>> } = {
  failover: failoverRecords,
  weighted: weightedRecords,
  geo: geoRecords,
  latency: latencyRecords,
  proximity: proximityRecords,
};

export function decisionOf(kind: PolicyKind): Decide<RecordConfig['policy']> {
  return decisions[kind] as Decide<RecordConfig['policy']>;
}
