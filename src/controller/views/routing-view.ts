// Who serves whom, and why: for every record set (failover answer, weighted set, geo rule) the clients
// it answers, the region(s) in the answer and the reason in words, from what policy wants now and what
// each zone's first provider serves. Pure: the controller hands in its snapshot, states and zone views.

import type { RouteView, ZoneView } from '../../api/index.ts';
import { type Config, type GeoRuleConfig, type ZoneConfig, zoneProviders } from '../../config/index.ts';
import type { EndpointSnapshot, HealthSnapshot, RegionSnapshot } from '../../health/index.ts';
import {
  type AddressFamily,
  endpointAddresses,
  familyName,
  familyOfType,
  type GeoLocation,
  normaliseName,
  type RecordSet,
  type RegionStates,
  type SteeringInput,
} from '../../model/index.ts';
import { type DesiredRecord, desiredRecords } from '../../policy/index.ts';
import { clockWords, failingWords, outWords, regionPhase } from './region-words.ts';

export interface RoutingInputs {
  config: Config;
  snapshot: HealthSnapshot;
  states: RegionStates;
  zones: readonly ZoneView[];
  /** Latency records' measured steering, so the view wants what the reconciler wants. */
  steering?: SteeringInput;
}

const CONTINENTS: Record<string, string> = {
  AF: 'Africa',
  AN: 'Antarctica',
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  OC: 'Oceania',
  SA: 'South America',
};

/** "clients in Europe (EU)", "clients in US-CA", "all other clients". */
export function geoClients(geo: GeoLocation): string {
  if (geo === 'default') return 'all other clients';
  const where = [
    geo.continent ? `${CONTINENTS[geo.continent] ?? geo.continent} (${geo.continent})` : '',
    geo.country ? `${geo.country}${geo.subdivision ? `-${geo.subdivision}` : ''}` : (geo.subdivision ?? ''),
  ].filter(Boolean);
  return `clients in ${where.join(', ')}`;
}

export function routesOf(i: RoutingInputs): RouteView[] {
  const c = routeContext(i);
  return i.config.zones.flatMap((zone) => zoneRoutes(i, zone, c));
}

/** What the words need to know about the regions, looked up once per status. */
export function routeContext(i: RoutingInputs): RouteContext {
  const now = i.snapshot.at;
  const owner = new Map<string, string>();
  for (const r of i.config.regions)
    for (const e of r.endpoints)
      for (const a of endpointAddresses(e)) owner.set(a.address.toLowerCase(), r.id);
  // The address family of each single-address endpoint (a dual-stack one's families are in the snapshot).
  const families = new Map(
    i.config.regions.flatMap((r) => r.endpoints.map((e) => [e.id, endpointAddresses(e)[0]?.family] as const)),
  );
  const regions = new Map(i.snapshot.regions.map((r) => [r.id, r]));
  const endpointsOf = (id: string) => i.snapshot.endpoints.filter((e) => e.region === id);
  const why = (id: string, type?: string): string => {
    const r = regions.get(id);
    if (!r) return `${id} is unknown`;
    return (
      outWords(r, endpointsOf(id), now) ??
      familyWords(r, endpointsOf(id), type, families, now) ??
      `${id} is up`
    );
  };
  return { owner, regions, endpointsOf, why, now };
}

export interface RouteContext {
  owner: ReadonlyMap<string, string>;
  regions: ReadonlyMap<string, RegionSnapshot>;
  endpointsOf: (region: string) => EndpointSnapshot[];
  /** Why the region takes no traffic for a record of this type (a dual-stack region's family may be out alone). */
  why: (region: string, type?: string) => string;
  now: number;
}

/**
 * Why an up region of dual-stack endpoints serves no answer of this type: its family is out,
 * "IPv6 is down: use-a fails: connect ECONNREFUSED", or recovering.
 */
