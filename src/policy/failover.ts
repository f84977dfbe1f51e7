// Failover policy: one record set carrying the UP endpoints of the first UP region in `order`. While
// that region climbs its failback ramp and another region after it serves (the one that carried the
// traffic so far), the answer is two weighted sets instead: the recovering region at the step's
// percent and that region at the rest. At 100% it is the single answer again. When no region in
// `order` serves, the record's fallback answers before whenAllDown (last-resort.ts).
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import type { ManagedRecordType, RecordSet } from '../model/index.ts';
import { answeredBy, orderedAnswer } from './answer.ts';
import { type LastResort, resortStages } from './last-resort.ts';
import { describeRegion, pickValues, type RegionView, rampReason, serving } from './regions.ts';
import type { DesiredRecord } from './types.ts';

type FailoverPolicy = Extract<PolicyConfig, { kind: 'failover' }>;

export function failoverRecords(
  rec: RecordConfig,
  policy: FailoverPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const views = policy.order.map(view);
  const scope = `in order [${policy.order.join(', ')}]`;
  const source = { name: rec.name, type: rec.type, policy: 'failover' as const };
  const idx = views.findIndex(serving);
  const primary = views[idx];
  const pct = primary?.ramp?.percent ?? 100;
  const secondary = pct < 100 ? views.slice(idx + 1).find(serving) : undefined;
  if (primary && secondary) {
    const reason = rampReason(primary)!;
    const chain = views
      .slice(0, idx + 1)
      .map((v) => describeRegion(v, type))
      .join('; ');
    const split = (v: RegionView, weight: number): DesiredRecord => ({
      record: { name: rec.name, type, setId: v.id, ttl: rec.ttl, values: pickValues(type, v.up), weight },
      reason,
      explanation: `${chain}: failback ramp sends ${weight}% to ${v.id} (${primary.id} at ${pct}%, ${secondary.id} the rest)`,
      source,
      answeredBy: { step: 'own', region: v.id },
    });
    return [split(primary, pct), split(secondary, 100 - pct)];
  }
  const resort = { stages: resortStages(lr, policy.order), fallback: lr.fallback };
  const answer = orderedAnswer(views, type, policy.whenAllDown, current(undefined), scope, resort);
  return [
    {
      record: { name: rec.name, type, ttl: rec.ttl, values: answer.values },
      reason: (primary && rampReason(primary)) || answer.reason,
      explanation: answer.explanation,
      source,
      answeredBy: answeredBy(answer),
    },
  ];
}
