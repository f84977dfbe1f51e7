// The fake's Load Balancing resources: account pools and monitors, zone load balancers, validated the
// way the documented API does (required fields, pool references, steering policies, region codes).
import { isIP } from 'node:net';
import { newId } from './dns.ts';
import { cfError } from './envelope.ts';
import { isObject } from './request-checks.ts';

export const CF_REGIONS = [
  'WNAM',
  'ENAM',
  'WEU',
  'EEU',
  'NSAM',
  'SSAM',
  'OC',
  'ME',
  'NAF',
  'SAF',
  'SAS',
  'SEAS',
  'NEAS',
];
const STEERING = [
  'off',
  'geo',
  'random',
  'dynamic_latency',
  'proximity',
  'least_outstanding_requests',
  'least_connections',
  '',
];

export interface Origin {
  name: string;
  address: string;
  enabled: boolean;
  weight: number;
  [k: string]: unknown;
}

export interface Pool {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  minimum_origins: number;
  monitor: string | null;
  origins: Origin[];
  created_on: string;
  modified_on: string;
  [k: string]: unknown;
}

export interface LoadBalancer {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  ttl: number;
  proxied: boolean;
  steering_policy: string;
  default_pools: string[];
  fallback_pool: string;
  region_pools: Record<string, string[]>;
  country_pools: Record<string, string[]>;
  pop_pools: Record<string, string[]>;
  random_steering?: { pool_weights?: Record<string, number>; default_weight?: number };
  created_on: string;
  modified_on: string;
  [k: string]: unknown;
}

export interface Monitor {
  id: string;
  type: string;
  description: string;
  [k: string]: unknown;
}

function validOrigin(o: unknown, i: number): Origin {
  if (!isObject(o)) throw cfError(400, 1002, `origins[${i}] must be an object`);
  if (typeof o.name !== 'string' || o.name === '') throw cfError(400, 1002, `origins[${i}].name is required`);
  if (typeof o.address !== 'string' || o.address === '')
    throw cfError(400, 1002, `origins[${i}].address is required`);
  if (isIP(o.address) === 0 && !/^[a-z0-9.-]+$/i.test(o.address))
    throw cfError(400, 1002, `origins[${i}].address must be an IP address or a hostname`);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean')
    throw cfError(400, 1002, `origins[${i}].enabled must be a boolean`);
  if (o.weight !== undefined && (typeof o.weight !== 'number' || o.weight < 0 || o.weight > 1))
    throw cfError(400, 1002, `origins[${i}].weight must be between 0 and 1`);
  return {
    ...o,
    name: o.name,
    address: o.address,
    enabled: o.enabled !== false,
    weight: (o.weight as number | undefined) ?? 1,
  };
}

export class Account {
  pools = new Map<string, Pool>();
  monitors = new Map<string, Monitor>();

  constructor(
    readonly id: string,
    readonly loadBalancing: boolean,
  ) {}

  entitled(): void {
    if (!this.loadBalancing)
      throw cfError(
        403,
        1008,
        'Load Balancing is not enabled for this account. Purchase the Load Balancing add-on to use this endpoint.',
      );
  }

  pool(id: string): Pool {
    const p = this.pools.get(id);
    if (!p) throw cfError(404, 1003, 'Pool not found.');
    return p;
  }

