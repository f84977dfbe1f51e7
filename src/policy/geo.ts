// Geo policy: one record set per rule (setId from the match, e.g. `continent-eu`, `country-us-ca`,
// `default`) carrying the UP endpoints of the rule's first UP region. A rule none of whose regions is
// UP falls through to the default rule's regions, then the record's fallback (last-resort.ts).
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import { geoLocation, geoSetId, type ManagedRecordType, type RecordSet } from '../model/index.ts';
import { answeredBy, orderedAnswer } from './answer.ts';
import { type LastResort, resortStages } from './last-resort.ts';
import type { RegionView } from './regions.ts';
import type { DesiredRecord } from './types.ts';

type GeoPolicy = Extract<PolicyConfig, { kind: 'geo' }>;

export function geoRecords(
  rec: RecordConfig,
  policy: GeoPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const defaults = policy.rules.find((r) => r.match === 'default')?.regions;
  return policy.rules.map((rule, i) => {
    const setId = geoSetId(rule.match);
    const scope = `of rule ${setId} [${rule.regions.join(', ')}]`;
    const stages = resortStages(lr, rule.regions, rule.match === 'default' ? undefined : defaults);
    const answer = orderedAnswer(rule.regions.map(view), type, policy.whenAllDown, current(setId), scope, {
      stages,
      fallback: lr.fallback,
    });
    return {
      record: {
        name: rec.name,
        type,
        setId,
        ttl: rec.ttl,
        values: answer.values,
        geo: geoLocation(rule.match),
      },
      reason: answer.reason,
      explanation: answer.explanation,
      source: { name: rec.name, type: rec.type, policy: 'geo', rule: i },
      answeredBy: answeredBy(answer),
    };
  });
}
