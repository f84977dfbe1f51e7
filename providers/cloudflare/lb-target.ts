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
  const { desired, touched } = desiredView(current, input.changes, ctx);
  const oursAfter = (name: string) => {
    const m = [...desired.values()].find((s) => isMarkerName(s.name) && markedName(s.name) === name);
    return m !== undefined && markerOwner(m) === owner;
  };
  const setsAt = (name: string) =>
    [...desired.values()].filter((s) => !isMarkerName(s.name) && s.name === name);

  // Votes from every owned name's desired answer.
  const votes = new Votes(new Map(config.regions.map((r) => [r.id, r])));
  for (const name of new Set(names.map(normaliseName))) {
    if (!oursAfter(name)) continue;
    const sets = setsAt(name);
    for (const rec of lookup.atName(name)) votes.name(name, rec.type as RecordType, rec.policy, sets);
  }

  const out: LbWrites = { poolCreates: [], poolUpdates: [], lbs: [], lbDeletes: [], dnsDeletes: [] };
  const needed = new Set<string>(votes.pools.keys());
  for (const name of [...touched].sort()) {
    const keep = oursAfter(name) && setsAt(name).length > 0 && lookup.atName(name).length > 0;
    nameWrites({ name, keep, owner, view, lookup, wanted: votes.wanted, ctx, out, needed });
  }
  for (const region of [...needed].sort()) {
    const cfgRegion = votes.regions.get(region);
    if (cfgRegion) poolWrite({ region, cfgRegion, owner, state, votes, ctx, out });
  }
  // Turn things on before turning others off, so no moment has every pool off.
  out.poolUpdates.sort((a, b) => Number(b.enabling) - Number(a.enabling));
  return out;
}

type Ctx = { provider: string; zone: string };
type Region = Config['regions'][number];
type Policy = ReturnType<ZoneLookup['atName']>[number]['policy'];