function familyWords(
  r: RegionSnapshot,
  endpoints: readonly EndpointSnapshot[],
  type: string | undefined,
  families: ReadonlyMap<string, AddressFamily | undefined>,
  now: number,
): string | undefined {
  const want = type === undefined ? undefined : familyOfType(type);
  const f = r.families?.find((x) => x.family === want);
  if (f?.status !== 'down') return undefined;
  const name = familyName(f.family);
  if (f.holdingFailback) {
    const at = f.failbackAt === undefined ? '' : ` at ${clockWords(f.failbackAt, now)}`;
    return `${name} is recovering: failback${at}${f.holdDownReason ? ` (${f.holdDownReason})` : ''}`;
  }
  // Each endpoint as it stands on this family.
  const onFamily = endpoints.flatMap((e) => {
    const x = e.families?.find((y) => y.family === f.family);
    if (x) return [{ ...e, state: x.state, ...(x.lastFailure ? { lastFailure: x.lastFailure } : {}) }];
    return !e.families && families.get(e.id) === f.family ? [e] : [];
  });
  return `${name} is down: ${failingWords(onFamily)}`;
}

function zoneRoutes(i: RoutingInputs, zone: ZoneConfig, c: RouteContext): RouteView[] {
  const zoneName = normaliseName(zone.name);
  const view = i.zones.find((z) => z.zone === zoneName && z.provider === zoneProviders(zone)[0]);
  const published = view?.records ?? [];
  const held = i.snapshot.failStatic
    ? `held by fail-static: ${i.snapshot.freshProbers.length} prober(s) fresh, fewer than minProbers ${i.config.health.minProbers}; DNS is held as it is`
    : view?.lastReconcile?.result === 'skipped'
      ? `held: ${view.lastReconcile.message ?? 'this pass did not change DNS'}`
      : undefined;
  const desired = desiredRecords(
    i.config,
    zone,
    i.states,
    published,
    i.steering ? { steering: i.steering } : {},
  );
  const total = (name: string, type: string) =>
    desired
      .filter((d) => d.record.name === name && d.record.type === type)
      .reduce((s, d) => s + (d.record.weight ?? 0), 0);
  return desired.map((d) => {
    const r = d.record;
    const served = published.find(
      (p) => p.name === r.name && p.type === r.type && (p.setId ?? '') === (r.setId ?? ''),
    );
    const values = served?.values ?? r.values;
    const pending = served && !sameValues(served, r) ? r.values : undefined;
    const answering = regionsOf(r, values, c.owner);
    const sum = total(r.name, r.type);
    const clients =
      r.geo !== undefined
        ? geoClients(r.geo)
        : r.weight !== undefined
          ? `${sum > 0 ? Math.round(((served?.weight ?? r.weight) / sum) * 100) : 0}% of clients`
          : 'all clients';
    const words = routeWords(i.config, d, answering, c);
    const lead = held && (pending || i.snapshot.failStatic) ? held : undefined;
    return {
      zone: zoneName,
      name: r.name,
      type: r.type,
      policy: d.source.policy,
      ...(r.setId === undefined ? {} : { setId: r.setId }),
      ...(r.geo === undefined ? {} : { geo: r.geo }),
      ...(r.weight === undefined ? {} : { weight: served?.weight ?? r.weight }),
      clients,
      regions: answering,
      state: stateOf(d, answering, c),
      because: lead
        ? `${lead}; ${pending ? `policy would answer ${pending.join(', ')}: ` : ''}${words}`
        : pending
          ? `changing to ${pending.join(', ')}: ${words}`
          : words,
      reason: d.reason,
      explanation: d.explanation,
      values,
      ...(pending ? { pending } : {}),
      ...(held ? { held } : {}),
    };
  });
}

function sameValues(a: RecordSet, b: RecordSet): boolean {
  const x = a.values.map((v) => v.toLowerCase()).sort();
  const y = b.values.map((v) => v.toLowerCase()).sort();
  return x.join() === y.join() && (a.weight ?? 0) === (b.weight ?? 0);
}

/** The regions whose endpoints an answer holds; a weighted set names its region in its set id. */
function regionsOf(r: RecordSet, values: readonly string[], owner: ReadonlyMap<string, string>): string[] {
  if (r.weight !== undefined && r.setId !== undefined && r.geo === undefined) {
    const id = r.setId.split('/')[0]!;
    if ([...owner.values()].includes(id)) return [id];
  }
  const ids = values.map((v) => owner.get(v.toLowerCase())).filter((x): x is string => x !== undefined);
  return [...new Set(ids)];
}

