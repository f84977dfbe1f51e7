// Latency policy: one geo set per geography (setId from its match, as geo rules have them) carrying
// the UP endpoints of the fastest UP region its probers measure. The ranking is the one the
// controller holds for the geography (hysteresis already applied); without one (plan, a first pass)
// the times rank as they are, and with no fresh time a region ranks after the measured ones in the
// configured order. A ranked region that is not UP is passed over at once (failover never waits for
// the hold); when none is UP the record's fallback answers, then whenAllDown (last-resort.ts).
import { formatMargin, type PolicyConfig, type RecordConfig } from '../config/index.ts';
import {
  type ChangeReason,
  geoLocation,
  geoSetId,
  type HeldRanking,
  type ManagedRecordType,
  normaliseName,
  type RecordSet,
  steeringKey,
} from '../model/index.ts';
import { answeredBy, orderedAnswer } from './answer.ts';
import { type LastResort, resortStages } from './last-resort.ts';
import { alignOrder, geographyTimes, rankNow } from './latency-rank.ts';
import { partialReason, type RegionView } from './regions.ts';
import type { DesiredRecord, PolicyInputs, RankedRegion } from './types.ts';

type LatencyPolicy = Extract<PolicyConfig, { kind: 'latency' }>;

const ms = (x: number) => `${Math.round(x)} ms`;

/** "eu-west 21 ms, us-east 95 ms, ap-south not measured". */
export function rankingText(ranking: readonly RankedRegion[]): string {
  return ranking
    .map((r) =>
      r.rttMs !== undefined
        ? `${r.region} ${ms(r.rttMs)}`
        : r.distanceKm !== undefined
          ? `${r.region} ${Math.round(r.distanceKm)} km`
          : `${r.region} not measured`,
    )
    .join(', ');
}

/** The pairs still inside their hold, for explain: "us-east faster than eu-west for 12 s of 30 s". */
function pendingText(held: HeldRanking | undefined, holdMs: number, now: number | undefined): string {
  if (!held || held.pending.length === 0 || now === undefined) return '';
  const parts = held.pending.map(
    (p) =>
      `${p.region} faster than ${p.over} for ${Math.round((now - p.since) / 1000)} s of the ${Math.round(holdMs / 1000)} s hold`,
  );
  return `; waiting: ${parts.join(', ')}`;
}

export function latencyRecords(
  rec: RecordConfig,
  policy: LatencyPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
  inputs: PolicyInputs = {},
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const name = normaliseName(rec.name);
  const steering = inputs.steering;
  return policy.geographies.map((g, i) => {
    const setId = geoSetId(g.match);
    const times = geographyTimes(policy.regions, g.probers, steering?.rtt);
    const held = steering?.held.get(steeringKey(name, type, setId));
    const order = held ? alignOrder(held.order, policy.regions) : rankNow(policy.regions, times);
    const ranking: RankedRegion[] = order.map((region) => {
      const t = times.get(region);
      return t === undefined ? { region } : { region, rttMs: Math.round(t * 10) / 10 };
    });
    const views = order.map(view);
    const scope = `ranked for ${setId}`;
    const stages = resortStages(lr, order);
    const answer = orderedAnswer(views, type, policy.whenAllDown, current(setId), scope, {
      stages,
      fallback: lr.fallback,
    });
    const by = g.probers.join(', ');
    const basis =
      times.size === 0
        ? `no fresh round-trip time from ${by}: the configured order`
        : `${steering?.source === 'assumed' ? 'assumed' : 'measured'} by ${by}: ${rankingText(ranking)}`;
    const hold = `margin ${formatMargin(policy.margin)}, hold ${Math.round(policy.hold / 1000)} s`;
    const chosen = answer.region;
    // Passing over a ranked region is a health decision (its reason says so); choosing the first one
    // is the ranking's: a steering change, which the safety fractions do not count.
    const skipped = answer.step === 'own' && chosen !== undefined && order[0] !== chosen;
    let reason: ChangeReason = answer.reason;
    if (answer.step === 'own' && chosen !== undefined && !skipped) {
      reason = partialReason(views[0]!) ?? {
        code: 'steering',
        region: chosen,
        detail:
          times.size === 0
            ? `${chosen} is first in the configured order for ${setId} (no fresh round-trip time from ${by})`
            : `${chosen} is the fastest UP region for ${setId} (${rankingText(ranking)})`,
      };
    }
    return {
      record: { name: rec.name, type, setId, ttl: rec.ttl, values: answer.values, geo: geoLocation(g.match) },
      reason,
      explanation: `ranking ${basis} (${hold}${pendingText(held, policy.hold, steering?.now)}); ${answer.explanation}`,
      source: { name: rec.name, type: rec.type, policy: 'latency', rule: i },
      answeredBy: answeredBy(answer),
      ranking,
    };
  });
}
