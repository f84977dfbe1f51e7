// Distances on the globe for the proximity policy: great-circle distance between two points, the
// spherical mean of several (a centre that is right across the antimeridian too), and where a client
// geography (a continent, a country) is, from the shipped table of points (geo-points.ts).
import { CONTINENT_POINTS, COUNTRY_POINTS } from './geo-points.ts';

export const CONTINENT_CODES = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;

const EARTH_RADIUS_KM = 6371;
const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Great-circle (haversine) distance in km between two [lat, lon] points in degrees. */
export function distanceKm(a: readonly [number, number], b: readonly [number, number]): number {
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point at the mean of unit vectors: an average of longitudes 179 and -179 is 180, not 0. */
export function sphericalMean(points: readonly (readonly [number, number])[]): [number, number] {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const [lat, lon] of points) {
    x += Math.cos(rad(lat)) * Math.cos(rad(lon));
    y += Math.cos(rad(lat)) * Math.sin(rad(lon));
    z += Math.sin(rad(lat));
  }
  return [deg(Math.atan2(z, Math.hypot(x, y))), deg(Math.atan2(y, x))];
}

/** Where clients of a geography are, or undefined for one the table does not have. */
export function geographyPoint(match: {
  continent?: string | undefined;
  country?: string | undefined;
}): readonly [number, number] | undefined {
  if (match.country !== undefined) return COUNTRY_POINTS[match.country];
  if (match.continent !== undefined) return CONTINENT_POINTS[match.continent];
  return undefined;
}

/** Every country of the table, in code order. */
export function knownCountries(): string[] {
  return Object.keys(COUNTRY_POINTS).sort();
}
