// Load-balancer mode, write side (pure): planner changes + what we just read -> the writes that make
// the load balancers answer what the plan wants.
//  - The desired view is the current view with the changes applied. From it every owned name votes on
//    its regions' pools: a failover/geo answer served by region R says the regions before R are off
//    and R is on, and which of R's origins are on; a weighted set with weight 0 (configured > 0) says
//    its region is off. Pools are shared by every name, so a region any name sees as off is off
//    (the safe side); regions nobody votes on keep their state.
//  - Touched names that stay ours get a load balancer (created or rewritten from config); names that
//    stop being ours lose theirs. Plain DNS records at a name we take over are deleted once its load
//    balancer exists (adoption, or a zone moving from records mode).
import type { Config } from '../../src/config/index.ts';
import {
  addressFor,
  addressText,
  type Change,
  ConflictError,
  endpointSetId,
  isMarkerName,
  keyId,
  markedName,
  markerOwner,
  normaliseName,
  normaliseValue,
  OwnershipError,
  type RecordSet,
  type RecordType,
  sameRecord,
} from '../../src/model/index.ts';
import { policyRegions } from '../../src/policy/kinds/index.ts';
import { type CfLoadBalancer, type CfOrigin, ownedDescription, poolName } from './lb-model.ts';
import { originWeight, weightedEndpoints } from './lb-origin-weights.ts';
import { geoRulePools } from './lb-spec.ts';
import { buildLbView, type LbState } from './lb-view.ts';
import type { CfRecord } from './list.ts';
import { descriptionOwner, tagOwners } from './ownership.ts';
import type { ZoneLookup } from './zone-config.ts';

export interface PoolBody {
  name: string;
  description: string;
  enabled: boolean;
  minimum_origins: number;
  origins: CfOrigin[];
}

export interface LbWrites {
  poolCreates: { region: string; body: PoolBody }[];
  /** Full bodies built from the freshly read pool (PATCH replaces `origins` as a whole). */
  poolUpdates: { region: string; id: string; body: PoolBody; enabling: boolean }[];
  /** Names that should have a load balancer after apply (existing one if any), with the weights the plan wants (ramp). */
  lbs: { name: string; existing?: CfLoadBalancer; weights?: Record<string, number> }[];
  lbDeletes: { id: string; name: string }[];
  dnsDeletes: CfRecord[];
}

export interface LbWritesInput {
  provider: string;
  zone: string;
  owner: string;
  config: Config;
  lookup: ZoneLookup;
  state: LbState;
  changes: readonly Change[];
}

type Vote = Map<string, boolean[]>;
const vote = (m: Vote, k: string, on: boolean) => m.set(k, [...(m.get(k) ?? []), on]);
/** Off wins: a region (or origin) any name sees as down takes no traffic for anyone. */
const decide = (m: Vote, k: string): boolean | undefined =>
  m.has(k) ? !m.get(k)!.includes(false) : undefined;

