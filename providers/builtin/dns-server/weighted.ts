// Choosing among the members of a weighted or geo record set (Route 53 semantics), as pure functions.
import type { RecordSet } from '../../../src/model/index.ts';
import type { Location } from './geo.ts';

export interface Choice {
  /** Probability of this member being the answer (sums to 1 over the choices). */
  p: number;
  record: RecordSet;
}

/** Weighted: share = weight / sum; weight 0 never chosen unless all are 0, then equal shares. */
export function weightedChoices(sets: readonly RecordSet[]): Choice[] {
  const sum = sets.reduce((s, r) => s + Math.max(0, r.weight ?? 0), 0);
  if (sum === 0) return sets.map((record) => ({ p: 1 / sets.length, record }));
  return sets.filter((r) => (r.weight ?? 0) > 0).map((record) => ({ p: (record.weight ?? 0) / sum, record }));
}

/** Geo: the most specific matching member (subdivision, country, continent, default), or none. */
export function geoChoice(sets: readonly RecordSet[], location: Location | undefined): RecordSet | undefined {
  let best: RecordSet | undefined;
  let bestRank = -1;
  for (const r of sets) {
    const rank = geoRank(r, location);
    if (rank > bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

function geoRank(r: RecordSet, loc: Location | undefined): number {
  const g = r.geo;
  if (g === undefined) return -1;
  if (g === 'default') return 0;
  if (!loc) return -1;
  if (g.subdivision !== undefined) {
    return loc.subdivision === g.subdivision && (g.country === undefined || loc.country === g.country)
      ? 3
      : -1;
  }
  if (g.country !== undefined) return loc.country === g.country ? 2 : -1;
  if (g.continent !== undefined) return loc.continent === g.continent ? 1 : -1;
  return -1;
}

/** Index of the variant a uniform random number `u` in [0, 1) falls on, given cumulative probabilities. */
export function pickIndex(cumulative: readonly number[], u: number): number {
  // Few variants in practice: a linear scan beats a binary search here.
  for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]!) return i;
  return cumulative.length - 1;
}
