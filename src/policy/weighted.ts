// Weighted policy: one record set per region (setId = region id). A serving region keeps its
// configured weight (scaled by its failback ramp step while it climbs one) and publishes its UP
// endpoints; any other region gets weight 0 and publishes all its addresses (a record set is never
// empty). When no region with a weight serves, the last resort's first serving region answers in
// every set (each keeps the weight fail-open would give it, so shares stay as configured), and only
// when none serves does whenAllDown decide. A region whose endpoints carry different weights gets one
// set per endpoint instead (endpoint-weights.ts). When the regions declare a capacity, a region that
// does not serve hands its weight to the serving ones by spare capacity (capacity.ts).
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import type { ChangeReason, ManagedRecordType, RecordSet } from '../model/index.ts';
import { type Answer, allDownAnswer, answeredBy, isRecovery } from './answer.ts';
import { capacityPlan } from './capacity.ts';
import { endpointSetId, endpointWeights, rampedWeight, splitsEndpoints } from './endpoint-weights.ts';
import {
  type LastResort,
  pickResort,
  type ResortPick,
  type ResortStage,
  resortDetail,
  resortStages,
  stagesChain,
} from './last-resort.ts';
import {
  describeRegion,
  partialReason,
  pickValues,
  type RegionView,
  rampReason,
  regionLabel,
  serving,
  skipReason,
} from './regions.ts';
import type { DesiredRecord } from './types.ts';

type WeightedPolicy = Extract<PolicyConfig, { kind: 'weighted' }>;

function servingAnswer(
  v: RegionView,
  type: ManagedRecordType,
  weight: number,
  current: RecordSet | undefined,
  stages: readonly ResortStage[],
): Answer {
  const published = rampedWeight(weight, v);
  // Back from weight 0, or its own endpoints back in the set (from fewer of them, a fallback region's
  // or a fail-open): the region recovered, a health transition.
  const cameBack =
    (current?.weight === 0 && weight > 0) ||
    (current?.weight === weight && isRecovery([v], type, pickValues(type, v.up), current, stages));
  const reason: ChangeReason =
    rampReason(v) ??
    partialReason(v) ??
    (cameBack
      ? { code: 'region-up', region: v.id, detail: `${regionLabel(v)} is UP again` }
      : { code: 'config', region: v.id, detail: `${regionLabel(v)} is UP (weight ${weight})` });
  return {
    values: pickValues(type, v.up),
    weight: published,
    reason,
    explanation: v.ramp
      ? `${describeRegion(v, type)}: weight ${published} (${v.ramp.percent}% of ${weight})`
      : `${describeRegion(v, type)}: weight ${weight} as configured`,
    step: 'own',
    region: v.id,
  };
}

/** Every candidate is down and the last resort has a serving region: what each set says about it. */
interface Fallen {
  pick: ResortPick;
  reason: ChangeReason;
  /** The chain up to the region that answers, for explain. */
  chain: string;
}

function fallen(
  candidates: readonly RegionView[],
  stages: readonly ResortStage[],
  lr: LastResort,
  type: ManagedRecordType,
  scope: string,
): Fallen | undefined {
  const pick = pickResort(candidates, stages);
  if (!pick) return undefined;
  const first = candidates[0]!;
  const reason = skipReason(first, type);
  return {
    pick,
    reason: { code: reason.code, region: first.id, detail: resortDetail(pick, type, lr.fallback) },
    chain: `${candidates.map((c) => describeRegion(c, type)).join('; ')}: no region ${scope} is UP; then ${stagesChain(stages, type, pick.chosen)}`,
  };
}

/** One set per usable endpoint (`<region>/<endpoint>`), for a region whose endpoint weights differ. */
function endpointSets(
  rec: RecordConfig,
  policy: WeightedPolicy,
  v: RegionView,
  weight: number,
  allDown: boolean,
  current: (setId: string | undefined) => RecordSet | undefined,
  fell: Fallen | undefined,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const on = serving(v);
  // Serving: the (ramped) region weight over its UP endpoints. All down and fail-open: the configured
  // shares over every endpoint (a drained region stays at 0). Otherwise: 0.
  const real = (weight * (v.ramp?.percent ?? 100)) / 100;
  const shares = on
    ? endpointWeights(v, real, (e) => e.up)
    : allDown && v.status !== 'drained'
      ? endpointWeights(v, weight, () => true)
      : endpointWeights(v, 0, () => false);
  return v.endpoints.map((e) => {
    const setId = endpointSetId(v.id, e.id);
    const cur = current(setId);
    const w = shares.get(e.id)!;
    let reason: ChangeReason;
    let values = [e.address];
    let published = w;
    let explanation: string;
    let answeredBy: DesiredRecord['answeredBy'];
    if (allDown && fell) {
      values = pickValues(type, fell.pick.chosen.up);
      reason = fell.reason;
      explanation = `${fell.chain}: ${fell.pick.chosen.id} answers in every set; ${e.id}'s set keeps weight ${w}`;
      answeredBy = { step: fell.pick.stage.step, region: fell.pick.chosen.id };
    } else if (allDown) {
      const keep = policy.whenAllDown === 'keep-last' && cur && cur.values.length > 0;
      if (keep) [values, published] = [[...cur.values], cur.weight ?? w];
      reason = {
        code: 'all-down',
        detail: `every region of [${Object.keys(policy.weights).join(', ')}] is down`,
      };
      explanation = `${describeRegion(v, type)}: no region is UP; ${keep ? 'keep-last keeps the published set' : `fail-open: ${e.id} keeps weight ${w}`}`;
      answeredBy = { step: 'when-all-down' };
    } else if (on) {
      reason =
        rampReason(v) ??
        (e.up
          ? cur?.weight === 0 && w > 0
            ? { code: 'region-up', region: v.id, detail: `${e.id} of ${v.id} is UP again` }
            : (partialReason(v) ?? {
                code: 'config',
                region: v.id,
                detail: `${v.id} is UP (weight ${weight})`,
              })
          : partialReason(v)!);
      explanation = `${describeRegion(v, type)}: endpoint ${e.id} (weight ${e.weight}${e.up ? '' : ', DOWN'}) gets ${w} of the region's ${weight}${v.ramp ? ` at ramp ${v.ramp.percent}%` : ''}`;
      answeredBy = { step: 'own', region: v.id };
    } else {
      reason = skipReason(v, type);
      explanation = `${describeRegion(v, type)}: weight 0 (configured ${weight})`;
      answeredBy = { step: 'own' };
    }
    const record: RecordSet = { name: rec.name, type, setId, ttl: rec.ttl, values, weight: published };
    return {
      record,
      reason,
      explanation,
      source: { name: rec.name, type: rec.type, policy: 'weighted' },
      answeredBy,
    };
  });
}

