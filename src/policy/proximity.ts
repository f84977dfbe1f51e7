// Proximity policy: one geo set per geography (every continent, every country, or those listed) and
// a default set, each carrying the UP endpoints of the nearest UP region: regions rank by the
// great-circle distance from the geography's point (the shipped table, model/geo-points.ts) to their
// location, times (1 - bias/100). A region that is not UP is passed over for the next nearest; the
// default set (clients of unknown location) ranks by the configured order. When none is UP the
// record's fallback answers, then whenAllDown (last-resort.ts).
import type { PolicyConfig, RecordConfig } from '../config/index.ts';
import {
  type ChangeReason,
  distanceKm,
  type GeoLocation,
  geographyPoint,
  geoLocation,
  geoSetId,
  type ManagedRecordType,
  type RecordSet,
} from '../model/index.ts';
import { answeredBy, orderedAnswer } from './answer.ts';
import { proximityMatches } from './kinds/index.ts';
import { type LastResort, resortStages } from './last-resort.ts';
import type { RegionView } from './regions.ts';
import type { DesiredRecord, RankedRegion } from './types.ts';

type ProximityPolicy = Extract<PolicyConfig, { kind: 'proximity' }>;

/** The distance a region counts for from `point`: great-circle km scaled by (1 - bias/100). */
export function effectiveKm(point: readonly [number, number], v: RegionView): number | undefined {
  if (!v.location) return undefined;
  return distanceKm(point, [v.location.lat, v.location.lon]) * (1 - (v.bias ?? 0) / 100);
}

/** Nearest first (ties, and regions without a location, in the configured order). */
export function rankByDistance(
  point: readonly [number, number] | undefined,
  views: readonly RegionView[],
): RankedRegion[] {
  const ranked = views.map((v, i) => {
    const km = point ? effectiveKm(point, v) : undefined;
    return { i, r: km === undefined ? { region: v.id } : { region: v.id, distanceKm: Math.round(km) } };
  });
  if (point)
    ranked.sort(
      (a, b) =>
        (a.r.distanceKm ?? Number.POSITIVE_INFINITY) - (b.r.distanceKm ?? Number.POSITIVE_INFINITY) ||
        a.i - b.i,
    );
  return ranked.map((x) => x.r);
}

export function proximityRecords(
  rec: RecordConfig,
  policy: ProximityPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const views = policy.regions.map(view);
  const geographies: GeoLocation[] = [...proximityMatches(policy), 'default'];
  return geographies.map((match, i) => {
    const setId = geoSetId(match);
    const point = match === 'default' ? undefined : geographyPoint(match);
    const ranking = rankByDistance(point, views);
    const order = ranking.map((r) => r.region);
    const scope = point ? `nearest to ${setId}` : `in order [${order.join(', ')}]`;
    const answer = orderedAnswer(order.map(view), type, policy.whenAllDown, current(setId), scope, {
      stages: resortStages(lr, order),
      fallback: lr.fallback,
    });
    const distances = ranking.map((r) => `${r.region} ${r.distanceKm ?? '?'} km`).join(', ');
    let reason: ChangeReason = answer.reason;
    if (reason.code === 'config' && answer.region !== undefined)
      reason = {
        code: 'config',
        region: answer.region,
        detail: point
          ? `${answer.region} is the nearest UP region to ${setId} (${distances})`
          : `${answer.region} is first in order for clients of unknown location`,
      };
    return {
      record: { name: rec.name, type, setId, ttl: rec.ttl, values: answer.values, geo: geoLocation(match) },
      reason,
      explanation: `${point ? `by distance from ${setId} (${point[0]}, ${point[1]}), bias applied: ${distances}` : 'clients of unknown location: the configured order'}; ${answer.explanation}`,
      source: { name: rec.name, type: rec.type, policy: 'proximity', rule: i },
      answeredBy: answeredBy(answer),
      ranking,
    };
  });
}
