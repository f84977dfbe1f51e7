// The authoritative answer logic, as a pure function of the served zones, the question and the
// client's location: NXDOMAIN vs NODATA with the SOA, CNAME chasing inside the zone, synthesised
// apex NS/SOA, and every possible answer of a weighted set listed with its probability so the
// caller can cache them all and still pick one per query.
import type { RecordSet, RecordType } from '../../../src/model/index.ts';
import { txtStrings } from '../../dnswire/index.ts';
import type { Located } from './geo.ts';
import { RCODE, TYPE } from './query.ts';
import { geoChoice, weightedChoices } from './weighted.ts';
import type { ServedZones, SoaData, ZoneIndex } from './zones.ts';

export type RRData =
  | { address: string }
  | { domain: string }
  | { data: (string | Buffer)[] }
  | { ns: string }
  | Omit<SoaData, 'ttl'>;

export interface RR {
  name: string;
  type: number;
  ttl: number;
  rdata: RRData;
}

export interface Variant {
  p: number;
  rcode: number;
  answer: RR[];
  authority: RR[];
}

export interface Resolution {
  /** False only for REFUSED (not our zone). */
  aa: boolean;
  variants: Variant[];
  /** True when the answer depended on the client's location (cache per location, set ECS scope). */
  geo: boolean;
}

/** Upper bound on enumerated answers (weighted CNAME to weighted target multiplies them). */
export const MAX_VARIANTS = 1024;
const MAX_CHAIN = 8;

const TYPE_NAMES: Partial<Record<number, RecordType>> = {
  [TYPE.A]: 'A',
  [TYPE.AAAA]: 'AAAA',
  [TYPE.CNAME]: 'CNAME',
  [TYPE.TXT]: 'TXT',
  [TYPE.NS]: 'NS',
  [TYPE.SOA]: 'SOA',
};
const TYPE_CODES: Record<RecordType, number> = { A: 1, AAAA: 28, CNAME: 5, TXT: 16, NS: 2, SOA: 6 };

export const REFUSED: Resolution = Object.freeze({
  aa: false,
  geo: false,
  variants: [{ p: 1, rcode: RCODE.REFUSED, answer: [], authority: [] }],
});

export function resolve(zones: ServedZones, name: string, qtype: number, locate: () => Located): Resolution {
  const zone = zones.find(name);
  if (!zone) return REFUSED;
  let located: Located | undefined;
  const ctx: Ctx = {
    zone,
    qtype,
    geo: false,
    out: [],
    locate: () => {
      ctx.geo = true;
      located ??= locate();
      return located;
    },
  };
  walk(ctx, name, [], 1, 0);
  return { aa: true, variants: ctx.out, geo: ctx.geo };
}

interface Ctx {
  zone: ZoneIndex;
  qtype: number;
  geo: boolean;
  out: Variant[];
  locate: () => Located;
}

function walk(ctx: Ctx, name: string, chain: RR[], p: number, depth: number): void {
  if (ctx.out.length >= MAX_VARIANTS) return;
  const { zone, qtype } = ctx;
  // RFC 4592: a name that does not exist (empty non-terminals do) may be synthesised from the
  // wildcard `*.<closest encloser>`; the answer's owner is the name asked, never the `*` name.
  let source = name;
  if (!zone.existing.has(name)) {
    const wildcard = wildcardSource(zone, name);
    if (!wildcard) {
      ctx.out.push({ p, rcode: RCODE.NXDOMAIN, answer: chain, authority: [negativeSoa(zone)] });
      return;
    }
    source = wildcard;
  }
  const types = zone.names.get(source);
  const cname = types?.get('CNAME');
  // RFC 1034 §4.3.2 step 3a: a CNAME answers ANY and CNAME itself, with nothing chased.
  if (cname && (qtype === TYPE.CNAME || qtype === TYPE.ANY)) {
    for (const c of choose(ctx, cname))
      ctx.out.push({
        p: p * c.p,
        rcode: RCODE.NOERROR,
        answer: [...chain, ...toRRs(name, c.record)],
        authority: [],
      });
    return;
  }
  if (cname) {
    for (const c of choose(ctx, cname)) {
      const rr = toRRs(name, c.record)[0]!;
      const target = (rr.rdata as { domain: string }).domain;
      const next = [...chain, rr];
      const inZone = target === zone.apex || target.endsWith(`.${zone.apex}`);
      if (inZone && depth < MAX_CHAIN && !next.some((r) => r.name === target))
        walk(ctx, target, next, p * c.p, depth + 1);
      else ctx.out.push({ p: p * c.p, rcode: RCODE.NOERROR, answer: next, authority: [] });
    }
    return;
  }
  // RFC 8482 §4.1: ANY gets one RRset, not all: the lowest type code present (what Knot answers).
  const type = qtype === TYPE.ANY ? anyType(zone, name, types) : TYPE_NAMES[qtype];
  const rrsets = type ? rrsetChoices(ctx, name, type, types) : [];
  if (rrsets.length === 0) {
    ctx.out.push({ p, rcode: RCODE.NOERROR, answer: chain, authority: [negativeSoa(zone)] });
    return;
  }
  for (const r of rrsets)
    ctx.out.push({ p: p * r.p, rcode: RCODE.NOERROR, answer: [...chain, ...r.rrs], authority: [] });
}