export function weightedRecords(
  rec: RecordConfig,
  policy: WeightedPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const entries = Object.entries(policy.weights);
  const views = new Map(entries.map(([id]) => [id, view(id)]));
  // Regions configured with weight 0 take no traffic anyway; they do not keep the record "up".
  const weighted = entries.filter(([, w]) => w > 0);
  const candidates = (weighted.length > 0 ? weighted : entries).map(([id]) => views.get(id)!);
  const allDown = !candidates.some(serving);
  const scope = `of [${entries.map(([id]) => id).join(', ')}]`;
  const stages = resortStages(
    lr,
    candidates.map((c) => c.id),
  );
  const fell = allDown ? fallen(candidates, stages, lr, type, scope) : undefined;
  // Regions with a capacity: a lost region's traffic goes to the serving ones by spare capacity.
  const capacity = capacityPlan(entries, views, serving);
  const capacityAware = entries.some(([id]) => views.get(id)!.capacity !== undefined);

  return entries.flatMap(([id, weight]): DesiredRecord[] => {
    const v = views.get(id)!;
    if (splitsEndpoints(v))
      return endpointSets(rec, policy, v, capacity?.weights.get(id) ?? weight, allDown, current, fell);
    const cur = current(id);
    let answer: Answer;
    if (fell) {
      const w = v.status === 'drained' ? 0 : weight;
      answer = {
        values: pickValues(type, fell.pick.chosen.up),
        weight: w,
        reason: fell.reason,
        explanation: `${fell.chain}: ${fell.pick.chosen.id} answers in every set; ${id}'s set keeps weight ${w}`,
        step: fell.pick.stage.step,
        region: fell.pick.chosen.id,
      };
    } else if (allDown) {
      answer = allDownAnswer([v], type, policy.whenAllDown, cur, scope, stages);
      if (answer.weight === undefined) answer.weight = v.status === 'drained' ? 0 : weight;
      const tried = stages.length > 0 ? `; ${stagesChain(stages, type)}: none UP either` : '';
      answer.explanation = `${candidates.map((c) => describeRegion(c, type)).join('; ')}: no region ${scope} is UP${tried}; ${
        policy.whenAllDown === 'keep-last' && cur
          ? 'keep-last keeps the published set'
          : `fail-open: ${id} keeps weight ${answer.weight}`
      }`;
    } else if (serving(v)) {
      const shared = capacity?.weights.get(id);
      answer = servingAnswer(v, type, shared ?? weight, cur, stages);
      if (capacity && shared !== undefined) {
        // Its weight follows from another region's loss: that loss is the reason (a health change).
        answer.reason = rampReason(v) ??
          partialReason(v) ?? { code: 'region-down', region: capacity.lost, detail: capacity.detail };
        answer.explanation = `${describeRegion(v, type)}: ${capacity.words.get(id)}`;
      } else if (
        capacityAware &&
        cur?.weight !== undefined &&
        cur.weight > 0 &&
        cur.weight !== answer.weight
      ) {
        // Back to its configured weight once every region serves again: the recovery is the reason.
        answer.reason = rampReason(v) ??
          partialReason(v) ?? {
            code: 'region-up',
            region: v.id,
            detail: `every weighted region of [${entries.map(([r]) => r).join(', ')}] serves: ${id} back to weight ${answer.weight}`,
          };
      }
    } else {
      answer = {
        values: pickValues(type, v.all),
        weight: 0,
        reason: skipReason(v, type),
        explanation: `${describeRegion(v, type)}: weight 0 (configured ${weight})`,
        step: 'own',
      };
    }
    const record: RecordSet = { name: rec.name, type, setId: id, ttl: rec.ttl, values: answer.values };
    record.weight = answer.weight ?? weight;
    return [
      {
        record,
        reason: answer.reason,
        explanation: answer.explanation,
        source: { name: rec.name, type: rec.type, policy: 'weighted', whenAllDown: policy.whenAllDown },
        answeredBy: answeredBy(answer),
      },
    ];
  });
}
