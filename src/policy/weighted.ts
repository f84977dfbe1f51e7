// Weighted policy: one record set per region (setId = region id). A serving region keeps its
// configured weight and publishes its UP endpoints; any other region gets weight 0 and publishes all
// its addresses (a record set is never empty). When no region with a weight serves, whenAllDown decides.
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import type { ChangeReason, ManagedRecordType, RecordSet } from '../model/index.ts';
import { type Answer, allDownAnswer, isRecovery } from './answer.ts';
import {
  describeRegion,
  partialReason,
  pickValues,
  type RegionView,
  serving,
  skipReason,
} from './regions.ts';
import type { DesiredRecord } from './types.ts';

type WeightedPolicy = Extract<PolicyConfig, { kind: 'weighted' }>;

function servingAnswer(v: RegionView, type: ManagedRecordType, weight: number, current?: RecordSet): Answer {
  // Back from weight 0, or endpoints back in the set: the region recovered, a health transition.
  const cameBack =
    (current?.weight === 0 && weight > 0) ||
    (current?.weight === weight && isRecovery([v], type, pickValues(type, v.up), current));
  const reason: ChangeReason =
    partialReason(v) ??
    (cameBack
      ? { code: 'region-up', region: v.id, detail: `${v.id} is UP again` }
      : { code: 'config', region: v.id, detail: `${v.id} is UP (weight ${weight})` });
  return {
    values: pickValues(type, v.up),
    weight,
    reason,
    explanation: `${describeRegion(v, type)}: weight ${weight} as configured`,
  };
}

export function weightedRecords(
  rec: RecordConfig,
  policy: WeightedPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const entries = Object.entries(policy.weights);
  const views = new Map(entries.map(([id]) => [id, view(id)]));
  // Regions configured with weight 0 take no traffic anyway; they do not keep the record "up".
  const weighted = entries.filter(([, w]) => w > 0);
  const candidates = (weighted.length > 0 ? weighted : entries).map(([id]) => views.get(id)!);
  const allDown = !candidates.some(serving);
  const scope = `of [${entries.map(([id]) => id).join(', ')}]`;

  return entries.map(([id, weight]) => {
    const v = views.get(id)!;
    const cur = current(id);
    let answer: Answer;
    if (allDown) {
      answer = allDownAnswer([v], type, policy.whenAllDown, cur, scope);
      if (answer.weight === undefined) answer.weight = v.status === 'drained' ? 0 : weight;
      answer.explanation = `${candidates.map((c) => describeRegion(c, type)).join('; ')}: no region ${scope} is UP; ${
        policy.whenAllDown === 'keep-last' && cur
          ? 'keep-last keeps the published set'
          : `fail-open: ${id} keeps weight ${answer.weight}`
      }`;
    } else if (serving(v)) {
      answer = servingAnswer(v, type, weight, cur);
    } else {
      answer = {
        values: pickValues(type, v.all),
        weight: 0,
        reason: skipReason(v, type),
        explanation: `${describeRegion(v, type)}: weight 0 (configured ${weight})`,
      };
    }
    const record: RecordSet = { name: rec.name, type, setId: id, ttl: rec.ttl, values: answer.values };
    record.weight = answer.weight ?? weight;
    return {
      record,
      reason: answer.reason,
      explanation: answer.explanation,
      source: { name: rec.name, type: rec.type, policy: 'weighted', whenAllDown: policy.whenAllDown },
    };
  });
}