/** Compare-and-swap against the fresh read, then the desired view and the names the changes touch. */
function desiredView(
  current: ReadonlyMap<string, RecordSet>,
  changes: readonly Change[],
  ctx: Ctx,
): { desired: Map<string, RecordSet>; touched: Set<string> } {
  const desired = new Map(current);
  const touched = new Set<string>();
  for (const c of changes) {
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
  return { desired, touched };
}

/** The votes of every owned name on the regions' pools and origins, and the weights ramps want. */
class Votes {
  readonly pools: Vote = new Map();
  readonly origins: Vote = new Map();
  /** Per name, the pool weights the plan wants (a failback ramp). */
  readonly wanted = new Map<string, Record<string, number>>();

  constructor(readonly regions: ReadonlyMap<string, Region>) {}

  private addrs(region: string, type: RecordType) {
    return (this.regions.get(region)?.endpoints ?? []).flatMap((e) => {
      const a = addressFor(e, type);
      return a === undefined ? [] : [{ id: e.id, value: normaliseValue(type, a) }];
    });
  }

  private ordered(order: readonly string[], type: RecordType, set: RecordSet | undefined): void {
    if (!set || set.values.length === 0) return;
    const i = order.findIndex((r) => {
      const all = this.addrs(r, type).map((a) => a.value);
      return set.values.every((v) => all.includes(v));
    });
    const upTo = i < 0 ? order.length : i;
    for (const r of order.slice(0, upTo)) vote(this.pools, r, false);
    if (i >= 0) this.servedBy(order[i]!, type, set);
  }

  private servedBy(region: string, type: RecordType, set: RecordSet): void {
    vote(this.pools, region, true);
    for (const a of this.addrs(region, type))
      vote(this.origins, `${region} ${a.id}`, set.values.includes(a.value));
  }

  /** The votes of one owned name's record of one type, from its desired sets. */
  name(name: string, type: RecordType, p: Policy, sets: readonly RecordSet[]): void {
    const of = (setId?: string) => sets.find((s) => s.type === type && s.setId === setId);
    const rampSets =
      p.kind === 'failover' ? sets.filter((s) => s.type === type && s.setId !== undefined) : [];
    if (rampSets.length > 0) {
      // A failover name on a failback ramp: weighted between the regions the sets name.
      const w: Record<string, number> = {};
      for (const s of rampSets) {
        if ((s.weight ?? 0) > 0) this.servedBy(s.setId!, type, s);
        w[s.setId!] = s.weight ?? 0;
      }
      this.wanted.set(name, w);
    } else if (p.kind === 'failover') this.ordered(p.order, type, of());
    else if (p.kind === 'geo')
      for (const rule of geoRulePools(p)) this.ordered(rule.regions, type, of(rule.setId));
    else if (p.kind === 'weighted')
      for (const [region, configured] of Object.entries(p.weights))
        this.weighted(name, type, region, configured, of);
  }

  /** A weighted region: per endpoint sets vote on origins; one region set votes on the pool (and a ramp). */
  private weighted(
    name: string,
    type: RecordType,
    region: string,
    configured: number,
    of: (setId?: string) => RecordSet | undefined,
  ): void {
    const eps = weightedEndpoints(this.regions.get(region), type);
    if (eps) {
      // One set per endpoint: an origin is on when its set has a weight; the pool when any has.
      const sets = eps.map((e) => of(endpointSetId(region, e.id)));
      if (sets.some((s) => s === undefined)) return;
      const anyOn = sets.some((s) => (s!.weight ?? 0) > 0);
      if (anyOn) {
        vote(this.pools, region, true);
        eps.forEach((e, i) => {
          vote(this.origins, `${region} ${e.id}`, (sets[i]!.weight ?? 0) > 0);
        });
      } else if (configured > 0) vote(this.pools, region, false);
      return;
    }
    const s = of(region);
    if (!s) return;
    // A ramped weight (below the configured one, above 0) goes into the pool weights.
    if (s.weight !== undefined && s.weight > 0 && s.weight !== configured) {
      this.wanted.set(name, { ...(this.wanted.get(name) ?? {}), [region]: s.weight });
    }
    const all = this.addrs(region, type).map((a) => a.value);
    if (s.weight !== undefined && s.weight > 0) this.servedBy(region, type, s);
    else if (configured > 0) vote(this.pools, region, false);
    else if (s.values.length < all.length) this.servedBy(region, type, s);
  }
}

/**
 * A touched name's writes: a load balancer kept (and the plain records under it deleted) or removed;
 * refused when a load balancer or records there belong to someone else.
 */
function nameWrites(args: {
  name: string;
  keep: boolean;
  owner: string;
  view: ReturnType<typeof buildLbView>;
  lookup: ZoneLookup;
  wanted: ReadonlyMap<string, Record<string, number>>;
  ctx: Ctx;
  out: LbWrites;
  needed: Set<string>;
}): void {
  const { name, keep, owner, view, ctx, out } = args;
  const lb = view.lbByName.get(name);
  const lbOwner = lb ? descriptionOwner(lb.description) : undefined;
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
    const weights = args.wanted.get(name);
    out.lbs.push({ name, ...(lb ? { existing: lb } : {}), ...(weights ? { weights } : {}) });
    for (const rec of args.lookup.atName(name)) for (const r of policyRegions(rec.policy)) args.needed.add(r);
    out.dnsDeletes.push(...plain);
  } else {
    if (lb && lbOwner === owner) out.lbDeletes.push({ id: lb.id, name });
    out.dnsDeletes.push(...plain.filter((r) => tagOwners(r.tags).includes(owner)));
  }
}

/** A needed region's pool: created, or rewritten when what the votes want differs from what is there. */
function poolWrite(args: {
  region: string;
  cfgRegion: Region;
  owner: string;
  state: LbState;
  votes: Votes;
  ctx: Ctx;
  out: LbWrites;
}): void {
  const { region, cfgRegion, owner, state, ctx, out } = args;
  const existing = state.pools.find((p) => p.name === poolName(owner, region));
  if (existing && descriptionOwner(existing.description) !== owner) {
    throw new OwnershipError(`pool ${existing.name} exists but is not marked owner=${owner}`, {
      ...ctx,
      region,
      remedy: `rename or delete that pool in Cloudflare, or add "owner=${owner}" to its description if it is ours`,
    });
  }
  const enabled = decide(args.votes.pools, region) ?? existing?.enabled ?? true;
  // Read-modify-write on the fresh origins list: fields we do not manage (weight, header) survive.
  const origins: CfOrigin[] = cfgRegion.endpoints.map((e) => {
    const prev = existing?.origins.find((o) => o.name === e.id);
    const on = decide(args.votes.origins, `${region} ${e.id}`) ?? prev?.enabled ?? true;
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
    return;
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
  if (same) return;
  const enabling =
    (enabled && existing.enabled === false) ||
    origins.some((o) => o.enabled && existing.origins.find((x) => x.name === o.name)?.enabled === false);
  out.poolUpdates.push({ region, id: existing.id, body, enabling });
}