  private buildPool(body: unknown, prev?: Pool): Pool {
    if (!isObject(body)) throw cfError(400, 1002, 'Request body is invalid.');
    const merged = { ...(prev ?? {}), ...body } as Record<string, unknown>;
    if (typeof merged.name !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(merged.name))
      throw cfError(400, 1002, 'name is required: letters, digits, dashes and underscores');
    if (!Array.isArray(merged.origins) || merged.origins.length === 0)
      throw cfError(400, 1002, 'origins must be a non-empty array');
    const origins = merged.origins.map(validOrigin);
    const names = new Set(origins.map((o) => o.name));
    if (names.size !== origins.length) throw cfError(400, 1002, 'origin names must be unique within a pool');
    if (merged.enabled !== undefined && typeof merged.enabled !== 'boolean')
      throw cfError(400, 1002, 'enabled must be a boolean');
    const min = merged.minimum_origins ?? 1;
    if (typeof min !== 'number' || !Number.isInteger(min) || min < 1)
      throw cfError(400, 1002, 'minimum_origins must be >= 1');
    if (merged.monitor !== undefined && merged.monitor !== null && !this.monitors.has(String(merged.monitor)))
      throw cfError(400, 1002, 'monitor does not exist');
    for (const p of this.pools.values()) {
      if (p.name === merged.name && p.id !== prev?.id)
        throw cfError(400, 1002, `A pool named ${merged.name} already exists.`);
    }
    const now = new Date().toISOString();
    return {
      ...merged,
      id: prev?.id ?? newId(),
      name: merged.name,
      description: typeof merged.description === 'string' ? merged.description : '',
      enabled: merged.enabled !== false,
      minimum_origins: min,
      monitor: (merged.monitor as string | null | undefined) ?? null,
      origins,
      created_on: prev?.created_on ?? now,
      modified_on: now,
    };
  }

  createPool(body: unknown): Pool {
    const p = this.buildPool(body);
    this.pools.set(p.id, p);
    return p;
  }

  /** PUT replaces the pool; PATCH merges top-level fields (so `origins` is replaced as a whole). */
  updatePool(id: string, body: unknown, patch: boolean): Pool {
    const prev = this.pool(id);
    const p = this.buildPool(body, patch ? prev : ({ id: prev.id, created_on: prev.created_on } as Pool));
    this.pools.set(id, p);
    return p;
  }

  deletePool(id: string, referenced: (poolId: string) => boolean): { id: string } {
    this.pool(id);
    if (referenced(id))
      throw cfError(400, 1002, 'Pool is referenced by a load balancer and cannot be deleted.');
    this.pools.delete(id);
    return { id };
  }

  createMonitor(body: unknown): Monitor {
    if (!isObject(body)) throw cfError(400, 1002, 'Request body is invalid.');
    const type = body.type ?? 'http';
    if (!['http', 'https', 'tcp', 'udp_icmp', 'icmp_ping', 'smtp'].includes(String(type)))
      throw cfError(400, 1002, 'type is invalid');
    const m: Monitor = {
      ...body,
      id: newId(),
      type: String(type),
      description: String(body.description ?? ''),
    };
    this.monitors.set(m.id, m);
    return m;
  }
}

export class LbZone {
  lbs = new Map<string, LoadBalancer>();

  constructor(
    readonly zoneName: string,
    private readonly account: () => Account | undefined,
  ) {}

  get(id: string): LoadBalancer {
    const lb = this.lbs.get(id);
    if (!lb) throw cfError(404, 1003, 'Load balancer not found.');
    return lb;
  }

  private poolRef(id: unknown, where: string): string {
    const acc = this.account();
    if (typeof id !== 'string' || !acc?.pools.has(id))
      throw cfError(400, 1002, `${where}: pool ${String(id)} does not exist`);
    return id;
  }

  private poolMap(v: unknown, where: string, keyOk: (k: string) => boolean): Record<string, string[]> {
    if (v === undefined) return {};
    if (!isObject(v)) throw cfError(400, 1002, `${where} must be an object`);
    const out: Record<string, string[]> = {};
    for (const [k, ids] of Object.entries(v)) {
      if (!keyOk(k)) throw cfError(400, 1002, `${where}: unknown key ${k}`);
      if (!Array.isArray(ids) || ids.length === 0)
        throw cfError(400, 1002, `${where}.${k} must be a non-empty array`);
      out[k] = ids.map((id, i) => this.poolRef(id, `${where}.${k}[${i}]`));
    }
    return out;
  }

