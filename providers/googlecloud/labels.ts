// Which set id each member of a Cloud DNS routing policy stands for. Cloud DNS keeps one record set
// per name and type, its weighted items carry no identifier, and its geo items carry a GCP location:
// the set ids our planner compares by come from the zone's config (weighted: the region ids, written
// and read in sorted order; geo: the rule whose `geoLocations` entry is the item's location).
import type { Config } from '../../src/config/index.ts';
import { type GeoLocation, geoLocation, geoSetId, normaliseName } from '../../src/model/index.ts';

export interface SetLabels {
  /** Set ids of a weighted record, sorted: wrr item i is weighted[i]. */
  weighted?: string[];
  /** Geo rule per GCP location. */
  geo?: Map<string, { setId: string; geo: GeoLocation }>;
}

export type Labels = (name: string, type: string) => SetLabels | undefined;

/** The labels of every routed record that config puts on `providerId` in `zone`. */
export function labelsFor(
  config: Config,
  providerId: string,
  zone: string,
  geoLocations: Record<string, string>,
): Labels {
  const map = new Map<string, SetLabels>();
  const z = normaliseName(zone);
  for (const zc of config.zones) {
    const on = zc as { provider?: string; providers?: string[] };
    const mine = on.provider === providerId || on.providers?.includes(providerId);
    if (!mine || normaliseName(zc.name) !== z) continue;
    for (const rec of zc.records) {
      const key = `${normaliseName(rec.name)} ${rec.type}`;
      if (rec.policy.kind === 'weighted') map.set(key, { weighted: Object.keys(rec.policy.weights).sort() });
      if (rec.policy.kind === 'geo') {
        const geo = new Map<string, { setId: string; geo: GeoLocation }>();
        for (const rule of rec.policy.rules) {
          const setId = geoSetId(rule.match);
          const location = geoLocations[setId];
          if (location) geo.set(location, { setId, geo: geoLocation(rule.match) });
        }
        map.set(key, { geo });
      }
    }
  }
  return (name, type) => map.get(`${normaliseName(name)} ${type}`);
}
