// Load-balancer mode vocabulary: the pool and load balancer fields we read and write, how our pools
// are named and marked, and the mappings Cloudflare needs (continents -> its region codes, 0-255
// record weights -> 0-1 pool weights).
import { isIP } from 'node:net';
import { normaliseValue, type RecordType } from '../../src/model/index.ts';

export interface CfOrigin {
  name: string;
  address: string;
  enabled?: boolean;
  weight?: number;
  [k: string]: unknown;
}

export interface CfPool {
  id: string;
  name: string;
  description?: string;
  enabled?: boolean;
  minimum_origins?: number;
  origins: CfOrigin[];
}

export interface CfLoadBalancer {
  id: string;
  name: string;
  description?: string;
  enabled?: boolean;
  ttl?: number;
  proxied?: boolean;
  steering_policy?: string;
  default_pools: string[];
  fallback_pool: string;
  region_pools?: Record<string, string[]>;
  country_pools?: Record<string, string[]>;
  random_steering?: { pool_weights?: Record<string, number>; default_weight?: number } | null;
}

/** Our pool for a region: one per region, shared by every name and zone under the account. */
export function poolName(owner: string, region: string): string {
  return `geofailover-${owner}-${region}`;
}

export function ownedDescription(owner: string): string {
  return `geofailover owner=${owner}`;
}

/** Cloudflare's geo steering regions for each continent of our geo rules. */
export const CONTINENT_REGIONS: Record<string, string[]> = {
  AF: ['NAF', 'SAF'],
  AS: ['ME', 'SAS', 'SEAS', 'NEAS'],
  EU: ['WEU', 'EEU'],
  NA: ['WNAM', 'ENAM'],
  OC: ['OC'],
  SA: ['NSAM', 'SSAM'],
};

/**
 * Record weights are 0-255, pool weights 0-1 (relative). Four decimals round-trip every integer
 * weight exactly (1/255 = 0.0039; rounding error at most 0.013 of a unit).
 */
export function encodeWeight(w: number): number {
  return Math.round((w / 255) * 10_000) / 10_000;
}

export function decodeWeight(x: number | undefined): number {
  return Math.round((x ?? 0) * 255);
}

export function fits(type: RecordType, address: string): boolean {
  const f = isIP(address.trim());
  return type === 'A' ? f === 4 : type === 'AAAA' ? f === 6 : f === 0;
}

/** Values of the pool's origins usable in a record of this type (normalised, in origin order). */
export function originValues(pool: CfPool, type: RecordType, enabledOnly: boolean): string[] {
  const vals = pool.origins
    .filter((o) => fits(type, o.address) && (!enabledOnly || o.enabled !== false))
    .map((o) => normaliseValue(type, o.address));
  const uniq = [...new Set(vals)];
  return type === 'CNAME' ? uniq.slice(0, 1) : uniq;
}

/** Does the pool serve answers of this type: enabled, with an enabled origin of the type? */
export function poolServes(pool: CfPool | undefined, type: RecordType): boolean {
  return pool !== undefined && pool.enabled !== false && originValues(pool, type, true).length > 0;
}