/**
 * The wildcard that synthesises `name` (RFC 4592 §3.3.1): `*.` + its closest encloser (the longest
 * existing ancestor, empty non-terminals included), when that wildcard exists; else undefined.
 */
function wildcardSource(zone: ZoneIndex, name: string): string | undefined {
  if (!zone.hasWildcards) return undefined;
  let n = name;
  while (n !== zone.apex) {
    const dot = n.indexOf('.');
    if (dot < 0 || dot === n.length - 1) return undefined;
    n = n.slice(dot + 1);
    if (zone.existing.has(n)) break;
  }
  const wildcard = `*.${n}`;
  return zone.existing.has(wildcard) ? wildcard : undefined;
}

/** The one type an ANY query is answered with at this name (RFC 8482), or undefined: NODATA. */
function anyType(
  zone: ZoneIndex,
  name: string,
  types: Map<RecordType, RecordSet[]> | undefined,
): RecordType | undefined {
  // Type codes ascending: A 1, NS 2, (CNAME 5 is handled before), SOA 6, TXT 16, AAAA 28.
  if (types?.has('A')) return 'A';
  if (name === zone.apex) return 'NS';
  for (const t of ['TXT', 'AAAA'] as const) if (types?.has(t)) return t;
  return undefined;
}

/** The possible RRsets of one type at a name, with probabilities (synthesised NS/SOA at the apex). */
function rrsetChoices(
  ctx: Ctx,
  name: string,
  type: RecordType,
  types: Map<RecordType, RecordSet[]> | undefined,
): { p: number; rrs: RR[] }[] {
  const { zone } = ctx;
  if (name === zone.apex && type === 'SOA') return [{ p: 1, rrs: [soaRR(zone, zone.soa.ttl)] }];
  if (name === zone.apex && type === 'NS') {
    return [
      { p: 1, rrs: zone.nameservers.map((ns) => ({ name, type: TYPE.NS, ttl: zone.nsTtl, rdata: { ns } })) },
    ];
  }
  const sets = types?.get(type);
  if (!sets || sets.length === 0) return [];
  return choose(ctx, sets).map((c) => ({ p: c.p, rrs: toRRs(name, c.record) }));
}

function choose(ctx: Ctx, sets: readonly RecordSet[]): { p: number; record: RecordSet }[] {
  if (sets.length === 1 && sets[0]!.geo === undefined) return [{ p: 1, record: sets[0]! }];
  if (sets.some((r) => r.geo !== undefined)) {
    const record = geoChoice(sets, ctx.locate().location);
    return record ? [{ p: 1, record }] : [];
  }
  return weightedChoices(sets);
}

function toRRs(name: string, r: RecordSet): RR[] {
  const type = TYPE_CODES[r.type];
  return r.values.map((v) => ({ name, type, ttl: r.ttl, rdata: rdataOf(r.type, v) }));
}

function rdataOf(type: RecordType, value: string): RRData {
  switch (type) {
    case 'A':
    case 'AAAA':
      return { address: value };
    case 'CNAME':
      return { domain: value.endsWith('.') ? value : `${value}.` };
    case 'NS':
      return { ns: value };
    case 'TXT':
      return { data: splitTxt(value) };
    default:
      return { data: [value] };
  }
}

/** A TXT value longer than 255 octets goes out as several character-strings; a short one as text. */
function splitTxt(value: string): (string | Buffer)[] {
  return Buffer.byteLength(value, 'utf8') <= 255 ? [value] : txtStrings(value);
}

function soaRR(zone: ZoneIndex, ttl: number): RR {
  const { ttl: _ttl, ...rdata } = zone.soa;
  return { name: zone.apex, type: TYPE.SOA, ttl, rdata };
}

/** RFC 2308 §3: the SOA in a negative answer carries min(SOA TTL, SOA minimum). */
function negativeSoa(zone: ZoneIndex): RR {
  return soaRR(zone, Math.min(zone.soa.ttl, zone.soa.minimum));
}
