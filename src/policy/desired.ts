// Config + region states (+ what is published now, for keep-last) → the records a zone should publish.
import { type Config, recordFallback, type ZoneConfig } from '../config/index.ts';
import {
  keyId,
  type ManagedRecordType,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  type RegionStates,
  UsageError,
} from '../model/index.ts';
import { aliasTargets, asAlias } from './alias.ts';
import { decisionOf } from './decide.ts';
import { type RegionView, regionView } from './regions.ts';
import type { DesiredRecord, PolicyInputs } from './types.ts';

/**
 * The desired record sets of one zone. Regions missing from `states` are up with all endpoints.
 * `current` (normalised or not) is consulted only for keep-last and to recognise a failback;
 * `inputs.steering` holds the round-trip times and held rankings of latency records.
 */
export function desiredRecords(
  config: Config,
  zone: ZoneConfig,
  states: RegionStates,
  current: readonly RecordSet[] = [],
  inputs: PolicyInputs = {},
): DesiredRecord[] {
  const regions = new Map(config.regions.map((r) => [r.id, r]));
  const published = new Map(current.map((r) => [keyId(r), normaliseRecord(r)]));
  const aliases = aliasTargets(config);
  const regionIds = config.regions.map((r) => r.id);
  // A view depends on the region and the record type only; any-up looks at every region for every
  // rule, so each is built once per zone and type (nothing changes a view once built).
  const built = new Map<string, RegionView>();
  const out: DesiredRecord[] = [];
  for (const rec of zone.records) {
    const type = rec.type as ManagedRecordType;
    const build = (id: string): RegionView => {
      const region = regions.get(id);
      if (!region) {
        // crossref rejects this at load time; reaching here means an unchecked config object.
        throw new UsageError(`record ${rec.name} ${rec.type} names unknown region "${id}"`, {
          zone: zone.name,
          record: rec.name,
          region: id,
          remedy: `use one of: ${[...regions.keys()].join(', ')}`,
        });
      }
      return regionView(region, states.get(id), type);
    };
    const view = (id: string): RegionView => {
      const key = `${type} ${id}`;
      let v = built.get(key);
      if (!v) {
        v = build(id);
        built.set(key, v);
      }
      return v;
    };
    const name = normaliseName(rec.name);
    const cur = (setId: string | undefined) =>
      published.get(keyId(setId === undefined ? { name, type } : { name, type, setId }));
    const policy = rec.policy;
    const lr = { fallback: recordFallback(config, zone, rec).fallback, regions: regionIds, view };
    const sets = decisionOf(policy.kind)(rec, policy, view, cur, lr, inputs);
    for (const d of sets) out.push({ ...d, record: normaliseRecord(asAlias(d.record, aliases)) });
  }
  return out;
}