/** The regions a set chooses from, in order: a geo rule's list, the failover order, a weighted set's own. */
function candidatesOf(config: Config, d: DesiredRecord, answering: readonly string[]): string[] {
  const rec = config.zones
    .flatMap((z) => z.records)
    .find((x) => normaliseName(x.name) === d.record.name && x.type === d.record.type);
  const p = rec?.policy;
  // Latency and proximity rank per set: the order this set tries its regions in.
  if (d.ranking) return d.ranking.map((r) => r.region);
  if (p?.kind === 'geo') return (p.rules[d.source.rule ?? 0] as GeoRuleConfig | undefined)?.regions ?? [];
  if (p?.kind === 'failover') return p.order;
  return [...answering];
}

function stateOf(d: DesiredRecord, answering: readonly string[], c: RouteContext): string {
  if (d.reason.code === 'all-down') return 'all-down';
  if (d.record.weight === 0) return 'out';
  const first = c.regions.get(answering[0] ?? '');
  return first ? regionPhase(first) : 'unknown';
}

/**
 * The reason in words. Known reasons get a sentence built from the region states; any other reason
 * (a policy feature this file does not know) is shown as the policy words it, followed by the words
 * for the regions it passed over.
 */
export function routeWords(
  config: Config,
  d: DesiredRecord,
  answering: readonly string[],
  c: RouteContext,
): string {
  const region = answering[0];
  const r = region === undefined ? undefined : c.regions.get(region);
  const candidates = candidatesOf(config, d, answering);
  if (d.reason.code === 'all-down') {
    const out = candidates.map((id) => `${id}: ${c.why(id, d.record.type)}`).join('; ');
    return `${d.reason.detail ?? 'every region is down'}${out ? ` (${out})` : ''}`;
  }
  if (region === undefined || r === undefined) return d.reason.detail ?? d.explanation;
  if (d.record.weight === 0) return `${region} takes no traffic: ${c.why(region, d.record.type)}`;
  if (r.ramp) {
    return `ramping back to ${region}: failback ramp step ${r.ramp.step}/${r.ramp.steps} (${r.ramp.percent}%), next step at ${clockWords(r.ramp.nextAt, c.now)}`;
  }
  // The second set of a failover ramp: the region that served so far keeps the rest.
  const ramping = candidates.find((id) => id !== region && c.regions.get(id)?.ramp);
  if (ramping && d.source.policy === 'failover' && d.record.setId !== undefined) {
    const rr = c.regions.get(ramping)!.ramp!;
    return `${region} keeps ${100 - rr.percent}% while ${ramping} ramps back (step ${rr.step}/${rr.steps})`;
  }
  const at = candidates.indexOf(region);
  const passed = (at < 0 ? candidates : candidates.slice(0, at)).filter((id) => !answering.includes(id));
  const words = passed.map((id, k) =>
    k === 0
      ? `failed over from ${id} because ${c.why(id, d.record.type)}`
      : `${id} is out too: ${c.why(id, d.record.type)}`,
  );
  const partial = partialWords(r, c);
  const known = ['region-down', 'region-up', 'region-drained', 'config'];
  if (!known.includes(d.reason.code)) words.unshift(d.reason.detail ?? d.reason.code);
  else if (r.override)
    words.unshift(
      `${region} is forced up by ${r.override.author} until ${clockWords(r.override.until, c.now)} (${r.override.reason})`,
    );
  if (words.length > 0)
    return [...words, ...(partial ? [`${region} serves with ${partial}`] : [])].join('; ');
  if (partial) return `${region} serves with ${partial}`;
  return d.source.policy === 'weighted'
    ? `${region} is up; weight ${d.record.weight} as configured`
    : `${region} is the first choice and up`;
}

/** "1 of 2 endpoints (use-b fails: status 500)" when a serving region publishes only part of them. */
function partialWords(r: RegionSnapshot, c: RouteContext): string | undefined {
  const endpoints = c.endpointsOf(r.id);
  if (r.override || r.upEndpoints.length === 0 || r.upEndpoints.length >= endpoints.length) return undefined;
  const down = endpoints.filter((e) => !r.upEndpoints.includes(e.id));
  return `${r.upEndpoints.length} of ${endpoints.length} endpoints (${failingWords(down)})`;
}