  private build(body: unknown, prev?: LoadBalancer): LoadBalancer {
    const acc = this.account();
    if (!acc) throw cfError(403, 1008, 'Load Balancing is not enabled for this zone.');
    acc.entitled();
    if (!isObject(body)) throw cfError(400, 1002, 'Request body is invalid.');
    const m = { ...(prev ?? {}), ...body } as Record<string, unknown>;
    if (typeof m.name !== 'string' || m.name === '') throw cfError(400, 1002, 'name is required');
    const name = m.name.toLowerCase().replace(/\.$/, '');
    if (name !== this.zoneName && !name.endsWith(`.${this.zoneName}`))
      throw cfError(400, 1002, `name ${name} is not in zone ${this.zoneName}`);
    if (!Array.isArray(m.default_pools) || m.default_pools.length === 0)
      throw cfError(400, 1002, 'default_pools must be a non-empty array');
    const defaults = m.default_pools.map((id, i) => this.poolRef(id, `default_pools[${i}]`));
    const fallback = this.poolRef(m.fallback_pool, 'fallback_pool');
    const steering = m.steering_policy ?? '';
    if (typeof steering !== 'string' || !STEERING.includes(steering))
      throw cfError(400, 1002, 'steering_policy is invalid');
    const proxied = m.proxied === true;
    if (
      m.ttl !== undefined &&
      (typeof m.ttl !== 'number' || (!proxied && m.ttl !== 1 && (m.ttl < 30 || m.ttl > 86_400)))
    )
      throw cfError(400, 9021, 'Invalid TTL.');
    const rs = m.random_steering;
    if (rs !== undefined && rs !== null) {
      if (!isObject(rs)) throw cfError(400, 1002, 'random_steering must be an object');
      for (const [id, w] of Object.entries((rs.pool_weights ?? {}) as Record<string, unknown>)) {
        this.poolRef(id, 'random_steering.pool_weights');
        if (typeof w !== 'number' || w < 0 || w > 1)
          throw cfError(400, 1002, 'pool weights must be between 0 and 1');
      }
    }
    for (const l of this.lbs.values()) {
      if (l.name === name && l.id !== prev?.id)
        throw cfError(400, 1002, `A load balancer named ${name} already exists.`);
    }
    const now = new Date().toISOString();
    return {
      ...m,
      id: prev?.id ?? newId(),
      name,
      description: typeof m.description === 'string' ? m.description : '',
      enabled: m.enabled !== false,
      ttl: proxied ? 30 : ((m.ttl as number | undefined) ?? 30),
      proxied,
      steering_policy: steering,
      default_pools: defaults,
      fallback_pool: fallback,
      region_pools: this.poolMap(m.region_pools, 'region_pools', (k) => CF_REGIONS.includes(k)),
      country_pools: this.poolMap(m.country_pools, 'country_pools', (k) => /^[A-Z]{2}$/.test(k)),
      pop_pools: this.poolMap(m.pop_pools, 'pop_pools', (k) => /^[A-Z]{3}$/.test(k)),
      created_on: prev?.created_on ?? now,
      modified_on: now,
    } as LoadBalancer;
  }

  create(body: unknown): LoadBalancer {
    const lb = this.build(body);
    this.lbs.set(lb.id, lb);
    return lb;
  }

  update(id: string, body: unknown, patch: boolean): LoadBalancer {
    const prev = this.get(id);
    const lb = this.build(body, patch ? prev : ({ id, created_on: prev.created_on } as LoadBalancer));
    this.lbs.set(id, lb);
    return lb;
  }

  delete(id: string): { id: string } {
    this.get(id);
    this.lbs.delete(id);
    return { id };
  }

  references(poolId: string): boolean {
    return [...this.lbs.values()].some(
      (l) =>
        l.default_pools.includes(poolId) ||
        l.fallback_pool === poolId ||
        Object.values(l.region_pools).some((p) => p.includes(poolId)) ||
        Object.values(l.country_pools).some((p) => p.includes(poolId)),
    );
  }
}