export function lbWrites(input: LbWritesInput): LbWrites {
  const { owner, config, lookup, state } = input;
  const ctx = { provider: input.provider, zone: input.zone };
  const names =
    config.zones
      .find((z) => normaliseName(z.name) === normaliseName(input.zone))
      ?.records.map((r) => r.name) ?? [];
  const view = buildLbView(state, owner, names, lookup);
  const current = new Map(view.sets.map((s) => [keyId(s), s]));

  // Compare-and-swap against the fresh read, then the desired view.
  const desired = new Map(current);
  const touched = new Set<string>();
  for (const c of input.changes) {
    const r = (c.after ?? c.before)!;
    const key = keyId(r);
    const held = current.get(key);
    if (c.kind !== 'create' && (!held || !sameRecord(held, c.before!))) {
      throw new ConflictError(`${key} changed since it was read`, {
        ...ctx,
        record: key,
        retryable: true,
        remedy: 're-plan: the load balancers changed since they were read',
      });
    }
    if (c.kind === 'delete') desired.delete(key);
    else desired.set(key, c.after!);
    touched.add(isMarkerName(r.name) ? markedName(r.name) : normaliseName(r.name));
  }
  const oursAfter = (name: string) => {
    const m = [...desired.values()].find((s) => isMarkerName(s.name) && markedName(s.name) === name);
    return m !== undefined && markerOwner(m) === owner;
  };
  const setsAt = (name: string) =>
    [...desired.values()].filter((s) => !isMarkerName(s.name) && s.name === name);

  // Votes from every owned name's desired answer.
  const poolVotes: Vote = new Map();
  const originVotes: Vote = new Map();
  const regions = new Map(config.regions.map((r) => [r.id, r]));
  const addrs = (region: string, type: RecordType) =>
    (regions.get(region)?.endpoints ?? []).flatMap((e) => {
      const a = addressFor(e, type);
      return a === undefined ? [] : [{ id: e.id, value: normaliseValue(type, a) }];
    });
  const ordered = (order: readonly string[], type: RecordType, set: RecordSet | undefined) => {
    if (!set || set.values.length === 0) return;
    const i = order.findIndex((r) => {
      const all = addrs(r, type).map((a) => a.value);
      return set.values.every((v) => all.includes(v));
    });
    const upTo = i < 0 ? order.length : i;
    for (const r of order.slice(0, upTo)) vote(poolVotes, r, false);
    if (i >= 0) servedBy(order[i]!, type, set);
  };
  const servedBy = (region: string, type: RecordType, set: RecordSet) => {
    vote(poolVotes, region, true);
    for (const a of addrs(region, type)) vote(originVotes, `${region} ${a.id}`, set.values.includes(a.value));
  };
  const wanted = new Map<string, Record<string, number>>();
  for (const name of new Set(names.map(normaliseName))) {
    if (!oursAfter(name)) continue;
    const sets = setsAt(name);
    for (const rec of lookup.atName(name)) {
      const type = rec.type as RecordType;
      const of = (setId?: string) => sets.find((s) => s.type === type && s.setId === setId);
      const p = rec.policy;
      const rampSets =
        p.kind === 'failover' ? sets.filter((s) => s.type === type && s.setId !== undefined) : [];
      if (rampSets.length > 0) {
        // A failover name on a failback ramp: weighted between the regions the sets name.
        const w: Record<string, number> = {};
        for (const s of rampSets) {
          if ((s.weight ?? 0) > 0) servedBy(s.setId!, type, s);
          w[s.setId!] = s.weight ?? 0;
        }
        wanted.set(name, w);
      } else if (p.kind === 'failover') ordered(p.order, type, of());
      else if (p.kind === 'geo')
        for (const rule of geoRulePools(p)) ordered(rule.regions, type, of(rule.setId));
      else if (p.kind === 'weighted') {
        for (const [region, configured] of Object.entries(p.weights)) {
          const eps = weightedEndpoints(regions.get(region), type);
          if (eps) {
            // One set per endpoint: an origin is on when its set has a weight; the pool when any has.
            const sets = eps.map((e) => of(endpointSetId(region, e.id)));
            if (sets.some((s) => s === undefined)) continue;
            const anyOn = sets.some((s) => (s!.weight ?? 0) > 0);
            if (anyOn) {
              vote(poolVotes, region, true);
              eps.forEach((e, i) => {
                vote(originVotes, `${region} ${e.id}`, (sets[i]!.weight ?? 0) > 0);
              });
            } else if (configured > 0) vote(poolVotes, region, false);
            continue;
          }
          const s = of(region);
          if (!s) continue;
          // A ramped weight (below the configured one, above 0) goes into the pool weights.
          if (s.weight !== undefined && s.weight > 0 && s.weight !== configured) {
            wanted.set(name, { ...(wanted.get(name) ?? {}), [region]: s.weight });
          }
          const all = addrs(region, type).map((a) => a.value);
          if (s.weight !== undefined && s.weight > 0) servedBy(region, type, s);
          else if (configured > 0) vote(poolVotes, region, false);
          else if (s.values.length < all.length) servedBy(region, type, s);
        }
      }
    }
  }

  const out: LbWrites = { poolCreates: [], poolUpdates: [], lbs: [], lbDeletes: [], dnsDeletes: [] };
  const needed = new Set<string>(poolVotes.keys());
  for (const name of [...touched].sort()) {
    const lb = view.lbByName.get(name);
    const lbOwner = lb ? descriptionOwner(lb.description) : undefined;
    const keep = oursAfter(name) && setsAt(name).length > 0 && lookup.atName(name).length > 0;
    if (lb && lbOwner !== owner && (keep || lbOwner !== undefined)) {
      throw new OwnershipError(
        `load balancer ${lb.name} is not managed by this controller (${lbOwner ? `owner=${lbOwner}` : 'no owner'}); geofailover never edits it`,
        {
          ...ctx,
          record: lb.name,
          remedy: 'delete or rename that load balancer in Cloudflare, or remove the name from config',
        },
      );
    }
    const plain = view.dnsByName.get(name) ?? [];
    const foreignTagged = plain.filter((r) => tagOwners(r.tags).some((o) => o !== owner));
    if (keep) {
      if (foreignTagged.length > 0) {
        throw new OwnershipError(`${name} holds DNS records of another owner; refusing to replace them`, {
          ...ctx,
          record: name,
          remedy: 'remove the name from config, or the other owner tag if that controller is gone',
        });
      }
      const weights = wanted.get(name);
      out.lbs.push({ name, ...(lb ? { existing: lb } : {}), ...(weights ? { weights } : {}) });
      for (const rec of lookup.atName(name)) for (const r of policyRegions(rec.policy)) needed.add(r);
      out.dnsDeletes.push(...plain);
    } else {
      if (lb && lbOwner === owner) out.lbDeletes.push({ id: lb.id, name });
      out.dnsDeletes.push(...plain.filter((r) => tagOwners(r.tags).includes(owner)));
    }
  }

  for (const region of [...needed].sort()) {
    const cfgRegion = regions.get(region);
    if (!cfgRegion) continue;
    const existing = state.pools.find((p) => p.name === poolName(owner, region));
    if (existing && descriptionOwner(existing.description) !== owner) {
      throw new OwnershipError(`pool ${existing.name} exists but is not marked owner=${owner}`, {
        ...ctx,
        region,
        remedy: `rename or delete that pool in Cloudflare, or add "owner=${owner}" to its description if it is ours`,
      });
    }
    const enabled = decide(poolVotes, region) ?? existing?.enabled ?? true;
    // Read-modify-write on the fresh origins list: fields we do not manage (weight, header) survive.
    const origins: CfOrigin[] = cfgRegion.endpoints.map((e) => {
      const prev = existing?.origins.find((o) => o.name === e.id);
      const on = decide(originVotes, `${region} ${e.id}`) ?? prev?.enabled ?? true;
      // Endpoint weights (when they differ) are ours to write; otherwise an origin's weight is left alone.
      const weight =
        weightedEndpoints(cfgRegion, 'A') || weightedEndpoints(cfgRegion, 'AAAA')
          ? originWeight(cfgRegion, e.id)
          : (prev?.weight ?? 1);
      // One origin per endpoint: validate refuses dual-stack endpoints here (no per-family health).
      return { ...prev, name: e.id, address: e.address ?? addressText(e), enabled: on, weight };
    });
    const body: PoolBody = {
      name: poolName(owner, region),
      description: ownedDescription(owner),
      enabled,
      minimum_origins: existing?.minimum_origins ?? 1,
      origins,
    };
    if (!existing) {
      out.poolCreates.push({ region, body });
      continue;
    }
    const same =
      (existing.enabled ?? true) === enabled &&
      existing.origins.length === origins.length &&
      existing.origins.every(
        (o, i) =>
          o.name === origins[i]!.name &&
          o.address === origins[i]!.address &&
          (o.weight ?? 1) === origins[i]!.weight &&
          (o.enabled ?? true) === origins[i]!.enabled,
      );
    if (same) continue;
    const enabling =
      (enabled && existing.enabled === false) ||
      origins.some((o) => o.enabled && existing.origins.find((x) => x.name === o.name)?.enabled === false);
    out.poolUpdates.push({ region, id: existing.id, body, enabling });
  }
  // Turn things on before turning others off, so no moment has every pool off.
  out.poolUpdates.sort((a, b) => Number(b.enabling) - Number(a.enabling));
  return out;
}
