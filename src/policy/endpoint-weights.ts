// Weight arithmetic of weighted answers: a region's weight scaled by its failback ramp step, and split
// over its endpoints when their configured weights differ. Providers take integer weights (Route 53:
// 0-255), so every share is rounded to the nearest integer, and a positive share never rounds to 0
// (a region or endpoint meant to get some traffic gets at least weight 1). The error is at most half a
// unit per set: region weights on a 100 scale keep shares within half a percent.
import { endpointSetId, integerWeight } from '../model/index.ts';
import type { RegionView } from './regions.ts';

export { endpointSetId, integerWeight };

/** The region's weight at its current ramp step (its configured weight when not ramping). */
export function rampedWeight(configured: number, v: RegionView): number {
  if (!v.ramp) return configured;
  return configured === 0 ? 0 : integerWeight((configured * v.ramp.percent) / 100);
}

/**
 * True when the region's usable endpoints carry different weights: then each gets its own weighted
 * set (`<region>/<endpoint>`). Equal weights (the default 1) keep one set per region, as before
 * endpoint weights existed, so upgrading changes no record.
 */
export function splitsEndpoints(v: RegionView): boolean {
  return new Set(v.endpoints.map((e) => e.weight)).size > 1;
}

/**
 * Each usable endpoint's integer weight when the region serves with `regionWeight` (real, unrounded):
 * the region's weight shared among the endpoints in `among` in proportion to their weights; others 0.
 */
export function endpointWeights(
  v: RegionView,
  regionWeight: number,
  among: (e: RegionView['endpoints'][number]) => boolean,
): Map<string, number> {
  const members = v.endpoints.filter(among);
  const total = members.reduce((a, e) => a + e.weight, 0);
  const out = new Map<string, number>();
  for (const e of v.endpoints) {
    out.set(e.id, total > 0 && among(e) ? integerWeight((regionWeight * e.weight) / total) : 0);
  }
  return out;
}
